#pragma once
// glibc malloc settings for tensor work. libtorch's CPU tensors come from malloc; with the
// default (dynamic) thresholds many of the few-MB activations of a forward pass were
// mmap'd or trimmed away and faulted in again each pass: 151k page faults in 11 passes of
// bench_routing (small preset, 8 x 256), 45k with a 32 MiB mmap threshold and a 256 MiB
// trim threshold, at +3% peak RSS.
namespace specmoe {

// Applies the thresholds above once per process (mallopt); leaves malloc alone when the
// user configured it (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ or GLIBC_TUNABLES).
// Returns whether the settings are in effect.
bool tuneMallocForTensors();

} // namespace specmoe
