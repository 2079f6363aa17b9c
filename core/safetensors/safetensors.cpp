#include "core/safetensors/safetensors.h"
#include "core/util/json_error.h"

#include "core/util/error.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace specmoe {

using nlohmann::json;

size_t stDTypeSize(StDType t)
{
    switch (t) {
    case StDType::F64: case StDType::I64: return 8;
    case StDType::F32: case StDType::I32: return 4;
    case StDType::F16: case StDType::BF16: case StDType::I16: return 2;
    case StDType::I8: case StDType::U8: case StDType::BOOL: return 1;
    }
    return 0;
}

std::string stDTypeName(StDType t)
{
    switch (t) {
    case StDType::F64: return "F64";
    case StDType::F32: return "F32";
    case StDType::F16: return "F16";
    case StDType::BF16: return "BF16";
    case StDType::I64: return "I64";
    case StDType::I32: return "I32";
    case StDType::I16: return "I16";
    case StDType::I8: return "I8";
    case StDType::U8: return "U8";
    case StDType::BOOL: return "BOOL";
    }
    return "?";
}

StDType parseStDType(const std::string& n, const std::string& where)
{
    static const std::pair<const char*, StDType> table[] = {
        {"F64", StDType::F64}, {"F32", StDType::F32}, {"F16", StDType::F16}, {"BF16", StDType::BF16},
        {"I64", StDType::I64}, {"I32", StDType::I32}, {"I16", StDType::I16}, {"I8", StDType::I8},
        {"U8", StDType::U8},   {"BOOL", StDType::BOOL}};
    for (const auto& [name, t] : table)
        if (n == name)
            return t;
    throw Error(where + ": unsupported dtype \"" + n + "\"");
}

int64_t TensorEntry::numel() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

// ---------------------------------------------------------------------------------------
MappedFile::MappedFile(const std::string& path) : m_path(path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        throw Error(path + ": cannot stat (" + std::strerror(e) + ")");
    }
    if (!S_ISREG(st.st_mode)) {
        // A folder where model.safetensors should be used to fail as "cannot map (No such device)".
        ::close(fd);
        throw Error(path + (S_ISDIR(st.st_mode) ? ": is a folder" : ": is not a regular file") +
                    ", not a safetensors file (accepted: a regular file in the safetensors format)");
    }
    m_size = static_cast<uint64_t>(st.st_size);
    if (m_size > 0) {
        void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const int e = errno;
            ::close(fd);
            throw Error(path + ": cannot map (" + std::strerror(e) + ")");
        }
        m_data = static_cast<const uint8_t*>(p);
    }
    m_fd = fd; // kept for readInto()
}

MappedFile::~MappedFile()
{
    if (m_data)
        ::munmap(const_cast<uint8_t*>(m_data), m_size);
    if (m_fd >= 0)
        ::close(m_fd);
}

