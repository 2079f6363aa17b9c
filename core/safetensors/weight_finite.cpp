#include "core/safetensors/weight_finite.h"

#include <cstring>

namespace specmoe {
namespace {

// Word type W whose exponent field is `mask`: a value is NaN or infinite exactly when all
// the exponent bits are set; it is NaN when some mantissa bit (`mantissa`) is set too.
template <class W>
NonFinite scan(const void* data, int64_t n, W mask, W mantissa)
{
    const auto* bytes = static_cast<const unsigned char*>(data);
    auto word = [&](int64_t i) {
        W w; // memcpy: the bytes need not be aligned; compilers emit plain (vector) loads
        std::memcpy(&w, bytes + i * int64_t(sizeof(W)), sizeof(W));
        return w;
    };
    // Blocks tested branch-free so the compiler vectorises the loop; the index is searched
    // only in a block with a hit. The scan runs at memory speed, a small fraction of
    // reading the bytes from the file.
    constexpr int64_t kBlock = 4096;
    for (int64_t b0 = 0; b0 < n; b0 += kBlock) {
        const int64_t end = n - b0 < kBlock ? n : b0 + kBlock;
        W any = 0;
        for (int64_t i = b0; i < end; ++i)
            any |= W((word(i) & mask) == mask);
        if (!any)
            continue;
        for (int64_t i = b0; i < end; ++i)
            if ((word(i) & mask) == mask)
                return {i, (word(i) & mantissa) != 0};
    }
    return {};
}

} // namespace

NonFinite findNonFinite(const void* data, int64_t n, StDType t)
{
    switch (t) {
    case StDType::F32: return scan<uint32_t>(data, n, 0x7f800000u, 0x007fffffu);
    case StDType::F16: return scan<uint16_t>(data, n, 0x7c00u, 0x03ffu);
    case StDType::BF16: return scan<uint16_t>(data, n, 0x7f80u, 0x007fu);
    case StDType::F64: return scan<uint64_t>(data, n, 0x7ff0000000000000ull, 0x000fffffffffffffull);
    default: return {};
    }
}

std::string nonFiniteMessage(const std::string& file, const std::string& tensor, const NonFinite& hit, int64_t numel)
{
    return file + ": tensor \"" + tensor + "\" holds " + (hit.nan ? "NaN" : "an infinite value") + " at element " +
           std::to_string(hit.index) + " of " + std::to_string(numel) +
           ": the checkpoint is damaged (weights must be finite numbers)";
}

} // namespace specmoe
