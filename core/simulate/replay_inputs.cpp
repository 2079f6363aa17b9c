#include "core/simulate/replay_inputs.h"

#include "core/util/error.h"

#include <algorithm>
#include <chrono>
#include <numeric>

namespace specmoe::simulate {

namespace {

template <typename T>
void copyRow(std::vector<T>& out, const std::vector<T>& in, size_t row, size_t width)
{
    if (!in.empty())
        out.insert(out.end(), in.begin() + std::ptrdiff_t(row * width), in.begin() + std::ptrdiff_t((row + 1) * width));
}

} // namespace

RoutingBlock selectTokens(const RoutingBlock& block, const std::vector<size_t>& rows)
{
    const TraceDims& d = block.dims;
    const size_t L = size_t(d.layers), k = size_t(d.topk), E = size_t(d.experts);
    const size_t D = d.lookahead.size(), F = size_t(d.featureDim);
    RoutingBlock out;
    out.dims = d;
    size_t seq = 0;
    for (size_t r = 0; r < rows.size(); ++r) {
        const size_t t = rows[r];
        if (r == 0 || block.seqIds[t] != block.seqIds[rows[r - 1]] || t != rows[r - 1] + 1) {
            while (seq + 1 < block.sequences.size() && block.sequences[seq].seqId != block.seqIds[t])
                ++seq;
            SequenceRecord s = block.sequences[seq];
            s.tokenOffset = int64_t(out.numTokens());
            s.length = 0;
            s.generatedTokens = 0;
            out.sequences.push_back(s);
        }
        ++out.sequences.back().length;
        out.tokenIds.push_back(block.tokenIds[t]);
        out.seqIds.push_back(block.seqIds[t]);
        out.positions.push_back(block.positions[t]);
        copyRow(out.topkIds, block.topkIds, t, L * k);
        copyRow(out.topkWeights, block.topkWeights, t, L * k);
        copyRow(out.logits, block.logits, t, L * E);
        copyRow(out.lookaheadIds, block.lookaheadIds, t, L * D * k);
        copyRow(out.features, block.features, t, L * F);
    }
    return out;
}

void readReplayInputs(const speculate::BlockSource& source, const ReadSpec& spec, ReplayInputs& in,
                      const ProgressFn& progress)
{
    const TraceDims& d = source.dims;
    const size_t L = size_t(d.layers), k = size_t(d.topk), E = size_t(d.experts);
    in.store = TokenStore{};
    in.store.layers = d.layers;
    in.store.experts = d.experts;
    in.store.topk = d.topk;
    std::vector<double> use(spec.countHotSet ? L * E : 0, 0.0);
    std::vector<float> next, scores1;
    for (PredictorInput& p : in.predictors) {
        p.rankings.assign(spec.horizons.size(), TokenRanking{spec.rankingWidth, {}, {}, {}});
        next.clear();
        for (size_t l = 0; l < L && p.stream->nextTokenScores(int(l), scores1); ++l)
            next.insert(next.end(), scores1.begin(), scores1.end());
        if (next.size() == L * E)
            for (TokenRanking& r : p.rankings)
                setNextTokenRanking(r, next, d.layers, d.experts);
    }
    std::vector<size_t> rows;
    std::vector<float> scores;
    int64_t seen = 0;
    bool full = false;
    ProgressMeter meter;
    source.forEachBlock(
        [&](const RoutingBlock& b) {
            if (!sameRouting(b.dims, d))
                throw Error(source.description + ": a block with other dimensions (" + describeDims(b.dims) + ")");
            rows.clear();
            for (const SequenceRecord& s : b.sequences) {
                const Split which = splitOf(s.seqId, spec.splitSpec);
                if (spec.countHotSet && which == Split::Train)
                    for (int32_t t = 0; t < s.length; ++t)
                        for (size_t j = 0; j < L * k; ++j)
                            use[(j / k) * E + b.topkIds[(size_t(s.tokenOffset) + size_t(t)) * L * k + j]] += 1.0;
                if (full || (spec.split && which != *spec.split))
                    continue;
                const int32_t first = spec.decodeOnly ? s.length - s.generatedTokens : 0;
                bool started = false;
                for (int32_t t = first; t < s.length; ++t) {
                    if (spec.maxTokens > 0 && in.store.tokens() >= spec.maxTokens) {
                        full = true;
                        break;
                    }
                    const size_t row = size_t(s.tokenOffset) + size_t(t);
                    if (!started)
                        in.store.sequenceStarts.push_back(in.store.tokens());
                    started = true;
                    rows.push_back(row);
                    in.store.ids.insert(in.store.ids.end(), b.topkIds.begin() + std::ptrdiff_t(row * L * k),
                                        b.topkIds.begin() + std::ptrdiff_t((row + 1) * L * k));
                }
            }
            if (!rows.empty() && !in.predictors.empty()) {
                const RoutingBlock sub = selectTokens(b, rows);
                std::vector<size_t> all(sub.numTokens());
                std::iota(all.begin(), all.end(), size_t(0));
                for (PredictorInput& p : in.predictors) {
                    const auto t0 = std::chrono::steady_clock::now();
                    p.stream->predict(sub, scores);
                    for (size_t h = 0; h < spec.horizons.size(); ++h)
                        appendRanking(p.rankings[h], scores, all, d.layers, p.stream->horizon(), d.experts,
                                      spec.horizons[h]);
                    p.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                }
            }
            seen += int64_t(b.numTokens());
            Progress pr;
            pr.stage = "simulate";
            pr.unit = "tokens";
            pr.done = seen;
            pr.message = "reading traces (" + std::to_string(in.store.tokens()) + " tokens to replay)";
            meter.measure(pr);
            reportProgress(progress, pr);
            // The hot set needs the whole training split; otherwise stop once enough is read.
            return !(full && !spec.countHotSet);
        },
        0);
    if (spec.countHotSet) {
        in.hot.experts = d.experts;
        in.hot.ranked.resize(L * E);
        for (size_t l = 0; l < L; ++l) {
            ExpertId* r = in.hot.ranked.data() + l * E;
            std::iota(r, r + E, ExpertId(0));
            const double* u = use.data() + l * E;
            std::stable_sort(r, r + E, [&](ExpertId a, ExpertId b) { return u[a] > u[b]; });
        }
    }
}

} // namespace specmoe::simulate
