#include "core/speculate/source.h"

#include "core/util/error.h"

#include <memory>

namespace specmoe::speculate {

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
    const double u = double(h >> 11) * (1.0 / 9007199254740992.0);
    if (u < spec.trainFraction)
        return Split::Train;
    if (u < spec.trainFraction + spec.validationFraction)
        return Split::Validation;
    return Split::Test;
}

const char* splitName(Split s)
{
    switch (s) {
    case Split::Train: return "train";
    case Split::Validation: return "validation";
    case Split::Test: return "test";
    }
    return "?";
}

Split parseSplit(const std::string& name)
{
    if (name == "train")
        return Split::Train;
    if (name == "validation" || name == "val")
        return Split::Validation;
    if (name == "test")
        return Split::Test;
    throw Error("unknown split '" + name + "' (train, validation or test)");
}

BlockSource memorySource(std::vector<RoutingBlock> blocks)
{
    if (blocks.empty())
        throw Error("memory source: no blocks");
    for (size_t i = 0; i < blocks.size(); ++i) {
        blocks[i].validate();
        const TraceDims& a = blocks[0].dims;
        const TraceDims& b = blocks[i].dims;
        if (a.layers != b.layers || a.experts != b.experts || a.topk != b.topk || a.lookahead != b.lookahead)
            throw Error("memory source: block " + std::to_string(i) +
                        " has other dimensions than block 0 (traces of different models mixed)");
    }
    auto shared = std::make_shared<std::vector<RoutingBlock>>(std::move(blocks));
    BlockSource s;
    s.dims = shared->front().dims;
    s.description = "in-memory blocks";
    s.forEachBlock = [shared](const BlockFn& fn, int64_t maxTokens) {
        int64_t seen = 0;
        for (const RoutingBlock& b : *shared) {
            if (maxTokens > 0 && seen >= maxTokens)
                break;
            fn(b);
            seen += int64_t(b.numTokens());
        }
    };
    return s;
}

} // namespace specmoe::speculate
