// The golden trace folder (tests/data/golden/trace, written by `specmoe collect` + `traces
// reshard` of 2026-12-06; README.md there): today's reader must keep reading it. The
// expected values below were read from the shards with h5py, not with our reader.
#include "core/trace/trace_set.h"
#include "core/util/half.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace specmoe;
using namespace specmoe::test;

namespace {

const std::string kTrace = dataPath("golden/trace");

// The corpus the trace was collected from: line i holds the token ids of sequence i.
std::vector<std::vector<int32_t>> corpus()
{
    std::vector<std::vector<int32_t>> out;
    std::istringstream in(readFile(dataPath("golden/corpus.jsonl")));
    std::string line;
    while (std::getline(in, line))
        out.push_back(nlohmann::json::parse(line).at("input_ids").get<std::vector<int32_t>>());
    return out;
}

// The row of (seqId, position) in a block holding that sequence.
size_t rowOf(const RoutingBlock& b, int64_t seqId, int32_t position)
{
    for (const SequenceRecord& s : b.sequences)
        if (s.seqId == seqId)
            return size_t(s.tokenOffset) + size_t(position);
    ADD_FAILURE() << "sequence " << seqId << " not in the block";
    return 0;
}

} // namespace

TEST(GoldenTrace, ManifestDimsTotalsAndFingerprint)
{
    const TraceSet set = TraceSet::open(kTrace);
    EXPECT_EQ(set.schemaVersion(), 1);
    EXPECT_TRUE(set.complete());
    EXPECT_EQ(set.dims().layers, 3);
    EXPECT_EQ(set.dims().experts, 8);
    EXPECT_EQ(set.dims().topk, 2);
    EXPECT_EQ(set.dims().lookahead, (std::vector<int>{1, 2}));
    EXPECT_TRUE(set.dims().hasLogits);
    EXPECT_EQ(set.numSequences(), 30);
    EXPECT_EQ(set.numTokens(), 232);
    EXPECT_EQ(set.fingerprint().modelConfigHash, "53771d44afd5e848");
    EXPECT_EQ(set.fingerprint().dtype, "float32");
    EXPECT_EQ(set.fingerprint().tokenizerHash, "none");
    EXPECT_EQ(set.fingerprint().runConfigHash, "271827d0f8d82634");

    ASSERT_EQ(set.shards().size(), 2u);
    const ShardInfo& a = set.shards()[0];
    const ShardInfo& b = set.shards()[1];
    EXPECT_EQ(a.file, "shard-00000.h5");
    EXPECT_EQ(b.file, "shard-00001.h5");
    EXPECT_EQ(a.tokens, 161);
    EXPECT_EQ(a.sequences, 16);
    EXPECT_EQ(b.tokens, 71);
    EXPECT_EQ(b.sequences, 14);
    EXPECT_EQ(a.crc32, "56cfcdbc");
    EXPECT_EQ(b.crc32, "734dc931");
    ASSERT_EQ(a.seqRanges.size(), 8u);
    EXPECT_EQ(a.seqRanges[0], (std::pair<int64_t, int64_t>{0, 2}));
    EXPECT_EQ(a.seqRanges[7], (std::pair<int64_t, int64_t>{28, 28}));
}

TEST(GoldenTrace, ChecksumsAndContentVerify)
{
    const VerifyReport r = TraceSet::open(kTrace).verify();
    for (const std::string& p : r.problems)
        ADD_FAILURE() << p;
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.shardsChecked, 2u);
    EXPECT_EQ(r.tokensChecked, 232);
    EXPECT_EQ(r.sequencesChecked, 30);
}

TEST(GoldenTrace, SequenceTableAndTokensMatchTheCorpus)
{
    const TraceSet set = TraceSet::open(kTrace);
    const std::vector<std::vector<int32_t>> lines = corpus();
    ASSERT_EQ(lines.size(), 30u);
    const std::vector<SequenceRecord> seqs = set.sequences();
    ASSERT_EQ(seqs.size(), 30u);
    // Shard order: the collector's length buckets (longest first), shard 1 after shard 0.
    EXPECT_EQ(seqs[0].seqId, 6);
    EXPECT_EQ(seqs[0].tokenOffset, 0);
    EXPECT_EQ(seqs[0].length, 12);
    EXPECT_EQ(seqs[16].seqId, 15);
    EXPECT_EQ(seqs[16].tokenOffset, 161);
    EXPECT_EQ(seqs[16].length, 7);
    for (const SequenceRecord& s : seqs) {
        SCOPED_TRACE("sequence " + std::to_string(s.seqId));
        ASSERT_GE(s.seqId, 0);
        ASSERT_LT(s.seqId, 30);
        EXPECT_EQ(s.source, "ids");
        EXPECT_EQ(s.docId, "corpus.jsonl:" + std::to_string(s.seqId + 1));
        const RoutingBlock one = set.readSequence(s.seqId);
        EXPECT_EQ(one.tokenIds, lines[size_t(s.seqId)]);
        EXPECT_EQ(s.length, int32_t(lines[size_t(s.seqId)].size()));
        for (size_t t = 0; t < one.numTokens(); ++t)
            EXPECT_EQ(one.positions[t], int32_t(t));
    }
}

