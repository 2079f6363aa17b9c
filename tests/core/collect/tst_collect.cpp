// The collection job: exact routing against the runtime and the golden fixture, resume
// after cancel and after SIGKILL, refusal of a foreign folder, bad input in the manifest.
#include "core/collect/collector.h"
#include "core/collect/routing_convert.h"
#include "core/collect/tokenizer_fit.h"
#include "core/model/runtime.h"
#include "core/model/tokenizer.h"
#include "core/safetensors/safetensors.h"
#include "core/safetensors/safetensors_writer.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"
#include "core/util/half.h"
#include "core/util/read_file.h"
#include "tests/core/collect/id_corpus.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace specmoe;
using specmoe::test::TempDir;
namespace fs = std::filesystem;

using specmoe::test::randomSequences;
using specmoe::test::writeIdsJsonl;

namespace {

const std::string kModel = specmoe::test::dataPath("hf-tiny-mixtral");

// n pre-tokenized sequences (BOS 1 first) of lengths in [minLen, maxLen], ids in [3, 320).
// A progress callback that cancels once `n` collection batches have been reported;
// *seen counts them.
ProgressFn cancelAfterBatches(int n, int* seen)
{
    *seen = 0;
    return [n, seen](const Progress& pr) {
        if (pr.stage == "collect" && pr.message.rfind("batch", 0) == 0)
            ++*seen;
        return *seen < n;
    };
}

CollectParams baseParams(const std::string& source, const std::string& out)
{
    CollectParams p;
    p.sources = {parseSourceSpec("ids=" + source + ":jsonl-ids")};
    p.modelDir = kModel;
    p.outDir = out;
    p.device = DeviceSpec::cpu();
    p.dtype = ComputeDType::Float32;
    p.threads = 1;
    p.minLength = 1;
    p.maxLength = 64;
    p.batchSize = 4;
    p.bucketBatches = 4;
    p.shardMB = 0.004; // ~90 tokens per shard: many shards
    p.lookahead = {1, 2};
    p.withLogits = true;
    return p;
}

// All sequences of a trace folder, by id, as single-sequence blocks.
std::map<int64_t, RoutingBlock> readTrace(const std::string& dir)
{
    const TraceSet t = TraceSet::open(dir);
    std::map<int64_t, RoutingBlock> out;
    for (size_t i = 0; i < t.shards().size(); ++i) {
        const RoutingBlock b = t.readShard(i);
        for (const auto& s : b.sequences) {
            RoutingBlock one;
            one.dims = b.dims;
            const size_t n0 = size_t(s.tokenOffset), n = size_t(s.length);
            const size_t lk = size_t(b.dims.layers * b.dims.topk);
            const size_t le = size_t(b.dims.layers * b.dims.experts);
            const size_t ld = lk * b.dims.lookahead.size();
            SequenceRecord r = s;
            r.tokenOffset = 0;
            one.sequences.push_back(r);
            one.tokenIds.assign(b.tokenIds.begin() + long(n0), b.tokenIds.begin() + long(n0 + n));
            one.seqIds.assign(b.seqIds.begin() + long(n0), b.seqIds.begin() + long(n0 + n));
            one.positions.assign(b.positions.begin() + long(n0), b.positions.begin() + long(n0 + n));
            one.topkIds.assign(b.topkIds.begin() + long(n0 * lk), b.topkIds.begin() + long((n0 + n) * lk));
            one.topkWeights.assign(b.topkWeights.begin() + long(n0 * lk), b.topkWeights.begin() + long((n0 + n) * lk));
            if (b.dims.hasLogits)
                one.logits.assign(b.logits.begin() + long(n0 * le), b.logits.begin() + long((n0 + n) * le));
            one.lookaheadIds.assign(b.lookaheadIds.begin() + long(n0 * ld), b.lookaheadIds.begin() + long((n0 + n) * ld));
            EXPECT_TRUE(out.emplace(s.seqId, std::move(one)).second) << "sequence " << s.seqId << " stored twice";
        }
    }
    return out;
}

void expectSameTraces(const std::string& a, const std::string& b)
{
    const auto ta = readTrace(a), tb = readTrace(b);
    ASSERT_EQ(ta.size(), tb.size());
    for (const auto& [id, x] : ta) {
        auto it = tb.find(id);
        ASSERT_NE(it, tb.end()) << "sequence " << id << " missing";
        const RoutingBlock& y = it->second;
        EXPECT_EQ(x.sequences[0].source, y.sequences[0].source);
        EXPECT_EQ(x.sequences[0].docId, y.sequences[0].docId);
        EXPECT_EQ(x.tokenIds, y.tokenIds) << id;
        EXPECT_EQ(x.positions, y.positions) << id;
        EXPECT_EQ(x.topkIds, y.topkIds) << id;
        EXPECT_EQ(x.topkWeights, y.topkWeights) << id;
        EXPECT_EQ(x.logits, y.logits) << id;
        EXPECT_EQ(x.lookaheadIds, y.lookaheadIds) << id;
    }
}

} // namespace

