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

} // namespace specmoe
