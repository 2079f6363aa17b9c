#pragma once
// nlohmann_json's exception texts start with an id such as "[json.exception.parse_error.101] "
// that means nothing to a user: messages keep the text after it ("parse error at line 1,
// column 20: ...") beside the file and the field they name.
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
    return s;
}

} // namespace specmoe
