#include "core/speculate/source.h"

#include "core/util/error.h"

#include <memory>

namespace specmoe::speculate {

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

std::string splitSelectionName(const std::optional<Split>& split) { return split ? splitName(*split) : "all"; }

std::optional<Split> parseSplitSelection(const std::string& name)
{
    if (name == "all")
        return std::nullopt;
    if (name == "train" || name == "validation" || name == "val" || name == "test")
        return parseSplit(name);
    throw Error("unknown split '" + name + "' (train, validation, test or all)");
}

BlockSource memorySource(std::vector<RoutingBlock> blocks)
{
    if (blocks.empty())
        throw Error("memory source: no blocks");
    for (size_t i = 0; i < blocks.size(); ++i) {
        blocks[i].validate();
        if (!sameRouting(blocks[0].dims, blocks[i].dims))
            throw Error("memory source: block " + std::to_string(i) +
                        " has other dimensions than block 0 (traces of different models mixed)");
    }
    auto shared = std::make_shared<std::vector<RoutingBlock>>(std::move(blocks));
    BlockSource s;
    s.dims = shared->front().dims;
    s.description = "in-memory blocks";
    s.forEachBlock = [shared](const BlockVisitor& visit, int64_t maxTokens) {
        int64_t seen = 0;
        for (const RoutingBlock& b : *shared) {
            seen += int64_t(b.numTokens());
            if (!visit(b) || (maxTokens > 0 && seen >= maxTokens))
                return;
        }
    };
    return s;
}

} // namespace specmoe::speculate
