#include "core/trace/split.h"

namespace specmoe {
namespace {
uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
} // namespace

Split splitOf(int64_t seqId, const SplitSpec& spec)
{
    const uint64_t h = splitmix64(uint64_t(seqId) ^ splitmix64(spec.seed));
    const double u = double(h >> 11) * (1.0 / 9007199254740992.0); // [0, 1), 53 bits
    if (u < spec.trainFraction)
        return Split::Train;
    if (u < spec.trainFraction + spec.validationFraction)
        return Split::Validation;
    return Split::Test;
}

} // namespace specmoe
