#pragma once
// An explicit thread count (`--threads N`, TrainParams::threads, ...) for the whole process.
namespace specmoe {

// Sets libtorch's intra-op threads to n and caps OpenBLAS's own pool at n too (its idle
// workers otherwise spin beside libtorch's; core/util/blas_threads.h). n <= 0: nothing.
void applyThreadLimit(int n);

} // namespace specmoe
