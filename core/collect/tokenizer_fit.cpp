#include "core/collect/tokenizer_fit.h"

#include "core/model/tokenizer.h"
#include "core/util/error.h"

#include <filesystem>

namespace specmoe {

void checkTokenizerFitsModel(const Tokenizer& tokenizer, int64_t modelVocab, const std::string& modelDir)
{
    try {
        tokenizer.checkVocab(modelVocab);
    } catch (const Error&) {
        // checkVocab's rule, said in the words of the collection: which file, both sizes, what to do.
        const int64_t n = tokenizer.vocabSize();
        const std::string head = "tokenizer " + tokenizer.path() + " has a vocabulary of " + std::to_string(n) +
                                 " tokens, ";
        const std::string config = modelDir + "/config.json";
        if (n > modelVocab)
            throw Error(head + "more than the vocab_size " + std::to_string(modelVocab) + " of " + config +
                        " (ids from " + std::to_string(modelVocab) +
                        " on have no embedding row); choose the model's own tokenizer");
        throw Error(head + "but the vocab_size of " + config + " is " + std::to_string(modelVocab) +
                    " (a SentencePiece tokenizer.model must match it); choose the model's own tokenizer");
    }
}

TokenizerFit collectTokenizerFit(const std::string& tokenizerPath, const std::string& modelDir, int64_t modelVocab)
{
    TokenizerFit fit;
    fit.modelVocab = modelVocab;
    const std::string file = tokenizerFile(tokenizerPath, modelDir);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        return fit;
    const Tokenizer tokenizer(file);
    fit.file = file;
    fit.tokenizerVocab = tokenizer.vocabSize();
    try {
        checkTokenizerFitsModel(tokenizer, modelVocab, modelDir);
    } catch (const Error& e) {
        fit.problem = e.what();
    }
    return fit;
}

} // namespace specmoe
