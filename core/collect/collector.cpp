#include "core/collect/collector.h"

#include "core/collect/auto_batch.h"
#include "core/collect/corpus_order_buffer.h"
#include "core/collect/feature_basis_build.h"
#include "core/collect/feature_basis_reuse.h"
#include "core/collect/output_cleanup.h"
#include "core/collect/routing_convert.h"
#include "core/collect/tokenizer_fit.h"
#include "core/data/hash.h"
#include "core/model/config.h"
#include "core/model/memory.h"
#include "core/model/runtime.h"
#include "core/model/tokenizer.h"
#include "core/tensor/torch_compat.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/blas_threads.h"
#include "core/util/error.h"
#include "core/util/sysmem.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <thread>

namespace fs = std::filesystem;

namespace specmoe {

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kCollectVersion = "specmoe-collect-1";

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

std::string hex64(uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string fileHash(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot read " + path);
    Hash64 h;
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), std::streamsize(buf.size()));
        h.add(buf.data(), size_t(in.gcount()));
    }
    return hex64(h.value());
}

std::string tokenizerFile(const CollectParams& p) { return specmoe::tokenizerFile(p.tokenizerPath, p.modelDir); }

std::vector<TraceSourceStats> traceSourceStats(const std::vector<SourceStats>& stats)
{
    std::vector<TraceSourceStats> out;
    for (const auto& s : stats) {
        TraceSourceStats t;
        t.name = s.name;
        t.files = s.files;
        t.documents = s.documents;
        t.sequences = s.sequences;
        t.tokens = s.tokens;
        t.duplicates = s.duplicates;
        t.tooShort = s.tooShort;
        t.truncatedTokens = s.truncatedTokens;
        t.skipped = s.skipped;
        t.skippedTotal = s.skippedTotal();
        t.warnings = s.warnings;
        t.warningsNotListed = s.warningsDropped;
        out.push_back(std::move(t));
    }
    return out;
}

// The manifest's "model": config.json's _name_or_path (the hub name a checkpoint was saved
// from) when it has one, else the model folder's name.
TraceModelInfo traceModelInfo(const std::string& modelDir)
{
    TraceModelInfo m;
    const ModelConfig config = loadConfig(modelDir);
    m.family = config.family;
    m.routing = config.routing();
    std::ifstream in(fs::path(modelDir) / "config.json");
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object() && j.contains("_name_or_path") && j["_name_or_path"].is_string())
        m.name = j["_name_or_path"].get<std::string>();
    if (m.name.empty())
        m.name = fs::absolute(modelDir).lexically_normal().filename().string();
    if (m.name.empty()) // "dir/" has an empty file name
        m.name = fs::absolute(modelDir).lexically_normal().parent_path().filename().string();
    return m;
}

// The whole corpus (every rank's part), as the manifest records it.
struct CorpusRecord {
    uint64_t digest = 0;
    int64_t sequences = 0;
    int64_t tokens = 0;
};

// What the manifest records about this run (TraceSet::runConfig reads it back).
TraceRunConfig traceRunConfig(const CollectParams& p, const CorpusRecord& corpus, const std::string& tokenizer,
                              const std::string& device, ComputeDType dtype, Residency mode, int batch,
                              const std::string& features, const std::string& featureBasisFile)
{
    TraceRunConfig c;
    c.tool = kCollectVersion;
    c.modelDir = fs::absolute(p.modelDir).string();
    c.tokenizer = tokenizer.empty() ? "" : fs::absolute(tokenizer).string();
    for (const auto& s : p.sources)
        c.sources.push_back({s.name, s.path, formatName(s.format), s.field, s.weight, s.maxTokens, s.maxSequences});
    c.targetTokens = p.targetTokens;
    c.targetSequences = p.targetSequences;
    c.maxLength = p.maxLength;
    c.minLength = p.minLength;
    c.longDocuments = longDocumentsName(p.longDocuments);
    c.dedup = p.dedup;
    c.shuffleBuffer = p.shuffleBuffer;
    c.seed = p.seed;
    c.device = device;
    c.dtype = dtypeName(dtype); // resolved: what the numbers were computed in
    c.residency = residencyName(mode);
    c.lookahead = p.lookahead;
    c.withLogits = p.withLogits;
    c.features = features;
    c.featureBasis = featureBasisFile;
    c.batchSize = batch;
    c.bucketBatches = p.bucketBatches;
    c.corpusDigest = hex64(corpus.digest);
    c.corpusSequences = corpus.sequences;
    c.corpusTokens = corpus.tokens;
    if (p.worldSize > 1) {
        c.rank = p.rank;
        c.worldSize = p.worldSize;
    }
    return c;
}

// The batch size stored by an earlier run of the same configuration, or 0.
int storedBatchSize(const std::string& dir, const std::string& runConfigHash)
{
    std::error_code ec;
    if (!fs::exists(fs::path(dir) / "manifest.json", ec))
        return 0;
    try {
        const TraceSet t = TraceSet::open(dir);
        if (t.fingerprint().runConfigHash != runConfigHash)
            return 0;
        return t.runConfig().batchSize;
    } catch (const std::exception&) {
        return 0;
    }
}

