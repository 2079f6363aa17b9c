#pragma once
// Crash-safe file replacement: write a temporary beside the target, fsync it, rename it
// over the target, fsync the folder. Readers see the old or the new content, never a mix.
#include <string>

namespace specmoe {

// Replaces `path` with `content` atomically. Throws specmoe::Error naming the file.
void writeFileAtomic(const std::string& path, const std::string& content);

// Renames `from` to `to` (same file system) and fsyncs the folder of `to`.
void renameDurable(const std::string& from, const std::string& to);

// fsync of a file or folder; throws specmoe::Error naming it.
void fsyncPath(const std::string& path);

} // namespace specmoe
