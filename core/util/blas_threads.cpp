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

int blasThreadCount()
{
    using GetFn = int (*)();
    static const auto fn = reinterpret_cast<GetFn>(::dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return fn ? fn() : 0;
}

void setBlasThreadCount(int n)
{
    using SetFn = void (*)(int);
    static const auto fn = reinterpret_cast<SetFn>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (fn && n > 0)
        fn(n);
}

} // namespace specmoe
