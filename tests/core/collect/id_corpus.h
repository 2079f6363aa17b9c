#pragma once
// Token-id corpora for the collection tests: random sequences (BOS first) written as a
// jsonl-ids source, so a test routes known ids without a tokenizer.
#include "tests/support/test_support.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace specmoe::test {

// n sequences of minLen..maxLen ids: BOS (1), then ids in 3..319 (the tiny fixture's vocabulary).
inline std::vector<std::vector<int32_t>> randomSequences(int n, int minLen, int maxLen, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::vector<std::vector<int32_t>> out;
    for (int i = 0; i < n; ++i) {
        const int len = minLen + int(rng() % uint32_t(maxLen - minLen + 1));
        std::vector<int32_t> s{1};
        for (int t = 1; t < len; ++t)
            s.push_back(3 + int32_t(rng() % 317));
        out.push_back(std::move(s));
    }
    return out;
}

// One {"input_ids": [...]} line per sequence, then `extra` (raw lines, e.g. broken ones).
inline std::string writeIdsJsonl(const std::string& path, const std::vector<std::vector<int32_t>>& seqs,
                                 const std::string& extra = {})
{
    std::string s;
    for (const auto& q : seqs) {
        s += "{\"input_ids\":[";
        for (size_t i = 0; i < q.size(); ++i)
            s += (i ? "," : "") + std::to_string(q[i]);
        s += "]}\n";
    }
    writeFile(path, s + extra);
    return path;
}

} // namespace specmoe::test
