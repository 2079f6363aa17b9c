#pragma once
// Facts about the BLAS libtorch calls on the CPU, found at run time (no link to it).
namespace specmoe {

// True when the process's BLAS is OpenBLAS built with its own pthreads pool (Debian's
// libopenblas0-pthread). Its threads then compete with libtorch's OpenMP threads, whose
// idle spinning cost 2.4x in routing throughput on 2 cores (bench_routing, small preset:
// 2,260 tokens/s with 2 intra-op threads, 5,398 with 1; OpenBLAS kept 2 threads for GEMMs).
bool blasHasOwnThreadPool();

// OpenBLAS's thread count (0 when the BLAS is not OpenBLAS) and a setter (no-op then).
int blasThreadCount();
void setBlasThreadCount(int n);

} // namespace specmoe
