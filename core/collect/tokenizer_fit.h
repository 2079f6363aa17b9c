#pragma once
// Whether a tokenizer fits a model before a collection starts: every id it yields must
// have a row in the model's embedding (Tokenizer::checkVocab's rule). The workbench's
// collection dialog asks it as the user picks; the collector asks it when it first tokenizes.
#include <cstdint>
#include <string>

namespace specmoe {

class Tokenizer;

// Throws specmoe::Error naming the tokenizer file, its vocabulary size and the model's
// vocab_size (MODELDIR/config.json) when the tokenizer does not fit the model.
void checkTokenizerFitsModel(const Tokenizer& tokenizer, int64_t modelVocab, const std::string& modelDir);

// The tokenizer a collection would use (`tokenizerPath` when given, else MODELDIR's, as
// tokenizerFile() resolves them) against the model's vocab_size.
struct TokenizerFit {
    std::string file;           // the tokenizer checked; "" when it does not exist
    int64_t tokenizerVocab = 0; // its vocabulary (0 without a file)
    int64_t modelVocab = 0;
    std::string problem;        // checkTokenizerFitsModel's message; empty when it fits
    bool fits() const { return problem.empty(); }
};

// A missing file fits (the collector names a missing tokenizer once a text source needs
// it). Throws specmoe::Error when the file does not load.
TokenizerFit collectTokenizerFit(const std::string& tokenizerPath, const std::string& modelDir, int64_t modelVocab);

} // namespace specmoe
