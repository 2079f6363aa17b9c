#pragma once
// A small command-line parser: --name value, --name=value, --flag, positionals.
#include "core/util/progress.h"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace specmoe::cli {

class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& w) : std::runtime_error(w) {}
};

class ArgParser {
public:
    ArgParser(std::string program, std::string summary);

    // Declarations. `def` empty means no default.
    void option(const std::string& name, const std::string& metavar, const std::string& help,
                const std::string& def = {});
    void multiOption(const std::string& name, const std::string& metavar, const std::string& help);
    void flag(const std::string& name, const std::string& help);
    void positional(const std::string& name, const std::string& help, bool required = true);

    // Throws UsageError on unknown options or missing values.
    void parse(const std::vector<std::string>& args);

    bool helpRequested() const { return m_help; }
    std::string help() const;

    bool has(const std::string& name) const;
    std::string get(const std::string& name) const; // value, default or ""
    std::vector<std::string> getAll(const std::string& name) const;
    int64_t getInt(const std::string& name) const;
    double getDouble(const std::string& name) const;
    bool flagSet(const std::string& name) const;
    std::string positionalValue(const std::string& name) const;
    const std::vector<std::string>& extraPositionals() const { return m_extra; }

private:
    struct Opt {
        std::string name, metavar, help, def;
        bool isFlag = false, multi = false;
    };
    struct Pos {
        std::string name, help;
        bool required = true;
    };
    const Opt* find(const std::string& name) const;

    std::string m_program, m_summary;
    std::vector<Opt> m_opts;
    std::vector<Pos> m_pos;
    std::map<std::string, std::vector<std::string>> m_values;
    std::map<std::string, std::string> m_posValues;
    std::vector<std::string> m_extra;
    bool m_help = false;
};

} // namespace specmoe::cli