// Free memory of the compute device once the weights are in (host memory on a CPU, where
// the weights are mapped or copied in as well).
int64_t freeBytesAfterWeights(const MixtralConfig& cfg, ComputeDType dtype, const c10::Device& dev, Residency mode)
{
    if (!dev.is_cuda())
        return systemMemory().availableBytes - weightBytesForMode(cfg, dtype, mode);
    const int n = std::max(1, compat::cudaDeviceCount());
    if (mode == Residency::Split) {
        // Layers spread over all devices: each holds its share of the weights.
        int64_t minFree = INT64_MAX;
        for (int i = 0; i < n; ++i)
            minFree = std::min(minFree, compat::cudaMemInfo(i).first);
        return minFree - weightBytesForMode(cfg, dtype, mode) / n;
    }
    return compat::cudaMemInfo(dev.index() < 0 ? 0 : dev.index()).first - weightBytesForMode(cfg, dtype, mode);
}

} // namespace

Corpus buildCollectCorpus(const CollectParams& p, int64_t vocabSize, const ProgressFn& progress)
{
    CorpusParams cp;
    cp.sources = p.sources;
    cp.maxLength = p.maxLength;
    cp.minLength = p.minLength;
    cp.longDocuments = p.longDocuments;
    cp.targetTokens = p.targetTokens;
    cp.targetSequences = p.targetSequences;
    cp.seed = p.seed;
    cp.shuffleBuffer = p.shuffleBuffer;
    cp.dedup = p.dedup;
    cp.maxDocumentBytes = p.maxDocumentBytes;
    cp.vocabSize = int32_t(vocabSize);
    // The tokenizer loads on first use: pre-tokenized corpora need none.
    auto tok = std::make_shared<std::unique_ptr<Tokenizer>>();
    const std::string tokPath = tokenizerFile(p);
    cp.tokenize = [tok, tokPath, vocabSize, modelDir = p.modelDir](const std::string& text) {
        if (!*tok) {
            *tok = std::make_unique<Tokenizer>(tokPath);
            if (vocabSize > 0)
                checkTokenizerFitsModel(**tok, vocabSize, modelDir);
        }
        const std::vector<int64_t> ids = (*tok)->encode(text, true);
        return std::vector<int32_t>(ids.begin(), ids.end());
    };
    return buildCorpus(cp, progress);
}

std::vector<std::string> describeSources(const CollectResult& r)
{
    std::vector<std::string> out;
    for (const auto& s : r.sources)
        out.push_back(s.summary());
    return out;
}

namespace {

void checkCollectParams(const CollectParams& params)
{
    if (params.modelDir.empty())
        throw Error("collect: no model folder given");
    if (params.outDir.empty())
        throw Error("collect: no output folder given");
    if (params.maxLength <= 0)
        throw Error("collect: the maximum length must be positive");
    for (int d : params.lookahead)
        if (d < 1)
            throw Error("collect: lookahead distances must be >= 1 (got " + std::to_string(d) + ")");
    if (params.batchSize < 0)
        throw Error("collect: negative batch size");
    if (params.worldSize < 1 || params.rank < 0 || params.rank >= params.worldSize)
        throw Error("collect: rank " + std::to_string(params.rank) + " is outside a world of " +
                    std::to_string(params.worldSize) + " ranks");
    if (!params.features.empty()) {
        try {
            parseFeatureSpec(params.features);
        } catch (const Error& e) {
            throw Error(std::string("collect: ") + e.what());
        }
    }
}

} // namespace

void checkLookahead(const std::vector<int>& lookahead, int64_t layers, const std::string& modelDir)
{
    // A probe d layers ahead of the last layer that has one never fires: a distance of
    // `layers` or more would store nothing but empty slots.
    for (int d : lookahead)
        if (d >= layers)
            throw Error("lookahead distance " + std::to_string(d) + " reaches beyond the " +
                        std::to_string(layers) + " layers of " + modelDir + "/config.json (accepted: " +
                        (layers > 1 ? "distances from 1 to " + std::to_string(layers - 1) + ", or none"
                                    : std::string("none")) +
                        ")");
}

