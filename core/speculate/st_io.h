#pragma once
// Minimal safetensors reading and writing for predictor files (internal to core/speculate).
// specmoe_speculate does not link specmoe_model, whose reader/writer serve checkpoints; the
// format is the same: u64 little-endian header length, JSON header, raw tensor bytes.
#include "core/speculate/stats.h"

#include <map>
#include <string>
#include <vector>

namespace specmoe::speculate {

// Writes PATH.tmp and renames it. Throws specmoe::Error on I/O failure.
void writeTensorFile(const std::string& path, const std::vector<NamedArray>& arrays,
                     const std::map<std::string, std::string>& metadata = {});
// Reads every tensor (F32, I32, I64, U8). Throws specmoe::Error naming the file at fault.
std::vector<NamedArray> readTensorFile(const std::string& path);

// Whole-file text helpers with errors naming the file; writeText is atomic and durable
// (core/util/atomic_file: tmp, fsync, rename).
std::string readText(const std::string& path);
void writeText(const std::string& path, const std::string& text);

} // namespace specmoe::speculate
