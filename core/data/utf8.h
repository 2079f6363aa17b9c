#pragma once
// UTF-8 validation for corpus text (overlong forms, surrogates and code points above
// U+10FFFF are invalid).
#include <cstddef>
#include <string_view>

namespace specmoe {

// Returns true when `s` is well-formed UTF-8; otherwise false and *badOffset (when given)
// receives the byte offset of the first ill-formed sequence.
bool isValidUtf8(std::string_view s, size_t* badOffset = nullptr);

// True when the bytes look binary (a NUL byte in them).
bool looksBinary(std::string_view s);

} // namespace specmoe