namespace {

// One call of collect(); its stages, in the order run() calls them.
class Collection {
public:
    Collection(const CollectParams& params, const ProgressFn& progress) : m_params(params), m_progress(progress) {}
    CollectResult run();

private:
    void readModelConfig();
    void readReusedBasis();
    void readCorpus();
    void takePart();
    void makeFingerprint();
    void checkPart();
    void chooseBatchSize();
    void openWriter();
    // The automatic batch, measured on the loaded model (chooseAutoBatch()).
    void measureBatchSize(MixtralRuntime& runtime, const RouteOptions& routeOptions);
    void planBatches();
    void routeBatches();
    // Features: the basis (the resumed trace's, or built from the routers and the first
    // batches' router inputs and written before the first shard), set on the runtime.
    void prepareFeatures(MixtralRuntime& runtime, const RouteOptions& routeOptions);
    void estimatePca(MixtralRuntime& runtime, const RouteOptions& routeOptions);
    // The padded ids and mask of batch `index`; returns its padded length.
    int64_t batchTensors(size_t index, at::Tensor& ids, at::Tensor& mask) const;
    // Routes batch `index` of the plan and appends, in corpus order, the sequences whose
    // turn has come.
    void routeBatch(MixtralRuntime& runtime, const RouteOptions& routeOptions, size_t index);
    // Appends the buffered sequences whose turn has come (all: every one, at a stop).
    void appendInOrder(bool all);
    void finish();