// The conversion alone, on synthetic tensors whose values name their row: row b*T+t is
// batch row b, position t, and pads never reach the block.
TEST(RoutingConvert, RowsAreSequenceTimesLengthPlusPosition)
{
    const int64_t L = 3, B = 3, T = 5, k = 2, E = 8, D = 2;
    RoutingResult r;
    r.topkIds = at::empty({L, B * T, k}, at::kLong);
    r.topkWeights = at::empty({L, B * T, k}, at::kFloat);
    r.routerLogits = at::empty({L, B * T, E}, at::kFloat);
    r.lookaheadIds = at::empty({L, D, B * T, k}, at::kLong);
    auto code = [](int64_t row, int64_t l, int64_t j) { return (row * 3 + l * 5 + j) % 8; };
    for (int64_t l = 0; l < L; ++l)
        for (int64_t row = 0; row < B * T; ++row) {
            for (int64_t j = 0; j < k; ++j) {
                r.topkIds[l][row][j] = code(row, l, j);
                r.topkWeights[l][row][j] = float(row) / 64.0f + float(j) / 128.0f;
                for (int64_t d = 0; d < D; ++d)
                    r.lookaheadIds[l][d][row][j] = l + d + 1 >= L ? -1 : code(row, l + d + 1, j);
            }
            for (int64_t e = 0; e < E; ++e)
                r.routerLogits[l][row][e] = float(row * 10 + e);
        }
    MixtralConfig c;
    c.numLayers = L;
    c.numExperts = E;
    c.topk = k;
    RoutingBlock blk;
    blk.dims = traceDims(c, {1, 2}, true);
    const std::vector<int32_t> t0{1, 2, 3, 4, 5}, t2{7, 8};
    // Rows 0 (full) and 2 (length 2); row 1 is not stored (already complete).
    appendRouting(r, T, {{0, 5, 10, "a", "d0", t0.data()}, {2, 2, 12, "b", "d2", t2.data()}}, blk);
    blk.validate();
    ASSERT_EQ(blk.numTokens(), 7u);
    EXPECT_EQ(blk.sequences[1].tokenOffset, 5);
    EXPECT_EQ(blk.seqIds[6], 12);
    EXPECT_EQ(blk.positions[6], 1);
    EXPECT_EQ(blk.tokenIds[6], 8);
    for (size_t n = 0; n < blk.numTokens(); ++n) {
        const int64_t row = n < 5 ? int64_t(n) : 2 * T + int64_t(n - 5);
        for (int l = 0; l < L; ++l) {
            for (int j = 0; j < k; ++j) {
                EXPECT_EQ(blk.expert(n, l, j), code(row, l, j));
                EXPECT_EQ(blk.weight(n, l, j), halfToFloat(floatToHalf(float(row) / 64.0f + float(j) / 128.0f)));
                for (int d = 0; d < D; ++d) {
                    const ExpertId got = blk.lookaheadIds[((n * L + size_t(l)) * D + size_t(d)) * k + size_t(j)];
                    EXPECT_EQ(got, l + d + 1 >= L ? kNoExpert : ExpertId(code(row, l + d + 1, j)));
                }
            }
            EXPECT_EQ(halfToFloat(blk.logits[(n * L + size_t(l)) * E + 3]), float(row * 10 + 3));
        }
    }
    // A row outside the batch is an error, not a crash.
    EXPECT_THROW(appendRouting(r, T, {{3, 2, 13, "a", "x", t2.data()}}, blk), Error);
    EXPECT_THROW(appendRouting(r, T, {{0, 6, 13, "a", "x", t0.data()}}, blk), Error);
}

// The collected routing equals the runtime's direct output on padded batches, token by
// token (and the golden transformers top-2 of the fixture).
TEST(Collect, EqualsRuntimeOnPaddedBatches)
{
    TempDir t("collect");
    const auto seqs = randomSequences(30, 3, 40, 11);
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), seqs);
    CollectParams p = baseParams(src, t.file("out"));
    p.shuffleBuffer = 0; // file order: seqId i is line i+1
    std::vector<Progress> reports;
    const CollectResult res = collect(p, [&](const Progress& pr) {
        reports.push_back(pr);
        return true;
    });
    EXPECT_TRUE(res.complete);
    EXPECT_FALSE(res.resumed);
    EXPECT_EQ(res.corpusSequences, 30);
    EXPECT_EQ(res.sequencesWritten, 30);
    EXPECT_GT(res.shards, 3u);
    EXPECT_GT(res.tokensPerSecond, 0);
    EXPECT_LT(res.paddingFraction, 0.5);
    ASSERT_FALSE(reports.empty());
    EXPECT_EQ(reports.back().done, reports.back().total);
    bool sawRate = false;
    for (const auto& r : reports)
        sawRate |= r.stage == "collect" && r.rate > 0 && r.eta_seconds >= 0;
    EXPECT_TRUE(sawRate);

    const TraceSet ts = TraceSet::open(p.outDir);
    EXPECT_TRUE(ts.complete());
    EXPECT_TRUE(ts.verify().ok());
    const auto trace = readTrace(p.outDir);
    ASSERT_EQ(trace.size(), seqs.size());

    // Direct: the runtime on padded batches of 7 sequences in id order.
    RuntimeOptions ro;
    ro.device = DeviceSpec::cpu();
    ro.dtype = ComputeDType::Float32;
    ro.lookahead = {1, 2};
    ro.threads = 1;
    MixtralRuntime rt(kModel, ro);
    const int L = 3, k = 2, E = 8, D = 2;
    int64_t compared = 0;
    for (size_t b0 = 0; b0 < seqs.size(); b0 += 7) {
        const size_t nb = std::min<size_t>(7, seqs.size() - b0);
        int64_t T = 0;
        for (size_t i = 0; i < nb; ++i)
            T = std::max<int64_t>(T, int64_t(seqs[b0 + i].size()));
        at::Tensor ids = at::zeros({int64_t(nb), T}, at::kLong), mask = at::zeros({int64_t(nb), T}, at::kLong);
        for (size_t i = 0; i < nb; ++i)
            for (size_t j = 0; j < seqs[b0 + i].size(); ++j) {
                ids[int64_t(i)][int64_t(j)] = seqs[b0 + i][j];
                mask[int64_t(i)][int64_t(j)] = 1;
            }
        const RoutingResult rr = rt.route(ids, mask);
        for (size_t i = 0; i < nb; ++i) {
            const RoutingBlock& s = trace.at(int64_t(b0 + i));
            ASSERT_EQ(s.numTokens(), seqs[b0 + i].size());
            EXPECT_EQ(s.sequences[0].source, "ids");
            EXPECT_EQ(s.sequences[0].docId, "ids.jsonl:" + std::to_string(b0 + i + 1));
            for (size_t tpos = 0; tpos < s.numTokens(); ++tpos) {
                const int64_t row = int64_t(i) * T + int64_t(tpos);
                EXPECT_EQ(s.tokenIds[tpos], seqs[b0 + i][tpos]);
                EXPECT_EQ(s.positions[tpos], int32_t(tpos));
                for (int l = 0; l < L; ++l) {
                    for (int j = 0; j < k; ++j) {
                        EXPECT_EQ(int64_t(s.expert(tpos, l, j)), rr.topkIds[l][row][j].item<int64_t>())
                            << "seq " << b0 + i << " pos " << tpos << " layer " << l;
                        EXPECT_NEAR(s.weight(tpos, l, j), rr.topkWeights[l][row][j].item<float>(), 1e-3);
                        for (int d = 0; d < D; ++d) {
                            const int64_t want = rr.lookaheadIds[l][d][row][j].item<int64_t>();
                            EXPECT_EQ(s.lookaheadIds[((tpos * L + size_t(l)) * D + size_t(d)) * k + size_t(j)],
                                      want < 0 ? kNoExpert : ExpertId(want));
                        }
                    }
                    for (int e = 0; e < E; ++e) {
                        const float want = rr.routerLogits[l][row][e].item<float>();
                        EXPECT_NEAR(halfToFloat(s.logits[(tpos * L + size_t(l)) * E + size_t(e)]), want,
                                    2e-3 * std::max(1.0f, std::abs(want)));
                    }
                }
                ++compared;
            }
        }
    }
    EXPECT_EQ(compared, res.corpusTokens);
}

