#pragma once
// Predictor weights and statistics (NamedArray) in safetensors files, through
// core/safetensors, the reader and writer of the model checkpoints (internal to core/speculate).
#include "core/speculate/stats.h"

#include <map>
#include <string>
#include <vector>

namespace specmoe::speculate {

// Writes PATH.tmp, fsyncs it and renames it. Throws specmoe::Error naming the file.
void writeTensorFile(const std::string& path, const std::vector<NamedArray>& arrays,
                     const std::map<std::string, std::string>& metadata = {});
// Reads every tensor, in file order. Throws specmoe::Error naming the file at fault.
std::vector<NamedArray> readTensorFile(const std::string& path);

// Whole-file text helpers with errors naming the file; writeText is atomic and durable
// (core/util/atomic_file: tmp, fsync, rename).
std::string readText(const std::string& path);
void writeText(const std::string& path, const std::string& text);

} // namespace specmoe::speculate