TEST(GoldenTrace, ExpertIdsWeightsProbesAndLogits)
{
    const TraceSet set = TraceSet::open(kTrace);
    const RoutingBlock first = set.readShard(0);
    ASSERT_EQ(first.numTokens(), 161u);
    ASSERT_EQ(first.sequences.size(), 16u);
    // Token 0 of sequence 6 (BOS): top-2 per layer, descending, weights renormalised.
    const size_t t0 = rowOf(first, 6, 0);
    EXPECT_EQ(first.tokenIds[t0], 1);
    const int ids0[3][2] = {{5, 0}, {6, 0}, {6, 5}};
    const float w0[3][2] = {{0.90673828125f, 0.09344482421875f},
                            {0.61376953125f, 0.385986328125f},
                            {0.51953125f, 0.480224609375f}};
    for (int l = 0; l < 3; ++l)
        for (int j = 0; j < 2; ++j) {
            EXPECT_EQ(first.expert(t0, l, j), ids0[l][j]) << "layer " << l << " rank " << j;
            EXPECT_FLOAT_EQ(first.weight(t0, l, j), w0[l][j]) << "layer " << l << " rank " << j;
        }
    // Probes [L, D, k]: layer 0 at distances 1 and 2, layer 1 at 1; none beyond the last layer.
    // 255 on disk (uint8) reads as kNoExpert.
    const ExpertId N = kNoExpert;
    const ExpertId probes0[3][2][2] = {{{6, 0}, {5, 6}}, {{6, 5}, {N, N}}, {{N, N}, {N, N}}};
    for (int l = 0; l < 3; ++l)
        for (int d = 0; d < 2; ++d)
            for (int j = 0; j < 2; ++j)
                EXPECT_EQ(first.lookaheadIds[((t0 * 3 + size_t(l)) * 2 + size_t(d)) * 2 + size_t(j)], probes0[l][d][j])
                    << "layer " << l << " distance " << d + 1;
    const float logits0[8] = {2.609375f, -2.4140625f, -1.041015625f, -0.31591796875f,
                              -3.4296875f, 4.8828125f, -1.009765625f, -1.9619140625f};
    for (int e = 0; e < 8; ++e)
        EXPECT_FLOAT_EQ(halfToFloat(first.logits[(t0 * 3 + 0) * 8 + size_t(e)]), logits0[e]) << "expert " << e;

    // The last token of each shard.
    const size_t last0 = rowOf(first, 19, 7);
    EXPECT_EQ(last0, 160u);
    const int idsLast0[3][2] = {{7, 5}, {0, 7}, {4, 5}};
    const float wLast0[3][2] = {{0.59521484375f, 0.40478515625f},
                                {0.6044921875f, 0.3955078125f},
                                {0.81884765625f, 0.1810302734375f}};
    const RoutingBlock second = set.readShard(1);
    ASSERT_EQ(second.numTokens(), 71u);
    const size_t last1 = rowOf(second, 25, 3);
    EXPECT_EQ(last1, 70u);
    const int idsLast1[3][2] = {{3, 2}, {2, 6}, {7, 3}};
    const float wLast1[3][2] = {{0.60400390625f, 0.395751953125f},
                                {0.68359375f, 0.31640625f},
                                {0.8837890625f, 0.116455078125f}};
    for (int l = 0; l < 3; ++l)
        for (int j = 0; j < 2; ++j) {
            EXPECT_EQ(first.expert(last0, l, j), idsLast0[l][j]);
            EXPECT_FLOAT_EQ(first.weight(last0, l, j), wLast0[l][j]);
            EXPECT_EQ(second.expert(last1, l, j), idsLast1[l][j]);
            EXPECT_FLOAT_EQ(second.weight(last1, l, j), wLast1[l][j]);
        }
    // readSequence gives the same rows as the shard.
    const RoutingBlock s19 = set.readSequence(19);
    ASSERT_EQ(s19.numTokens(), 8u);
    for (int l = 0; l < 3; ++l)
        EXPECT_EQ(s19.expert(7, l, 0), idsLast0[l][0]);
}
