#pragma once
// Internal to core/import: the value checks and the conversion of routing rows, shared by
// every format. One pass per chunk of rows; the first problem is returned for the run to
// name with its file, sequence and position.
#include "core/import/model_layout.h"
#include "core/trace/routing.h"

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe::import {

struct RowProblem {
    bool found = false;
    size_t row = 0;   // row inside the chunk
    int slot = -1;    // layer slot (-1: the whole row)
    int j = -1;       // position inside top-k (-1: the row or the weights)
    std::string what;
};

class RowChecker {
public:
    RowChecker(const LayerPlan& plan, int slots, int topk, int experts, bool allowMissing);

    // Checks `rows` rows of ids [rows, slots, k] (weights the same shape, or nullptr).
    // keep[i] says whether row i stays (false: marked missing with -1, dropped under
    // allowMissing). When `outIds` is set the kept rows' ids of the stored layers are appended
    // to it ([kept, L, k]) and, with weights, their IEEE half bits to `outWeights`, each
    // layer's k pairs sorted by descending weight (the trace is then ranked).
    RowProblem check(size_t rows, const int64_t* ids, const float* weights, std::vector<uint8_t>& keep,
                     std::vector<ExpertId>* outIds, std::vector<uint16_t>* outWeights);

    int64_t denseNonZero() const { return m_denseNonZero; } // ids in dense slots that are not 0

private:
    RowProblem idProblem(size_t row, int slot, int j, int64_t v) const;
    void writeByWeight(const int64_t* row, const float* w, std::vector<ExpertId>& outIds,
                       std::vector<uint16_t>& outWeights) const;
    std::vector<int> m_keep, m_dense;
    int m_slots, m_k, m_experts;
    bool m_allowMissing;
    std::vector<uint32_t> m_stamp; // per expert: the (row, layer) that last used it
    uint32_t m_gen = 0;
    int64_t m_denseNonZero = 0;
};

} // namespace specmoe::import
