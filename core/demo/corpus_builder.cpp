// The demo corpus: system text packages read into domains of documents.
#include "core/demo/corpus_builder.h"

#include "core/util/utf8.h"
#include "core/util/error.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace fs = std::filesystem;

namespace specmoe::demo {

int64_t CorpusDomain::trainBytes() const
{
    int64_t n = 0;
    for (const auto& d : train)
        n += int64_t(d.text.size());
    return n;
}

int64_t CorpusDomain::heldOutBytes() const
{
    int64_t n = 0;
    for (const auto& d : heldOut)
        n += int64_t(d.text.size());
    return n;
}

std::string sanitizeText(const std::string& s)
{
    // Ill-formed UTF-8 bytes become '?' (core/util/utf8.h); then the ASCII control
    // characters, which never occur inside a multi-byte sequence: CR dropped, \n and \t
    // kept, the others made spaces.
    const std::string valid = sanitizeUtf8(s, "?");
    std::string out;
    out.reserve(valid.size());
    for (const char ch : valid) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\r')
            continue;
        out.push_back(c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f) ? ch : ' ');
    }
    return out;
}

namespace {

// gzip or dictzip (a gzip file with random-access extras) through zlib.
std::string readGz(const fs::path& p)
{
    gzFile f = gzopen(p.string().c_str(), "rb");
    if (!f)
        return {};
    std::string out;
    char buf[1 << 16];
    int got = 0;
    while ((got = gzread(f, buf, sizeof buf)) > 0)
        out.append(buf, size_t(got));
    gzclose(f);
    return out;
}

std::string trimRight(std::string s)
{
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t'))
        s.pop_back();
    return s;
}

// Cuts a long text into pieces of at most maxBytes, at line ends where possible.
std::vector<std::string> chunk(const std::string& text, int64_t maxBytes)
{
    std::vector<std::string> out;
    size_t pos = 0;
    const size_t cap = size_t(std::max<int64_t>(maxBytes, 64));
    while (pos < text.size()) {
        size_t end = std::min(text.size(), pos + cap);
        if (end < text.size()) {
            const size_t nl = text.rfind('\n', end);
            if (nl != std::string::npos && nl > pos + cap / 3)
                end = nl + 1;
            else {
                // do not split a UTF-8 sequence
                while (end > pos && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80)
                    --end;
            }
        }
        std::string piece = trimRight(text.substr(pos, end - pos));
        if (piece.size() >= 40)
            out.push_back(std::move(piece));
        pos = end;
    }
    return out;
}

// Joins short items into documents of about maxBytes.
std::vector<std::string> group(const std::vector<std::string>& items, int64_t maxBytes,
                               const std::string& sep)
{
    std::vector<std::string> out;
    std::string cur;
    for (const auto& it : items) {
        if (!cur.empty() && int64_t(cur.size() + sep.size() + it.size()) > maxBytes) {
            out.push_back(cur);
            cur.clear();
        }
        if (!cur.empty())
            cur += sep;
        cur += it;
    }
    if (!cur.empty())
        out.push_back(cur);
    return out;
}

using RawDocs = std::vector<std::pair<std::string, std::string>>; // id, text

// --- scripture: bible-kjv's reader prints the whole text; one document per chapter ---
RawDocs readBible(const CorpusBuildParams& p)
{
    RawDocs docs;
    const std::string cmd = p.bibleTool + " -p /usr/lib Gen1:1-Rev22:21 2>/dev/null";
    FILE* f = popen(cmd.c_str(), "r");
    if (!f)
        return docs;
    std::string all;
    char buf[1 << 16];
    size_t got = 0;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        all.append(buf, got);
    pclose(f);
    // Chapters begin with a line "Book N" after a blank line; verse lines start with digits.
    std::istringstream in(all);
    std::string line, title, cur;
    auto flush = [&] {
        std::string t = trimRight(cur);
        if (!title.empty() && t.size() >= 40)
            docs.emplace_back(title, title + "\n" + t);
        cur.clear();
    };
    std::string prev;
    while (std::getline(in, line)) {
        const bool header = !line.empty() && prev.empty() && line[0] != ' ' &&
                            std::isdigit(static_cast<unsigned char>(line.back())) &&
                            line.find(' ') != std::string::npos && line.size() < 40;
        if (header) {
            flush();
            title = line;
        } else if (!line.empty()) {
            // "  1 In the beginning ..." -> "1 In the beginning ..."
            size_t s = line.find_first_not_of(' ');
            cur += line.substr(s == std::string::npos ? 0 : s);
            cur += '\n';
        }
        prev = line;
    }
    flush();
    return docs;
}

// --- lexicon: WordNet synsets "words: gloss", grouped ---
RawDocs readWordnet(const CorpusBuildParams& p)
{
    RawDocs docs;
    for (const char* pos : {"noun", "verb", "adj", "adv"}) {
        const fs::path file = fs::path(p.wordnetDir) / (std::string("data.") + pos);
        const std::string text = tryReadFile(file.string()).value_or("");
        if (text.empty())
            continue;
        std::vector<std::string> entries;
        std::istringstream in(text);
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == ' ')
                continue; // license header
            const size_t bar = line.find(" | ");
            if (bar == std::string::npos)
                continue;
            std::istringstream f(line.substr(0, bar));
            std::string off, lex, type, wcntHex;
            f >> off >> lex >> type >> wcntHex;
            int wcnt = 0;
            try {
                wcnt = std::stoi(wcntHex, nullptr, 16);
            } catch (...) {
                continue;
            }
            std::string words;
            for (int i = 0; i < wcnt; ++i) {
                std::string w, lexId;
                if (!(f >> w >> lexId))
                    break;
                std::replace(w.begin(), w.end(), '_', ' ');
                const size_t paren = w.find('(');
                if (paren != std::string::npos)
                    w.resize(paren);
                if (!words.empty())
                    words += ", ";
                words += w;
            }
            entries.push_back(words + " (" + pos + "): " + trimRight(line.substr(bar + 3)));
        }
        const auto grouped = group(entries, p.maxDocBytes, "\n");
        for (size_t i = 0; i < grouped.size(); ++i)
            docs.emplace_back(std::string(pos) + "-" + std::to_string(i), grouped[i]);
    }
    return docs;
}

