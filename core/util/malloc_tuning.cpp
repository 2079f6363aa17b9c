#include "core/util/malloc_tuning.h"

#include <cstdlib>
#include <cstring>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace specmoe {

bool tuneMallocForTensors()
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD) && defined(M_ARENA_MAX)
    static const bool applied = [] {
        const char* tunables = std::getenv("GLIBC_TUNABLES");
        if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_") ||
            std::getenv("MALLOC_ARENA_MAX") || (tunables && std::strstr(tunables, "glibc.malloc.")))
            return false;
        // 32 MiB is the largest mmap threshold glibc accepts on 64-bit systems.
        // One arena: glibc unmaps a secondary arena's heap whenever it empties, so a worker
        // thread (training's shard threads) faulted its activations in anew every step.
        return mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 256 << 20) == 1 &&
               mallopt(M_ARENA_MAX, 1) == 1;
    }();
    return applied;
#else
    return false;
#endif
}

} // namespace specmoe
