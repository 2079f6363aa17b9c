// The automatic batch (measured throughput within a memory share) and the corpus-order
// buffer that lets batches group sequences by length.
#include "core/collect/auto_batch.h"
#include "core/collect/corpus_order_buffer.h"
#include "core/model/memory.h"
#include "core/util/error.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace specmoe;

namespace {

// The demo's model (specmoe demo): 4 layers, 8 experts top-2, hidden 128, ~4 M parameters.
MixtralConfig demoModel()
{
    MixtralConfig c;
    c.vocabSize = 3000;
    c.hiddenSize = 128;
    c.intermediateSize = 256;
    c.numLayers = 4;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.headDim = 32;
    c.numExperts = 8;
    c.topk = 2;
    c.maxPositions = 1024;
    return c;
}

AutoBatchInput demoOnCpu(int64_t freeBytes)
{
    AutoBatchInput in;
    in.config = demoModel();
    in.dtype = ComputeDType::Float32;
    in.seqLen = 512;
    in.sequences = 100000;
    in.freeBytes = freeBytes;
    in.numLookahead = 2;
    return in;
}

constexpr int64_t kGiB = int64_t(1) << 30;

} // namespace

TEST(AutoBatch, SmallestNearTheBest)
{
    EXPECT_EQ(smallestNearBest({1, 2, 4, 8, 16}, {100, 180, 300, 310, 312}), 4); // 300 >= 0.95 * 312
    EXPECT_EQ(smallestNearBest({1, 2, 4, 8}, {100, 180, 250, 310}), 8);
    EXPECT_EQ(smallestNearBest({1, 2, 4}, {300, 200, 100}), 1);
    EXPECT_EQ(smallestNearBest({}, {}), 1);
}

// Issue 22: the dialog proposed 2,741 sequences and 18 GiB of activations for the demo
// model on a CPU with free memory to spare. The proposal now aims at a CPU pass of a few
// thousand tokens, whatever the free memory, and stays within the memory share.
TEST(AutoBatch, DemoModelProposalOnCpuIsBounded)
{
    for (int64_t freeBytes : {4 * kGiB, 24 * kGiB, 512 * kGiB}) {
        const AutoBatchChoice c = chooseAutoBatch(demoOnCpu(freeBytes));
        EXPECT_FALSE(c.measured);
        EXPECT_EQ(c.batch, kCpuPassTokens / 512);
        EXPECT_GT(c.memoryCap, 100) << "memory alone would allow far more";
        EXPECT_LT(activationBytes(demoModel(), ComputeDType::Float32, c.batch, 512, 2), 512LL << 20);
        EXPECT_NE(c.note.find("measured when the run starts"), std::string::npos) << c.note;
    }
    // Short sequences: more of them per pass, never beyond the most an automatic pass holds.
    AutoBatchInput shortSeqs = demoOnCpu(24 * kGiB);
    shortSeqs.seqLen = 8;
    EXPECT_EQ(chooseAutoBatch(shortSeqs).batch, std::min<int64_t>(kMaxAutoBatch, kCpuPassTokens / 8));
    // A corpus of 3 sequences: a batch of 3.
    shortSeqs.sequences = 3;
    EXPECT_EQ(chooseAutoBatch(shortSeqs).batch, 3);
    // Little free memory: the memory share caps the proposal.
    const int64_t tight = activationBytes(demoModel(), ComputeDType::Float32, 3, 512, 2);
    const AutoBatchChoice capped = chooseAutoBatch(demoOnCpu(int64_t(double(tight) / 0.8) + 64));
    EXPECT_EQ(capped.memoryCap, 3);
    EXPECT_EQ(capped.batch, 3);
    // On CUDA without a probe: the cap (GPUs gain up to large passes), at most kMaxAutoBatch.
    AutoBatchInput gpu = demoOnCpu(24 * kGiB);
    gpu.cuda = true;
    EXPECT_EQ(chooseAutoBatch(gpu).batch, kMaxAutoBatch);
}

TEST(AutoBatch, NotOneSequenceFitsNamesTheMemory)
{
    try {
        chooseAutoBatch(demoOnCpu(1 << 20), {}, 10, INT64_MAX, "cpu");
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("not even one sequence of 512 tokens fits the free memory of cpu (1 MiB"),
                  std::string::npos)
            << e.what();
    }
}

