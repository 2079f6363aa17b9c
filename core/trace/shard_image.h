#pragma once
// The memory a shard is assembled in before it is written out (HDF5's core driver with our
// own allocation callbacks): writing the shard then needs no copy of the image, and the
// buffer asks for transparent huge pages, which cut the page faults of filling ~100 MB of
// fresh memory (measured with bench_trace_io).
#include <hdf5.h>

#include <cstddef>
#include <cstdint>

namespace specmoe::shard {

class ShardImage {
public:
    ShardImage() = default;
    ~ShardImage();
    ShardImage(const ShardImage&) = delete;
    ShardImage& operator=(const ShardImage&) = delete;

    // Points fapl's file image callbacks at this buffer; the buffer must outlive the file.
    // Returns false if HDF5 refused.
    bool attach(hid_t fapl);

    // The driver's current memory (valid until the file is closed or grows).
    const char* data() const { return m_data; }
    size_t capacity() const { return m_size; }

    // The buffer HDF5 asked to grow to (re)size bytes; nullptr when out of memory.
    void* resize(size_t size);
    void release();

private:
    char* m_data = nullptr;
    size_t m_size = 0;   // bytes the driver may use
    size_t m_mapped = 0; // bytes mapped (page-rounded)
};

} // namespace specmoe::shard
