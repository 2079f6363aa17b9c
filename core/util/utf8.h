#pragma once
// UTF-8 for text from outside (corpora, file names, JSON parse errors, names written into
// JSON): validation (data sources skip invalid input; path_json.h tells which paths need
// their bytes kept) and sanitizing (the demo corpus keeps text and replaces the bytes at
// fault; labels written as JSON get U+FFFD). One decoder serves all: overlong forms,
// surrogates and code points above U+10FFFF are ill-formed.
#include <cstddef>
#include <string>
#include <string_view>

namespace specmoe {

// Length in bytes (1-4) of the well-formed UTF-8 sequence that starts at s[i], or 0 when
// the bytes there are ill-formed (a stray continuation byte, a truncated or overlong
// sequence, a surrogate, a code point above U+10FFFF). i must be < s.size().
size_t utf8SequenceLength(std::string_view s, size_t i);

// Returns true when `s` is well-formed UTF-8; otherwise false and *badOffset (when given)
// receives the byte offset of the first ill-formed sequence.
bool isValidUtf8(std::string_view s, size_t* badOffset = nullptr);

// `s` with every byte that does not start a well-formed sequence (and is not inside one)
// replaced by `replacement`; well-formed text comes back unchanged. The result is valid
// UTF-8 when the replacement is.
std::string sanitizeUtf8(std::string_view s, std::string_view replacement = "?");

// U+FFFD REPLACEMENT CHARACTER, for text that JSON must hold but nothing reads back as a path.
inline constexpr char kReplacementChar[] = "\xEF\xBF\xBD";

// True when the bytes look binary (a NUL byte in them).
bool looksBinary(std::string_view s);

} // namespace specmoe
