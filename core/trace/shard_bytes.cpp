#include "core/trace/shard_bytes.h"

#include "core/trace/h5_handle.h"
#include "core/trace/trace_set.h"
#include "core/util/checksum.h"
#include "core/util/error.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace specmoe::shard {
namespace {

struct Fd {
    int fd;
    ~Fd() { ::close(fd); }
};

// HDF5's file-image callbacks over memory we own: every "copy" HDF5 asks for (into the
// property list, its copies, the open file) is the one buffer, and nothing is freed by HDF5.
struct ImageRef {
    void* data;
    size_t size;
};

void* imageMalloc(size_t size, H5FD_file_image_op_t op, void* udata)
{
    auto* ref = static_cast<ImageRef*>(udata);
    if (size != ref->size || op == H5FD_FILE_IMAGE_OP_PROPERTY_LIST_GET)
        return nullptr; // a real copy would be needed: refuse rather than alias
    return ref->data;
}

void* imageMemcpy(void* dest, const void* src, size_t size, H5FD_file_image_op_t, void*)
{
    if (dest != src)
        std::memmove(dest, src, size);
    return dest;
}

void* imageRealloc(void*, size_t, H5FD_file_image_op_t, void*) { return nullptr; } // read-only
herr_t imageFree(void*, H5FD_file_image_op_t, void*) { return 0; }
void* udataCopy(void* udata)
{
    auto* ref = static_cast<ImageRef*>(udata);
    return new ImageRef(*ref);
}
herr_t udataFree(void* udata)
{
    delete static_cast<ImageRef*>(udata);
    return 0;
}

// The last image buffer, kept mapped for the next shard: a fresh mapping of ~100 MB costs a
// page fault per page, which on the development VM took longer than reading and checking
// the shard (bench_trace_io read 670-910 MB/s with a fresh buffer per shard). The
// streaming reader's block vectors are reused by malloc the same way.
struct SpareBuffer {
    std::mutex mutex;
    char* data = nullptr;
    size_t mapped = 0;
} g_spare;

char* takeBuffer(size_t want)
{
    char* p = nullptr;
    size_t have = 0;
    {
        std::lock_guard<std::mutex> lock(g_spare.mutex);
        std::swap(p, g_spare.data);
        std::swap(have, g_spare.mapped);
    }
    if (p && have != want) { // grows or shrinks the mapping, keeping its pages
        void* q = mremap(p, have, want, MREMAP_MAYMOVE);
        if (q == MAP_FAILED)
            munmap(p, have);
        p = q == MAP_FAILED ? nullptr : static_cast<char*>(q);
    }
    if (!p) {
        void* q = mmap(nullptr, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (q == MAP_FAILED)
            return nullptr;
        p = static_cast<char*>(q);
    }
#ifdef MADV_HUGEPAGE
    madvise(p, want, MADV_HUGEPAGE); // fewer page faults filling it; advice only
#endif
    return p;
}

void giveBuffer(char* p, size_t mapped)
{
    std::lock_guard<std::mutex> lock(g_spare.mutex);
    if (g_spare.data) { // keep the bigger one
        if (g_spare.mapped >= mapped) {
            munmap(p, mapped);
            return;
        }
        munmap(g_spare.data, g_spare.mapped);
    }
    g_spare.data = p;
    g_spare.mapped = mapped;
}

} // namespace

ShardBytes::ShardBytes(const std::string& path, const std::string& label, const ShardExpectation& expect)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw Error(label + ": cannot open: " + std::strerror(errno));
    Fd guard{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        throw Error(label + ": cannot stat: " + std::strerror(errno));
    if (int64_t(st.st_size) != expect.bytes)
        throw Error(label + ": size is " + std::to_string(st.st_size) + " bytes, the manifest says " +
                    std::to_string(expect.bytes) + " (truncated or changed)");
    m_size = size_t(st.st_size);
    if (m_size == 0)
        throw Error(label + ": the file is empty");
    m_file = GuardedMapping::map(fd, m_size);
    if (m_file) {
        m_data = const_cast<char*>(m_file->data()); // read-only pages: HDF5 opens them read-only
    } else {
        const size_t page = size_t(sysconf(_SC_PAGESIZE));
        m_mapped = (m_size + page - 1) / page * page;
        m_data = takeBuffer(m_mapped);
        if (!m_data)
            throw Error(label + ": cannot allocate " + std::to_string(m_size) + " bytes to read the shard into");
    }
    // A big shard is checksummed by a few threads, a contiguous part each (crc32Combine joins
    // them), so the check costs less wall time where cores are free. Read into memory, each
    // piece is checksummed right after it is read, while it is still in the cache.
    const size_t piece = size_t(1) << 20;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const size_t parts = std::clamp<size_t>(m_size / (size_t(16) << 20), 1, std::min(4u, cores));
    const size_t partBytes = (m_size / parts + piece - 1) / piece * piece;
    std::vector<uint32_t> crcs(parts, 0);
    std::vector<std::string> errors(parts);
    auto readPart = [&](size_t k) {
        size_t done = std::min(m_size, k * partBytes);
        const size_t end = std::min(m_size, done + partBytes);
        if (m_file) {
            crcs[k] = crc32Update(0, m_data + done, end - done);
            return;
        }
        uint32_t crc = 0;
        while (done < end) {
            const ssize_t r = ::pread(fd, m_data + done, std::min(piece, end - done), off_t(done));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                errors[k] = r < 0 ? "read error: " + std::string(std::strerror(errno))
                                  : "the file shrank while it was read";
                return;
            }
            crc = crc32Update(crc, m_data + done, size_t(r));
            done += size_t(r);
        }
        crcs[k] = crc;
    };
    {
        std::vector<std::thread> helpers;
        for (size_t k = 1; k < parts; ++k)
            helpers.emplace_back(readPart, k);
        readPart(0);
        for (auto& t : helpers)
            t.join();
    }
    checkIntact(label);
    uint32_t crc = crcs[0];
    for (size_t k = 0; k < parts; ++k) {
        if (!errors[k].empty())
            throw Error(label + ": " + errors[k]);
        if (k > 0) {
            const size_t begin = std::min(m_size, k * partBytes);
            crc = crc32Combine(crc, crcs[k], std::min(m_size, begin + partBytes) - begin);
        }
    }
    static std::atomic<uint64_t> serial{0};
    m_name = "specmoe-verified-image-" + std::to_string(getpid()) + "-" + std::to_string(++serial) + ":" + path;
    const std::string got = crc32Hex(crc);
    if (got != expect.crc32)
        throw Error(label + ": CRC-32 is " + got + ", the manifest says " + expect.crc32 +
                    " (corrupt: the file changed after it was written)");
}

