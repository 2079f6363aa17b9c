#include "core/trace/shard_image.h"

#include <sys/mman.h>
#include <unistd.h>

namespace specmoe::shard {
namespace {

size_t pageRound(size_t n)
{
    static const size_t page = size_t(sysconf(_SC_PAGESIZE));
    return (n + page - 1) / page * page;
}

ShardImage* self(void* udata) { return static_cast<ShardImage*>(udata); }

void* imageMalloc(size_t size, H5FD_file_image_op_t, void* udata) { return self(udata)->resize(size); }

void* imageRealloc(void*, size_t size, H5FD_file_image_op_t, void* udata) { return self(udata)->resize(size); }

herr_t imageFree(void* ptr, H5FD_file_image_op_t, void* udata)
{
    if (ptr && ptr == self(udata)->data())
        self(udata)->release();
    return 0;
}

// The property list is copied when the file is created; every copy points at the one buffer.
void* udataCopy(void* udata) { return udata; }
herr_t udataFree(void*) { return 0; }

} // namespace

ShardImage::~ShardImage() { release(); }

bool ShardImage::attach(hid_t fapl)
{
    H5FD_file_image_callbacks_t cb{};
    cb.image_malloc = imageMalloc;
    cb.image_realloc = imageRealloc;
    cb.image_free = imageFree;
    cb.udata_copy = udataCopy;
    cb.udata_free = udataFree;
    cb.udata = this;
    return H5Pset_file_image_callbacks(fapl, &cb) >= 0;
}

void* ShardImage::resize(size_t size)
{
    if (size == 0) {
        release();
        return nullptr;
    }
    const size_t want = pageRound(size);
    void* p = nullptr;
    if (!m_data)
        p = mmap(nullptr, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    else if (want == m_mapped)
        p = m_data;
    else // moves page tables, not bytes
        p = mremap(m_data, m_mapped, want, MREMAP_MAYMOVE);
    if (p == MAP_FAILED)
        return nullptr;
#ifdef MADV_HUGEPAGE
    madvise(p, want, MADV_HUGEPAGE); // advice only: fine if the kernel says no
#endif
    m_data = static_cast<char*>(p);
    m_mapped = want;
    m_size = size;
    return m_data;
}

void ShardImage::release()
{
    if (m_data)
        munmap(m_data, m_mapped);
    m_data = nullptr;
    m_size = m_mapped = 0;
}

} // namespace specmoe::shard
