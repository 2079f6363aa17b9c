#pragma once
// Facts about the BLAS libtorch calls on the CPU, found at run time (no link to it).
namespace specmoe {

// True when the process's BLAS is OpenBLAS built with its own pthreads pool (Debian's
// libopenblas0-pthread). Its threads then compete with libtorch's OpenMP threads, whose
// idle spinning cost 2.4x in routing throughput on 2 cores (bench_routing, small preset:
// 2,260 tokens/s with 2 intra-op threads, 5,398 with 1; OpenBLAS kept 2 threads for GEMMs).
bool blasHasOwnThreadPool();

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