TEST(Collect, MatchesGoldenTransformersTop2)
{
    const SafetensorsFile g(kModel + "/golden.safetensors");
    const TensorEntry* ids = g.find("input_ids");
    const TensorEntry* mask = g.find("attention_mask");
    const TensorEntry* topk = g.find("topk_ids");
    ASSERT_TRUE(ids && mask && topk);
    const int64_t B = ids->shape[0], T = ids->shape[1];
    std::vector<int64_t> idv(size_t(B * T)), mv(size_t(B * T)), tk(size_t(topk->numel()));
    std::memcpy(idv.data(), g.bytes(*ids), idv.size() * 8);
    std::memcpy(mv.data(), g.bytes(*mask), mv.size() * 8);
    std::memcpy(tk.data(), g.bytes(*topk), tk.size() * 8);
    std::vector<std::vector<int32_t>> seqs(static_cast<size_t>(B));
    for (int64_t b = 0; b < B; ++b)
        for (int64_t t = 0; t < T; ++t)
            if (mv[size_t(b * T + t)])
                seqs[size_t(b)].push_back(int32_t(idv[size_t(b * T + t)]));
    TempDir dir("collect");
    CollectParams p = baseParams(writeIdsJsonl(dir.file("g.jsonl"), seqs), dir.file("out"));
    p.shuffleBuffer = 0;
    p.batchSize = 3; // the golden batch itself
    collect(p);
    const auto trace = readTrace(p.outDir);
    ASSERT_EQ(trace.size(), size_t(B));
    for (int64_t b = 0; b < B; ++b) {
        const RoutingBlock& s = trace.at(b);
        ASSERT_EQ(s.numTokens(), seqs[size_t(b)].size());
        for (size_t t = 0; t < s.numTokens(); ++t)
            for (int l = 0; l < 3; ++l)
                for (int j = 0; j < 2; ++j)
                    EXPECT_EQ(int64_t(s.expert(t, l, j)), tk[size_t((l * B * T + b * T + int64_t(t)) * 2 + j)])
                        << "seq " << b << " pos " << t << " layer " << l;
    }
}

TEST(Collect, CancelThenResumeGivesTheUninterruptedTrace)
{
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(40, 3, 30, 5));
    CollectParams ref = baseParams(src, t.file("ref"));
    collect(ref);

    CollectParams p = baseParams(src, t.file("out"));
    int calls = 0;
    EXPECT_THROW(collect(p, cancelAfterBatches(5, &calls)), Cancelled);
    const TraceSet partial = TraceSet::open(p.outDir);
    EXPECT_FALSE(partial.complete());
    EXPECT_GT(partial.numSequences(), 0);
    EXPECT_LT(partial.numSequences(), 40);
    EXPECT_TRUE(partial.verify().ok());

    const CollectResult r = collect(p);
    EXPECT_TRUE(r.resumed);
    EXPECT_EQ(r.resumedSequences, partial.numSequences());
    EXPECT_EQ(r.resumedSequences + r.sequencesWritten, 40);
    expectSameTraces(ref.outDir, p.outDir);

    // Rerunning a complete trace does nothing and loads no model.
    const CollectResult again = collect(p);
    EXPECT_EQ(again.sequencesWritten, 0);
    EXPECT_EQ(again.batches, 0);
    EXPECT_EQ(again.resumedSequences, 40);
}

// A cancel stores what was collected so far as a last complete shard, even when no shard
// has filled up yet: nothing collected is thrown away, and the resume continues after it.
TEST(Collect, CancelKeepsThePartialShard)
{
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(40, 3, 30, 9));
    CollectParams ref = baseParams(src, t.file("ref"));
    ref.shardMB = 64; // everything fits one shard
    collect(ref);

    CollectParams p = ref;
    p.outDir = t.file("out");
    int batches = 0;
    EXPECT_THROW(collect(p, cancelAfterBatches(3, &batches)), Cancelled);
    ASSERT_EQ(batches, 3);
    const TraceSet partial = TraceSet::open(p.outDir);
    EXPECT_FALSE(partial.complete());
    ASSERT_EQ(partial.shards().size(), 1u);
    EXPECT_TRUE(fs::exists(fs::path(p.outDir) / partial.shards()[0].file));
    EXPECT_EQ(partial.numSequences(), 3 * p.batchSize); // every sequence of the 3 batches
    EXPECT_TRUE(partial.verify().ok());
    for (const auto& e : fs::directory_iterator(p.outDir))
        EXPECT_NE(e.path().extension(), ".tmp") << e.path(); // no temporary left behind

    const CollectResult r = collect(p);
    EXPECT_TRUE(r.resumed);
    EXPECT_EQ(r.resumedSequences, 3 * p.batchSize);
    EXPECT_EQ(r.resumedSequences + r.sequencesWritten, 40);
    EXPECT_EQ(TraceSet::open(p.outDir).shards().size(), 2u);
    EXPECT_TRUE(TraceSet::open(p.outDir).verify().ok());
    expectSameTraces(ref.outDir, p.outDir); // no sequence lost, none stored twice
}

TEST(Collect, RefusesAnotherConfigurationUnlessStartOver)
{
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(8, 3, 12, 2));
    CollectParams p = baseParams(src, t.file("out"));
    collect(p);
    CollectParams q = p;
    q.lookahead = {1};
    try {
        collect(q);
        FAIL() << "a folder of another configuration was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("start over"), std::string::npos) << e.what();
    }
    q.maxLength = 10; // another corpus
    q.lookahead = {1, 2};
    EXPECT_THROW(collect(q), Error);
    q.startOver = true;
    const CollectResult r = collect(q);
    EXPECT_FALSE(r.resumed);
    EXPECT_EQ(TraceSet::open(q.outDir).dims().lookahead, (std::vector<int>{1, 2}));
}

