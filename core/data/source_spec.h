#pragma once
// A corpus source: where the documents are, how to read them, and how much of the corpus
// they should make up. docs/corpus.md describes the formats and the command-line syntax.
#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

enum class SourceFormat {
    Auto,       // by file extension: .jsonl/.json -> Jsonl, .csv -> Csv, .tsv -> Tsv, else Text
    Text,       // plain text, one document per file
    Paragraphs, // plain text, one document per blank-line separated paragraph
    Jsonl,      // one JSON object per line; `field` holds the text (default "text")
    JsonlIds,   // one JSON object per line; `field` holds a list of token ids (default "input_ids")
    Csv,        // comma-separated with a header row; `field` names the text column (default "text")
    Tsv,        // tab-separated, otherwise as Csv
};

// Documents longer than this many bytes are skipped by default (CorpusParams::maxDocumentBytes).
inline constexpr int64_t kDefaultMaxDocumentBytes = int64_t(16) << 20; // 16 MiB

struct SourceSpec {
    std::string name;            // domain label stored with every sequence
    std::string path;            // a file or a folder (read recursively, sorted, hidden files skipped)
    SourceFormat format = SourceFormat::Auto;
    std::string field;           // JSON field or CSV column; empty = the format's default
    double weight = 1.0;         // share of the sampled tokens relative to the other sources
    int64_t maxTokens = 0;       // per-source caps, 0 = none
    int64_t maxSequences = 0;
};

// "text", "paragraphs", "jsonl", "jsonl-ids", "csv", "tsv", "auto".
std::string formatName(SourceFormat f);
// Throws specmoe::Error on an unknown name.
SourceFormat parseFormat(const std::string& name);
bool isFormatName(const std::string& name);
// The field used when spec.field is empty.
std::string defaultField(SourceFormat f);
// The format a file is read with: spec.format, or the extension's when Auto.
SourceFormat resolveFormat(SourceFormat declared, const std::string& filePath);

// Parses "NAME=PATH[:FORMAT[:FIELD]][@WEIGHT]". The path may itself contain ':' and '@':
// FORMAT is recognised only as a known format name, WEIGHT only as a number after the last
// '@'. Throws specmoe::Error with the offending text on a malformed spec.
SourceSpec parseSourceSpec(const std::string& text);
// The inverse of parseSourceSpec (caps are not part of the syntax).
std::string toString(const SourceSpec& s);

// Applies a cap "NAME=N" (tokens) or "NAME=Nseq" (sequences) to the named source.
// Throws specmoe::Error on an unknown source or a malformed cap.
void applySourceCap(std::vector<SourceSpec>& sources, const std::string& cap);

} // namespace specmoe
