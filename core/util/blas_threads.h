#pragma once
// Facts about the BLAS libtorch calls on the CPU, found at run time (no link to it).
namespace specmoe {

// True when the process's BLAS is OpenBLAS built with its own pthreads pool (Debian's
// libopenblas0-pthread). Its threads then compete with libtorch's OpenMP threads, whose
// idle spinning cost 2.4x in routing throughput on 2 cores (bench_routing, small preset:
// 2,260 tokens/s with 2 intra-op threads, 5,398 with 1; OpenBLAS kept 2 threads for GEMMs).
bool blasHasOwnThreadPool();

// Caps OpenBLAS's own pool at n threads for the rest of the process (n <= 0, or a BLAS that
// is not OpenBLAS: nothing). A `--threads N` must bound every pool: with OpenBLAS's default
// pool of one thread per core beside N libtorch threads, its idle workers spin in
// sched_yield; on the busy 2-core machine a 1-thread demo LM ran at 0.1 steps/s that way and
// at 1.2 steps/s with the pool capped at 1 (2026-12-07, load 10).
void setBlasThreadLimit(int n);

// Sets OpenBLAS's thread count for the guard's lifetime, then restores it. Does nothing
// when n <= 0 or the BLAS is not OpenBLAS.
class ScopedBlasThreads {
public:
    explicit ScopedBlasThreads(int n);
    ~ScopedBlasThreads();
    ScopedBlasThreads(const ScopedBlasThreads&) = delete;
    ScopedBlasThreads& operator=(const ScopedBlasThreads&) = delete;

private:
    int m_saved = 0;
};

} // namespace specmoe
