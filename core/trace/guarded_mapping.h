#pragma once
// Internal to core/trace: a read-only mapping of a whole file whose read faults do not kill
// the process. Reading a mapped page raises SIGBUS when the file shrank after it was mapped
// or the storage cannot deliver the page (a network file system that went away); a
// process-wide handler maps zero pages over the mapping instead, marks it failed and lets
// the read go on, so the reader can throw an Error naming the file once its call returns.
// Faults outside every guarded mapping go to the handler that was there before.
#include <cstddef>
#include <memory>

namespace specmoe::shard {

class GuardedMapping {
public:
    // Maps `size` bytes of `fd` (pre-faulted); nullptr when the file cannot be mapped or all
    // guard slots are taken, and the caller reads the file instead.
    static std::unique_ptr<GuardedMapping> map(int fd, size_t size);
    ~GuardedMapping();
    GuardedMapping(const GuardedMapping&) = delete;
    GuardedMapping& operator=(const GuardedMapping&) = delete;

    const char* data() const { return m_data; }
    size_t size() const { return m_size; }
    // True once a read of the mapping faulted: the bytes read since are zeros, not the file's.
    bool failed() const;

private:
    GuardedMapping(char* data, size_t size, size_t mapped, int slot)
        : m_data(data), m_size(size), m_mapped(mapped), m_slot(slot)
    {
    }
    char* m_data;
    size_t m_size, m_mapped;
    int m_slot;
};

} // namespace specmoe::shard
