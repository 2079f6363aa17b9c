#include "core/collect/corpus_order_buffer.h"

#include "core/util/error.h"

#include <algorithm>

namespace specmoe {

namespace {

// Rows [n0, n0+n) of a per-token array of `width` values each.
template <typename T>
void appendRows(const std::vector<T>& from, size_t n0, size_t n, size_t width, std::vector<T>& out)
{
    if (from.empty() || width == 0)
        return;
    out.insert(out.end(), from.begin() + long(n0 * width), from.begin() + long((n0 + n) * width));
}

} // namespace

void appendSequenceOf(const RoutingBlock& from, size_t index, RoutingBlock& out)
{
    const TraceDims& d = from.dims;
    const SequenceRecord& s = from.sequences.at(index);
    const size_t n0 = size_t(s.tokenOffset), n = size_t(s.length);
    if (n0 + n > from.numTokens())
        throw Error("routing block: sequence " + std::to_string(s.seqId) + " lies beyond the block's tokens");
    const size_t L = size_t(d.layers), k = size_t(d.topk);
    SequenceRecord r = s;
    r.tokenOffset = int64_t(out.numTokens());
    out.sequences.push_back(std::move(r));
    appendRows(from.tokenIds, n0, n, 1, out.tokenIds);
    appendRows(from.seqIds, n0, n, 1, out.seqIds);
    appendRows(from.positions, n0, n, 1, out.positions);
    appendRows(from.topkIds, n0, n, L * k, out.topkIds);
    appendRows(from.topkWeights, n0, n, L * k, out.topkWeights);
    appendRows(from.logits, n0, n, L * size_t(d.experts), out.logits);
    appendRows(from.lookaheadIds, n0, n, L * d.lookahead.size() * k, out.lookaheadIds);
    appendRows(from.features, n0, n, L * size_t(std::max(d.featureDim, 0)), out.features);
}

CorpusOrderBuffer::CorpusOrderBuffer(std::vector<bool> storedBefore) : m_storedBefore(std::move(storedBefore)) {}

void CorpusOrderBuffer::add(RoutingBlock&& block, const std::vector<int64_t>& positions)
{
    if (positions.size() != block.sequences.size())
        throw Error("corpus order: " + std::to_string(positions.size()) + " positions for " +
                    std::to_string(block.sequences.size()) + " sequences");
    auto shared = std::make_shared<const RoutingBlock>(std::move(block));
    for (size_t s = 0; s < positions.size(); ++s) {
        const int64_t p = positions[s];
        if (p < 0 || size_t(p) >= m_storedBefore.size() || m_storedBefore[size_t(p)] || size_t(p) < m_next ||
            !m_held.emplace(p, Held{shared, s}).second)
            throw Error("corpus order: sequence at corpus position " + std::to_string(p) +
                        " is stored already or out of range");
    }
}

size_t CorpusOrderBuffer::takeReady(RoutingBlock& out)
{
    size_t taken = 0;
    while (m_next < m_storedBefore.size()) {
        if (m_storedBefore[m_next]) {
            ++m_next;
            continue;
        }
        auto it = m_held.find(int64_t(m_next));
        if (it == m_held.end())
            break;
        appendSequenceOf(*it->second.block, it->second.sequence, out);
        m_held.erase(it); // the block is freed with its last sequence
        ++m_next;
        ++taken;
    }
    return taken;
}

size_t CorpusOrderBuffer::takeAll(RoutingBlock& out)
{
    size_t taken = takeReady(out);
    for (const auto& [position, h] : m_held) {
        appendSequenceOf(*h.block, h.sequence, out);
        ++taken;
    }
    m_held.clear();
    return taken;
}

} // namespace specmoe
