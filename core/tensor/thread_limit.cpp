#include "core/tensor/thread_limit.h"

#include "core/util/blas_threads.h"

#include <ATen/Parallel.h>

namespace specmoe {

void applyThreadLimit(int n)
{
    if (n <= 0)
        return;
    at::set_num_threads(n);
    setBlasThreadLimit(n);
}

} // namespace specmoe
