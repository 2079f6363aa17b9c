#include "core/safetensors/safetensors_writer.h"

#include "core/safetensors/safetensors.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

namespace fs = std::filesystem;

namespace specmoe {

using nlohmann::json;

void writeSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata)
{
    json header = json::object();
    std::set<std::string> names;
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        const std::string where = path + ": tensor \"" + t.name + "\"";
        if (t.name == "__metadata__" || !names.insert(t.name).second)
            throw Error(where + ": duplicate or reserved name");
        const StDType dt = parseStDType(t.dtype, where);
        uint64_t numel = 1;
        for (int64_t d : t.shape) {
            if (d < 0)
                throw Error(where + ": negative dimension");
            numel *= static_cast<uint64_t>(d);
        }
        if (numel * stDTypeSize(dt) != t.bytes)
            throw Error(where + ": " + std::to_string(t.bytes) + " bytes given, shape and dtype need " +
                        std::to_string(numel * stDTypeSize(dt)));
        if (t.bytes > 0 && !t.data)
            throw Error(where + ": no data");
        header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes}}};
        offset += t.bytes;
    }
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::string h = header.dump();
    while (h.size() % 8 != 0)
        h.push_back(' ');

    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error(tmp + ": cannot create");
        uint8_t len[8];
        uint64_t n = h.size();
        for (int i = 0; i < 8; ++i)
            len[i] = static_cast<uint8_t>(n >> (8 * i));
        errno = 0; // a failed write leaves its cause here (ENOSPC, or EFBIG under ulimit -f)
        out.write(reinterpret_cast<const char*>(len), 8);
        out.write(h.data(), static_cast<std::streamsize>(h.size()));
        for (const auto& t : tensors) {
            // Write in chunks so very large tensors do not hit stream limits.
            const char* p = static_cast<const char*>(t.data);
            size_t left = t.bytes;
            while (left > 0) {
                const size_t chunk = std::min<size_t>(left, size_t(1) << 30);
                out.write(p, static_cast<std::streamsize>(chunk));
                p += chunk;
                left -= chunk;
            }
        }
        out.flush();
        if (!out) {
            const int e = errno;
            out.close();
            std::error_code ec;
            fs::remove(tmp, ec); // a partial file helps no one
            throw Error(tmp + ": write failed: " + (e != 0 ? std::string(std::strerror(e)) : "disk full?"));
        }
    }
    // Durable: a run killed at any point leaves the old file or the new one (predictor
    // checkpoints are replaced every epoch).
    fsyncPath(tmp);
    renameDurable(tmp, path);
}

std::vector<std::string> writeSafetensorsCheckpoint(const std::string& dir, const std::vector<TensorToWrite>& tensors,
                                                    uint64_t maxShardBytes,
                                                    const std::map<std::string, std::string>& metadata)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw Error(dir + ": cannot create folder (" + ec.message() + ")");
    uint64_t total = 0;
    for (const auto& t : tensors)
        total += t.bytes;
    if (maxShardBytes == 0 || total <= maxShardBytes) {
        writeSafetensors(dir + "/model.safetensors", tensors, metadata);
        fs::remove(dir + "/model.safetensors.index.json", ec);
        return {"model.safetensors"};
    }
    std::vector<std::vector<TensorToWrite>> shards(1);
    uint64_t size = 0;
    for (const auto& t : tensors) {
        if (!shards.back().empty() && size + t.bytes > maxShardBytes) {
            shards.emplace_back();
            size = 0;
        }
        shards.back().push_back(t);
        size += t.bytes;
    }
    std::vector<std::string> files;
    std::map<std::string, std::string> wmap;
    const size_t n = shards.size();
    for (size_t i = 0; i < n; ++i) {
        const std::string name = shardFileName(i + 1, n);
        writeSafetensors(dir + "/" + name, shards[i], metadata);
        for (const auto& t : shards[i])
            wmap[t.name] = name;
        files.push_back(name);
    }
    writeSafetensorsIndex(dir, wmap, total);
    fs::remove(dir + "/model.safetensors", ec);
    return files;
}

std::string shardFileName(size_t k, size_t n)
{
    char name[64];
    std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", k, n);
    return name;
}

void writeSafetensorsIndex(const std::string& dir, const std::map<std::string, std::string>& weightMap,
                           uint64_t totalSize)
{
    json index = {{"metadata", {{"total_size", totalSize}}}, {"weight_map", weightMap}};
    const std::string ipath = dir + "/model.safetensors.index.json";
    std::ofstream out(ipath);
    out << index.dump(2) << "\n";
    out.flush();
    if (!out)
        throw Error(ipath + ": write failed");
}

} // namespace specmoe