    const CollectParams& m_params;
    const ProgressFn& m_progress;
    Clock::time_point m_start;
    MixtralConfig m_config;
    Residency m_mode = Residency::Resident;
    ComputeDType m_dtype = ComputeDType::Float32; // params.dtype resolved for the device
    c10::Device m_device{c10::kCPU};
    Corpus m_corpus;        // this run's part of it (all of it for one process)
    CorpusRecord m_whole;   // the whole corpus
    std::string m_tokenizerPath;
    bool m_usesTokenizer = false;
    TraceFingerprint m_fingerprint;
    TraceDims m_dims;
    int m_batchSize = 0;
    std::unique_ptr<TraceWriter> m_writer;
    CollectResult m_result;
    std::vector<std::vector<int64_t>> m_batches; // corpus sequence indices per batch
    Progress m_report;
    int m_delayMs = 0;
    // The route loop's running figures.
    ProgressMeter m_meter; // rate and ETA of the routing loop
    int64_t m_paddedTokens = 0, m_realTokens = 0;
    RoutingBlock m_block;
    std::vector<BatchRow> m_rows;
    std::vector<int64_t> m_rowPositions;         // corpus positions of m_rows
    std::unique_ptr<CorpusOrderBuffer> m_order;  // routed sequences until their turn
    // Features (empty parts: none).
    std::vector<FeatureComponent> m_featureParts;
    FeatureBasis m_basis;
    ReusedFeatureBasis m_reused; // --feature-basis (empty file: the basis is built here)
    std::map<size_t, RoutingResult> m_early; // batches routed for the PCA, not stored yet
};

void Collection::readModelConfig()
{
    const CollectParams& params = m_params;
    m_config = loadConfig(params.modelDir);
    if (params.maxLength > m_config.maxPositions && m_config.maxPositions > 0)
        throw Error("collect: --max-length " + std::to_string(params.maxLength) + " exceeds the model's " +
                    std::to_string(m_config.maxPositions) + " positions (" + params.modelDir + "/config.json)");
    checkLookahead(params.lookahead, m_config.moeLayerCount(), params.modelDir);
    if (!params.featureBasis.empty())
        readReusedBasis();
    else if (!params.features.empty()) {
        m_featureParts = parseFeatureSpec(params.features);
        for (const auto& c : m_featureParts)
            if (c.kind == FeatureComponent::Kind::Pca && c.param > m_config.hiddenSize)
                throw Error("collect: feature spec \"" + params.features + "\": " + c.text() +
                            " asks for more directions than the hidden size " + std::to_string(m_config.hiddenSize) +
                            " of " + params.modelDir + "/config.json");
        // One set needs one basis: ranks estimating PCA parts on their own parts would not agree.
        if (params.worldSize > 1 && featureSpecNeedsData(m_featureParts))
            throw Error("collect: --features \"" + params.features + "\" estimates directions from the data, "
                        "which each of the " + std::to_string(params.worldSize) + " ranks would do on its own part; "
                        "build the basis once (a short run with one process) and give it to every rank with "
                        "--feature-basis");
    }
    m_mode = params.residency;
    m_device = resolveDevice(params.device);
    const ResolvedDType dtype = resolveComputeDType(params.dtype, m_device.is_cuda());
    m_dtype = dtype.dtype;
    m_result.dtype = dtypeName(m_dtype);
    m_result.dtypeNote = dtype.reason;
}

// --feature-basis: the basis read and checked against the model (dims, router rows) before
// anything is written.
void Collection::readReusedBasis()
{
    const CollectParams& params = m_params;
    try {
        m_reused = readReusedFeatureBasis(params.featureBasis);
    } catch (const Error& e) {
        throw Error(std::string("collect: ") + e.what());
    }
    const std::string& kind = m_reused.basis.kind;
    if (!params.features.empty() && featureSpecText(parseFeatureSpec(params.features)) != kind)
        throw Error("collect: --features \"" + params.features + "\" differs from the spec \"" + kind +
                    "\" of the feature basis " + m_reused.file + " (give the basis alone, or its spec)");
    try {
        checkBasisFitsModel(m_reused.basis, m_reused.file, int(m_config.moeLayerCount()), int(m_config.numExperts),
                            int(m_config.hiddenSize), params.modelDir);
        checkBasisRouterRows(m_reused.basis, m_reused.file, params.modelDir, m_config);
    } catch (const Error& e) {
        throw Error(std::string("collect: ") + e.what());
    }
    m_featureParts = parseFeatureSpec(kind);
}

// 1. The corpus (deterministic: its digest keys the resume).
void Collection::readCorpus()
{
    const CollectParams& params = m_params;
    m_corpus = buildCollectCorpus(params, m_config.vocabSize, m_progress);
    if (m_corpus.sequences.empty())
        throw Error("collect: the sources gave no sequences (" + m_corpus.dropReport() +
                    "; check the sources and --min-length)");
    m_tokenizerPath = tokenizerFile(params);
    for (size_t i = 0; i < params.sources.size() && !m_usesTokenizer; ++i)
        m_usesTokenizer = m_corpus.stats[i].sequences > 0 && params.sources[i].format != SourceFormat::JsonlIds;
    m_whole = {m_corpus.digest(), int64_t(m_corpus.sequences.size()), m_corpus.totalTokens};
    takePart();
}

// A distributed run keeps its contiguous part of the corpus, by position (= sequence id):
// the parts read in rank order are the corpus in order, and each is the same on a rerun.
void Collection::takePart()
{
    const int64_t world = m_params.worldSize, rank = m_params.rank;
    if (world <= 1)
        return;
    const int64_t n = int64_t(m_corpus.sequences.size());
    const int64_t lo = n * rank / world, hi = n * (rank + 1) / world;
    std::vector<CorpusSequence> part(std::make_move_iterator(m_corpus.sequences.begin() + lo),
                                     std::make_move_iterator(m_corpus.sequences.begin() + hi));
    m_corpus.sequences = std::move(part);
    m_corpus.totalTokens = 0;
    for (const auto& s : m_corpus.sequences)
        m_corpus.totalTokens += int64_t(s.tokens.size());
}

// A folder holding another part (another world size or rank) of this very collection would
// otherwise resume with the wrong sequences: refused, or cleared with startOver.
void Collection::checkPart()
{
    const CollectParams& params = m_params;
    const int wantWorld = params.worldSize > 1 ? params.worldSize : 0;
    const int wantRank = params.worldSize > 1 ? params.rank : 0;
    if (wantWorld == 0 && TraceSet::isSetFolder(params.outDir))
        throw Error("collect: " + params.outDir + " holds a trace set of a distributed collection (rank-* folders); "
                    "collect into it with as many ranks (WORLD_SIZE) as wrote it, or give another --out");
    const std::string mpath = TraceSet::manifestPath(params.outDir);
    std::error_code ec;
    if (!fs::exists(mpath, ec))
        return;
    TraceRunConfig old;
    try {
        const TraceSet t = TraceSet::open(params.outDir);
        if (t.fingerprint() != m_fingerprint)
            return; // another trace: the writer refuses it (or clears it)
        old = t.runConfig();
    } catch (const Error&) {
        return; // the writer names the problem
    }
    if (old.worldSize == wantWorld && old.rank == wantRank)
        return;
    const auto part = [](int rank, int world) {
        return world == 0 ? std::string("the whole corpus")
                          : "part " + std::to_string(rank) + " of " + std::to_string(world);
    };
    if (!params.startOver)
        throw Error("collect: " + params.outDir + " holds " + part(old.rank, old.worldSize) +
                    " of this collection, this run is to write " + part(wantRank, wantWorld) +
                    " (WORLD_SIZE/RANK or --world-size/--rank differ from the run that wrote it): rerun with "
                    "those, or start over");
    fs::remove(mpath, ec); // the writer then starts afresh and removes the unlisted shards
}

// 2. Fingerprint and dims.
void Collection::makeFingerprint()
{
    const CollectParams& params = m_params;
    TraceFingerprint& fp = m_fingerprint;
    fp.modelConfigHash = configHash(m_config);
    fp.dtype = dtypeName(m_dtype);
    fp.tokenizerHash = m_usesTokenizer && fs::exists(m_tokenizerPath) ? fileHash(m_tokenizerPath) : "none";
    Hash64 rh;
    rh.add(std::string(kCollectVersion)).add(hex64(m_whole.digest));
    rh.add(uint64_t(params.lookahead.size()));
    for (int d : params.lookahead)
        rh.add(uint64_t(d));
    rh.add(uint64_t(params.withLogits)).add(std::string(m_device.is_cuda() ? "cuda" : "cpu"));
    // Features change the data; a run without them hashes as before (its traces resume).
    if (!m_featureParts.empty())
        rh.add(std::string("features:") + featureSpecText(m_featureParts));
    // A reused basis gives other features than an estimated one (or another reused one).
    if (!m_reused.sha256.empty())
        rh.add(std::string("feature_basis:") + m_reused.sha256);
    fp.runConfigHash = hex64(rh.value());
    const int64_t F = featureSpecDim(m_featureParts, int(m_config.moeLayerCount()), int(m_config.numExperts),
                                     int(m_config.hiddenSize));
    m_dims = traceDims(m_config, params.lookahead, params.withLogits, int(F));
}

// 3. Batch size: given, or reused from the run being resumed; else 0 and measured once
// the model is loaded (measureBatchSize()).
void Collection::chooseBatchSize()
{
    const CollectParams& params = m_params;
    m_batchSize = params.batchSize;
    if (m_batchSize == 0 && !params.startOver)
        m_batchSize = storedBatchSize(params.outDir, m_fingerprint.runConfigHash);
}

void Collection::measureBatchSize(MixtralRuntime& rt, const RouteOptions& rto)
{
    AutoBatchInput in;
    in.config = m_config;
    in.dtype = m_dtype;
    in.cuda = m_device.is_cuda();
    const CorpusSequence* longest = &m_corpus.sequences.front();
    for (const auto& s : m_corpus.sequences)
        if (s.tokens.size() > longest->tokens.size())
            longest = &s;
    const int64_t T = int64_t(longest->tokens.size());
    in.seqLen = T;
    in.sequences = int64_t(m_corpus.sequences.size());
    in.freeBytes = freeBytesAfterWeights(m_config, m_dtype, m_device, m_mode);
    in.memoryFraction = m_params.memoryFraction;
    in.numLookahead = int(m_params.lookahead.size());
    in.cores = m_params.threads > 0 ? m_params.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    // Probe passes of the longest sequence repeated: the shape a full batch has. One
    // untimed pass first (allocations, first-touch), then the best of two passes per
    // candidate (a single pass of a loaded machine once made batch 1 look as fast as 4,
    // which then ran at half their speed). At most 10% of the corpus's tokens and 10 s go
    // to probing.
    bool warm = false;
    const BatchProbe probe = [&](int64_t b) {
        at::Tensor ids = at::empty({b, T}, at::kLong);
        int64_t* p = ids.data_ptr<int64_t>();
        for (int64_t r = 0; r < b; ++r)
            for (int64_t t = 0; t < T; ++t)
                p[r * T + t] = longest->tokens[size_t(t)];
        const at::Tensor mask = at::ones({b, T}, at::kLong);
        if (!warm) {
            rt.route(ids, mask, rto);
            warm = true;
        }
        double best = 0, spent = 0;
        for (int pass = 0; pass < 2; ++pass) {
            const auto t0 = Clock::now();
            rt.route(ids, mask, rto);
            const double s = seconds(t0);
            spent += s;
            best = pass == 0 ? s : std::min(best, s);
        }
        return BatchMeasure{best > 0 ? double(b * T) / best : 0, spent, 2 * b * T};
    };
    const AutoBatchChoice c =
        chooseAutoBatch(in, probe, 10.0, std::max<int64_t>(m_corpus.totalTokens / 10, 1), m_device.str());
    m_batchSize = int(c.batch);
    m_result.batchSize = m_batchSize;
    m_result.batchNote = c.note;
    m_result.probeSeconds = c.probeSeconds;
    // The manifest keeps the measured batch: a resume forms the very same batches.
    m_writer->setRunConfig(traceRunConfig(m_params, m_whole, m_usesTokenizer ? m_tokenizerPath : "",
                                          m_device.str(), m_dtype, m_mode, m_batchSize,
                                          featureSpecText(m_featureParts), m_reused.file));
}

// 4. The writer (refuses a folder of another trace before any weights load), and what
// it holds already.
void Collection::openWriter()
{
    const CollectParams& params = m_params;
    const Corpus& corpus = m_corpus;
    TraceWriterOptions wo;
    wo.shardSizeMB = params.shardMB;
    wo.startOver = params.startOver;
    wo.runConfig = traceRunConfig(params, m_whole, m_usesTokenizer ? m_tokenizerPath : "", m_device.str(), m_dtype,
                                  m_mode, m_batchSize, featureSpecText(m_featureParts), m_reused.file);
    wo.model = traceModelInfo(params.modelDir);
    wo.origin.kind = "collected"; // by our runtime: no engine
    m_writer = std::make_unique<TraceWriter>(params.outDir, m_dims, m_fingerprint, wo);
    m_writer->setSkipStats(traceSourceStats(corpus.stats));

    CollectResult& result = m_result;
    result.outDir = params.outDir;
    result.resumed = m_writer->resumed();
    result.corpusSequences = int64_t(corpus.sequences.size());
    result.corpusTokens = corpus.totalTokens;
    result.batchSize = m_batchSize;
    result.sources = corpus.stats;
    result.warnings = corpus.warnings();
    result.skippedInputs = corpus.skippedTotal();
    result.device = m_device.str();
    for (const auto& s : corpus.sequences)
        if (m_writer->isCompleted(s.seqId)) {
            ++result.resumedSequences;
            result.resumedTokens += int64_t(s.tokens.size());
        }
}

// 5. Plan: windows of bucketBatches * batch sequences in corpus order, sorted by length
// (longest first, stable) and cut into batches, so a batch holds sequences of similar
// length; bucketBatches 1 = batches in corpus order. The trace stores the sequences in
// corpus order whatever the grouping (CorpusOrderBuffer holds at most a window, so a
// window is also capped at kReorderBytes of stored payload). The plan depends only on the
// corpus, the dims and the batch size, so a resumed run forms the very same batches.
void Collection::planBatches()
{
    constexpr int64_t kReorderBytes = int64_t(1) << 30;
    const size_t batch = size_t(m_batchSize);
    int64_t maxLen = 1;
    for (const auto& s : m_corpus.sequences)
        maxLen = std::max<int64_t>(maxLen, int64_t(s.tokens.size()));
    const int64_t perSequence = maxLen * int64_t(std::max<size_t>(payloadBytesPerToken(m_dims), 1));
    const size_t capped = size_t(std::max<int64_t>(kReorderBytes / perSequence, 1));
    const size_t win = std::max(batch, std::min(batch * size_t(std::max(1, m_params.bucketBatches)), capped));
    const size_t n = m_corpus.sequences.size();
    for (size_t w0 = 0; w0 < n; w0 += win) {
        std::vector<int64_t> idx(std::min(win, n - w0));
        std::iota(idx.begin(), idx.end(), int64_t(w0));
        std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
            return m_corpus.sequences[size_t(a)].tokens.size() > m_corpus.sequences[size_t(b)].tokens.size();
        });
        for (size_t b0 = 0; b0 < idx.size(); b0 += batch)
            m_batches.emplace_back(idx.begin() + long(b0), idx.begin() + long(std::min(idx.size(), b0 + batch)));
    }
    std::vector<bool> storedBefore(n);
    for (size_t i = 0; i < n; ++i)
        storedBefore[i] = m_writer->isCompleted(m_corpus.sequences[i].seqId);
    m_order = std::make_unique<CorpusOrderBuffer>(std::move(storedBefore));
}

