#pragma once
// A corpus of token sequences drawn from several sources: balanced across sources by
// weight, deterministic for a seed, duplicates dropped, bad input skipped and counted.
// Same sources + same parameters -> same sequences with the same ids (docs/corpus.md).
#include "core/data/source_spec.h"
#include "core/data/source_stats.h"
#include "core/util/progress.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace specmoe {

enum class LongDocuments {
    Truncate, // keep the first maxLength tokens of a long document
    Split,    // cut it into consecutive windows of maxLength tokens (the last may be shorter)
};
std::string longDocumentsName(LongDocuments mode);            // "truncate", "split"
LongDocuments parseLongDocuments(const std::string& name);    // throws specmoe::Error

using TokenizeFn = std::function<std::vector<int32_t>(const std::string& text)>;

struct CorpusParams {
    std::vector<SourceSpec> sources;
    int maxLength = 512;           // tokens per sequence; 0 = no limit
    int minLength = 8;             // sequences shorter than this are dropped (counted)
    LongDocuments longDocuments = LongDocuments::Truncate;
    int64_t targetTokens = 0;      // stop once this many tokens are taken (0 = no target);
                                   // the last sequence may overshoot it
    int64_t targetSequences = 0;   // stop after this many sequences (0 = no target)
    uint64_t seed = 0;             // document order inside each source's shuffle buffer
    int shuffleBuffer = 1024;      // documents shuffled within each source; <= 1 = file order
    bool dedup = true;             // drop documents whose content was seen before (64-bit hash)
    int32_t vocabSize = 0;         // > 0: documents with a token id >= vocabSize are skipped
    // Documents longer than this many bytes (a text file, a paragraph, a JSONL line, a CSV
    // record) are skipped and counted (skip::kDocumentTooLong), and only this much of one is
    // ever held in memory: tokenizing a 50 MB line took ~10 GB. Must be positive.
    int64_t maxDocumentBytes = kDefaultMaxDocumentBytes;
    TokenizeFn tokenize;           // text -> ids; required when a source holds text
};

struct CorpusSequence {
    int64_t seqId = 0;             // index in Corpus::sequences
    int source = 0;                // index in Corpus::sources
    std::string docId;             // document id inside the source; "#wN" marks window N
    std::vector<int32_t> tokens;
};

struct Corpus {
    std::vector<std::string> sources;      // source names (domain labels)
    std::vector<SourceStats> stats;        // one per source
    std::vector<CorpusSequence> sequences; // seqId order
    int64_t totalTokens = 0;

    // A hash of the names, ids, doc ids and tokens: equal digests mean equal corpora.
    uint64_t digest() const;
    // Every source's warnings, prefixed with the source name.
    std::vector<std::string> warnings() const;
    int64_t skippedTotal() const;
    // What was dropped, for the error when nothing was kept: the skipped inputs with the
    // first `examples` warnings (file, line and reason), duplicates and too-short sequences.
    std::string dropReport(size_t examples = 3) const;
};

// Reads the sources and samples the corpus. Sampling is by tokens: the next sequence
// comes from the source whose tokens-taken / weight is smallest (ties: the earlier source);
// a source that runs dry or hits its cap drops out and the others fill the target.
// Throws specmoe::Error for a missing source path, duplicate source names, a text source
// without a tokenizer or no sources, and for a tokenizer failure (naming the source, its
// path and the document); bad records inside files are skipped and counted.
Corpus buildCorpus(const CorpusParams& params, const ProgressFn& progress = {});

} // namespace specmoe
