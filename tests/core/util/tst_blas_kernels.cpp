// Which OpenBLAS kernels run, and the hint when they are the generic fallback
// (core/util/blas_kernels.h).
#include "core/util/blas_kernels.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdlib>

using namespace specmoe;

TEST(BlasKernels, GenericCoreOnAnAvxCpuGivesAHintNamingTheVariable)
{
    const std::string avx512 = blasKernelHint("Prescott", false, true, true);
    EXPECT_NE(avx512.find("OPENBLAS_CORETYPE=SkylakeX"), std::string::npos) << avx512;
    EXPECT_NE(avx512.find("\"Prescott\""), std::string::npos) << avx512;
    EXPECT_NE(avx512.find("does not know the CPU"), std::string::npos) << avx512;
    const std::string forced = blasKernelHint("Prescott", true, true, true);
    EXPECT_NE(forced.find("OPENBLAS_CORETYPE chose them"), std::string::npos) << forced;
    const std::string avx2 = blasKernelHint("Core2", false, true, false);
    EXPECT_NE(avx2.find("OPENBLAS_CORETYPE=Haswell"), std::string::npos) << avx2;
}

TEST(BlasKernels, NoHintForAMatchingCoreAnOldCpuOrAnotherBlas)
{
    EXPECT_TRUE(blasKernelHint("Haswell", false, true, true).empty());
    EXPECT_TRUE(blasKernelHint("SkylakeX", false, true, true).empty());
    EXPECT_TRUE(blasKernelHint("Cooperlake", false, true, true).empty());
    EXPECT_TRUE(blasKernelHint("Prescott", false, false, false).empty()); // the CPU has no AVX2
    EXPECT_TRUE(blasKernelHint("", false, true, true).empty());           // not OpenBLAS
}

TEST(BlasKernels, ReportsTheLoadedOpenBlasCoreAndWhetherTheEnvironmentChoseIt)
{
    at::mm(at::ones({8, 8}), at::ones({8, 8})); // BLAS loaded and initialised
    const BlasKernels k = blasKernels();
    if (k.core.empty())
        GTEST_SKIP() << "the BLAS is not OpenBLAS";
    EXPECT_NE(k.config.find("OpenBLAS"), std::string::npos) << k.config;
    const char* env = std::getenv("OPENBLAS_CORETYPE");
    EXPECT_EQ(k.forced, env != nullptr && *env != '\0');
}
