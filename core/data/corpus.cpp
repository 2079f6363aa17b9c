#include "core/data/corpus.h"

#include "core/data/document_reader.h"
#include "core/data/hash.h"
#include "core/util/error.h"

#include <algorithm>
#include <chrono>
#include <new>
#include <deque>
#include <memory>
#include <set>
#include <unordered_set>

namespace specmoe {

std::string longDocumentsName(LongDocuments mode) { return mode == LongDocuments::Split ? "split" : "truncate"; }

LongDocuments parseLongDocuments(const std::string& name)
{
    if (name == "truncate")
        return LongDocuments::Truncate;
    if (name == "split")
        return LongDocuments::Split;
    throw Error("unknown long-document mode '" + name + "' (truncate, split)");
}

namespace {

// splitmix64: a tiny, fully specified generator, so that sampling is the same everywhere.
class Rng {
public:
    explicit Rng(uint64_t seed) : m_s(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    size_t below(size_t n) { return n ? size_t(next() % n) : 0; }

private:
    uint64_t m_s;
};

struct Pending {
    std::string docId;
    std::vector<int32_t> tokens;
};

struct SourceState {
    std::unique_ptr<DocumentReader> reader;
    std::vector<Document> buffer;
    std::deque<Pending> pending;
    Rng rng{0};
    bool readerDone = false;
    bool done = false;
    int64_t tokens = 0;
    int64_t sequences = 0;
};

} // namespace

uint64_t Corpus::digest() const
{
    Hash64 h;
    h.add(uint64_t(sources.size()));
    for (const auto& s : sources)
        h.add(s);
    h.add(uint64_t(sequences.size()));
    for (const auto& s : sequences) {
        h.add(uint64_t(s.seqId)).add(uint64_t(s.source)).add(s.docId);
        h.add(uint64_t(s.tokens.size()));
        h.add(s.tokens.data(), s.tokens.size() * sizeof(int32_t));
    }
    return h.value();
}

std::vector<std::string> Corpus::warnings() const
{
    std::vector<std::string> out;
    for (const auto& s : stats) {
        for (const auto& w : s.warnings)
            out.push_back(s.name + ": " + w);
        if (s.warningsDropped)
            out.push_back(s.name + ": ... and " + std::to_string(s.warningsDropped) + " more");
    }
    return out;
}

int64_t Corpus::skippedTotal() const
{
    int64_t n = 0;
    for (const auto& s : stats)
        n += s.skippedTotal();
    return n;
}

std::string Corpus::dropReport(size_t examples) const
{
    const int64_t skipped = skippedTotal();
    int64_t duplicates = 0, tooShort = 0, documents = 0;
    for (const auto& s : stats) {
        duplicates += s.duplicates;
        tooShort += s.tooShort;
        documents += s.documents;
    }
    std::string out = std::to_string(documents) + " documents read, " + std::to_string(skipped) +
                      (skipped == 1 ? " input" : " inputs") + " skipped as bad";
    const std::vector<std::string> all = warnings();
    for (size_t i = 0; i < all.size() && i < examples; ++i)
        out += (i ? "; " : ": ") + all[i];
    if (skipped > int64_t(std::min(all.size(), examples)))
        out += "; ... " + std::to_string(skipped - int64_t(std::min(all.size(), examples))) + " more";
    out += "; " + std::to_string(duplicates) + " duplicates dropped; " + std::to_string(tooShort) +
           " sequences shorter than the minimum length dropped";
    return out;
}

namespace {

// One call of buildCorpus(): the sources read in turn (the one furthest behind its weighted
// share next), each through a seeded shuffle buffer, documents deduplicated, tokenized,
// checked and cut into sequences.
class CorpusBuilder {
public:
    CorpusBuilder(const CorpusParams& params, const ProgressFn& progress);
    Corpus build();

private:
    // Produces the next pending sequence of source i; false when the source is dry.
    bool refill(size_t i);
    // The next document of source i from its shuffle buffer; false when none is left.
    bool nextDocument(size_t i, Document& d);
    bool isDuplicate(size_t i, const Document& d);
    // The document's token ids; false (counted as skipped) when it has none or bad ones.
    bool tokensOf(size_t i, Document& d, std::vector<int32_t>& ids);
    // "corpus source 'web' (/data/web): document a.jsonl:7", for errors.
    std::string documentName(size_t i, const Document& d) const;
    // Queues the document's sequences: whole, truncated or split into windows.
    void queueSequences(size_t i, const std::vector<int32_t>& ids, const std::string& docId);
    // The live source furthest behind its share, or -1.
    int sourceBehind() const;
    void takeSequence(size_t i);
    void reportReading();