// 6. The model, only when something is left to do, and the batches not stored yet.
void Collection::routeBatches()
{
    const CollectParams& params = m_params;
    CollectResult& result = m_result;
    RuntimeOptions ro;
    ro.device = params.device;
    ro.dtype = m_dtype;
    ro.residency = m_mode;
    ro.lookahead = params.lookahead;
    ro.threads = params.threads;
    m_report.message = std::string(result.resumed ? "resuming: loading the model" : "loading the model") + ", " +
                       (result.dtypeNote.empty() ? "compute dtype " + result.dtype : result.dtypeNote);
    reportProgress(m_progress, m_report);
    MixtralRuntime rt(params.modelDir, ro);
    result.device = rt.device().str();
    result.modelWarnings = rt.warnings();
    RouteOptions rto;
    rto.lookahead = !params.lookahead.empty();
    if (m_batchSize == 0) {
        m_report.message = "measuring the batch size";
        reportProgress(m_progress, m_report);
        measureBatchSize(rt, rto);
    }
    planBatches();

    const auto loopStart = Clock::now();
    m_meter = ProgressMeter(m_report.done); // tokens of a resumed run's earlier shards do not count
    m_block.dims = m_dims;
    if (!m_featureParts.empty())
        prepareFeatures(rt, rto);
    try {
        for (size_t bi = 0; bi < m_batches.size(); ++bi)
            routeBatch(rt, rto, bi);
    } catch (const Cancelled&) {
        // A stop request arrives between batches: the sequences routed so far (those
        // waiting for their turn too) become a last complete shard, so a resume continues
        // with the rest.
        try {
            appendInOrder(true);
            m_writer->flush();
        } catch (const Error& e) {
            throw Error(std::string(e.what()) +
                        "; stopping: the complete shards are intact, rerun the same command to resume");
        }
        throw;
    }
    result.paddingFraction = m_paddedTokens > 0 ? double(m_paddedTokens - m_realTokens) / double(m_paddedTokens) : 0;
    result.seconds = std::chrono::duration<double>(Clock::now() - loopStart).count();
}

