// The corpus readers (core/data): the first input byte picks the format (text, paragraphs,
// jsonl, jsonl-ids, csv, tsv), the rest is the file. Every document is read with
// DocumentReader, then the same file goes through buildCorpus (tokenized byte-wise, long
// documents split, deduplicated) as `specmoe collect` reads its sources. Bad records must be
// skipped and counted, never crash; only specmoe::Error may leave the readers.
#include "core/data/corpus.h"
#include "core/data/document_reader.h"
#include "core/util/error.h"
#include "tests/fuzz/fuzz_support.h"

#include <vector>

using namespace specmoe;

namespace {

const SourceFormat kFormats[] = {SourceFormat::Text, SourceFormat::Paragraphs, SourceFormat::Jsonl,
                                 SourceFormat::JsonlIds, SourceFormat::Csv, SourceFormat::Tsv};

std::vector<int32_t> bytesAsTokens(const std::string& text)
{
    return std::vector<int32_t>(text.begin(), text.end()); // a stand-in tokenizer (ids may be negative)
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const fuzz::ScratchDir dir("corpus");
    if (size == 0)
        return 0;
    SourceSpec spec;
    spec.name = "fuzz";
    spec.format = kFormats[data[0] % (sizeof kFormats / sizeof kFormats[0])];
    spec.path = dir.file("input");
    fuzz::writeFile(spec.path, data + 1, size - 1);

    try {
        SourceStats stats;
        DocumentReader reader(spec, stats);
        Document doc;
        int64_t docs = 0;
        while (reader.next(doc))
            if (doc.isTokens == doc.ids.empty() || (!doc.isTokens && doc.text.empty()))
                __builtin_trap(); // an accepted document must hold something
            else
                ++docs;
        if (docs != stats.documents)
            __builtin_trap();
        stats.summary();
    } catch (const Error&) {
    }

    CorpusParams params;
    params.sources = {spec};
    params.maxLength = 16;
    params.minLength = 2;
    params.longDocuments = (data[0] / 8) % 2 ? LongDocuments::Split : LongDocuments::Truncate;
    params.shuffleBuffer = 4;
    params.vocabSize = (data[0] / 16) % 2 ? 100 : 0;
    params.tokenize = bytesAsTokens;
    try {
        const Corpus c = buildCorpus(params);
        for (const CorpusSequence& s : c.sequences)
            if (s.tokens.empty() || s.tokens.size() > 16)
                __builtin_trap();
        c.digest();
        c.warnings();
    } catch (const Error&) {
    }
    return 0;
}