void MappedFile::readInto(void* dst, uint64_t offset, uint64_t len) const
{
    auto* out = static_cast<uint8_t*>(dst);
    uint64_t done = 0;
    while (done < len) {
        const size_t chunk = static_cast<size_t>(std::min<uint64_t>(len - done, uint64_t(1) << 30));
        const ssize_t r = ::pread(m_fd, out + done, chunk, static_cast<off_t>(offset + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            throw Error(m_path + ": cannot read " + std::to_string(len) + " bytes at offset " +
                        std::to_string(offset) + (r < 0 ? " (" + std::string(std::strerror(errno)) + ")"
                                                        : " (the file is shorter)"));
        done += static_cast<uint64_t>(r);
    }
}

void MappedFile::willNeed(uint64_t offset, uint64_t len) const
{
    // Read ahead into the page cache for the readInto() calls to come.
    if (m_fd >= 0 && offset < m_size)
        ::posix_fadvise(m_fd, static_cast<off_t>(offset), static_cast<off_t>(std::min(len, m_size - offset)),
                        POSIX_FADV_WILLNEED);
}

// ---------------------------------------------------------------------------------------
SafetensorsFile::SafetensorsFile(const std::string& path) : m_file(std::make_unique<MappedFile>(path))
{
    const uint64_t size = m_file->size();
    if (size < 8)
        throw Error(path + ": truncated safetensors file (" + std::to_string(size) +
                    " bytes, the 8-byte header length is missing)");
    uint64_t n = 0;
    const uint8_t* d = m_file->data();
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | d[i];
    if (n > 100000000ull)
        throw Error(path + ": header length " + std::to_string(n) + " exceeds the 100,000,000 byte limit");
    if (n > size - 8)
        throw Error(path + ": header length " + std::to_string(n) + " runs beyond the end of the file (" +
                    std::to_string(size) + " bytes; truncated?)");
    m_dataStart = 8 + n;
    const uint64_t bufferSize = size - m_dataStart;

    // Parse, refusing duplicate top-level names (nlohmann keeps only the last).
    std::set<std::string> seen;
    std::string duplicate;
    json header;
    try {
        const auto* begin = reinterpret_cast<const char*>(d + 8);
        header = json::parse(begin, begin + n,
                             [&](int depth, json::parse_event_t ev, json& parsed) {
                                 if (depth == 1 && ev == json::parse_event_t::key) {
                                     const auto k = parsed.get<std::string>();
                                     if (!seen.insert(k).second && duplicate.empty())
                                         duplicate = k;
                                 }
                                 return true;
                             });
    } catch (const std::exception& e) {
        throw Error(path + ": header is not valid JSON (" + jsonErrorText(e) + ")");
    }
    if (!duplicate.empty())
        throw Error(path + ": tensor \"" + duplicate + "\" appears twice in the header");
    if (!header.is_object())
        throw Error(path + ": header is not a JSON object");

    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& name = it.key();
        const json& v = it.value();
        const std::string where = path + ": tensor \"" + name + "\"";
        if (name == "__metadata__") {
            if (!v.is_object())
                throw Error(path + ": __metadata__ is not an object");
            for (auto m = v.begin(); m != v.end(); ++m) {
                if (!m.value().is_string())
                    throw Error(path + ": __metadata__ value \"" + m.key() + "\" is not a string");
                m_metadata[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
            throw Error(where + ": entry needs dtype, shape and data_offsets");
        if (!v["dtype"].is_string())
            throw Error(where + ": dtype is not a string");
        TensorEntry e;
        e.name = name;
        e.dtype = parseStDType(v["dtype"].get<std::string>(), where);
        if (!v["shape"].is_array())
            throw Error(where + ": shape is not a list");
        uint64_t numel = 1;
        for (const auto& s : v["shape"]) {
            if (!s.is_number_unsigned())
                throw Error(where + ": shape holds a value that is not a non-negative integer");
            const uint64_t dim = s.get<uint64_t>();
            // numel below 2^59 keeps numel x element size (at most 8 bytes) from wrapping.
            if (dim != 0 && numel > (uint64_t(1) << 59) / dim)
                throw Error(where + ": shape is too large");
            numel *= dim;
            e.shape.push_back(static_cast<int64_t>(dim));
        }
        const json& off = v["data_offsets"];
        if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
            throw Error(where + ": data_offsets must be two non-negative integers");
        e.begin = off[0].get<uint64_t>();
        e.end = off[1].get<uint64_t>();
        if (e.end < e.begin)
            throw Error(where + ": data_offsets end " + std::to_string(e.end) + " is before begin " +
                        std::to_string(e.begin));
        if (e.end > bufferSize)
            throw Error(where + ": data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                        ") run past the data buffer (" + std::to_string(bufferSize) + " bytes; truncated?)");
        const uint64_t expect = numel * stDTypeSize(e.dtype);
        if (e.end - e.begin != expect)
            throw Error(where + ": byte size " + std::to_string(e.end - e.begin) + " != numel " +
                        std::to_string(numel) + " x " + std::to_string(stDTypeSize(e.dtype)) + " (" +
                        stDTypeName(e.dtype) + ")");
        m_tensors.push_back(std::move(e));
    }

    // Offsets contiguous from 0, no gaps, no overlaps, buffer covered exactly.
    std::vector<size_t> order(m_tensors.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const auto& x = m_tensors[a];
        const auto& y = m_tensors[b];
        return x.begin != y.begin ? x.begin < y.begin : x.end < y.end;
    });
    uint64_t pos = 0;
    for (size_t i : order) {
        const auto& e = m_tensors[i];
        if (e.begin < pos)
            throw Error(path + ": tensor \"" + e.name + "\": data_offsets [" + std::to_string(e.begin) + ", " +
                        std::to_string(e.end) + ") overlap the previous tensor (ends at " + std::to_string(pos) + ")");
        if (e.begin > pos)
            throw Error(path + ": tensor \"" + e.name + "\": gap before data_offsets begin " +
                        std::to_string(e.begin) + " (previous tensor ends at " + std::to_string(pos) + ")");
        pos = e.end;
    }
    if (pos != bufferSize)
        throw Error(path + ": data buffer is " + std::to_string(bufferSize) + " bytes but the tensors cover " +
                    std::to_string(pos) + " (truncated or trailing bytes)");
    for (size_t i = 0; i < m_tensors.size(); ++i)
        m_index[m_tensors[i].name] = i;
}

const TensorEntry* SafetensorsFile::find(const std::string& name) const
{
    auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

// ---------------------------------------------------------------------------------------
namespace {
// The model*.safetensors files of a folder, sorted: the weights when it has neither an index
// nor model.safetensors. `ec` says when the folder cannot be listed.
std::vector<fs::path> modelSafetensorsFiles(const fs::path& root, std::error_code& ec)
{
    std::vector<fs::path> found;
    for (const auto& de : fs::directory_iterator(root, ec)) {
        const auto name = de.path().filename().string();
        if (name.rfind("model", 0) == 0 && de.path().extension() == ".safetensors")
            found.push_back(de.path());
    }
    std::sort(found.begin(), found.end());
    return found;
}
} // namespace

bool hasCheckpointFiles(const std::string& dir)
{
    const fs::path root(dir);
    std::error_code ec;
    if (fs::exists(root / "model.safetensors.index.json", ec) || fs::exists(root / "model.safetensors", ec))
        return true;
    // A folder that cannot be listed counts as having files: CheckpointFiles names the cause.
    return !modelSafetensorsFiles(root, ec).empty() || bool(ec);
}

CheckpointFiles::CheckpointFiles(const std::string& dir) : m_dir(dir)
{
    const fs::path root(dir);
    const fs::path single = root / "model.safetensors";
    const fs::path index = root / "model.safetensors.index.json";
    auto addFile = [&](const fs::path& p) -> SafetensorsFile* {
        m_files.push_back(std::make_unique<SafetensorsFile>(p.string()));
        return m_files.back().get();
    };
    auto addRef = [&](const SafetensorsFile* f, const TensorEntry* e) {
        if (m_refs.count(e->name))
            throw Error(f->path() + ": tensor \"" + e->name + "\" also appears in " +
                        m_refs[e->name].file->path());
        m_refs[e->name] = Ref{f, e};
    };

    if (fs::exists(index)) {
        const std::string text = readFile(index.string(), "the weight index");
        json j;
        try {
            j = json::parse(text);
        } catch (const std::exception& e) {
            throw Error(index.string() + ": not valid JSON (" + jsonErrorText(e) + ")");
        }
        if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
            throw Error(index.string() + ": field \"weight_map\" is missing or not an object");
        std::map<std::string, SafetensorsFile*> byName;
        std::map<std::string, std::string> firstTensor;
        for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it)
            if (it.value().is_string() && !firstTensor.count(it.value().get<std::string>()))
                firstTensor[it.value().get<std::string>()] = it.key();
        for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
            if (!it.value().is_string())
                throw Error(index.string() + ": weight_map entry \"" + it.key() + "\" is not a file name");
            const std::string file = it.value().get<std::string>();
            if (file.find('/') != std::string::npos || file == ".." || file.empty())
                throw Error(index.string() + ": weight_map entry \"" + it.key() + "\" names a bad file \"" + file + "\"");
            if (!byName.count(file)) {
                const fs::path p = root / file;
                if (!fs::exists(p))
                    throw Error(index.string() + ": shard \"" + file + "\" (holding tensor \"" + firstTensor[file] +
                                "\") is missing from " + dir);
                byName[file] = addFile(p);
            }
            const SafetensorsFile* f = byName[file];
            const TensorEntry* e = f->find(it.key());
            if (!e)
                throw Error(f->path() + ": tensor \"" + it.key() + "\" named in " + index.filename().string() +
                            " is not in this shard");
            addRef(f, e);
        }
        if (j.contains("metadata") && j["metadata"].is_object() && j["metadata"].contains("total_size") &&
            j["metadata"]["total_size"].is_number_unsigned()) {
            uint64_t total = 0;
            for (const auto& [n, r] : m_refs)
                total += r.entry->bytes();
            const uint64_t declared = j["metadata"]["total_size"].get<uint64_t>();
            if (declared != total)
                throw Error(index.string() + ": field \"metadata.total_size\" is " + std::to_string(declared) +
                            " but the mapped tensors hold " + std::to_string(total) + " bytes");
        }
    } else if (fs::exists(single)) {
        const SafetensorsFile* f = addFile(single);
        for (const auto& e : f->tensors())
            addRef(f, &e);
    } else {
        std::error_code ec;
        const std::vector<fs::path> found = modelSafetensorsFiles(root, ec);
        if (ec)
            throw Error(dir + ": cannot list the folder (" + ec.message() + ")");
        if (found.empty())
            throw Error(dir + ": no model.safetensors, model.safetensors.index.json or model*.safetensors found");
        for (const auto& p : found) {
            const SafetensorsFile* f = addFile(p);
            for (const auto& e : f->tensors())
                addRef(f, &e);
        }
    }
}

bool CheckpointFiles::has(const std::string& name) const { return m_refs.count(name) != 0; }

CheckpointFiles::Ref CheckpointFiles::get(const std::string& name) const
{
    auto it = m_refs.find(name);
    if (it == m_refs.end())
        throw Error(m_dir + ": tensor \"" + name + "\" is missing from the checkpoint");
    return it->second;
}

std::vector<std::string> CheckpointFiles::names() const
{
    std::vector<std::string> out;
    for (const auto& [n, r] : m_refs)
        out.push_back(n);
    return out;
}

uint64_t CheckpointFiles::bytesOnDisk() const
{
    uint64_t t = 0;
    for (const auto& f : m_files)
        t += f->file().size();
    return t;
}

} // namespace specmoe
