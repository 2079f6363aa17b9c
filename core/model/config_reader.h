#pragma once
// Typed reads of config.json fields with errors that name the file and the field, shared
// by config.cpp (the fields every family has) and the family files (their own fields).
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

class ConfigReader {
public:
    ConfigReader(const nlohmann::json& j, std::string source) : m_j(j), m_source(std::move(source)) {}

    const std::string& source() const { return m_source; }
    const nlohmann::json& json() const { return m_j; } // for a family's structured fields
    bool has(const char* field) const; // present and not null
    bool isNull(const char* field) const; // present and null (Python's None)
    [[noreturn]] void fail(const std::string& field, const std::string& why) const;

    // Integers: whole floats count (exports write 4096.0); sizes up to 2^31.
    int64_t requireInt(const char* field, bool positive = true) const;
    int64_t intOr(const char* field, int64_t fallback, bool positive = true) const;
    double requireNumber(const char* field) const;
    bool boolOr(const char* field, bool fallback) const;
    double numberOr(const char* field, double fallback) const;
    std::string stringOr(const char* field, const std::string& fallback) const;
    // A list of integers (mlp_only_layers); an absent or null field gives `fallback`.
    std::vector<int> intListOr(const char* field, std::vector<int> fallback) const;

private:
    const nlohmann::json& m_j;
    std::string m_source;
};

} // namespace specmoe
