#include "core/speculate/st_io.h"

#include "core/util/atomic_file.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace specmoe::speculate {

static size_t elemSize(const std::string& dt)
{
    if (dt == "F32" || dt == "I32")
        return 4;
    if (dt == "I64" || dt == "F64")
        return 8;
    if (dt == "U8" || dt == "I8" || dt == "BOOL")
        return 1;
    if (dt == "F16" || dt == "BF16" || dt == "I16")
        return 2;
    return 0;
}

void writeText(const std::string& path, const std::string& text)
{
    writeFileAtomic(path, text); // fsynced: a killed run keeps the previous file or the new one
}

std::string readText(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
        throw Error("cannot read " + path);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

void writeTensorFile(const std::string& path, const std::vector<NamedArray>& arrays,
                     const std::map<std::string, std::string>& metadata)
{
    nlohmann::ordered_json h;
    if (!metadata.empty())
        h["__metadata__"] = metadata;
    uint64_t off = 0;
    for (const auto& a : arrays) {
        size_t n = 1;
        for (int64_t s : a.shape)
            n *= size_t(s);
        if (elemSize(a.dtype) == 0 || n * elemSize(a.dtype) != a.bytes.size())
            throw Error(path + ": tensor '" + a.name + "' has " + std::to_string(a.bytes.size()) +
                        " bytes, which does not match its shape and dtype " + a.dtype);
        if (h.contains(a.name))
            throw Error(path + ": duplicate tensor '" + a.name + "'");
        h[a.name] = {{"dtype", a.dtype}, {"shape", a.shape}, {"data_offsets", {off, off + a.bytes.size()}}};
        off += a.bytes.size();
    }
    std::string hs = h.dump();
    while (hs.size() % 8)
        hs.push_back(' ');
    std::string out;
    out.reserve(8 + hs.size() + off);
    uint64_t len = hs.size();
    for (int i = 0; i < 8; ++i)
        out.push_back(char((len >> (8 * i)) & 0xff));
    out += hs;
    for (const auto& a : arrays)
        out.append(reinterpret_cast<const char*>(a.bytes.data()), a.bytes.size());
    writeText(path, out);
}

std::vector<NamedArray> readTensorFile(const std::string& path)
{
    const std::string data = readText(path);
    if (data.size() < 8)
        throw Error(path + ": not a safetensors file (shorter than 8 bytes)");
    uint64_t len = 0;
    for (int i = 0; i < 8; ++i)
        len |= uint64_t(uint8_t(data[size_t(i)])) << (8 * i);
    if (len > data.size() - 8)
        throw Error(path + ": header length beyond the end of the file");
    nlohmann::json h;
    try {
        h = nlohmann::json::parse(data.substr(8, len));
    } catch (const std::exception& e) {
        throw Error(path + ": header is not valid JSON: " + e.what());
    }
    const size_t base = 8 + len;
    std::vector<std::pair<uint64_t, NamedArray>> items;
    for (auto it = h.begin(); it != h.end(); ++it) {
        if (it.key() == "__metadata__")
            continue;
        try {
            NamedArray a;
            a.name = it.key();
            a.dtype = it.value().at("dtype").get<std::string>();
            a.shape = it.value().at("shape").get<std::vector<int64_t>>();
            const auto offs = it.value().at("data_offsets").get<std::vector<uint64_t>>();
            size_t n = 1;
            for (int64_t s : a.shape)
                n *= size_t(s);
            if (offs.size() != 2 || offs[1] < offs[0] || base + offs[1] > data.size() ||
                elemSize(a.dtype) == 0 || offs[1] - offs[0] != n * elemSize(a.dtype))
                throw Error("bad offsets, shape or dtype");
            a.bytes.assign(data.begin() + long(base + offs[0]), data.begin() + long(base + offs[1]));
            items.emplace_back(offs[0], std::move(a));
        } catch (const std::exception& e) {
            throw Error(path + ": tensor '" + it.key() + "': " + e.what());
        }
    }
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<NamedArray> out;
    for (auto& it : items)
        out.push_back(std::move(it.second));
    return out;
}

} // namespace specmoe::speculate