int64_t Collection::batchTensors(size_t bi, at::Tensor& tid, at::Tensor& mask) const
{
    const auto& ids = m_batches[bi];
    int64_t T = 0;
    for (int64_t id : ids)
        T = std::max<int64_t>(T, int64_t(m_corpus.sequences[size_t(id)].tokens.size()));
    const int64_t B = int64_t(ids.size());
    tid = at::zeros({B, T}, at::kLong);
    mask = at::zeros({B, T}, at::kLong);
    int64_t* tp = tid.data_ptr<int64_t>();
    int64_t* mp = mask.data_ptr<int64_t>();
    for (int64_t b = 0; b < B; ++b) {
        const CorpusSequence& s = m_corpus.sequences[size_t(ids[size_t(b)])];
        for (size_t t = 0; t < s.tokens.size(); ++t) {
            tp[b * T + int64_t(t)] = s.tokens[t];
            mp[b * T + int64_t(t)] = 1;
        }
    }
    return T;
}

void Collection::prepareFeatures(MixtralRuntime& rt, const RouteOptions& rto)
{
    const CollectParams& params = m_params;
    const std::string spec = featureSpecText(m_featureParts);
    if (!m_writer->featureInfo().empty()) {
        // Resumed: the basis stored with the trace (its hash checked), never a new estimate.
        const TraceSet stored = TraceSet::open(params.outDir);
        const FeatureBasis* b = stored.featureBasis();
        if (!b || b->kind != spec)
            throw Error("collect: the feature basis of " + params.outDir + " is not one of \"" + spec + "\"");
        m_basis = *b;
    } else {
        m_report.message = "feature basis";
        reportProgress(m_progress, m_report);
        const double forward0 = m_result.forwardSeconds;
        const auto b0 = Clock::now();
        if (!m_reused.file.empty())
            m_basis = m_reused.basis; // the very values of the source collection (checked in readReusedBasis)
        else {
            std::vector<at::Tensor> gates;
            for (int l = 0; l < int(m_config.moeLayerCount()); ++l)
                gates.push_back(rt.routerWeight(l));
            m_basis = featureBasisFromRouters(m_featureParts, gates);
            if (featureSpecNeedsData(m_featureParts))
                estimatePca(rt, rto);
        }
        m_writer->setFeatureBasis(m_basis); // before the first shard
        m_result.basisSeconds += seconds(b0) - (m_result.forwardSeconds - forward0);
    }
    const auto p0 = Clock::now();
    rt.setFeatureProjection(basisProjection(m_basis), basisMean(m_basis));
    for (auto& [bi, rr] : m_early) {
        rr.features = projectFeatures(m_basis, rr.routerInputs);
        rr.routerInputs = at::Tensor();
    }
    m_result.basisSeconds += seconds(p0);
}

