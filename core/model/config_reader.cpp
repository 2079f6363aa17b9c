#include "core/model/config_reader.h"

#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace specmoe {
namespace {

// Sizes beyond this are refused: real configs stay far below it, and products of a few
// sizes (parameter and byte counts) then fit in int64.
constexpr int64_t kMaxSize = int64_t(1) << 31;

} // namespace

bool ConfigReader::has(const char* field) const
{
    auto it = m_j.find(field);
    return it != m_j.end() && !it->is_null();
}

bool ConfigReader::isNull(const char* field) const
{
    auto it = m_j.find(field);
    return it != m_j.end() && it->is_null();
}

void ConfigReader::fail(const std::string& field, const std::string& why) const
{
    throw Error(m_source + ": field \"" + field + "\" " + why);
}

int64_t ConfigReader::requireInt(const char* field, bool positive) const
{
    auto it = m_j.find(field);
    if (it == m_j.end() || it->is_null())
        fail(field, "is required");
    // One beyond int64's range must not reach the cast, which is undefined there.
    if (it->is_number_float()) {
        const double d = it->get<double>();
        if (!std::isfinite(d) || d != std::trunc(d))
            fail(field, "must be an integer");
        if (std::fabs(d) > double(kMaxSize))
            fail(field, "must be at most " + std::to_string(kMaxSize));
    } else if (!it->is_number_integer()) {
        fail(field, "must be an integer");
    }
    if (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(kMaxSize))
        fail(field, "must be at most " + std::to_string(kMaxSize));
    const int64_t v = it->is_number_integer() ? it->get<int64_t>() : int64_t(it->get<double>());
    if (positive && v <= 0)
        fail(field, "must be positive (got " + std::to_string(v) + ")");
    if (v > kMaxSize)
        fail(field, "must be at most " + std::to_string(kMaxSize));
    return v;
}

int64_t ConfigReader::intOr(const char* field, int64_t fallback, bool positive) const
{
    return has(field) ? requireInt(field, positive) : fallback;
}

double ConfigReader::requireNumber(const char* field) const
{
    auto it = m_j.find(field);
    if (it == m_j.end() || it->is_null())
        fail(field, "is required");
    if (!it->is_number())
        fail(field, "must be a number");
    return it->get<double>();
}

bool ConfigReader::boolOr(const char* field, bool fallback) const
{
    if (!has(field))
        return fallback;
    const auto& v = m_j.at(field);
    if (!v.is_boolean())
        fail(field, "must be true or false");
    return v.get<bool>();
}

double ConfigReader::numberOr(const char* field, double fallback) const
{
    return has(field) ? requireNumber(field) : fallback;
}

std::string ConfigReader::stringOr(const char* field, const std::string& fallback) const
{
    if (!has(field))
        return fallback;
    const auto& v = m_j.at(field);
    if (!v.is_string())
        fail(field, "must be a string");
    return v.get<std::string>();
}

std::vector<int> ConfigReader::intListOr(const char* field, std::vector<int> fallback) const
{
    if (!has(field))
        return fallback;
    const auto& v = m_j.at(field);
    if (!v.is_array())
        fail(field, "must be a list of integers");
    std::vector<int> out;
    for (const auto& x : v) {
        if (!x.is_number_integer() || x.get<int64_t>() < 0 || x.get<int64_t>() > kMaxSize)
            fail(field, "must be a list of integers within 0.." + std::to_string(kMaxSize));
        out.push_back(int(x.get<int64_t>()));
    }
    return out;
}

} // namespace specmoe
