#include "core/data/document_reader.h"

#include "core/data/csv_reader.h"
#include "core/util/utf8.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace specmoe {

struct DocumentReader::Csv {
    std::unique_ptr<CsvReader> reader;
    size_t column = 0;
    size_t columns = 0;
};

namespace {

bool isBlank(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
    });
}

bool isHidden(const fs::path& rel)
{
    for (const auto& part : rel) {
        const std::string s = part.string();
        if (!s.empty() && s[0] == '.' && s != "." && s != "..")
            return true;
    }
    return false;
}

int64_t lineOfOffset(const std::string& s, size_t begin, size_t offset, int64_t firstLine)
{
    return firstLine + std::count(s.begin() + long(begin), s.begin() + long(offset), '\n');
}

// Looks up `field`, then a dotted path ("meta.text") when the plain key is absent.
const nlohmann::json* findField(const nlohmann::json& obj, const std::string& field)
{
    auto it = obj.find(field);
    if (it != obj.end())
        return &*it;
    if (field.find('.') == std::string::npos)
        return nullptr;
    const nlohmann::json* cur = &obj;
    size_t start = 0;
    while (start <= field.size()) {
        const size_t dot = std::min(field.find('.', start), field.size());
        const std::string key = field.substr(start, dot - start);
        if (!cur->is_object())
            return nullptr;
        auto f = cur->find(key);
        if (f == cur->end())
            return nullptr;
        cur = &*f;
        start = dot + 1;
    }
    return cur;
}

// Reads one line (without its '\n') into `line`, keeping at most `cap` bytes: a longer line
// is read on to its end but dropped (*tooLong), so a huge line without a newline costs `cap`
// bytes of memory, not its size. False at the end of the stream.
bool readLineCapped(std::istream& in, std::string& line, size_t cap, bool& tooLong)
{
    line.clear();
    tooLong = false;
    char chunk[1 << 16];
    bool any = false;
    for (;;) {
        in.getline(chunk, sizeof chunk);
        const std::streamsize n = in.gcount();
        if (n == 0 && in.fail())
            return any; // the end (or a read error, which the caller checks)
        any = true;
        const bool full = in.fail() && !in.eof(); // the chunk filled up: the line goes on
        const bool delimiter = !in.fail() && !in.eof();
        const size_t stored = size_t(n) - (delimiter ? 1 : 0);
        if (!tooLong && line.size() + stored > cap) {
            tooLong = true;
            std::string().swap(line);
        }
        if (!tooLong)
            line.append(chunk, stored);
        if (!full)
            return true;
        in.clear(in.rdstate() & ~std::ios::failbit);
    }
}

bool exists(const std::string& path)
{
    std::error_code ec;
    return !path.empty() && fs::exists(path, ec);
}

// A path that names nothing, explained: parseSourceSpec takes a FORMAT it does not know
// ("c.txt:yaml") or a WEIGHT that is not a number ("c.txt@abc") as part of the path.
std::string missingPathMessage(const SourceSpec& spec)
{
    std::string out = "source '" + spec.name + "': no such file or folder: " + spec.path;
    const std::string& path = spec.path;
    const size_t at = path.find_last_of('@');
    if (at != std::string::npos) {
        std::string base = path.substr(0, at);
        const size_t colon = base.find_last_of(':');
        if (exists(base) || (colon != std::string::npos && exists(base.substr(0, colon)) &&
                             isFormatName(base.substr(colon + 1))))
            return out + " (" + (exists(base) ? base : base.substr(0, colon)) + " exists, but '" + path.substr(at + 1) +
                   "' after '@' is not a weight; accepted: a positive number, e.g. @2)";
    }
    for (size_t colon = path.find(':'); colon != std::string::npos; colon = path.find(':', colon + 1))
        if (exists(path.substr(0, colon))) {
            const std::string rest = path.substr(colon + 1);
            return out + " (" + path.substr(0, colon) + " exists, but '" + rest.substr(0, rest.find(':')) +
                   "' is not a corpus format; accepted: text, paragraphs, jsonl, jsonl-ids, csv, tsv or auto, "
                   "as in NAME=PATH[:FORMAT[:FIELD]][@WEIGHT])";
        }
    return out;
}

