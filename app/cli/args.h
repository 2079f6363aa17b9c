#pragma once
// A small command-line parser: --name value, --name=value, --flag, positionals.
#include "core/util/progress.h"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
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
    // The words after the declared positionals (at least one unless not required):
    // `import ... INPUT...`.
    void positionalList(const std::string& name, const std::string& help, bool required = true);

    // Throws UsageError on unknown options, missing values and arguments beyond the
    // declared positionals.
    void parse(const std::vector<std::string>& args);

    bool helpRequested() const { return m_help; }
    std::string help() const;

    bool has(const std::string& name) const;
    std::string get(const std::string& name) const; // value, default or ""
    std::vector<std::string> getAll(const std::string& name) const;
    int64_t getInt(const std::string& name) const;
    double getDouble(const std::string& name) const;
    // The same, and a value outside lo..hi is a UsageError naming the option, the value and
    // the range accepted (hi = INT64_MAX / infinity: no upper bound; loExclusive: > lo).
    int64_t getInt(const std::string& name, int64_t lo, int64_t hi) const;
    double getDouble(const std::string& name, double lo, double hi, bool loExclusive = false) const;
    bool flagSet(const std::string& name) const;
    std::string positionalValue(const std::string& name) const;
    std::vector<std::string> positionalValues(const std::string& name) const; // a positionalList

private:
    struct Opt {
        std::string name, metavar, help, def;
        bool isFlag = false, multi = false;
    };
    struct Pos {
        std::string name, help;
        bool required = true;
        bool list = false;
    };
    const Opt* find(const std::string& name) const;
    std::string unexpectedArgument(const std::string& arg) const;

    std::string m_program, m_summary;
    std::vector<Opt> m_opts;
    std::vector<Pos> m_pos;
    std::map<std::string, std::vector<std::string>> m_values;
    std::map<std::string, std::string> m_posValues;
    std::vector<std::string> m_listValues;
    bool m_help = false;
};

// The most threads a --threads option accepts (0 = the default).
inline constexpr int kMaxThreads = 1024;

// Default texts of options, written from a parameter struct's values: integers as is,
// numbers in the shortest form that reads back equal (0.003, not 0.003000), lists with
// commas ("1,2"; an empty list as `empty`).
std::string shortestNumber(double x);
template <typename T>
std::string numberText(T x)
{
    if constexpr (std::is_integral_v<T>)
        return std::to_string(x);
    else
        return shortestNumber(double(x));
}
template <typename T>
std::string listText(const std::vector<T>& values, const std::string& empty = "none")
{
    std::string out;
    for (const T& v : values)
        out += (out.empty() ? "" : ",") + numberText(v);
    return out.empty() ? empty : out;
}
// An option whose value a core parse function reads (an enum's): its error becomes a
// UsageError naming the option.
template <typename T, typename Parse>
T parseOption(const ArgParser& args, const std::string& name, Parse parse)
{
    try {
        return parse(args.get(name));
    } catch (const std::exception& e) {
        throw UsageError("--" + name + ": " + e.what());
    }
}

// "1,2,3" -> {1, 2, 3}, each in lo..hi; empty items are skipped. Throws UsageError naming
// --option and the item at fault.
std::vector<int> parseIntList(const std::string& text, const std::string& option, int lo, int hi);

} // namespace specmoe::cli
