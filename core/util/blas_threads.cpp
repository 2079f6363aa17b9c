#include "core/util/blas_threads.h"

#include <dlfcn.h>

namespace specmoe {

bool blasHasOwnThreadPool()
{
    // openblas_get_parallel(): 0 sequential, 1 pthreads, 2 OpenMP (shares libtorch's pool).
    using ParallelFn = int (*)();
    static const auto fn = reinterpret_cast<ParallelFn>(::dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
    return fn && fn() == 1;
}

namespace {
using GetFn = int (*)();
using SetFn = void (*)(int);
const GetFn getThreads = reinterpret_cast<GetFn>(::dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
const SetFn setThreads = reinterpret_cast<SetFn>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
} // namespace

void setBlasThreadLimit(int n)
{
    if (n > 0 && getThreads && setThreads && getThreads() > n)
        setThreads(n);
}

ScopedBlasThreads::ScopedBlasThreads(int n)
{
    if (n > 0 && getThreads && setThreads) {
        m_saved = getThreads();
        setThreads(n);
    }
}

ScopedBlasThreads::~ScopedBlasThreads()
{
    if (m_saved > 0)
        setThreads(m_saved);
}

} // namespace specmoe