std::string fileKind(const fs::file_status& st)
{
    switch (st.type()) {
    case fs::file_type::character:
        return "a character device";
    case fs::file_type::block:
        return "a block device";
    case fs::file_type::fifo:
        return "a named pipe";
    case fs::file_type::socket:
        return "a socket";
    default:
        return "not a regular file";
    }
}

} // namespace

DocumentReader::DocumentReader(const SourceSpec& spec, SourceStats& stats, int64_t maxDocumentBytes)
    : m_spec(spec), m_stats(stats), m_maxBytes(maxDocumentBytes > 0 ? size_t(maxDocumentBytes) : SIZE_MAX)
{
    std::error_code ec;
    const fs::path root(spec.path);
    if (fs::is_regular_file(root, ec)) {
        m_files.push_back(root.string());
    } else if (fs::is_directory(root, ec)) {
        for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            const fs::path rel = fs::relative(it->path(), root, ec);
            if (isHidden(rel)) {
                if (it->is_directory(ec))
                    it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file(ec))
                m_files.push_back(it->path().string());
        }
        if (ec)
            throw Error("source '" + spec.name + "': cannot list folder " + spec.path + ": " + ec.message());
        std::sort(m_files.begin(), m_files.end());
        if (m_files.empty())
            throw Error("source '" + spec.name + "': folder " + spec.path + " holds no files");
    } else if (fs::exists(root, ec)) {
        // /dev/zero, a pipe: reading one would never end (or block).
        throw Error("source '" + spec.name + "': " + spec.path + " is " + fileKind(fs::status(root, ec)) +
                    ", not a file or folder (accepted: a regular file, or a folder of them)");
    } else {
        throw Error(missingPathMessage(spec));
    }
}

DocumentReader::~DocumentReader() = default;

std::string DocumentReader::where(int64_t line) const
{
    return line > 0 ? m_path + ":" + std::to_string(line) : m_path;
}

bool DocumentReader::readLine(std::string& line, bool& tooLong)
{
    return readLineCapped(*m_stream, line, m_maxBytes, tooLong);
}

void DocumentReader::skipTooLong(int64_t line, const std::string& what)
{
    m_stats.skip(skip::kDocumentTooLong, where(line),
                 what + " longer than " + std::to_string(m_maxBytes) + " bytes, the document cap");
}

bool DocumentReader::openNext()
{
    m_open = false;
    m_stream.reset();
    m_csv.reset();
    m_content.clear();
    while (m_fileIndex < m_files.size()) {
        m_path = m_files[m_fileIndex++];
        std::error_code ec;
        const fs::path root(m_spec.path);
        // Document ids go into JSON (manifest, analysis journeys), which takes UTF-8 only; a
        // file name need not be (Linux allows any bytes): the bytes at fault become '?'.
        m_rel = sanitizeUtf8(fs::is_directory(root, ec) ? fs::relative(m_path, root, ec).generic_string()
                                                        : fs::path(m_path).filename().string());
        m_format = resolveFormat(m_spec.format, m_path);
        m_field = m_spec.field.empty() ? defaultField(m_format) : m_spec.field;
        m_line = 1;
        m_pos = 0;
        m_textDone = false;
        m_fileHadText = false;
        ++m_stats.files;

        auto in = std::make_unique<std::ifstream>(m_path, std::ios::binary);
        if (!*in) {
            m_stats.skip(skip::kUnreadable, m_path);
            continue;
        }
        if (m_format == SourceFormat::Text) {
            // A file is one document: read no more than the cap.
            bool tooLong = false;
            m_content.clear();
            char chunk[1 << 16];
            while (in->read(chunk, sizeof chunk), in->gcount() > 0) {
                if (m_content.size() + size_t(in->gcount()) > m_maxBytes) {
                    tooLong = true;
                    break;
                }
                m_content.append(chunk, size_t(in->gcount()));
            }
            if (in->bad()) {
                m_stats.skip(skip::kUnreadable, m_path);
                continue;
            }
            if (tooLong) {
                std::string().swap(m_content);
                skipTooLong(0, "the file is");
                continue;
            }
            if (isBlank(m_content)) {
                m_stats.skip(skip::kEmptyFile, m_path);
                continue;
            }
            if (looksBinary(m_content)) {
                m_stats.skip(skip::kBinaryFile, m_path);
                continue;
            }
            if (m_content.size() >= 3 && m_content.compare(0, 3, "\xEF\xBB\xBF") == 0)
                m_pos = 3;
            m_open = true;
            return true;
        }
        // Streaming formats: sniff the head for binary or empty files.
        std::string head(8192, '\0');
        in->read(head.data(), std::streamsize(head.size()));
        head.resize(size_t(in->gcount()));
        if (isBlank(head) && in->eof()) {
            m_stats.skip(skip::kEmptyFile, m_path);
            continue;
        }
        if (looksBinary(head)) {
            m_stats.skip(skip::kBinaryFile, m_path);
            continue;
        }
        in->clear();
        in->seekg(0);
        m_stream = std::move(in);
        if (m_format == SourceFormat::Csv || m_format == SourceFormat::Tsv) {
            m_csv = std::make_unique<Csv>();
            m_csv->reader =
                std::make_unique<CsvReader>(*m_stream, m_format == SourceFormat::Tsv ? '\t' : ',', m_maxBytes);
            std::vector<std::string> header;
            std::string err;
            const auto st = m_csv->reader->next(header, &err);
            if (st != CsvReader::Status::Record) {
                m_stats.skip(st == CsvReader::Status::End ? skip::kEmptyFile : skip::kBadCsvRow,
                             where(m_csv->reader->recordLine()), "header: " + err);
                continue;
            }
            const auto col = std::find(header.begin(), header.end(), m_field);
            if (col == header.end()) {
                m_stats.skip(skip::kMissingColumn, m_path, "no column '" + m_field + "' in the header");
                continue;
            }
            m_csv->column = size_t(col - header.begin());
            m_csv->columns = header.size();
        }
        m_open = true;
        return true;
    }
    return false;
}

