#pragma once
// glibc malloc settings for tensor work. libtorch's CPU tensors come from malloc; with the
// default (dynamic) thresholds many of the few-MB activations of a forward pass were
// mmap'd or trimmed away and faulted in again each pass: 151k page faults in 11 passes of
// bench_routing (small preset, 8 x 256), 45k with a 32 MiB mmap threshold and a 256 MiB
// trim threshold, at +3% peak RSS. Secondary arenas (one per thread that allocates) unmap
// their heaps whenever they empty: training's second shard thread took 164k minor faults
// and 4.9 s where the first took 3.5 s (bench_train, 16k tokens); with one arena 63k, even.
namespace specmoe {

// Applies the thresholds above once per process (mallopt); leaves malloc alone when the
// user configured it (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_, MALLOC_ARENA_MAX or GLIBC_TUNABLES).
// Returns whether the settings are in effect.
bool tuneMallocForTensors();

} // namespace specmoe