TEST(Collect, BadInputIsCountedInTheManifest)
{
    TempDir t("collect");
    const std::string src =
        writeIdsJsonl(t.file("ids.jsonl"), randomSequences(6, 3, 12, 3),
                      "{\"input_ids\": [1, 2\n{\"other\":[1]}\n{\"input_ids\":[1,999]}\n");
    CollectParams p = baseParams(src, t.file("out"));
    const CollectResult r = collect(p);
    EXPECT_EQ(r.corpusSequences, 6);
    EXPECT_EQ(r.skippedInputs, 3);
    ASSERT_EQ(r.warnings.size(), 3u);
    EXPECT_NE(r.warnings[0].find("ids.jsonl:7"), std::string::npos) << r.warnings[0];
    const TraceSet ts = TraceSet::open(p.outDir);
    ASSERT_EQ(ts.sourceStats().size(), 1u);
    const TraceSourceStats& skipped = ts.sourceStats()[0];
    EXPECT_EQ(skipped.name, "ids");
    EXPECT_EQ(skipped.skipped.at("broken-json"), 1);
    EXPECT_EQ(skipped.skipped.at("missing-field"), 1);
    EXPECT_EQ(skipped.skipped.at("token-out-of-range"), 1);
    EXPECT_EQ(skipped.skippedTotal, 3);
}

// A full disk (RLIMIT_FSIZE makes writes past 64 KiB fail) stops the run with a clear error;
// the complete shards stay intact and a later run resumes to the uninterrupted trace.
// The manifest's run configuration reads back typed: what the collection was asked to do,
// and the tokenizer the GUI and the CLI find for token texts.
TEST(Collect, RunConfigReadsBackTyped)
{
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(6, 3, 12, 5));
    CollectParams p = baseParams(src, t.file("out"));
    p.seed = 42;
    p.sources[0].weight = 2.5;
    p.sources[0].maxSequences = 5;
    const CollectResult r = collect(p);
    const TraceSet ts = TraceSet::open(p.outDir);
    const TraceRunConfig& c = ts.runConfig();
    EXPECT_EQ(c.tool, "specmoe-collect-1");
    EXPECT_EQ(c.modelDir, fs::absolute(kModel).string());
    EXPECT_EQ(c.tokenizer, ""); // token ids only: no tokenizer used
    ASSERT_EQ(c.sources.size(), 1u);
    EXPECT_EQ(c.sources[0].name, "ids");
    EXPECT_EQ(c.sources[0].path, src);
    EXPECT_EQ(c.sources[0].format, "jsonl-ids");
    EXPECT_EQ(c.sources[0].weight, 2.5);
    EXPECT_EQ(c.sources[0].maxSequences, 5);
    EXPECT_EQ(c.maxLength, 64);
    EXPECT_EQ(c.minLength, 1);
    EXPECT_EQ(c.seed, 42u);
    EXPECT_EQ(c.device, "cpu");
    EXPECT_EQ(c.dtype, "float32");
    EXPECT_EQ(c.residency, "resident");
    EXPECT_EQ(c.lookahead, (std::vector<int>{1, 2}));
    EXPECT_TRUE(c.withLogits);
    EXPECT_EQ(c.batchSize, 4);
    EXPECT_EQ(c.bucketBatches, 4);
    EXPECT_EQ(c.corpusSequences, r.corpusSequences);
    EXPECT_EQ(c.corpusTokens, r.corpusTokens);
    EXPECT_EQ(c.corpusDigest.size(), 16u);
    EXPECT_EQ(findTokenizer(c.tokenizer, c.modelDir), ""); // the fixture ships no tokenizer.model
    // Schema 2: the model, the origin and the layer map of a Mixtral collection.
    EXPECT_EQ(ts.schemaVersion(), 2);
    EXPECT_EQ(ts.model().family, "mixtral");
    EXPECT_EQ(ts.model().name, "hf-tiny-mixtral"); // the folder's name: no _name_or_path
    EXPECT_EQ(ts.model().routing, "softmax_topk");
    EXPECT_EQ(ts.origin().kind, "collected");
    EXPECT_EQ(ts.origin().engine, "");
    EXPECT_TRUE(ts.dims().hasWeights);
    EXPECT_TRUE(identityLayerMap(ts.dims()));
    EXPECT_EQ(decoderLayerCount(ts.dims()), ts.dims().layers);
    EXPECT_EQ(ts.dims().sharedExperts, 0);
}

// The default dtype "auto" is resolved before anything is written: the manifest and the
// fingerprint hold the dtype the numbers were computed in, and the result says why. Run
// twice, with the CPU's answer and float32 given: the same routing (the auto choice on a
// CPU without AMX-BF16 is float32; with it, the trace says bfloat16).
TEST(Collect, AutoDTypeIsResolvedAndRecorded)
{
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(6, 3, 12, 5));
    CollectParams p = baseParams(src, t.file("auto"));
    p.dtype = ComputeDType::Auto;
    EXPECT_EQ(CollectParams{}.dtype, ComputeDType::Auto);
    const CollectResult r = collect(p);
    const ComputeDType want = resolveComputeDType(ComputeDType::Auto, false).dtype;
    EXPECT_EQ(r.dtype, dtypeName(want));
    EXPECT_NE(r.dtypeNote.find("auto on this CPU: " + dtypeName(want)), std::string::npos) << r.dtypeNote;
    const TraceSet ts = TraceSet::open(p.outDir);
    EXPECT_EQ(ts.runConfig().dtype, dtypeName(want));
    EXPECT_EQ(ts.fingerprint().dtype, dtypeName(want));
    // A given dtype carries no note.
    CollectParams given = baseParams(src, t.file("given"));
    given.dtype = want;
    const CollectResult g = collect(given);
    EXPECT_EQ(g.dtype, dtypeName(want));
    EXPECT_TRUE(g.dtypeNote.empty());
    expectSameTraces(p.outDir, given.outDir);
}

// Sequence ids in the order the shards store them.
std::vector<int64_t> storedOrder(const std::string& dir)
{
    const TraceSet ts = TraceSet::open(dir);
    std::vector<int64_t> out;
    for (size_t i = 0; i < ts.shards().size(); ++i)
        for (const auto& s : ts.readShard(i).sequences)
            out.push_back(s.seqId);
    return out;
}

