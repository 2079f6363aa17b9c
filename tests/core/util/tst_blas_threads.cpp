// An explicit thread count bounds OpenBLAS's own pool too (core/util/blas_threads.h): with
// Debian's libopenblas0-pthread its idle workers spin in sched_yield beside libtorch's threads.
#include "core/specmoe_core.h"
#include "core/util/blas_threads.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <dlfcn.h>

using namespace specmoe;

namespace {

int openBlasThreads()
{
    using GetFn = int (*)();
    static const auto get = reinterpret_cast<GetFn>(::dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return get ? get() : -1;
}

} // namespace

TEST(BlasThreads, ExplicitThreadCountCapsTheOpenBlasPool)
{
    at::mm(at::ones({64, 64}), at::ones({64, 64})); // BLAS loaded and initialised
    if (openBlasThreads() < 0)
        GTEST_SKIP() << "the BLAS is not OpenBLAS";
    {
        const ScopedBlasThreads two(2);
        EXPECT_EQ(openBlasThreads(), 2);
        setThreads(1); // what `--threads 1` calls
        EXPECT_EQ(openBlasThreads(), 1);
        EXPECT_EQ(at::get_num_threads(), 1);
        setBlasThreadLimit(3); // a cap never raises the pool
        EXPECT_EQ(openBlasThreads(), 1);
        setBlasThreadLimit(0); // no count: unchanged
        EXPECT_EQ(openBlasThreads(), 1);
    }
    EXPECT_EQ(at::mm(at::ones({64, 64}), at::ones({64, 64}))[0][0].item<float>(), 64.0f);
}
