#include "core/import/row_check.h"

#include "core/util/half.h"

#include <algorithm>
#include <cmath>

namespace specmoe::import {

RowChecker::RowChecker(const LayerPlan& plan, int slots, int topk, int experts, bool allowMissing)
    : m_keep(plan.keepSlots), m_dense(plan.denseSlots), m_slots(slots), m_k(topk), m_experts(experts),
      m_allowMissing(allowMissing), m_stamp(size_t(std::max(experts, 1)), 0)
{
}

RowProblem RowChecker::idProblem(size_t row, int slot, int j, int64_t v) const
{
    RowProblem p{true, row, slot, j, ""};
    if (v == -1)
        p.what = "the routing row is marked missing (-1); --allow-missing drops such tokens";
    else if (v < 0)
        p.what = "negative expert id " + std::to_string(v);
    else
        p.what = "expert id " + std::to_string(v) + " is not below the expert count " + std::to_string(m_experts);
    return p;
}

// Hot loop: every imported id passes here twice (check, then write). Ids are compared as
// unsigned against E (one branch catches negatives too), and repeats within a (row, layer)
// are found with a per-expert stamp instead of k*k comparisons.
RowProblem RowChecker::check(size_t rows, const int64_t* ids, const float* weights, std::vector<uint8_t>& keep,
                             std::vector<ExpertId>* outIds, std::vector<uint16_t>* outWeights)
{
    const size_t rowValues = size_t(m_slots) * size_t(m_k);
    const uint64_t E = uint64_t(m_experts);
    keep.assign(rows, 1);
    for (size_t r = 0; r < rows; ++r) {
        const int64_t* row = ids + r * rowValues;
        bool missing = false;
        for (int slot : m_keep) {
            const int64_t* v = row + size_t(slot) * size_t(m_k);
            if (++m_gen == 0) { // wrapped: clear the stamps once every 2^32 (row, layer)s
                std::fill(m_stamp.begin(), m_stamp.end(), 0);
                m_gen = 1;
            }
            for (int j = 0; j < m_k; ++j) {
                const int64_t x = v[j];
                if (uint64_t(x) >= E) {
                    if (x == -1 && m_allowMissing) {
                        missing = true;
                        continue;
                    }
                    return idProblem(r, slot, j, x);
                }
                if (m_stamp[size_t(x)] == m_gen)
                    return RowProblem{true, r, slot, j,
                                      "expert id " + std::to_string(x) +
                                          " appears twice in one layer's top-k (a row the engine did not capture "
                                          "reads as repeated ids, e.g. all zeros)"};
                m_stamp[size_t(x)] = m_gen;
            }
        }
        for (int slot : m_dense)
            for (int j = 0; j < m_k; ++j)
                m_denseNonZero += row[size_t(slot) * size_t(m_k) + size_t(j)] != 0;
        if (missing) {
            keep[r] = 0;
            continue;
        }
        if (weights) {
            const float* w = weights + r * rowValues;
            for (int slot : m_keep)
                for (int j = 0; j < m_k; ++j) {
                    const float x = w[size_t(slot) * size_t(m_k) + size_t(j)];
                    if (!std::isfinite(x) || x < 0)
                        return RowProblem{true, r, slot, j,
                                          "router weight " + std::to_string(x) + " is not a finite value >= 0"};
                }
        }
        if (outIds && outWeights && weights) {
            writeByWeight(row, weights + r * rowValues, *outIds, *outWeights);
        } else if (outIds) {
            const size_t at = outIds->size();
            outIds->resize(at + m_keep.size() * size_t(m_k));
            ExpertId* o = outIds->data() + at;
            for (int slot : m_keep)
                for (int j = 0; j < m_k; ++j)
                    *o++ = ExpertId(row[size_t(slot) * size_t(m_k) + size_t(j)]);
        }
    }
    return {};
}

// With weights the trace states the rank order (slot 0 = the highest weight), whatever order
// the input listed them in: each layer's k (id, weight) pairs sorted by descending weight,
// ties kept in the input's order (an insertion sort: k <= 16).
void RowChecker::writeByWeight(const int64_t* row, const float* w, std::vector<ExpertId>& outIds,
                               std::vector<uint16_t>& outWeights) const
{
    int order[kMaxTopk];
    for (int slot : m_keep) {
        const size_t base = size_t(slot) * size_t(m_k);
        for (int j = 0; j < m_k; ++j) {
            int i = j;
            for (; i > 0 && w[base + size_t(order[i - 1])] < w[base + size_t(j)]; --i)
                order[i] = order[i - 1];
            order[i] = j;
        }
        for (int j = 0; j < m_k; ++j) {
            outIds.push_back(ExpertId(row[base + size_t(order[j])]));
            outWeights.push_back(floatToHalf(w[base + size_t(order[j])]));
        }
    }
}

} // namespace specmoe::import
