#pragma once
// Trains the demo's SentencePiece tokenizer the way Mixtral's was built: BPE with byte
// fallback, unk 0, bos 1, eos 2, no pad, identity normalization (whitespace kept, so code
// keeps its indentation).
#include "core/demo/corpus_builder.h"

#include <cstdint>
#include <string>

namespace specmoe::demo {

struct TokenizerTrainParams {
    int vocabSize = 3000;
    int64_t maxSentences = 250'000; // lines sampled from the training documents
    int threads = 2;
};

// Writes <modelDir>/tokenizer.model (and nothing else there); returns its path. The
// training text goes to <workDir>/tokenizer-train.txt, SentencePiece's own output to
// <workDir>/tokenizer.{model,vocab}. Throws specmoe::Error on failure.
std::string trainTokenizer(const DemoCorpus& corpus, const std::string& modelDir,
                           const std::string& workDir, const TokenizerTrainParams& params);

} // namespace specmoe::demo