// --- quotes: fortune files, "%"-separated ---
RawDocs readFortunes(const CorpusBuildParams& p)
{
    RawDocs docs;
    std::error_code ec;
    if (!fs::is_directory(p.fortunesDir, ec))
        return docs;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(p.fortunesDir, ec))
        if (e.is_regular_file() && !e.path().has_extension())
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        const std::string text = tryReadFile(file.string()).value_or("");
        std::vector<std::string> items;
        std::istringstream in(text);
        std::string line, cur;
        while (std::getline(in, line)) {
            if (line == "%") {
                if (!trimRight(cur).empty())
                    items.push_back(trimRight(cur));
                cur.clear();
            } else {
                cur += line + "\n";
            }
        }
        if (!trimRight(cur).empty())
            items.push_back(trimRight(cur));
        const auto grouped = group(items, p.maxDocBytes, "\n\n");
        const std::string base = file.filename().string();
        for (size_t i = 0; i < grouped.size(); ++i)
            docs.emplace_back(base + "-" + std::to_string(i), grouped[i]);
    }
    return docs;
}

int64_t decodeB64(const std::string& s)
{
    static const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int64_t v = 0;
    for (char c : s) {
        const size_t k = alphabet.find(c);
        if (k == std::string::npos)
            return -1;
        v = v * 64 + int64_t(k);
    }
    return v;
}

// --- computing: the Jargon File and FOLDOC, dictd format (index + dictzip data) ---
RawDocs readDictd(const CorpusBuildParams& p)
{
    RawDocs docs;
    for (const char* name : {"jargon", "foldoc"}) {
        const fs::path dir(p.dictdDir);
        const std::string data = readGz(dir / (std::string(name) + ".dict.dz"));
        const std::string index = tryReadFile((dir / (std::string(name) + ".index")).string()).value_or("");
        if (data.empty() || index.empty())
            continue;
        std::vector<std::pair<int64_t, int64_t>> spans;
        std::istringstream in(index);
        std::string line;
        while (std::getline(in, line)) {
            const size_t t1 = line.find('\t');
            const size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
            if (t2 == std::string::npos)
                continue;
            if (line.compare(0, 11, "00-database") == 0 || line.compare(0, 10, "00database") == 0)
                continue;
            std::string lenField = line.substr(t2 + 1);
            const size_t t3 = lenField.find('\t');
            if (t3 != std::string::npos)
                lenField.resize(t3);
            const int64_t off = decodeB64(line.substr(t1 + 1, t2 - t1 - 1));
            const int64_t len = decodeB64(lenField);
            if (off < 0 || len <= 0 || off + len > int64_t(data.size()))
                continue;
            spans.emplace_back(off, len);
        }
        std::sort(spans.begin(), spans.end());
        spans.erase(std::unique(spans.begin(), spans.end()), spans.end());
        std::vector<std::string> entries;
        for (const auto& [off, len] : spans) {
            // Entries are indented by dictfmt; strip the common 5-space indent.
            std::istringstream e(data.substr(size_t(off), size_t(len)));
            std::string l, txt;
            while (std::getline(e, l)) {
                size_t s = 0;
                while (s < l.size() && s < 5 && l[s] == ' ')
                    ++s;
                txt += l.substr(s) + "\n";
            }
            txt = trimRight(txt);
            if (txt.size() >= 40)
                entries.push_back(txt);
        }
        const auto grouped = group(entries, p.maxDocBytes, "\n\n");
        for (size_t i = 0; i < grouped.size(); ++i)
            docs.emplace_back(std::string(name) + "-" + std::to_string(i), grouped[i]);
    }
    return docs;
}

