#pragma once
// What reading a corpus source kept and what it skipped, per source. Bad input is never
// dropped silently: every skipped item is counted under a reason and the first warnings
// name the file and line.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace specmoe {

// Reasons for skipping bad input (keys of SourceStats::skipped).
namespace skip {
constexpr const char* kInvalidUtf8 = "invalid-utf8";
constexpr const char* kBrokenJson = "broken-json";
constexpr const char* kMissingField = "missing-field";
constexpr const char* kWrongType = "wrong-type";       // field present but not text / not a list of ids
constexpr const char* kEmptyFile = "empty-file";
constexpr const char* kBinaryFile = "binary-file";
constexpr const char* kUnreadable = "unreadable-file";
constexpr const char* kBadCsvRow = "bad-csv-row";       // wrong column count or broken quoting
constexpr const char* kMissingColumn = "missing-column"; // the CSV header lacks the column (whole file)
constexpr const char* kEmptyDocument = "empty-document";
constexpr const char* kTokenOutOfRange = "token-out-of-range";
constexpr const char* kDocumentTooLong = "document-too-long"; // over CorpusParams::maxDocumentBytes
} // namespace skip

struct SourceStats {
    static constexpr size_t kMaxWarnings = 50; // warnings kept per source; counts stay exact

    std::string name;
    int64_t files = 0;            // files opened
    int64_t documents = 0;        // documents read and accepted (before dedup / length filters)
    int64_t sequences = 0;        // sequences taken into the corpus
    int64_t tokens = 0;           // tokens taken into the corpus
    int64_t duplicates = 0;       // documents dropped as duplicates of an earlier one
    int64_t tooShort = 0;         // sequences dropped for being shorter than the minimum
    int64_t truncatedTokens = 0;  // tokens cut off by truncation to the maximum length
    std::map<std::string, int64_t> skipped; // bad input, by reason
    std::vector<std::string> warnings;      // "file:line: reason", the first kMaxWarnings
    int64_t warningsDropped = 0;            // warnings beyond kMaxWarnings (counted, not kept)

    int64_t skippedTotal() const;
    // Counts one skipped item and keeps its warning.
    void skip(const std::string& reason, const std::string& where, const std::string& detail = {});
    // One line: "news: 120 sequences, 51200 tokens; skipped 3 (broken-json 2, invalid-utf8 1)".
    std::string summary() const;
};

} // namespace specmoe
