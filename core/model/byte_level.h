#pragma once
// The byte-level alphabet of GPT-2 style BPE tokenizers (Hugging Face ByteLevel): each byte
// stands for one printable Unicode character, so a vocabulary of strings covers every byte.
#include <string>
#include <string_view>

namespace specmoe::byte_level {

// Each byte of `bytes` as its character, UTF-8 encoded ("Ġ" for a space).
std::string encode(std::string_view bytes);

// The bytes a byte-level string stands for. False when `text` holds a character outside
// the alphabet (then `bytes` is incomplete).
bool decode(std::string_view text, std::string& bytes);

} // namespace specmoe::byte_level
