#include "app/cli/id_list.h"

#include "app/cli/args.h"

#include <stdexcept>

namespace specmoe::cli {
namespace {

// The whole of `text` as an integer, or nullopt-like failure via the bool.
bool parseWhole(const std::string& text, int64_t& value)
{
    if (text.empty())
        return false;
    try {
        size_t used = 0;
        value = std::stoll(text, &used);
        return used == text.size();
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace

std::vector<int64_t> parseIdList(const std::vector<std::string>& values, const std::string& option,
                                 const IdListRules& rules)
{
    const std::string bounds = rules.hi == INT64_MAX ? " (>= " + std::to_string(rules.lo) + ")"
                                                     : " (" + std::to_string(rules.lo) + ".." + std::to_string(rules.hi) + ")";
    std::vector<int64_t> out;
    for (const std::string& v : values) {
        size_t start = 0;
        while (start <= v.size()) {
            const size_t comma = v.find(',', start);
            const std::string item = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            start = comma == std::string::npos ? v.size() + 1 : comma + 1;
            if (item.empty())
                continue;
            // A dash after the first character separates a range ("-3" alone is one id).
            const size_t dash = item.find('-', 1);
            int64_t a = 0, b = 0;
            const bool ok = dash == std::string::npos ? parseWhole(item, a) && (b = a, true)
                                                      : parseWhole(item.substr(0, dash), a) && parseWhole(item.substr(dash + 1), b);
            if (!ok || a < rules.lo || b > rules.hi || b < a || b - a > 100000000)
                throw UsageError("option --" + option + ": '" + item + "' is not " + rules.what + " or a range a-b" + bounds);
            for (int64_t x = a; x <= b; ++x)
                out.push_back(x);
        }
    }
    return out;
}

} // namespace specmoe::cli