// Issue 22: batches group sequences of similar length (less padding), yet the trace is the
// same with grouping and without (bucketBatches 1: batches in corpus order): sequences
// stored in corpus order, the same routing sequence by sequence (weights up to the float
// rounding of another padded length).
TEST(Collect, LengthGroupingChangesNeitherOrderNorContent)
{
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(60, 3, 60, 21));
    CollectParams plain = baseParams(src, t.file("plain"));
    plain.shuffleBuffer = 0;
    plain.shardMB = 0.02;
    plain.bucketBatches = 1;
    CollectParams grouped = plain;
    grouped.outDir = t.file("grouped");
    grouped.bucketBatches = 8;
    const CollectResult a = collect(plain), b = collect(grouped);
    EXPECT_LT(b.paddingFraction, 0.6 * a.paddingFraction) << a.paddingFraction << " -> " << b.paddingFraction;
    std::vector<int64_t> corpusOrder(60);
    std::iota(corpusOrder.begin(), corpusOrder.end(), 0);
    EXPECT_EQ(storedOrder(plain.outDir), corpusOrder);
    EXPECT_EQ(storedOrder(grouped.outDir), corpusOrder);
    const auto ta = readTrace(plain.outDir), tb = readTrace(grouped.outDir);
    ASSERT_EQ(ta.size(), 60u);
    ASSERT_EQ(tb.size(), 60u);
    for (const auto& [id, x] : ta) {
        const RoutingBlock& y = tb.at(id);
        EXPECT_EQ(x.sequences[0].docId, y.sequences[0].docId);
        EXPECT_EQ(x.tokenIds, y.tokenIds) << id;
        EXPECT_EQ(x.positions, y.positions) << id;
        EXPECT_EQ(x.topkIds, y.topkIds) << id;
        EXPECT_EQ(x.lookaheadIds, y.lookaheadIds) << id;
        ASSERT_EQ(x.topkWeights.size(), y.topkWeights.size());
        for (size_t i = 0; i < x.topkWeights.size(); ++i)
            EXPECT_NEAR(halfToFloat(x.topkWeights[i]), halfToFloat(y.topkWeights[i]), 2e-3) << id;
        ASSERT_EQ(x.logits.size(), y.logits.size());
        for (size_t i = 0; i < x.logits.size(); ++i)
            EXPECT_NEAR(halfToFloat(x.logits[i]), halfToFloat(y.logits[i]),
                        2e-3 * std::max(1.0f, std::abs(halfToFloat(x.logits[i]))))
                << id;
    }
}

// The automatic batch is measured on the loaded model, recorded in the manifest and reused
// by a resume, which then forms the very same batches (the uninterrupted trace).
TEST(Collect, AutomaticBatchIsMeasuredAndKeptForTheResume)
{
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(80, 3, 30, 17));
    CollectParams p = baseParams(src, t.file("out"));
    p.batchSize = 0;
    int calls = 0;
    EXPECT_THROW(collect(p, cancelAfterBatches(2, &calls)), Cancelled);
    const int measured = TraceSet::open(p.outDir).runConfig().batchSize;
    ASSERT_GE(measured, 1);
    ASSERT_LE(measured, 80);
    const CollectResult r = collect(p);
    EXPECT_TRUE(r.resumed);
    EXPECT_EQ(r.batchSize, measured);
    EXPECT_TRUE(r.batchNote.empty()) << r.batchNote; // reused, not measured again
    CollectParams ref = baseParams(src, t.file("ref"));
    ref.batchSize = measured;
    collect(ref);
    expectSameTraces(ref.outDir, p.outDir);

    CollectParams fresh = baseParams(src, t.file("fresh"));
    fresh.batchSize = 0;
    const CollectResult f = collect(fresh);
    EXPECT_GE(f.batchSize, 1);
    EXPECT_NE(f.batchNote.find("automatic batch"), std::string::npos) << f.batchNote;
    EXPECT_EQ(TraceSet::open(fresh.outDir).runConfig().batchSize, f.batchSize);
}

// How the workbench and the CLI find a trace's tokenizer: the recorded one when it is still
// there, else the model folder's tokenizer.model.
TEST(Collect, FindTokenizer)
{
    TempDir t("tokenizer");
    const std::string model = t.file("model"), other = t.file("other.model");
    fs::create_directories(model);
    specmoe::test::writeFile(model + "/tokenizer.model", "x");
    specmoe::test::writeFile(other, "x");
    EXPECT_EQ(tokenizerFile({}, model), model + "/tokenizer.model");
    EXPECT_EQ(tokenizerFile(other, model), other);
    EXPECT_EQ(tokenizerFile(model, {}), model + "/tokenizer.model"); // a folder holding one
    EXPECT_EQ(findTokenizer(other, model), other);
    EXPECT_EQ(findTokenizer(t.file("moved.model"), model), model + "/tokenizer.model");
    EXPECT_EQ(findTokenizer({}, model), model + "/tokenizer.model");
    EXPECT_EQ(findTokenizer(t.file("moved.model"), t.file("nothing")), "");
    EXPECT_EQ(findTokenizer({}, {}), "");
}

TEST(Collect, FullDiskStopsWithErrorAndResumes)
{
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(200, 3, 30, 21));
    CollectParams ref = baseParams(src, t.file("ref"));
    ref.shardMB = 1;
    collect(ref);

    CollectParams p = baseParams(src, t.file("out"));
    int calls = 0;
    EXPECT_THROW(collect(p, cancelAfterBatches(4, &calls)), Cancelled);
    const int64_t before = TraceSet::open(p.outDir).numSequences();
    ASSERT_GT(before, 0);

    CollectParams big = p;
    big.shardMB = 4; // the next shard would hold everything left: past the limit
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit lim = old;
    lim.rlim_cur = 64 * 1024;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &lim), 0);
    std::string message;
    try {
        collect(big);
    } catch (const Error& e) {
        message = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldHandler);
    ASSERT_FALSE(message.empty()) << "no error on a full disk";
    EXPECT_NE(message.find("shard"), std::string::npos) << message;
    EXPECT_NE(message.find("intact"), std::string::npos) << message;
    const TraceSet after = TraceSet::open(p.outDir);
    EXPECT_EQ(after.numSequences(), before);
    EXPECT_TRUE(after.verify().ok());

    const CollectResult r = collect(p);
    EXPECT_TRUE(r.resumed);
    EXPECT_EQ(r.resumedSequences, before);
    expectSameTraces(ref.outDir, p.outDir);
}

