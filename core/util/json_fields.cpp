#include "core/util/json_fields.h"
#include "core/util/json_error.h"

#include "core/util/error.h"
#include "core/util/path_json.h"

#include <limits>

namespace specmoe {

JsonFields::JsonFields(const nlohmann::json& object, std::string where)
    : m_object(object), m_where(std::move(where))
{
    if (!m_object.is_object())
        throw Error(m_where + ": expected a JSON object, got " + std::string(m_object.type_name()));
}

bool JsonFields::has(const char* key) const { return find(key) != nullptr; }

std::string JsonFields::field(const char* key) const { return m_where + ": field '" + key + "'"; }

const nlohmann::json* JsonFields::find(const char* key) const
{
    const auto it = m_object.find(key);
    return it == m_object.end() || it->is_null() ? nullptr : &*it;
}

void JsonFields::wrongType(const char* key, const char* expected) const
{
    throw Error(field(key) + " must be " + expected + ", got " + find(key)->dump());
}

void JsonFields::rethrowNamed(const char* key, const std::exception& e) const
{
    throw Error(field(key) + ": " + jsonErrorText(e));
}

void JsonFields::read(const char* key, bool& out) const
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_boolean())
            wrongType(key, "true or false");
        out = v->get<bool>();
    }
}

void JsonFields::read(const char* key, int64_t& out) const
{
    if (const nlohmann::json* v = find(key)) {
        if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
            wrongType(key, "an integer in the 64-bit range");
        if (!v->is_number_integer())
            wrongType(key, "an integer");
        out = v->get<int64_t>();
    }
}

void JsonFields::read(const char* key, int& out) const
{
    int64_t x = out;
    read(key, x);
    if (x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max())
        wrongType(key, "an integer in the 32-bit range");
    out = int(x);
}

void JsonFields::read(const char* key, uint64_t& out) const
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_number_unsigned())
            wrongType(key, "a non-negative integer");
        out = v->get<uint64_t>();
    }
}

void JsonFields::read(const char* key, double& out) const
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_number())
            wrongType(key, "a number");
        out = v->get<double>();
    }
}

void JsonFields::read(const char* key, std::string& out) const
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_string())
            wrongType(key, "a string");
        out = v->get<std::string>();
    }
}

namespace {
template <typename T, typename Check>
bool readArray(const nlohmann::json& v, std::vector<T>& out, Check check)
{
    if (!v.is_array())
        return false;
    std::vector<T> items;
    for (const auto& x : v) {
        if (!check(x))
            return false;
        items.push_back(x.template get<T>());
    }
    out = std::move(items);
    return true;
}
} // namespace

void JsonFields::read(const char* key, std::vector<int>& out) const
{
    if (const nlohmann::json* v = find(key))
        if (!readArray<int>(*v, out, [](const nlohmann::json& x) {
                return x.is_number_integer() && x.get<int64_t>() >= std::numeric_limits<int>::min() &&
                       x.get<int64_t>() <= std::numeric_limits<int>::max();
            }))
            wrongType(key, "an array of integers");
}

void JsonFields::read(const char* key, std::vector<int64_t>& out) const
{
    if (const nlohmann::json* v = find(key))
        if (!readArray<int64_t>(*v, out, [](const nlohmann::json& x) { return x.is_number_integer(); }))
            wrongType(key, "an array of integers");
}

void JsonFields::read(const char* key, std::vector<double>& out) const
{
    if (const nlohmann::json* v = find(key))
        if (!readArray<double>(*v, out, [](const nlohmann::json& x) { return x.is_number(); }))
            wrongType(key, "an array of numbers");
}

void JsonFields::read(const char* key, std::vector<std::string>& out) const
{
    if (const nlohmann::json* v = find(key))
        if (!readArray<std::string>(*v, out, [](const nlohmann::json& x) { return x.is_string(); }))
            wrongType(key, "an array of strings");
}

void JsonFields::readPath(const char* key, std::string& out) const
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_string() && !v->is_object())
            wrongType(key, "a path (a string)");
        out = pathFromJson(*v, field(key));
    }
}

void JsonFields::readPaths(const char* key, std::vector<std::string>& out) const
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_array())
            wrongType(key, "an array of paths (strings)");
        out = pathsFromJson(*v, field(key));
    }
}

void JsonFields::object(const char* key, const std::function<void(const JsonFields&)>& fn) const
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_object())
            wrongType(key, "an object");
        fn(JsonFields(*v, field(key)));
    }
}

void JsonFields::objects(const char* key, const std::function<void(size_t, const JsonFields&)>& fn) const
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_array())
            wrongType(key, "an array of objects");
        for (size_t i = 0; i < v->size(); ++i) {
            const std::string at = field(key) + "[" + std::to_string(i) + "]";
            if (!(*v)[i].is_object())
                throw Error(at + " must be an object, got " + (*v)[i].dump());
            fn(i, JsonFields((*v)[i], at));
        }
    }
}

} // namespace specmoe
