#pragma once
// File system paths in our JSON files. Linux paths are bytes, JSON text is UTF-8: a path
// that is UTF-8 text is written as a plain string (as every file before this encoding did);
// any other path as an object that keeps its bytes,
//   {"bytes_hex": "2f746d702f6dff", "text": "/tmp/m\uFFFD"}
// bytes_hex: every byte of the path as two lower-case hex digits (what readers use); text:
// the path with U+FFFD for the bytes that are not UTF-8 (for people and other tools only).
// Readers take either form, so files written before stay readable. docs/trace-format.md.
// Provenance that nothing reopens is written with sanitizeUtf8(s, kReplacementChar) instead.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace specmoe {

nlohmann::json pathToJson(const std::string& path);
nlohmann::json pathsToJson(const std::vector<std::string>& paths);

// The path `j` holds; throws specmoe::Error naming `where` (e.g. "manifest.json: field
// 'model_dir'") when `j` is neither form or its bytes_hex is not hex.
std::string pathFromJson(const nlohmann::json& j, const std::string& where);
// A list of paths (each either form); `where` gets "[i]" for the entry at fault.
std::vector<std::string> pathsFromJson(const nlohmann::json& j, const std::string& where);

} // namespace specmoe
