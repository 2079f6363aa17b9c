#include "core/trace/guarded_mapping.h"

#include <atomic>
#include <csignal>
#include <cstdint>
#include <mutex>
#include <sys/mman.h>
#include <unistd.h>

namespace specmoe::shard {
namespace {

// The guarded ranges, read by the signal handler: lock-free atomics only. A slot is taken
// through `used`; the handler looks at it while begin is not 0. 64 covers the shards one
// process has open at once (a reader holds one).
struct Slot {
    std::atomic<int> used{0};
    std::atomic<uintptr_t> begin{0};
    std::atomic<uintptr_t> end{0};
    std::atomic<int> failed{0};
};
constexpr int kSlots = 64;
Slot g_slots[kSlots];
struct sigaction g_previous {};

void onSigbus(int sig, siginfo_t* info, void* context)
{
    const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
    for (Slot& s : g_slots) {
        const uintptr_t b = s.begin.load(std::memory_order_acquire);
        if (b == 0 || addr < b || addr >= s.end.load(std::memory_order_acquire))
            continue;
        // Zero pages over the whole range: the faulting read and every later one succeed.
        void* r = ::mmap(reinterpret_cast<void*>(b), s.end.load() - b, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (r != MAP_FAILED) {
            s.failed.store(1, std::memory_order_release);
            return;
        }
    }
    // Not ours: what was there before decides. With the default action (or none) restore it
    // and return; the instruction faults again and the process ends as it would have.
    if ((g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_sigaction) {
        g_previous.sa_sigaction(sig, info, context);
        return;
    }
    if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
        g_previous.sa_handler(sig);
        return;
    }
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(SIGBUS, &dfl, nullptr);
}

void installHandler()
{
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction sa {};
        sa.sa_sigaction = onSigbus;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGBUS, &sa, &g_previous);
    });
}

} // namespace

std::unique_ptr<GuardedMapping> GuardedMapping::map(int fd, size_t size)
{
    if (size == 0)
        return nullptr;
    installHandler();
    static const size_t page = size_t(sysconf(_SC_PAGESIZE));
    const size_t mapped = (size + page - 1) / page * page;
    // Read-only and shared: a private writable mapping would copy every page when populated.
    void* p = ::mmap(nullptr, mapped, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED)
        return nullptr;
    const auto b = reinterpret_cast<uintptr_t>(p);
    for (int k = 0; k < kSlots; ++k) {
        Slot& s = g_slots[k];
        int expected = 0;
        if (!s.used.compare_exchange_strong(expected, 1, std::memory_order_acq_rel))
            continue;
        s.failed.store(0);
        s.end.store(b + mapped, std::memory_order_release);
        s.begin.store(b, std::memory_order_release); // last: the handler never sees half a range
        return std::unique_ptr<GuardedMapping>(new GuardedMapping(static_cast<char*>(p), size, mapped, k));
    }
    ::munmap(p, mapped);
    return nullptr;
}

GuardedMapping::~GuardedMapping()
{
    g_slots[m_slot].begin.store(0, std::memory_order_release);
    ::munmap(m_data, m_mapped);
    g_slots[m_slot].used.store(0, std::memory_order_release);
}

bool GuardedMapping::failed() const { return g_slots[m_slot].failed.load(std::memory_order_acquire) != 0; }

} // namespace specmoe::shard