// With a probe: doublings until the curve is flat, the smallest batch within 5% of the best.
TEST(AutoBatch, MeasuredPicksTheSmallestNearTheBestAndStopsWhenFlat)
{
    std::vector<int64_t> asked;
    const BatchProbe saturating = [&](int64_t b) {
        asked.push_back(b);
        const double tps = b >= 8 ? 8000 : 1000.0 * double(b); // flat from 8 sequences on
        return BatchMeasure{tps, double(b * 512) / tps};
    };
    const AutoBatchChoice c = chooseAutoBatch(demoOnCpu(24 * kGiB), saturating);
    EXPECT_TRUE(c.measured);
    EXPECT_EQ(c.batch, 8);
    EXPECT_EQ(asked, (std::vector<int64_t>{1, 2, 4, 8, 16, 32})); // two flat doublings, then stop
    EXPECT_EQ(c.candidates, asked);
    EXPECT_GT(c.probeSeconds, 0);
    EXPECT_NE(c.note.find("automatic batch 8 x 512 tokens"), std::string::npos) << c.note;

    // The memory cap bounds the probe: never a batch beyond it.
    asked.clear();
    const int64_t room = activationBytes(demoModel(), ComputeDType::Float32, 5, 512, 2);
    const AutoBatchChoice capped = chooseAutoBatch(demoOnCpu(int64_t(double(room) / 0.8) + 64), saturating);
    EXPECT_EQ(capped.memoryCap, 5);
    EXPECT_EQ(asked, (std::vector<int64_t>{1, 2, 4, 5}));
    EXPECT_EQ(capped.batch, 5);

    // On a CPU of 4 cores the probe starts at 4 (a smaller batch leaves cores idle), and
    // so does the unmeasured proposal for short passes.
    asked.clear();
    AutoBatchInput four = demoOnCpu(24 * kGiB);
    four.cores = 4;
    EXPECT_EQ(chooseAutoBatch(four, saturating).batch, 8);
    EXPECT_EQ(asked, (std::vector<int64_t>{4, 8, 16, 32}));
    four.seqLen = 4096;
    EXPECT_EQ(chooseAutoBatch(four).batch, 4);

    // The probe's budget: time or tokens spent stops it, the best so far wins.
    asked.clear();
    const AutoBatchChoice budget = chooseAutoBatch(demoOnCpu(24 * kGiB), saturating, 10, 3 * 512);
    EXPECT_EQ(asked, (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(budget.batch, 2);
    // A measurement of two passes counts twice against the token budget.
    asked.clear();
    const BatchProbe twoPasses = [&](int64_t b) {
        BatchMeasure m = saturating(b);
        m.tokens = 2 * b * 512;
        return m;
    };
    chooseAutoBatch(demoOnCpu(24 * kGiB), twoPasses, 10, 6 * 512);
    EXPECT_EQ(asked, (std::vector<int64_t>{1, 2}));
}

namespace {

// A block of sequences with the given ids and lengths; token values encode (id, position).
RoutingBlock blockOf(const std::vector<std::pair<int64_t, int32_t>>& seqs)
{
    RoutingBlock b;
    b.dims.layers = 2;
    b.dims.experts = 4;
    b.dims.topk = 1;
    b.dims.hasWeights = true;
    b.dims.decoderLayers = 2;
    b.dims.featureDim = 3;
    for (const auto& [id, len] : seqs) {
        SequenceRecord r;
        r.seqId = id;
        r.source = "s";
        r.docId = "d" + std::to_string(id);
        r.tokenOffset = int64_t(b.numTokens());
        r.length = len;
        b.sequences.push_back(r);
        for (int32_t t = 0; t < len; ++t) {
            b.tokenIds.push_back(int32_t(id * 100 + t));
            b.seqIds.push_back(id);
            b.positions.push_back(t);
            for (int l = 0; l < 2; ++l) {
                b.topkIds.push_back(ExpertId((id + t + l) % 4));
                b.topkWeights.push_back(0x3c00); // 1.0
                for (int f = 0; f < 3; ++f)
                    b.features.push_back(uint16_t(id * 1000 + t * 10 + l * 3 + f));
            }
        }
    }
    b.validate();
    return b;
}

std::vector<int64_t> idsOf(const RoutingBlock& b)
{
    std::vector<int64_t> out;
    for (const auto& s : b.sequences)
        out.push_back(s.seqId);
    return out;
}

} // namespace

TEST(CorpusOrderBuffer, EmitsCorpusOrderWhateverTheBatchOrder)
{
    // Positions 0..5; position 2 is stored by an earlier run.
    CorpusOrderBuffer buf({false, false, true, false, false, false});
    RoutingBlock out;
    out.dims = blockOf({}).dims;
    buf.add(blockOf({{3, 4}, {1, 3}}), {3, 1}); // a batch of the longest first
    EXPECT_EQ(buf.takeReady(out), 0u);         // position 0 not routed yet
    buf.add(blockOf({{5, 2}, {0, 1}}), {5, 0});
    EXPECT_EQ(buf.takeReady(out), 3u);          // 0, 1, (2 stored), 3
    EXPECT_EQ(idsOf(out), (std::vector<int64_t>{0, 1, 3}));
    EXPECT_EQ(buf.held(), 1u);                  // 5 waits for 4
    buf.add(blockOf({{4, 2}}), {4});
    EXPECT_EQ(buf.takeReady(out), 2u);
    EXPECT_EQ(idsOf(out), (std::vector<int64_t>{0, 1, 3, 4, 5}));
    out.validate();
    // Every token's data moved with its sequence.
    const RoutingBlock ref = blockOf({{0, 1}, {1, 3}, {3, 4}, {4, 2}, {5, 2}});
    EXPECT_EQ(out.tokenIds, ref.tokenIds);
    EXPECT_EQ(out.topkIds, ref.topkIds);
    EXPECT_EQ(out.features, ref.features);
    EXPECT_EQ(out.positions, ref.positions);
    // A position stored before, or twice, is refused.
    EXPECT_THROW(buf.add(blockOf({{2, 1}}), {2}), Error);
}

TEST(CorpusOrderBuffer, TakeAllKeepsWhatWasRoutedAtAStop)
{
    CorpusOrderBuffer buf(std::vector<bool>(5, false));
    RoutingBlock out;
    out.dims = blockOf({}).dims;
    buf.add(blockOf({{4, 2}, {1, 3}}), {4, 1});
    EXPECT_EQ(buf.takeReady(out), 0u);
    EXPECT_EQ(buf.takeAll(out), 2u);
    EXPECT_EQ(idsOf(out), (std::vector<int64_t>{1, 4}));
    EXPECT_EQ(buf.held(), 0u);
    out.validate();
}
