#pragma once
// nlohmann_json's exception texts start with an id such as "[json.exception.parse_error.101] "
// that means nothing to a user: messages keep the text after it ("parse error at line 1,
// column 20: ...") beside the file and the field they name. A parse error quotes the bytes it
// last read; those that are not UTF-8 are written as \xHH, so that the message prints and can
// itself be stored in a JSON file (a job log, an issue report).
#include "core/util/utf8.h"

#include <cstdio>
#include <exception>
#include <string>

namespace specmoe {

inline std::string jsonErrorText(const std::exception& e)
{
    std::string s = e.what();
    if (s.rfind("[json.exception.", 0) == 0) {
        const size_t end = s.find("] ");
        if (end != std::string::npos)
            s.erase(0, end + 2);
    }
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const size_t n = utf8SequenceLength(s, i);
        if (n > 0) {
            out.append(s, i, n);
            i += n;
            continue;
        }
        char hex[5];
        std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(s[i]));
        out += hex;
        ++i;
    }
    return out;
}

} // namespace specmoe
