#pragma once
// Writing safetensors files (the format Hugging Face checkpoints use). No torch: callers
// pass raw little-endian bytes, e.g. from at::Tensor::data_ptr() of a contiguous CPU tensor.
//
//   std::vector<specmoe::TensorToWrite> ts;
//   ts.push_back({"model.norm.weight", "F32", {256}, t.data_ptr(), t.nbytes()});
//   specmoe::writeSafetensors(dir + "/model.safetensors", ts, {{"format", "pt"}});
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace specmoe {

struct TensorToWrite {
    std::string name;
    std::string dtype;          // "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL", "F64"
    std::vector<int64_t> shape;
    const void* data = nullptr; // C-order, little-endian bytes
    size_t bytes = 0;           // must equal numel * element size
};

// Writes one file: tensors in the given order, header padded to 8 bytes. Throws
// specmoe::Error (naming the file and tensor) on duplicate names, size mismatches or I/O
// failure. The file is written to PATH.tmp, fsynced and renamed, so readers never see half
// a file and a crash leaves the old file or the new one.
void writeSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Writes DIR/model.safetensors, or, when the total exceeds maxShardBytes (> 0),
// DIR/model-0000k-of-0000N.safetensors shards (tensors in order, a new shard when the next
// tensor would overflow) plus DIR/model.safetensors.index.json. Returns the file names.
std::vector<std::string> writeSafetensorsCheckpoint(const std::string& dir,
                                                    const std::vector<TensorToWrite>& tensors,
                                                    uint64_t maxShardBytes,
                                                    const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

// Writes DIR/model.safetensors.index.json: {"metadata": {"total_size": N}, "weight_map": {...}}.
void writeSafetensorsIndex(const std::string& dir, const std::map<std::string, std::string>& weightMap,
                           uint64_t totalSize);

// "model-0000k-of-0000N.safetensors" (k counted from 1).
std::string shardFileName(size_t k, size_t n);

} // namespace specmoe
