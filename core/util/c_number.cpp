#include "core/util/c_number.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace specmoe {

std::string cNumber(double v, int digits)
{
    if (std::isnan(v))
        return "nan";
    char buf[64];
    const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits);
    return std::string(buf, r.ptr);
}

bool parseCNumber(const std::string& s, double& out)
{
    const char* first = s.data();
    const char* last = s.data() + s.size();
    if (first != last && *first == '+') // strtod took a leading '+', from_chars does not
        ++first;
    const std::from_chars_result r = std::from_chars(first, last, out);
    return !s.empty() && r.ec == std::errc() && r.ptr == last;
}

} // namespace specmoe
