#include "core/util/path_json.h"

#include "core/util/error.h"
#include "core/util/utf8.h"

namespace specmoe {
namespace {

constexpr const char* kBytesKey = "bytes_hex";
constexpr const char* kTextKey = "text";

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string bytesFromHex(const std::string& hex, const std::string& where)
{
    if (hex.size() % 2 != 0)
        throw Error(where + ": '" + kBytesKey + "' has an odd number of hex digits");
    std::string out;
    out.reserve(hex.size() / 2);
    for (size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hexDigit(hex[i]), lo = hexDigit(hex[i + 1]);
        if (hi < 0 || lo < 0)
            throw Error(where + ": '" + kBytesKey + "' holds a character that is not a hex digit at " +
                        std::to_string(i + (hi < 0 ? 0 : 1)));
        out.push_back(char(hi * 16 + lo));
    }
    return out;
}

} // namespace

nlohmann::json pathToJson(const std::string& path)
{
    if (isValidUtf8(path))
        return path;
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(path.size() * 2);
    for (const unsigned char c : path) {
        hex.push_back(digits[c >> 4]);
        hex.push_back(digits[c & 15]);
    }
    return {{kBytesKey, hex}, {kTextKey, sanitizeUtf8(path, kReplacementChar)}};
}

nlohmann::json pathsToJson(const std::vector<std::string>& paths)
{
    nlohmann::json a = nlohmann::json::array();
    for (const std::string& p : paths)
        a.push_back(pathToJson(p));
    return a;
}

std::string pathFromJson(const nlohmann::json& j, const std::string& where)
{
    if (j.is_string())
        return j.get<std::string>();
    if (j.is_object()) {
        const auto it = j.find(kBytesKey);
        if (it != j.end() && it->is_string())
            return bytesFromHex(it->get<std::string>(), where);
    }
    throw Error(where + " is not a path (a string, or an object with a string '" + kBytesKey + "'); it is " +
                j.type_name());
}

std::vector<std::string> pathsFromJson(const nlohmann::json& j, const std::string& where)
{
    if (!j.is_array())
        throw Error(where + " is not a list of paths; it is " + j.type_name());
    std::vector<std::string> out;
    out.reserve(j.size());
    for (size_t i = 0; i < j.size(); ++i)
        out.push_back(pathFromJson(j[i], where + "[" + std::to_string(i) + "]"));
    return out;
}

} // namespace specmoe
