#pragma once
// Predictor weights and statistics (NamedArray) in safetensors files, through
// core/safetensors, the reader and writer of the model checkpoints (internal to
// core/speculate).
#include "core/speculate/stats.h"

#include <map>
#include <string>
#include <vector>

namespace specmoe::speculate {

// Writes PATH.tmp, fsyncs it and renames it. Throws specmoe::Error naming the file.
void writeTensorFile(const std::string& path, const std::vector<NamedArray>& arrays,
                     const std::map<std::string, std::string>& metadata = {});
// Reads every tensor, in file order. Throws specmoe::Error naming the file at fault, and
// the tensor when a float tensor holds NaN or an infinity.
std::vector<NamedArray> readTensorFile(const std::string& path);

} // namespace specmoe::speculate
