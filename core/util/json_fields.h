#pragma once
// Reading parameter structs from JSON: each field is optional (absent keeps the value the
// struct already holds, i.e. its default) and a value of the wrong type throws
// specmoe::Error naming the field and what it expects. Keys the reader does not ask for
// are ignored, so a newer file still reads in an older version.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace specmoe {

class JsonFields {
public:
    // `where` names the object in messages, e.g. "collect parameters" or a file path.
    // Throws Error when `object` is not a JSON object.
    JsonFields(const nlohmann::json& object, std::string where);

    void read(const char* key, bool& out) const;
    void read(const char* key, int& out) const;
    void read(const char* key, int64_t& out) const;
    void read(const char* key, uint64_t& out) const;
    void read(const char* key, double& out) const;
    void read(const char* key, std::string& out) const;
    void read(const char* key, std::vector<int>& out) const;
    void read(const char* key, std::vector<int64_t>& out) const;
    void read(const char* key, std::vector<double>& out) const;
    void read(const char* key, std::vector<std::string>& out) const;
    // A file system path, or a list of them, in either form of path_json.h (a string, or
    // the object that keeps the bytes of a path that is not UTF-8).
    void readPath(const char* key, std::string& out) const;
    void readPaths(const char* key, std::vector<std::string>& out) const;

    // A string field turned into a value by `parse` (an enum's parse function); the parse
    // function's Error is given the field's name.
    template <typename T>
    void read(const char* key, T& out, const std::function<T(const std::string&)>& parse) const
    {
        std::string text;
        read(key, text);
        if (has(key))
            out = parseField<T>(key, text, parse);
    }

    // A nested object (absent: nothing happens), read by `fn` with a JsonFields of its own.
    void object(const char* key, const std::function<void(const JsonFields&)>& fn) const;
    // An array of objects, each read by `fn` (index, fields).
    void objects(const char* key, const std::function<void(size_t, const JsonFields&)>& fn) const;

    bool has(const char* key) const;
    const std::string& where() const { return m_where; }
    // "WHERE: field KEY" for messages.
    std::string field(const char* key) const;

private:
    const nlohmann::json* find(const char* key) const;
    [[noreturn]] void wrongType(const char* key, const char* expected) const;
    template <typename T>
    T parseField(const char* key, const std::string& text,
                 const std::function<T(const std::string&)>& parse) const
    {
        try {
            return parse(text);
        } catch (const std::exception& e) {
            rethrowNamed(key, e);
        }
    }
    [[noreturn]] void rethrowNamed(const char* key, const std::exception& e) const;

    const nlohmann::json& m_object;
    std::string m_where;
};

} // namespace specmoe