bool DocumentReader::next(Document& doc)
{
    for (;;) {
        if (!m_open && !openNext())
            return false;
        if (nextInFile(doc)) {
            ++m_stats.documents;
            return true;
        }
        m_open = false;
    }
}

bool DocumentReader::nextInFile(Document& doc)
{
    doc.text.clear();
    doc.ids.clear();
    doc.isTokens = false;
    switch (m_format) {
    case SourceFormat::Text:
        return nextText(doc);
    case SourceFormat::Paragraphs:
        return nextParagraph(doc);
    case SourceFormat::Jsonl:
    case SourceFormat::JsonlIds:
        return nextJsonl(doc);
    case SourceFormat::Csv:
    case SourceFormat::Tsv:
        return nextCsv(doc);
    case SourceFormat::Auto:
        break;
    }
    return false;
}

bool DocumentReader::nextText(Document& doc)
{
    if (m_textDone)
        return false;
    m_textDone = true;
    size_t bad = 0;
    const std::string_view body(m_content.data() + m_pos, m_content.size() - m_pos);
    if (!isValidUtf8(body, &bad)) {
        m_stats.skip(skip::kInvalidUtf8, where(lineOfOffset(m_content, 0, m_pos + bad, 1)));
        return false;
    }
    doc.docId = m_rel;
    doc.text.assign(body);
    return true;
}

