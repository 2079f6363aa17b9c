#pragma once
// Batches group sequences of similar length (less padding), so they finish out of corpus
// order; the trace stores them in corpus order all the same, whatever the grouping. This
// buffer holds routed sequences until every earlier one is stored. Torch-free.
#include "core/trace/routing.h"

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace specmoe {

class CorpusOrderBuffer {
public:
    // `storedBefore[i]`: corpus position i is in the trace already (a resumed run).
    explicit CorpusOrderBuffer(std::vector<bool> storedBefore);

    // A converted batch: its sequence s is corpus position positions[s].
    void add(RoutingBlock&& block, const std::vector<int64_t>& positions);
    // Appends to `out` (same dims) the held sequences whose turn has come: every earlier
    // position is stored before, or was taken already. Returns how many.
    size_t takeReady(RoutingBlock& out);
    // Appends every held sequence, in corpus order (a stop: nothing routed is lost; the
    // gaps are filled by the resume, after them).
    size_t takeAll(RoutingBlock& out);
    size_t held() const { return m_held.size(); }

private:
    struct Held {
        std::shared_ptr<const RoutingBlock> block;
        size_t sequence = 0;
    };
    std::vector<bool> m_storedBefore;
    size_t m_next = 0;                 // the first corpus position not stored or taken
    std::map<int64_t, Held> m_held;    // by corpus position
};

// Appends sequence `index` of `from` to `out` (same dims; token offsets continue out's).
void appendSequenceOf(const RoutingBlock& from, size_t index, RoutingBlock& out);

} // namespace specmoe
