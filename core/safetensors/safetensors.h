#pragma once
// Memory-mapped, validated safetensors reading (single file or sharded checkpoint with
// model.safetensors.index.json). No torch here: tensors are described by plain structs and
// their bytes stay in the mapping until a caller copies them.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace specmoe {

enum class StDType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

size_t stDTypeSize(StDType t);
std::string stDTypeName(StDType t);           // "F32", "BF16", ...
// Throws specmoe::Error naming `where` for an unknown name.
StDType parseStDType(const std::string& name, const std::string& where);

struct TensorEntry {
    std::string name;
    StDType dtype = StDType::F32;
    std::vector<int64_t> shape;
    uint64_t begin = 0; // offsets relative to the data buffer (end exclusive)
    uint64_t end = 0;
    int64_t numel() const;
    uint64_t bytes() const { return end - begin; }
};

// A read-only memory mapping of a whole file (never read into memory at once).
class MappedFile {
public:
    explicit MappedFile(const std::string& path); // throws specmoe::Error
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    const uint8_t* data() const { return m_data; }
    uint64_t size() const { return m_size; }
    const std::string& path() const { return m_path; }
    // Hints the kernel to read [offset, offset+len) ahead.
    void willNeed(uint64_t offset, uint64_t len) const;
    // Copies [offset, offset+len) into dst with pread(): no page of the mapping is touched,
    // so no mapping fault per 4 KiB (loading and CPU streaming copy whole tensors).
    // Throws specmoe::Error on a read error or a short file.
    void readInto(void* dst, uint64_t offset, uint64_t len) const;

private:
    std::string m_path;
    const uint8_t* m_data = nullptr;
    uint64_t m_size = 0;
    int m_fd = -1;
};

// One .safetensors file, header parsed and validated against the format rules:
// header length <= 100,000,000 and inside the file, valid JSON, known dtypes, offsets
// contiguous from 0 without gaps or overlaps, end-begin == numel * element size, the
// data buffer covered exactly, no duplicate names. Errors name the file and the tensor.
class SafetensorsFile {
public:
    explicit SafetensorsFile(const std::string& path);
    const std::string& path() const { return m_file->path(); }
    const std::vector<TensorEntry>& tensors() const { return m_tensors; }
    const TensorEntry* find(const std::string& name) const; // nullptr when absent
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    // Pointer to a tensor's bytes inside the mapping (not aligned in general).
    const uint8_t* bytes(const TensorEntry& e) const { return m_file->data() + m_dataStart + e.begin; }
    uint64_t dataStart() const { return m_dataStart; }
    const MappedFile& file() const { return *m_file; }

private:
    std::unique_ptr<MappedFile> m_file;
    uint64_t m_dataStart = 0;
    std::vector<TensorEntry> m_tensors;
    std::map<std::string, size_t> m_index;
    std::map<std::string, std::string> m_metadata;
};

// Whether `dir` holds any weight file CheckpointFiles would read (an index, model.safetensors,
// or model*.safetensors), without reading them: a folder with config.json alone (downloaded to
// plan) is described from its config.
bool hasCheckpointFiles(const std::string& dir);

// The weight files of a checkpoint folder: model.safetensors, or the shards named by
// model.safetensors.index.json (every shard must exist and hold the tensors the index
// assigns to it), or, failing both, every *.safetensors file whose name starts with
// "model". Tensor names are unique across files.
class CheckpointFiles {
public:
    explicit CheckpointFiles(const std::string& dir);
    struct Ref {
        const SafetensorsFile* file = nullptr;
        const TensorEntry* entry = nullptr;
        const uint8_t* bytes() const { return file->bytes(*entry); }
    };
    bool has(const std::string& name) const;
    // Throws specmoe::Error naming the tensor and the folder when absent.
    Ref get(const std::string& name) const;
    std::vector<std::string> names() const;
    const std::vector<std::unique_ptr<SafetensorsFile>>& files() const { return m_files; }
    uint64_t bytesOnDisk() const;
    const std::string& dir() const { return m_dir; }

private:
    std::string m_dir;
    std::vector<std::unique_ptr<SafetensorsFile>> m_files;
    std::map<std::string, Ref> m_refs;
};

} // namespace specmoe
