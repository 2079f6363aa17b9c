#pragma once
// Test helpers: damage a copy of a trace folder. tamperDataset rewrites one dataset of a shard
// through HDF5 and then records the shard's new size and CRC-32 in the manifest, as a trace
// made by other code (or by hand) would be: its bytes pass the CRC check, its values do not.
#include "core/util/checksum.h"
#include "tests/support/test_support.h"

#include <hdf5.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace specmoe::test {

inline std::string copyGoldenTrace(const TempDir& tmp, const std::string& name = "trace")
{
    const std::string dir = tmp.file(name);
    std::filesystem::copy(dataPath("golden/trace"), dir, std::filesystem::copy_options::recursive);
    return dir;
}

// Records shard `file`'s current size and CRC-32 in dir/manifest.json.
inline void resealShard(const std::string& dir, const std::string& file)
{
    nlohmann::json j = nlohmann::json::parse(readFile(dir + "/manifest.json"));
    for (auto& s : j["shards"])
        if (s["file"] == file) {
            s["bytes"] = int64_t(std::filesystem::file_size(dir + "/" + file));
            s["crc32"] = crc32Hex(crc32File(dir + "/" + file));
        }
    writeFile(dir + "/manifest.json", j.dump(1));
}

// Reads dataset `name` (e.g. "tokens/topk_ids") of dir/file as raw elements of `memType`
// (element size `elemBytes`), lets `edit` change them, writes them back and reseals.
inline void tamperDataset(const std::string& dir, const std::string& file, const std::string& name,
                          hid_t memType, size_t elemBytes, const std::function<void(std::vector<char>&)>& edit)
{
    const std::string path = dir + "/" + file;
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0)
        throw std::runtime_error("cannot open " + path);
    const hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
    const hid_t space = H5Dget_space(d);
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    std::vector<char> buf(size_t(n) * elemBytes);
    const bool ok = d >= 0 && H5Dread(d, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) >= 0;
    if (ok) {
        edit(buf);
        H5Dwrite(d, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
    }
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(f);
    if (!ok)
        throw std::runtime_error("cannot read " + name + " of " + path);
    resealShard(dir, file);
}

// The float16 memory type for tamperDataset on topk_weights / router_logits: the file's
// own type (IEEE binary16), so the bits pass unconverted.
inline hid_t fileTypeOf(const std::string& path, const std::string& name)
{
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
    const hid_t t = H5Dget_type(d);
    H5Dclose(d);
    H5Fclose(f);
    return t; // caller closes with H5Tclose
}

} // namespace specmoe::test