bool DocumentReader::nextParagraph(Document& doc)
{
    // Lines are read one by one (a paragraph file may be large); a paragraph is its lines
    // joined with '\n', up to the first blank line.
    std::string line, para;
    bool lineTooLong = false, inPara = false, paraTooLong = false;
    int64_t firstLine = 0;
    for (;;) {
        const int64_t lineNo = m_line;
        const bool got = readLine(line, lineTooLong);
        if (got) {
            ++m_line;
            if (lineNo == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
                line.erase(0, 3);
        }
        if (got && (lineTooLong || !isBlank(line))) {
            m_fileHadText = true;
            if (!inPara) {
                inPara = true;
                paraTooLong = false;
                firstLine = lineNo;
                para.clear();
            }
            if (!paraTooLong && (lineTooLong || para.size() + line.size() + 1 > m_maxBytes)) {
                paraTooLong = true;
                std::string().swap(para);
            }
            if (!paraTooLong) {
                if (lineNo != firstLine)
                    para += '\n';
                para += line;
            }
            continue;
        }
        if (inPara) {
            inPara = false;
            if (paraTooLong) {
                skipTooLong(firstLine, "the paragraph is");
            } else {
                size_t bad = 0;
                if (!isValidUtf8(para, &bad)) {
                    m_stats.skip(skip::kInvalidUtf8, where(lineOfOffset(para, 0, bad, firstLine)));
                } else {
                    doc.docId = m_rel + ":" + std::to_string(firstLine);
                    doc.text = std::move(para);
                    if (!doc.text.empty() && doc.text.back() == '\r')
                        doc.text.pop_back();
                    return true;
                }
            }
        }
        if (!got) {
            if (m_stream->bad())
                m_stats.skip(skip::kUnreadable, where(m_line), "read error");
            else if (!m_fileHadText)
                m_stats.skip(skip::kEmptyFile, m_path);
            m_fileHadText = true; // counted once
            return false;
        }
    }
}

bool DocumentReader::nextJsonl(Document& doc)
{
    std::string line;
    bool tooLong = false;
    while (readLine(line, tooLong)) {
        const int64_t lineNo = m_line++;
        if (tooLong) {
            skipTooLong(lineNo, "the line is");
            continue;
        }
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (lineNo == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
            line.erase(0, 3);
        if (isBlank(line))
            continue;
        if (!isValidUtf8(line)) {
            m_stats.skip(skip::kInvalidUtf8, where(lineNo));
            continue;
        }
        const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded()) {
            m_stats.skip(skip::kBrokenJson, where(lineNo));
            continue;
        }
        if (!j.is_object()) {
            m_stats.skip(skip::kBrokenJson, where(lineNo), "not a JSON object");
            continue;
        }
        const nlohmann::json* v = findField(j, m_field);
        if (!v) {
            m_stats.skip(skip::kMissingField, where(lineNo), "no field '" + m_field + "'");
            continue;
        }
        doc.docId = m_rel + ":" + std::to_string(lineNo);
        if (m_format == SourceFormat::Jsonl) {
            if (!v->is_string()) {
                m_stats.skip(skip::kWrongType, where(lineNo), "field '" + m_field + "' is not a string");
                continue;
            }
            doc.text = v->get<std::string>();
            if (isBlank(doc.text)) {
                m_stats.skip(skip::kEmptyDocument, where(lineNo));
                continue;
            }
            return true;
        }
        bool ok = v->is_array();
        if (ok) {
            doc.ids.reserve(v->size());
            for (const auto& e : *v) {
                if (!e.is_number_integer()) {
                    ok = false;
                    break;
                }
                const int64_t id = e.get<int64_t>();
                if (id < 0 || id > INT32_MAX) {
                    ok = false;
                    break;
                }
                doc.ids.push_back(static_cast<int32_t>(id));
            }
        }
        if (!ok) {
            doc.ids.clear();
            m_stats.skip(skip::kWrongType, where(lineNo),
                         "field '" + m_field + "' is not a list of non-negative integers");
            continue;
        }
        if (doc.ids.empty()) {
            m_stats.skip(skip::kEmptyDocument, where(lineNo));
            continue;
        }
        doc.isTokens = true;
        return true;
    }
    if (m_stream->bad())
        m_stats.skip(skip::kUnreadable, where(m_line), "read error");
    return false;
}

bool DocumentReader::nextCsv(Document& doc)
{
    std::vector<std::string> fields;
    for (;;) {
        std::string err;
        const auto st = m_csv->reader->next(fields, &err);
        const int64_t lineNo = m_csv->reader->recordLine();
        if (st == CsvReader::Status::End)
            return false;
        if (st == CsvReader::Status::Error) {
            m_stats.skip(skip::kBadCsvRow, where(lineNo), err);
            continue;
        }
        if (st == CsvReader::Status::TooLong) {
            skipTooLong(lineNo, "the row is");
            continue;
        }
        if (fields.size() != m_csv->columns) {
            m_stats.skip(skip::kBadCsvRow, where(lineNo),
                         std::to_string(fields.size()) + " fields, the header has " +
                             std::to_string(m_csv->columns));
            continue;
        }
        std::string& text = fields[m_csv->column];
        if (!isValidUtf8(text)) {
            m_stats.skip(skip::kInvalidUtf8, where(lineNo));
            continue;
        }
        if (isBlank(text)) {
            m_stats.skip(skip::kEmptyDocument, where(lineNo));
            continue;
        }
        doc.docId = m_rel + ":" + std::to_string(lineNo);
        doc.text = std::move(text);
        return true;
    }
}

} // namespace specmoe