// The CLI killed with SIGKILL mid-run, then rerun: the trace equals an uninterrupted one.
TEST(Collect, SigkillThenResumeViaCli)
{
    const std::string cli = specmoe::test::cliPath();
    ASSERT_TRUE(fs::exists(cli)) << "build the specmoe CLI first (" << cli << ")";
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(60, 3, 30, 9));
    const std::string out = t.file("out");
    std::vector<std::string> args{cli, "collect", "--model", kModel, "--source", "ids=" + src + ":jsonl-ids",
                                  "--out", out, "--device", "cpu", "--dtype", "float32", "--threads", "1",
                                  "--min-length", "1", "--max-length", "64", "--batch-size", "2",
                                  "--shard-mb", "0.004", "--logits", "--quiet"};
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        setenv("SPECMOE_COLLECT_BATCH_DELAY_MS", "150", 1);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(cli.c_str(), argv.data());
        _exit(127);
    }
    // Wait for some complete shards, then kill without warning.
    int64_t stored = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        try {
            if (fs::exists(out + "/manifest.json"))
                stored = TraceSet::open(out).numSequences();
        } catch (const std::exception&) {
        }
        if (stored >= 6)
            break;
        int st = 0;
        if (waitpid(pid, &st, WNOHANG) == pid)
            FAIL() << "the CLI ended before it could be killed (status " << st << ")";
    }
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    const TraceSet killed = TraceSet::open(out);
    EXPECT_FALSE(killed.complete());
    EXPECT_LT(killed.numSequences(), 60);
    EXPECT_TRUE(killed.verify().ok());

    // Resume with the same command line.
    std::string cmd;
    for (const auto& a : args)
        cmd += "'" + a + "' ";
    std::string text;
    ASSERT_EQ(specmoe::test::runCommand(cmd, &text), 0) << text;
    EXPECT_NE(text.find("(resumed)"), std::string::npos) << text;

    // Reference: the same parameters, uninterrupted, in process.
    CollectParams ref = baseParams(src, t.file("ref"));
    ref.batchSize = 2;
    ref.bucketBatches = 16; // the CLI's batch plan: same batches, same numbers
    collect(ref);
    expectSameTraces(ref.outDir, out);
    const TraceSet done = TraceSet::open(out);
    EXPECT_TRUE(done.complete());
    EXPECT_EQ(done.numSequences(), 60);
    EXPECT_TRUE(done.verify().ok());
}

// Ctrl-C (SIGINT), SIGTERM and SIGHUP (a closed terminal or ssh session) in `specmoe
// collect`: exit code 3 after the current batch, with every batch collected so far stored as
// a complete shard (no shard had filled up); the same command then resumes after them to
// the uninterrupted trace.
namespace {
class CollectStopSignal : public ::testing::TestWithParam<int> {};
} // namespace

TEST_P(CollectStopSignal, StoresThePartialShardViaCli)
{
    const int stopSignal = GetParam();
    const std::string cli = specmoe::test::cliPath();
    ASSERT_TRUE(fs::exists(cli)) << "build the specmoe CLI first (" << cli << ")";
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(40, 3, 30, 13));
    const std::string out = t.file("out"), err = t.file("stderr.txt");
    std::vector<std::string> args{cli, "collect", "--model", kModel, "--source", "ids=" + src + ":jsonl-ids",
                                  "--out", out, "--device", "cpu", "--dtype", "float32", "--threads", "1",
                                  "--min-length", "1", "--max-length", "64", "--batch-size", "2",
                                  "--shard-mb", "64", "--logits"};
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        setenv("SPECMOE_COLLECT_BATCH_DELAY_MS", "150", 1);
        if (!std::freopen(err.c_str(), "w", stderr))
            _exit(126);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(cli.c_str(), argv.data());
        _exit(127);
    }
    // Wait for the first batch's progress line, let a few more run, then interrupt.
    bool started = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!started && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        // The child may not have opened its stderr file yet: an absent file is "not started".
        started = specmoe::tryReadFile(err).value_or(std::string()).find(" batch ") != std::string::npos;
        int st = 0;
        if (!started && waitpid(pid, &st, WNOHANG) == pid)
            FAIL() << "the CLI ended early (status " << st << "): " << specmoe::test::readFile(err);
    }
    ASSERT_TRUE(started) << specmoe::test::readFile(err);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ASSERT_EQ(kill(pid, stopSignal), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    const std::string text = specmoe::test::readFile(err);
    ASSERT_TRUE(WIFEXITED(status)) << text;
    ASSERT_EQ(WEXITSTATUS(status), 3) << text;
    EXPECT_NE(text.find("rerun the same command"), std::string::npos) << text;
    const TraceSet stopped = TraceSet::open(out);
    EXPECT_FALSE(stopped.complete());
    ASSERT_EQ(stopped.shards().size(), 1u); // written by the stop, below --shard-mb
    EXPECT_GE(stopped.numSequences(), 2);
    EXPECT_LT(stopped.numSequences(), 40);
    EXPECT_EQ(stopped.numSequences() % 2, 0); // whole batches
    EXPECT_TRUE(stopped.verify().ok());

    std::string cmd;
    for (const auto& a : args)
        cmd += "'" + a + "' ";
    std::string resumed;
    ASSERT_EQ(specmoe::test::runCommand(cmd + " --quiet", &resumed), 0) << resumed;
    EXPECT_NE(resumed.find("(resumed)"), std::string::npos) << resumed;

    CollectParams ref = baseParams(src, t.file("ref"));
    ref.batchSize = 2;
    ref.bucketBatches = 16;
    ref.shardMB = 64;
    collect(ref);
    expectSameTraces(ref.outDir, out);
    EXPECT_EQ(TraceSet::open(out).numSequences(), 40);
    EXPECT_TRUE(TraceSet::open(out).verify().ok());
}

INSTANTIATE_TEST_SUITE_P(Collect, CollectStopSignal, ::testing::Values(SIGINT, SIGTERM, SIGHUP),
                         [](const ::testing::TestParamInfo<int>& i) {
                             return std::string(i.param == SIGINT ? "SIGINT" : i.param == SIGTERM ? "SIGTERM" : "SIGHUP");
                         });

