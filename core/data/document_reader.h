#pragma once
// Reads one corpus source document by document, in a fixed order (files sorted by path,
// records in file order). Bad input is skipped and counted in the source's SourceStats.
#include "core/data/source_spec.h"
#include "core/data/source_stats.h"

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace specmoe {

struct Document {
    std::string docId;          // "<file relative to the source path>[:<line>]" or "...#p<n>"
    bool isTokens = false;      // pre-tokenized (JsonlIds): ids hold the tokens, text is empty
    std::string text;
    std::vector<int32_t> ids;
};

class DocumentReader {
public:
    // Lists the source's files. Throws specmoe::Error when the path does not exist (naming
    // a FORMAT or WEIGHT the spec's syntax took as part of the path), is neither a file nor
    // a folder, or is a folder that holds no files. Documents over `maxDocumentBytes` are
    // skipped (skip::kDocumentTooLong); no more than that of one is held in memory.
    DocumentReader(const SourceSpec& spec, SourceStats& stats,
                   int64_t maxDocumentBytes = kDefaultMaxDocumentBytes);
    ~DocumentReader();
    DocumentReader(const DocumentReader&) = delete;
    DocumentReader& operator=(const DocumentReader&) = delete;

    // The next accepted document; false at the end of the source.
    bool next(Document& doc);

    const std::vector<std::string>& files() const { return m_files; }

private:
    bool openNext();
    bool nextInFile(Document& doc);
    bool nextText(Document& doc);
    bool nextParagraph(Document& doc);
    bool nextJsonl(Document& doc);
    bool nextCsv(Document& doc);
    std::string where(int64_t line) const;
    // The next line of the stream into `line`, at most m_maxBytes of it (see readLineCapped).
    bool readLine(std::string& line, bool& tooLong);
    void skipTooLong(int64_t line, const std::string& what);

    SourceSpec m_spec;
    SourceStats& m_stats;
    size_t m_maxBytes;
    std::vector<std::string> m_files;
    size_t m_fileIndex = 0;
    bool m_open = false;
    SourceFormat m_format = SourceFormat::Text;
    std::string m_field;
    std::string m_rel;             // current file relative to the source path
    std::string m_path;            // current file
    // Text: the file's content.
    std::string m_content;
    size_t m_pos = 0;
    int64_t m_line = 1;
    bool m_textDone = false;
    bool m_fileHadText = false; // paragraphs: a non-blank line was seen
    // Line formats (paragraphs, JSONL, CSV).
    std::unique_ptr<std::ifstream> m_stream;
    struct Csv;
    std::unique_ptr<Csv> m_csv;
};

} // namespace specmoe
