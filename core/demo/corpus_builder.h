#pragma once
// Builds the demo's multi-domain corpus from text that Debian packages install (the KJV
// Bible, WordNet glosses, fortunes, the Jargon File and FOLDOC, C headers, Python's
// standard library). Nothing is downloaded. Each domain is written as JSONL documents
// ({"id", "source", "text"}), split into a training part and a held-out part:
//   <root>/train/<domain>/docs.jsonl
//   <root>/heldout/<domain>/docs.jsonl
// A source whose files are missing is skipped; at least two domains must remain.
#include "core/util/progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe::demo {

struct CorpusDoc {
    std::string id;
    std::string text;
};

struct CorpusDomain {
    std::string name;
    std::vector<CorpusDoc> train;
    std::vector<CorpusDoc> heldOut;
    int64_t trainBytes() const;
    int64_t heldOutBytes() const;
};

struct CorpusBuildParams {
    std::string outDir;                  // corpus root; empty = build in memory only
    int64_t maxTrainBytesPerDomain = 900'000;
    int heldOutDocsPerDomain = 24;
    int64_t maxDocBytes = 3000;          // longer texts are cut into chunks at line ends
    uint64_t seed = 1234;
    // Where the sources live (overridable for tests and other distributions).
    std::string bibleTool = "bible";     // bible-kjv's reader; text comes from its output
    std::string wordnetDir = "/usr/share/wordnet";
    std::string fortunesDir = "/usr/share/games/fortunes";
    std::string dictdDir = "/usr/share/dictd";
    std::string includeDir = "/usr/include";
    std::string pythonLibDir;            // empty = the newest /usr/lib/python3.*
};

struct DemoCorpus {
    std::string root;                    // outDir as given
    std::vector<CorpusDomain> domains;
};

// Reads the sources, splits held-out documents off per domain (deterministic for a seed)
// and writes the JSONL files when outDir is set. Throws specmoe::Error when fewer than
// two domains could be read.
DemoCorpus buildDemoCorpus(const CorpusBuildParams& params, const ProgressFn& progress = {});

// Replaces bytes that are not valid UTF-8 (sanitizeUtf8, core/util/utf8.h) with "?" and
// control characters other than \n and \t with spaces (CR is dropped).
std::string sanitizeText(const std::string& s);

} // namespace specmoe::demo