// Past `ulimit -f` the CLI is not killed by SIGXFSZ: the write fails with EFBIG, the
// documented "writing the shard failed ... rerun the same command to resume" error and exit
// code 1 follow, the shards written before stay intact, and a rerun with a normal limit
// resumes to the uninterrupted trace.
TEST(Collect, FileSizeLimitFailsTheWriteNotTheProcessViaCli)
{
    const std::string cli = specmoe::test::cliPath();
    ASSERT_TRUE(fs::exists(cli)) << "build the specmoe CLI first (" << cli << ")";
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(60, 3, 30, 17));
    const std::string out = t.file("out");
    // The CLI's parameters, in process: a first part of the trace in small shards.
    CollectParams p = baseParams(src, out);
    p.batchSize = 2;
    p.bucketBatches = 16;
    int calls = 0;
    EXPECT_THROW(collect(p, cancelAfterBatches(6, &calls)), Cancelled);
    const TraceSet first = TraceSet::open(out);
    const int64_t before = first.numSequences();
    ASSERT_GT(before, 0);
    std::map<std::string, std::string> shardBytes;
    for (const auto& e : fs::directory_iterator(out))
        if (e.path().extension() == ".h5")
            shardBytes[e.path().string()] = specmoe::test::readFile(e.path().string());
    ASSERT_FALSE(shardBytes.empty());

    std::string cmd = "'" + cli + "' collect --model '" + kModel + "' --source 'ids=" + src + ":jsonl-ids' --out '" +
                      out + "' --device cpu --dtype float32 --threads 1 --min-length 1 --max-length 64 --batch-size 2 " +
                      "--logits --quiet";
    // The next shard holds everything left (--shard-mb 4): far past 64 blocks of 512 bytes.
    std::string text;
    EXPECT_EQ(specmoe::test::runCommand("sh -c \"ulimit -f 64; exec " + cmd + " --shard-mb 4\"", &text), 1) << text;
    EXPECT_NE(text.find("writing the shard failed"), std::string::npos) << text;
    EXPECT_NE(text.find("File too large"), std::string::npos) << text;
    EXPECT_NE(text.find("rerun the same command to resume"), std::string::npos) << text;
    const TraceSet after = TraceSet::open(out);
    EXPECT_EQ(after.numSequences(), before);
    EXPECT_TRUE(after.verify().ok());
    for (const auto& [path, bytes] : shardBytes)
        EXPECT_EQ(specmoe::test::readFile(path), bytes) << path;

    ASSERT_EQ(specmoe::test::runCommand(cmd + " --shard-mb 0.004", &text), 0) << text;
    EXPECT_NE(text.find("(resumed)"), std::string::npos) << text;
    CollectParams ref = baseParams(src, t.file("ref"));
    ref.batchSize = 2;
    ref.bucketBatches = 16;
    collect(ref);
    expectSameTraces(ref.outDir, out);
    EXPECT_TRUE(TraceSet::open(out).complete());
}

namespace {

// A copy of the fixture checkpoint in `dir` with tensors added (name, F32 values) and one
// float of an existing tensor replaced (`damaged` empty: none).
void writeFixtureCopy(const std::string& dir, const std::vector<std::pair<std::string, std::vector<float>>>& extra,
                      const std::string& damaged = {}, float value = 0)
{
    fs::create_directories(dir);
    fs::copy_file(kModel + "/config.json", dir + "/config.json");
    const SafetensorsFile f(kModel + "/model.safetensors");
    std::vector<std::string> bytes;
    bytes.reserve(f.tensors().size());
    std::vector<TensorToWrite> ts;
    for (const auto& e : f.tensors()) {
        bytes.emplace_back(reinterpret_cast<const char*>(f.bytes(e)), e.bytes());
        if (e.name == damaged)
            std::memcpy(bytes.back().data() + 4 * 3, &value, 4);
        ts.push_back({e.name, stDTypeName(e.dtype), e.shape, bytes.back().data(), e.bytes()});
    }
    for (const auto& [name, values] : extra)
        ts.push_back({name, "F32", {int64_t(values.size())}, values.data(), values.size() * 4});
    writeSafetensors(dir + "/model.safetensors", ts);
}

} // namespace

// The CLI on damaged checkpoints: a NaN router weight is refused naming the tensor (exit 1,
// nothing written); an unused tensor is named in a warning on stderr and collection goes on.
TEST(Collect, DamagedCheckpointViaCli)
{
    const std::string cli = specmoe::test::cliPath();
    ASSERT_TRUE(fs::exists(cli)) << "build the specmoe CLI first (" << cli << ")";
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(6, 3, 20, 5));
    const std::string gate = "model.layers.2.block_sparse_moe.gate.weight";
    writeFixtureCopy(t.file("nan"), {}, gate, std::nanf(""));
    writeFixtureCopy(t.file("extra"), {{"model.extra_head.weight", {1, 2, 3}}});
    auto cmd = [&](const std::string& model, const std::string& out) {
        return "'" + cli + "' collect --model '" + model + "' --source 'ids=" + src + ":jsonl-ids' --out '" + out +
               "' --device cpu --dtype float32 --threads 1 --min-length 1 --batch-size 2 --quiet";
    };
    std::string text;
    EXPECT_EQ(specmoe::test::runCommand(cmd(t.file("nan"), t.file("out-nan")), &text), 1) << text;
    EXPECT_NE(text.find(t.file("nan") + "/model.safetensors: tensor \"" + gate + "\" holds NaN at element 3"),
              std::string::npos)
        << text;
    // Nothing written, nothing left: no empty trace folder to take for one to resume.
    EXPECT_FALSE(fs::exists(t.file("out-nan")));

    ASSERT_EQ(specmoe::test::runCommand(cmd(t.file("extra"), t.file("out-extra")), &text), 0) << text;
    EXPECT_NE(text.find("warning: " + t.file("extra") +
                        ": 1 tensor of the weight files not used by the model (ignored): model.extra_head.weight"),
              std::string::npos)
        << text;
    EXPECT_EQ(TraceSet::open(t.file("out-extra")).numSequences(), 6);
}

