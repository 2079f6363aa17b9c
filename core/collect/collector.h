#pragma once
// The routing-trace collection job: corpus -> length-grouped padded batches -> the Mixtral
// forward pass -> exact per-token routing -> sharded HDF5 (TraceWriter). Stoppable and
// resumable: rerunning the same parameters on the same folder continues after the last
// complete shard, with no sequence lost or stored twice. No torch types here (the GUI
// includes this header). docs/cli-collect.md describes the CLI on top of it.
#include "core/data/corpus.h"
#include "core/data/source_spec.h"
#include "core/data/source_stats.h"
#include "core/model/memory.h"
#include "core/tensor/device.h"
#include "core/util/progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

struct CollectParams {
    // Corpus.
    std::vector<SourceSpec> sources;      // NAME=PATH[:FORMAT[:FIELD]][@WEIGHT] each, with caps
    int64_t targetTokens = 0;             // stop after this many tokens (0 = whole corpus)
    int64_t targetSequences = 0;          // stop after this many sequences (0 = no limit)
    int maxLength = 512;                  // tokens per sequence (BOS included)
    int minLength = 8;                    // shorter sequences are dropped (counted)
    LongDocuments longDocuments = LongDocuments::Truncate; // or Split into windows
    bool dedup = true;
    int shuffleBuffer = 1024;             // per-source document shuffle buffer (seeded)
    uint64_t seed = 0;
    int64_t maxDocumentBytes = kDefaultMaxDocumentBytes; // longer documents are skipped
                                          // and counted (CorpusParams::maxDocumentBytes)

    // Model.
    std::string modelDir;
    std::string tokenizerPath;            // empty = <modelDir>/tokenizer.model or .json; needed only
                                          // when a source holds text
    DeviceSpec device;                    // auto: the GPU with the most free memory, else CPU
    ComputeDType dtype = ComputeDType::Auto;  // auto: bfloat16 on CUDA, float32 on a CPU
                                          // without AMX-BF16 (resolveComputeDType)
    Residency residency = Residency::Resident;
    std::vector<int> lookahead{1, 2};     // probe distances; empty = none
    bool withLogits = false;              // store raw router logits [N, L, E] (float16)
    // Hidden-state features per token and layer (core/trace/feature_basis.h), e.g.
    // "gate_logits:2+pca:16" (kDefaultFeatureSpec); empty = none (the default: plain
    // routing studies need none). PCA parts are estimated on the first batches.
    std::string features;
    // The basis to compute them with instead of building one: a trace folder, an exported
    // predictor folder or a feature_basis.safetensors file (a held-out collection reuses the
    // training collection's basis so both hold the same features). Its spec is the features'
    // (`features` empty, or the same spec); it must fit the model (layers, hidden size, router
    // rows). Empty = build the basis (PCA parts on the first batches).
    std::string featureBasis;
    int threads = 0;                      // CPU intra-op threads, 0 = all cores

    // Batching.
    int batchSize = 0;                    // sequences per forward pass; 0 = automatic: the
                                          // smallest batch within 5% of the best tokens/s
                                          // measured on the loaded model, within the memory
                                          // share (chooseAutoBatch in auto_batch.h)
    int bucketBatches = 16;               // length-grouping window, in batches (1 = batches in
                                          // corpus order); the trace stores sequences in
                                          // corpus order either way
    double memoryFraction = 0.8;          // share of free memory batch sizing may plan for

    // Output.
    std::string outDir;
    double shardMB = 256;                 // uncompressed payload per shard (MiB)
    bool startOver = false;               // clear a folder holding another configuration

    // A part of a distributed collection (docs/cluster.md): this run stores only the
    // sequences at corpus positions [rank * n / worldSize, (rank + 1) * n / worldSize) of the
    // n the sources give, so every rank builds the same corpus and takes a part of its own,
    // the same on every rerun with the same worldSize (each part resumes in its folder).
    // The folder records the part; another part there is refused (cleared with startOver).
    int rank = 0;
    int worldSize = 1;
};

struct CollectResult {
    std::string outDir;
    bool resumed = false;                 // the folder held part of this trace already
    bool complete = false;                // every corpus sequence is stored
    int64_t corpusSequences = 0;          // sequences of the corpus (the whole job; a
    int64_t corpusTokens = 0;             // distributed run: this rank's part)
    int64_t resumedSequences = 0;         // already stored when the run started
    int64_t resumedTokens = 0;
    int64_t sequencesWritten = 0;         // by this run
    int64_t tokensWritten = 0;            // by this run
    size_t shards = 0;                    // complete shards in the folder
    int batchSize = 0;                    // the batch size used
    std::string batchNote;                // how the automatic batch was chosen (else empty)
    double probeSeconds = 0;              // measuring it (before the routing loop)
    int64_t batches = 0;                  // forward passes run
    double paddingFraction = 0;           // pad positions / all positions in those passes
    double seconds = 0;                   // wall time of the collection loop
    double forwardSeconds = 0;            // of which in the forward pass
    double basisSeconds = 0;              // building the feature basis (PCA fit, projecting
                                          // the sampled batches; their forward is above)
    double convertSeconds = 0;            // routing results to trace rows (float16 packing)
    double writeSeconds = 0;              // appending to the writer and closing shards
    double tokensPerSecond = 0;           // tokensWritten / seconds
    std::string device;                   // the device the forward pass ran on
    std::string dtype;                    // the compute dtype it ran in (auto resolved)
    std::string dtypeNote;                // why, when auto chose it (else empty)
    std::vector<SourceStats> sources;     // per source: kept, dropped and skipped input
    std::vector<std::string> warnings;    // bad input skipped (file:line: reason)
    std::vector<std::string> modelWarnings; // the checkpoint's (unused tensors, by name)
    int64_t skippedInputs = 0;            // bad input items, all sources
};

// Runs (or resumes) a collection. Progress: stage "corpus" while reading sources, then
// "collect" in tokens with rate and ETA. Throws specmoe::Cancelled when the callback
// returns false (between batches: the sequences collected so far are first written as a
// last complete shard, so the run resumes right after them), specmoe::Error on bad input,
// a folder holding another trace (unless startOver) or an I/O failure (full disk: the
// message names the shard; complete shards stay intact).
CollectResult collect(const CollectParams& params, const ProgressFn& progress = {});

// The corpus a collection would use (reads sources and tokenizes; loads no weights).
// `vocabSize` > 0 checks token ids against the model's vocabulary.
Corpus buildCollectCorpus(const CollectParams& params, int64_t vocabSize = 0,
                          const ProgressFn& progress = {});

// Throws specmoe::Error when a lookahead distance reaches beyond the model's `layers`
// (a probe from layer l to l+d needs l+d < layers for some l), naming the range accepted.
void checkLookahead(const std::vector<int>& lookahead, int64_t layers, const std::string& modelDir);

// One line per source and per skip reason, for logs and the CLI's closing report.
std::vector<std::string> describeSources(const CollectResult& r);

} // namespace specmoe