    const CorpusParams& m_params;
    const ProgressFn& m_progress;
    Corpus m_corpus;
    std::vector<SourceState> m_sources;
    std::unordered_set<uint64_t> m_seen;
    size_t m_shuffle = 1;
    std::chrono::steady_clock::time_point m_lastReport = std::chrono::steady_clock::now();
};

CorpusBuilder::CorpusBuilder(const CorpusParams& params, const ProgressFn& progress)
    : m_params(params), m_progress(progress)
{
    if (params.sources.empty())
        throw Error("corpus: no sources given");
    if (params.maxLength < 0 || params.minLength < 0)
        throw Error("corpus: negative sequence length limits");
    if (params.maxDocumentBytes < 1)
        throw Error("corpus: the document cap must be positive (maxDocumentBytes is " +
                    std::to_string(params.maxDocumentBytes) + ")");
    if (params.maxLength > 0 && params.minLength > params.maxLength)
        throw Error("corpus: minimum length " + std::to_string(params.minLength) + " exceeds maximum length " +
                    std::to_string(params.maxLength));
    Corpus& corpus = m_corpus;
    std::set<std::string> names;
    for (const auto& s : params.sources) {
        if (s.name.empty())
            throw Error("corpus: a source has no name");
        if (!names.insert(s.name).second)
            throw Error("corpus: two sources are called '" + s.name + "'");
        if (!(s.weight > 0))
            throw Error("corpus: source '" + s.name + "' needs a positive weight");
        corpus.sources.push_back(s.name);
        corpus.stats.emplace_back();
        corpus.stats.back().name = s.name;
    }
    m_sources.resize(params.sources.size());
    for (size_t i = 0; i < params.sources.size(); ++i) {
        m_sources[i].reader =
            std::make_unique<DocumentReader>(params.sources[i], corpus.stats[i], params.maxDocumentBytes);
        m_sources[i].rng = Rng(Hash64().add(params.seed).add(params.sources[i].name).value());
    }
    m_shuffle = params.shuffleBuffer > 1 ? size_t(params.shuffleBuffer) : 1;
}

bool CorpusBuilder::nextDocument(size_t i, Document& d)
{
    SourceState& s = m_sources[i];
    while (!s.readerDone && s.buffer.size() < m_shuffle) {
        Document next;
        if (!s.reader->next(next)) {
            s.readerDone = true;
            break;
        }
        s.buffer.push_back(std::move(next));
    }
    if (s.buffer.empty())
        return false;
    const size_t pick = s.buffer.size() > 1 ? s.rng.below(s.buffer.size()) : 0;
    std::swap(s.buffer[pick], s.buffer.back());
    d = std::move(s.buffer.back());
    s.buffer.pop_back();
    return true;
}

bool CorpusBuilder::isDuplicate(size_t i, const Document& d)
{
    Hash64 h;
    if (d.isTokens)
        h.add("ids").add(d.ids.data(), d.ids.size() * sizeof(int32_t));
    else
        h.add("text").add(d.text);
    if (m_seen.insert(h.value()).second)
        return false;
    ++m_corpus.stats[i].duplicates;
    return true;
}

std::string CorpusBuilder::documentName(size_t i, const Document& d) const
{
    return "corpus source '" + m_corpus.sources[i] + "' (" + m_params.sources[i].path + "): document " + d.docId;
}

bool CorpusBuilder::tokensOf(size_t i, Document& d, std::vector<int32_t>& ids)
{
    const CorpusParams& params = m_params;
    SourceStats& stats = m_corpus.stats[i];
    if (d.isTokens) {
        ids = std::move(d.ids);
    } else {
        if (!params.tokenize)
            throw Error("corpus: source '" + m_corpus.sources[i] +
                        "' holds text but no tokenizer was given");
        try {
            ids = params.tokenize(d.text);
        } catch (const std::bad_alloc&) {
            throw Error(documentName(i, d) + ": out of memory while tokenizing it (" + std::to_string(d.text.size()) +
                        " bytes; lower the document cap, --max-doc-bytes)");
        } catch (const std::exception& e) {
            throw Error(documentName(i, d) + ": tokenizing it failed: " + e.what());
        }
        if (ids.empty()) {
            stats.skip(skip::kEmptyDocument, d.docId, "no tokens");
            return false;
        }
    }
    if (params.vocabSize > 0) {
        for (int32_t id : ids)
            if (id < 0 || id >= params.vocabSize) {
                stats.skip(skip::kTokenOutOfRange, d.docId,
                           "id " + std::to_string(id) + " >= vocabulary " + std::to_string(params.vocabSize));
                return false;
            }
    }
    return true;
}

void CorpusBuilder::queueSequences(size_t i, const std::vector<int32_t>& ids, const std::string& docId)
{
    const CorpusParams& params = m_params;
    SourceState& s = m_sources[i];
    SourceStats& stats = m_corpus.stats[i];
    const size_t maxLen = params.maxLength > 0 ? size_t(params.maxLength) : ids.size();
    auto emit = [&](size_t begin, size_t len, const std::string& id) {
        if (len < size_t(params.minLength) || len == 0) {
            ++stats.tooShort;
            return;
        }
        s.pending.push_back({id, std::vector<int32_t>(ids.begin() + long(begin), ids.begin() + long(begin + len))});
    };
    if (ids.size() <= maxLen) {
        emit(0, ids.size(), docId);
    } else if (params.longDocuments == LongDocuments::Truncate) {
        stats.truncatedTokens += int64_t(ids.size() - maxLen);
        emit(0, maxLen, docId);
    } else {
        int w = 0;
        for (size_t b = 0; b < ids.size(); b += maxLen, ++w)
            emit(b, std::min(maxLen, ids.size() - b), docId + "#w" + std::to_string(w));
    }
}

bool CorpusBuilder::refill(size_t i)
{
    SourceState& s = m_sources[i];
    while (s.pending.empty()) {
        Document d;
        if (!nextDocument(i, d))
            return false;
        if (m_params.dedup && isDuplicate(i, d))
            continue;
        std::vector<int32_t> ids;
        if (!tokensOf(i, d, ids))
            continue;
        queueSequences(i, ids, d.docId);
    }
    return true;
}

int CorpusBuilder::sourceBehind() const
{
    int best = -1;
    double bestKey = 0;
    for (size_t i = 0; i < m_sources.size(); ++i) {
        if (m_sources[i].done)
            continue;
        const double key = double(m_sources[i].tokens) / m_params.sources[i].weight;
        if (best < 0 || key < bestKey) {
            best = int(i);
            bestKey = key;
        }
    }
    return best;
}

void CorpusBuilder::takeSequence(size_t i)
{
    Corpus& corpus = m_corpus;
    SourceState& s = m_sources[i];
    Pending next = std::move(s.pending.front());
    s.pending.pop_front();
    CorpusSequence seq;
    seq.seqId = int64_t(corpus.sequences.size());
    seq.source = int(i);
    seq.docId = std::move(next.docId);
    seq.tokens = std::move(next.tokens);
    const int64_t n = int64_t(seq.tokens.size());
    s.tokens += n;
    ++s.sequences;
    corpus.totalTokens += n;
    ++corpus.stats[i].sequences;
    corpus.stats[i].tokens += n;
    corpus.sequences.push_back(std::move(seq));
    const SourceSpec& spec = m_params.sources[i];
    if ((spec.maxTokens > 0 && s.tokens >= spec.maxTokens) ||
        (spec.maxSequences > 0 && s.sequences >= spec.maxSequences))
        s.done = true;
}

void CorpusBuilder::reportReading()
{
    if (!m_progress)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - m_lastReport <= std::chrono::milliseconds(250))
        return;
    m_lastReport = now;
    const CorpusParams& params = m_params;
    Progress pr;
    pr.stage = "corpus";
    pr.unit = params.targetSequences > 0 && params.targetTokens <= 0 ? "sequences" : "tokens";
    pr.done = pr.unit == "tokens" ? m_corpus.totalTokens : int64_t(m_corpus.sequences.size());
    pr.total = pr.unit == "tokens" ? params.targetTokens : params.targetSequences;
    pr.message = "reading sources";
    reportProgress(m_progress, pr);
}

Corpus CorpusBuilder::build()
{
    const CorpusParams& params = m_params;
    for (;;) {
        if (params.targetTokens > 0 && m_corpus.totalTokens >= params.targetTokens)
            break;
        if (params.targetSequences > 0 && int64_t(m_corpus.sequences.size()) >= params.targetSequences)
            break;
        const int best = sourceBehind();
        if (best < 0)
            break;
        if (!refill(size_t(best))) {
            m_sources[size_t(best)].done = true;
            continue;
        }
        takeSequence(size_t(best));
        reportReading();
    }
    return std::move(m_corpus);
}

} // namespace

Corpus buildCorpus(const CorpusParams& params, const ProgressFn& progress)
{
    return CorpusBuilder(params, progress).build();
}

} // namespace specmoe