ShardBytes::~ShardBytes()
{
    if (!m_file && m_data)
        giveBuffer(m_data, m_mapped);
}

void ShardBytes::checkIntact(const std::string& label) const
{
    if (m_file && m_file->failed())
        throw Error(label + ": reading the file failed after it was checked (it shrank or changed while it "
                            "was read, or the storage failed); nothing read from it is used");
}

void ShardBytes::attach(hid_t fapl, const std::string& label)
{
    ImageRef ref{m_data, m_size};
    H5FD_file_image_callbacks_t cb{};
    cb.image_malloc = imageMalloc;
    cb.image_memcpy = imageMemcpy;
    cb.image_realloc = imageRealloc;
    cb.image_free = imageFree;
    cb.udata_copy = udataCopy;
    cb.udata_free = udataFree;
    cb.udata = &ref; // HDF5 keeps its own copy (udataCopy)
    if (H5Pset_fapl_core(fapl, size_t(1) << 20, 0) < 0 || H5Pset_file_image_callbacks(fapl, &cb) < 0 ||
        H5Pset_file_image(fapl, m_data, m_size) < 0)
        h5::fail(label, "cannot open the shard from memory");
}

FileStamp stampOf(const std::string& path)
{
    FileStamp f;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return f;
    f.dev = uint64_t(st.st_dev);
    f.ino = uint64_t(st.st_ino);
    f.size = int64_t(st.st_size);
    f.mtimeNs = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    f.ctimeNs = int64_t(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
    return f;
}

} // namespace specmoe::shard

namespace specmoe {

bool verifyCrcByDefault()
{
    const char* v = std::getenv("SPECMOE_NO_VERIFY_CRC");
    return !(v && *v && std::strcmp(v, "0") != 0);
}

} // namespace specmoe
