// analyze() over block sources, token-text queries and single-sequence journeys.
#include "core/analysis/analysis.h"
#include "core/analysis/block_check.h"

#include "core/trace/token_id.h"
#include "core/util/error.h"
#include "core/util/half.h"
#include "core/util/piece_text.h"

#include <chrono>

namespace specmoe {
namespace {

// Reports at most ten times a second (a block takes a millisecond or so).
class ThrottledProgress {
public:
    ThrottledProgress(const ProgressFn& fn, std::string stage, int64_t total)
        : m_fn(fn), m_stage(std::move(stage)), m_total(total)
    {
    }
    void report(int64_t done, bool force = false)
    {
        if (!m_fn)
            return;
        const auto now = Clock::now();
        if (!force && now - m_last < std::chrono::milliseconds(100))
            return;
        m_last = now;
        Progress p;
        p.stage = m_stage;
        p.done = done;
        p.total = m_total;
        p.unit = "tokens";
        m_meter.measure(p);
        reportProgress(m_fn, p);
    }

private:
    using Clock = std::chrono::steady_clock;
    const ProgressFn& m_fn;
    std::string m_stage;
    int64_t m_total;
    ProgressMeter m_meter;
    Clock::time_point m_last{};
};

} // namespace

bool tokenTextMatches(const std::string& piece, const std::string& query, bool ignoreSpaceMarker)
{
    if (piece == query)
        return true;
    if (!ignoreSpaceMarker)
        return false;
    const std::string a = withoutWordStart(piece), b = withoutWordStart(query);
    return !a.empty() && a == b;
}

AnalysisResult analyze(const BlockSource& source, const AnalysisOptions& options,
                       const ProgressFn& progress, int64_t totalTokens)
{
    AnalysisAccumulator acc(options);
    int64_t total = totalTokens;
    if (options.maxTokens > 0 && (total <= 0 || total > options.maxTokens))
        total = options.maxTokens;
    ThrottledProgress meter(progress, "analyze", total);
    meter.report(0, true);
    if (source)
        source([&](const RoutingBlock& b) {
            acc.add(b);
            meter.report(acc.tokens());
            return !acc.full();
        });
    meter.report(acc.tokens(), true);
    return acc.finish();
}

AnalysisResult analyze(const std::vector<RoutingBlock>& blocks, const AnalysisOptions& options,
                       const ProgressFn& progress)
{
    int64_t total = 0;
    for (const auto& b : blocks)
        total += static_cast<int64_t>(b.numTokens());
    BlockSource src = [&blocks](const BlockVisitor& visit) {
        for (const auto& b : blocks)
            if (!visit(b))
                return;
    };
    return analyze(src, options, progress, total);
}

SequenceJourney sequenceJourney(const RoutingBlock& block, const SequenceRecord& s,
                                const TokenTextFn& tokenText, int maxTokens)
{
    const size_t n = block.numTokens();
    if (s.tokenOffset < 0 || s.length < 0 || size_t(s.tokenOffset) + size_t(s.length) > n)
        throw Error("analysis: sequence " + std::to_string(s.seqId) +
                    " lies outside its block (offset " + std::to_string(s.tokenOffset) +
                    ", length " + std::to_string(s.length) + ", block " + std::to_string(n) +
                    " tokens)");
    const size_t lk = size_t(block.dims.layers) * size_t(block.dims.topk);
    const bool weights = block.dims.hasWeights;
    if (block.topkIds.size() != n * lk || block.topkWeights.size() != (weights ? n * lk : 0))
        throw Error("analysis: top-k arrays of the block have the wrong size");
    SequenceJourney sj;
    sj.seqId = s.seqId;
    sj.source = s.source;
    sj.docId = s.docId;
    sj.length = s.length;
    const int64_t count = std::min<int64_t>(s.length, std::max(0, maxTokens));
    for (int64_t i = 0; i < count; ++i) {
        const size_t t = size_t(s.tokenOffset + i);
        TokenJourney j;
        j.seqId = s.seqId;
        j.source = s.source;
        j.position = block.positions.size() == n ? block.positions[t] : int32_t(i);
        j.tokenId = block.tokenIds[t];
        if (tokenText && j.tokenId != kUnknownToken)
            j.text = tokenText(j.tokenId);
        j.experts.assign(block.topkIds.begin() + t * lk, block.topkIds.begin() + (t + 1) * lk);
        if (weights) { // without router weights they stay absent
            j.weights.resize(lk);
            for (size_t q = 0; q < lk; ++q)
                j.weights[q] = halfToFloat(block.topkWeights[t * lk + q]);
        }
        sj.tokens.push_back(std::move(j));
    }
    return sj;
}

TokenQueryResult findTokenJourneys(const BlockSource& source, const std::string& query,
                                   const TokenTextFn& tokenText, int maxResults,
                                   bool ignoreSpaceMarker, const ProgressFn& progress)
{
    if (!tokenText)
        throw Error("analysis: a token query needs a token-text function (tokenizer)");
    TokenQueryResult result;
    result.query = query;
    std::vector<int8_t> known; // -1 unknown, 0 no, 1 yes
    int64_t seen = 0;
    ThrottledProgress meter(progress, "query", 0);
    if (!source)
        return result;
    source([&](const RoutingBlock& b) {
        analysis_detail::checkBlock(b);
        for (const auto& s : b.sequences) {
            for (int32_t i = 0; i < s.length; ++i) {
                const size_t t = size_t(s.tokenOffset) + size_t(i);
                const int32_t id = b.tokenIds[t];
                if (id < 0)
                    continue;
                if (size_t(id) >= known.size())
                    known.resize(std::max(size_t(id) + 1, known.size() * 2), -1);
                if (known[size_t(id)] < 0)
                    known[size_t(id)] = tokenTextMatches(tokenText(id), query, ignoreSpaceMarker);
                if (!known[size_t(id)])
                    continue;
                ++result.matches;
                if (int(result.journeys.size()) >= maxResults)
                    continue; // maxResults <= 0: count only
                SequenceRecord one = s;
                one.tokenOffset = int64_t(t);
                one.length = 1;
                SequenceJourney sj = sequenceJourney(b, one, tokenText, 1);
                result.journeys.push_back(std::move(sj.tokens.front()));
                if (maxResults > 0 && int(result.journeys.size()) >= maxResults)
                    return false;
            }
        }
        seen += int64_t(b.numTokens());
        meter.report(seen);
        return true;
    });
    return result;
}

} // namespace specmoe