// PCA directions from the router inputs of the real tokens of the first batches (at most
// pcaSampleTokens()); those batches' results are kept and stored by routeBatch(), so no
// token is routed twice.
void Collection::estimatePca(MixtralRuntime& rt, const RouteOptions& rto)
{
    const int L = int(m_config.moeLayerCount());
    const int64_t want = pcaSampleTokens(m_featureParts, L, int(m_config.hiddenSize));
    RouteOptions ro = rto;
    ro.features = false;
    ro.routerInputs = true;
    std::vector<std::pair<size_t, at::Tensor>> rows; // per early batch: the sampled rows
    int64_t have = 0;
    for (size_t bi = 0; bi < m_batches.size() && have < want; ++bi) {
        at::Tensor tid, mask;
        batchTensors(bi, tid, mask);
        const auto f0 = Clock::now();
        RoutingResult rr = rt.route(tid, mask, ro);
        m_result.forwardSeconds += std::chrono::duration<double>(Clock::now() - f0).count();
        at::Tensor real = mask.view({-1}).nonzero().squeeze(1);
        real = real.narrow(0, 0, std::min<int64_t>(real.numel(), want - have));
        have += real.numel();
        rows.emplace_back(bi, real);
        m_early.emplace(bi, std::move(rr));
    }
    // Layers are fitted on one thread per core with single-threaded GEMMs (each fit writes
    // its own layer's rows): the eigendecompositions alone do not use a second core, and
    // this fit is the largest part of what features add to a short collection
    // (docs/benchmarks.md).
    auto fitLayer = [&](int l) {
        std::vector<at::Tensor> parts;
        for (const auto& [bi, real] : rows)
            parts.push_back(m_early.at(bi).routerInputs[l].index_select(0, real));
        fitFeaturePcaLayer(m_basis, m_featureParts, int(m_config.numExperts), l, at::cat(parts, 0));
    };
    const int cores = m_params.threads > 0 ? m_params.threads : int(std::thread::hardware_concurrency());
    const int workers = std::clamp(cores, 1, L);
    if (workers == 1) {
        for (int l = 0; l < L; ++l)
            fitLayer(l);
        return;
    }
    const ScopedBlasThreads blas(1);
    std::atomic<int> next{0};
    std::vector<std::exception_ptr> errors(static_cast<size_t>(workers), nullptr);
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w)
        pool.emplace_back([&, w] {
            try {
                for (int l = next++; l < L; l = next++)
                    fitLayer(l);
            } catch (...) {
                errors[size_t(w)] = std::current_exception();
            }
        });
    for (auto& t : pool)
        t.join();
    for (const auto& e : errors)
        if (e)
            std::rethrow_exception(e);
}