// --- code: files with an extension in a folder (not recursive) ---
RawDocs readCodeDir(const std::string& dir, const std::string& ext)
{
    RawDocs docs;
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec))
        return docs;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file() && e.path().extension() == ext)
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::string t = tryReadFile(f.string()).value_or("");
        if (t.size() >= 40)
            docs.emplace_back(f.filename().string(), std::move(t));
    }
    return docs;
}

std::string newestPythonLib()
{
    std::error_code ec;
    std::string best;
    int bestMinor = -1;
    for (const auto& e : fs::directory_iterator("/usr/lib", ec)) {
        const std::string n = e.path().filename().string();
        if (n.rfind("python3.", 0) != 0 || !e.is_directory())
            continue;
        try {
            const int minor = std::stoi(n.substr(8));
            if (minor > bestMinor) {
                bestMinor = minor;
                best = e.path().string();
            }
        } catch (...) {
        }
    }
    return best;
}

void writeJsonl(const fs::path& file, const std::string& domain, const std::vector<CorpusDoc>& docs)
{
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out)
        throw Error("demo corpus: cannot write " + file.string());
    for (const auto& d : docs) {
        nlohmann::json j;
        j["id"] = d.id;
        j["source"] = domain;
        j["text"] = d.text;
        out << j.dump() << "\n";
    }
    if (!out)
        throw Error("demo corpus: write failed for " + file.string());
}

} // namespace

DemoCorpus buildDemoCorpus(const CorpusBuildParams& p, const ProgressFn& progress)
{
    struct Source {
        std::string domain;
        std::function<RawDocs()> read;
    };
    const std::string pyDir = p.pythonLibDir.empty() ? newestPythonLib() : p.pythonLibDir;
    const std::vector<Source> sources = {
        {"scripture", [&] { return readBible(p); }},
        {"lexicon", [&] { return readWordnet(p); }},
        {"quotes", [&] { return readFortunes(p); }},
        {"computing", [&] { return readDictd(p); }},
        {"c-code", [&] { return readCodeDir(p.includeDir, ".h"); }},
        {"python-code", [&] { return readCodeDir(pyDir, ".py"); }},
    };
    DemoCorpus corpus;
    corpus.root = p.outDir;
    int64_t done = 0;
    for (const auto& src : sources) {
        Progress pr;
        pr.stage = "corpus";
        pr.done = done++;
        pr.total = int64_t(sources.size());
        pr.unit = "sources";
        pr.message = "reading " + src.domain;
        reportProgress(progress, pr);

        RawDocs raw = src.read();
        // chunk, sanitize
        std::vector<CorpusDoc> docs;
        for (auto& [id, text] : raw) {
            const auto pieces = chunk(sanitizeText(text), p.maxDocBytes);
            for (size_t i = 0; i < pieces.size(); ++i)
                docs.push_back({pieces.size() == 1 ? id : id + "#" + std::to_string(i), pieces[i]});
        }
        if (int(docs.size()) < p.heldOutDocsPerDomain + 4)
            continue; // source missing or too small
        std::mt19937_64 rng(p.seed ^ std::hash<std::string>{}(src.domain));
        std::shuffle(docs.begin(), docs.end(), rng);
        CorpusDomain d;
        d.name = src.domain;
        d.heldOut.assign(docs.begin(), docs.begin() + p.heldOutDocsPerDomain);
        int64_t bytes = 0;
        for (size_t i = size_t(p.heldOutDocsPerDomain); i < docs.size(); ++i) {
            if (bytes >= p.maxTrainBytesPerDomain)
                break;
            bytes += int64_t(docs[i].text.size());
            d.train.push_back(std::move(docs[i]));
        }
        corpus.domains.push_back(std::move(d));
    }
    if (corpus.domains.size() < 2)
        throw Error("demo corpus: fewer than two text sources found (looked for bible-kjv, "
                    "wordnet-base, fortunes, dict-jargon/dict-foldoc, /usr/include, Python's "
                    "standard library)");
    if (!p.outDir.empty()) {
        for (const auto& d : corpus.domains) {
            writeJsonl(fs::path(p.outDir) / "train" / d.name / "docs.jsonl", d.name, d.train);
            writeJsonl(fs::path(p.outDir) / "heldout" / d.name / "docs.jsonl", d.name, d.heldOut);
        }
    }
    Progress pr;
    pr.stage = "corpus";
    pr.done = pr.total = int64_t(sources.size());
    pr.unit = "sources";
    pr.message = std::to_string(corpus.domains.size()) + " domains";
    reportProgress(progress, pr);
    return corpus;
}

} // namespace specmoe::demo
