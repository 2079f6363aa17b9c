#pragma once
// Whole-file reads for the small files core keeps (manifests, configurations, tokenizer
// models, reports). Shards and weights have their own readers.
#include <optional>
#include <string>

namespace specmoe {

// The bytes of the file. Throws specmoe::Error "PATH: cannot read WHAT (reason)"; `what`
// names the file's role for the message, e.g. "the trace manifest" (may be empty).
std::string readFile(const std::string& path, const std::string& what = {});

// The same, or nullopt when the file cannot be read (optional inputs such as /proc files).
std::optional<std::string> tryReadFile(const std::string& path);

} // namespace specmoe