void Collection::routeBatch(MixtralRuntime& rt, const RouteOptions& rto, size_t bi)
{
    CollectResult& result = m_result;
    TraceWriter& writer = *m_writer;
    const auto& ids = m_batches[bi];
    bool pending = false;
    for (int64_t id : ids)
        pending |= !writer.isCompleted(m_corpus.sequences[size_t(id)].seqId);
    if (!pending)
        return;
    // The whole planned batch runs even when part of it is stored already, so the
    // numbers are those of an uninterrupted run.
    at::Tensor tid, mask;
    const int64_t T = batchTensors(bi, tid, mask);
    const int64_t B = int64_t(ids.size());
    m_rows.clear();
    m_rowPositions.clear();
    int64_t tokens = 0;
    for (int64_t b = 0; b < B; ++b) {
        const CorpusSequence& s = m_corpus.sequences[size_t(ids[size_t(b)])];
        m_realTokens += int64_t(s.tokens.size());
        if (writer.isCompleted(s.seqId))
            continue;
        BatchRow r;
        r.row = int(b);
        r.length = int32_t(s.tokens.size());
        r.seqId = s.seqId;
        r.source = m_corpus.sources[size_t(s.source)];
        r.docId = s.docId;
        r.tokens = s.tokens.data();
        m_rows.push_back(r);
        m_rowPositions.push_back(ids[size_t(b)]);
        tokens += r.length;
    }
    m_paddedTokens += B * T;
    RoutingResult rr;
    if (auto early = m_early.find(bi); early != m_early.end()) { // routed for the PCA already
        rr = std::move(early->second);
        m_early.erase(early);
    } else {
        const auto f0 = Clock::now();
        rr = rt.route(tid, mask, rto);
        result.forwardSeconds += std::chrono::duration<double>(Clock::now() - f0).count();
    }
    ++result.batches;

    const auto c0 = Clock::now();
    RoutingBlock converted;
    converted.dims = m_dims;
    appendRouting(rr, T, m_rows, converted);
    m_order->add(std::move(converted), m_rowPositions);
    result.convertSeconds += seconds(c0);
    appendInOrder(false);

    if (m_delayMs > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(m_delayMs));
    Progress& pr = m_report;
    pr.done += tokens;
    m_meter.measure(pr);
    pr.message = "batch " + std::to_string(bi + 1) + "/" + std::to_string(m_batches.size()) + ", " +
                 std::to_string(writer.shardsWritten()) + " shards";
    reportProgress(m_progress, pr);
}

void Collection::appendInOrder(bool all)
{
    const auto w0 = Clock::now();
    m_block.clear();
    m_block.dims = m_dims;
    if (all)
        m_order->takeAll(m_block);
    else
        m_order->takeReady(m_block);
    if (!m_block.sequences.empty()) {
        try {
            m_writer->append(m_block);
        } catch (const Error& e) {
            throw Error(std::string(e.what()) + "; the complete shards are intact, rerun the same command to resume");
        }
    }
    m_result.sequencesWritten += int64_t(m_block.sequences.size());
    m_result.tokensWritten += int64_t(m_block.numTokens());
    m_result.writeSeconds += seconds(w0);
}

// The last shard and the totals.
void Collection::finish()
{
    CollectResult& result = m_result;
    const auto w0 = Clock::now();
    try {
        m_writer->finish();
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + "; the complete shards are intact, rerun the same command to resume");
    }
    result.writeSeconds += seconds(w0);
    result.complete = true;
    result.shards = m_writer->shardsWritten();
    if (result.seconds <= 0)
        result.seconds = std::chrono::duration<double>(Clock::now() - m_start).count();
    result.tokensPerSecond = result.seconds > 0 ? double(result.tokensWritten) / result.seconds : 0;
    Progress& pr = m_report;
    pr.done = pr.total;
    pr.eta_seconds = 0;
    pr.message = "done";
    if (m_progress)
        m_progress(pr); // the work is done: a late stop request changes nothing
}

CollectResult Collection::run()
{
    checkCollectParams(m_params);
    m_start = Clock::now();
    readModelConfig();
    readCorpus();
    makeFingerprint();
    checkPart();
    chooseBatchSize();
    openWriter();

    m_report.stage = "collect";
    m_report.unit = "tokens";
    m_report.total = m_corpus.totalTokens;
    m_report.done = m_result.resumedTokens;
    if (const char* d = std::getenv("SPECMOE_COLLECT_BATCH_DELAY_MS")) // test hook: slow runs
        m_delayMs = std::max(0, std::atoi(d));

    if (m_result.resumedSequences < m_result.corpusSequences)
        routeBatches();
    finish();
    return m_result;
}

} // namespace

CollectResult collect(const CollectParams& params, const ProgressFn& progress)
{
    const OutputBefore before = inspectOutput(params.outDir);
    try {
        return Collection(params, progress).run();
    } catch (...) {
        // A model that does not load, a first batch that fails, a stop before the first
        // shard: nothing to resume, so no empty trace folder is left to offer as one.
        removeUnwrittenOutput(params.outDir, before);
        throw;
    }
}

} // namespace specmoe