// A run that stops before its first shard (the model does not load, a stop while it loads)
// leaves no folder that would read as a trace to resume; a folder that was there stays with
// what it held, and a trace with shards keeps them whatever fails in its resume.
TEST(Collect, AStopBeforeTheFirstShardLeavesNoFolder)
{
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(12, 3, 20, 7));
    writeFixtureCopy(t.file("nan"), {}, "model.layers.2.block_sparse_moe.gate.weight", std::nanf(""));

    CollectParams bad = baseParams(src, t.file("out-bad"));
    bad.modelDir = t.file("nan");
    EXPECT_TRUE(test::has(test::errorOf([&] { collect(bad); }), "NaN"));
    EXPECT_FALSE(fs::exists(bad.outDir));

    CollectParams stopped = baseParams(src, t.file("out-stopped"));
    const ProgressFn stopWhileLoading = [](const Progress& pr) { return pr.message.find("loading") == std::string::npos; };
    EXPECT_THROW(collect(stopped, stopWhileLoading), Cancelled);
    EXPECT_FALSE(fs::exists(stopped.outDir));

    // A folder of the user's: left as found (its file), without the manifest the run wrote.
    fs::create_directories(t.file("mine"));
    test::writeFile(t.file("mine/notes.txt"), "keep me");
    bad.outDir = t.file("mine");
    EXPECT_THROW(collect(bad), Error);
    EXPECT_TRUE(fs::exists(t.file("mine/notes.txt")));
    EXPECT_FALSE(fs::exists(TraceSet::manifestPath(t.file("mine"))));

    // Shards of an earlier run stay when its resume fails.
    CollectParams part = baseParams(src, t.file("out-part"));
    int seen = 0;
    EXPECT_THROW(collect(part, cancelAfterBatches(2, &seen)), Cancelled);
    const int64_t stored = TraceSet::open(part.outDir).numSequences();
    ASSERT_GT(stored, 0);
    part.modelDir = t.file("nan"); // refused as another model, or failing at the load
    EXPECT_THROW(collect(part), Error);
    EXPECT_EQ(TraceSet::open(part.outDir).numSequences(), stored);
}

// A tokenizer with more ids than the model's vocab_size is refused with its file and both
// sizes, before the run writes anything (core's check, which the workbench's dialog asks).
TEST(Collect, TokenizerLargerThanTheModelIsNamed)
{
    const std::string gpt2 = std::string(SPECMOE_SOURCE_DIR) + "/tests/core/model/data/bpe/gpt-2.tokenizer.json";
    const std::string own = std::string(SPECMOE_SOURCE_DIR) + "/tests/core/model/data/tokenizer.model";
    const TokenizerFit fit = collectTokenizerFit(gpt2, kModel, 320);
    EXPECT_FALSE(fit.fits());
    EXPECT_EQ(fit.file, gpt2);
    EXPECT_EQ(fit.tokenizerVocab, 50257);
    EXPECT_EQ(fit.modelVocab, 320);
    for (const std::string part : {gpt2, std::string("50257"), std::string("320"), kModel + "/config.json"})
        EXPECT_NE(fit.problem.find(part), std::string::npos) << fit.problem;
    EXPECT_TRUE(collectTokenizerFit(own, kModel, 320).fits());
    const TokenizerFit none = collectTokenizerFit({}, kModel, 320); // the fixture has no tokenizer
    EXPECT_TRUE(none.fits());
    EXPECT_TRUE(none.file.empty());

    TempDir t("collect");
    test::writeFile(t.file("wiki.txt"), "the lazy fox jumps over the dog\n");
    CollectParams p = baseParams(t.file("wiki.txt"), t.file("out"));
    p.sources = {parseSourceSpec("wiki=" + t.file("wiki.txt") + ":text")};
    p.tokenizerPath = gpt2;
    const std::string message = test::errorOf([&] { collect(p); });
    for (const char* part : {"gpt-2.tokenizer.json", "50257", "vocab_size 320"})
        EXPECT_TRUE(test::has(message, part)) << message;
    EXPECT_FALSE(fs::exists(p.outDir));
}

namespace {

// Whether /proc/PID/status lists `sig` among the caught signals (a handler installed).
bool catches(pid_t pid, int sig)
{
    const auto status = specmoe::tryReadFile("/proc/" + std::to_string(pid) + "/status");
    if (!status)
        return false;
    const size_t at = status->find("SigCgt:");
    if (at == std::string::npos)
        return false;
    const uint64_t mask = std::stoull(status->substr(at + 7, status->find('\n', at) - at - 7), nullptr, 16);
    return (mask >> (sig - 1)) & 1;
}

} // namespace

// A Ctrl-C right after the start (while libtorch is still loading) stops the command cleanly
// with exit code 3 instead of killing it (130): the handlers are installed before anything
// slow. The signal goes out as soon as the handler shows in /proc (at most 150 ms after the
// exec), or later by `delay`, inside the seconds that loading takes on a busy machine.
TEST(Collect, SigintRightAfterTheStartExitsCancelledViaCli)
{
    const std::string cli = specmoe::test::cliPath();
    ASSERT_TRUE(fs::exists(cli)) << "build the specmoe CLI first (" << cli << ")";
    TempDir t("collect");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(20, 3, 30, 3));
    for (const int delayMs : {0, 30, 150}) {
        const std::string out = t.file("out" + std::to_string(delayMs)), err = t.file("err.txt");
        std::vector<std::string> args{cli, "collect", "--model", kModel, "--source", "ids=" + src + ":jsonl-ids",
                                      "--out", out, "--device", "cpu", "--dtype", "float32", "--threads", "1",
                                      "--min-length", "1", "--batch-size", "2", "--quiet"};
        const pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            setenv("SPECMOE_COLLECT_BATCH_DELAY_MS", "150", 1); // still running when the signal comes
            if (!std::freopen(err.c_str(), "w", stderr))
                _exit(126);
            std::vector<char*> argv;
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(cli.c_str(), argv.data());
            _exit(127);
        }
        // Wait for the exec (the child's /proc/PID/exe becomes the CLI), then for the handler.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        std::error_code ec;
        while (fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec) != fs::path(cli) &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        const auto execAt = std::chrono::steady_clock::now();
        while (!catches(pid, SIGINT) && std::chrono::steady_clock::now() - execAt < std::chrono::milliseconds(150))
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
        ASSERT_EQ(kill(pid, SIGINT), 0);
        int status = 0;
        waitpid(pid, &status, 0);
        const std::string text = specmoe::test::readFile(err);
        ASSERT_TRUE(WIFEXITED(status)) << "delay " << delayMs << " ms: killed by signal "
                                       << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << "; " << text;
        EXPECT_EQ(WEXITSTATUS(status), 3) << "delay " << delayMs << " ms: " << text;
        EXPECT_NE(text.find("cancelled"), std::string::npos) << text;
    }
}
