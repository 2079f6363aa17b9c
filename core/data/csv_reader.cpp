#include "core/data/csv_reader.h"

namespace specmoe {

CsvReader::CsvReader(std::istream& in, char delimiter, size_t maxRecordBytes)
    : m_in(in), m_delim(delimiter), m_maxBytes(maxRecordBytes)
{
}

int CsvReader::get()
{
    const int c = m_in.get();
    if (c == '\n')
        ++m_line;
    return c;
}

int CsvReader::peek() { return m_in.peek(); }

CsvReader::Status CsvReader::next(std::vector<std::string>& fields, std::string* error)
{
    if (m_first) {
        m_first = false;
        if (peek() == 0xEF) { // UTF-8 BOM
            char bom[3];
            m_in.read(bom, 3);
            if (!(m_in.gcount() == 3 && static_cast<unsigned char>(bom[1]) == 0xBB &&
                  static_cast<unsigned char>(bom[2]) == 0xBF)) {
                m_in.clear();
                m_in.seekg(0);
            }
        }
    }
    for (;;) {
        fields.clear();
        m_recordLine = m_line;
        int c = peek();
        if (c == EOF)
            return Status::End;
        // Skip empty lines.
        if (c == '\n' || c == '\r') {
            get();
            if (c == '\r' && peek() == '\n')
                get();
            continue;
        }
        std::string field;
        bool quoted = false, afterQuote = false;
        // Bytes of the record so far; past the cap nothing more is kept.
        size_t bytes = 0;
        bool over = false;
        const auto count = [&] {
            if (!over && ++bytes > m_maxBytes) {
                over = true;
                std::string().swap(field);
                std::vector<std::string>().swap(fields);
            }
            return !over;
        };
        const auto keep = [&](int ch) {
            if (count())
                field += static_cast<char>(ch);
        };
        const auto endField = [&] {
            if (count())
                fields.push_back(std::move(field));
            field.clear();
        };
        auto fail = [&](const std::string& why) {
            if (error)
                *error = why;
            // Resynchronise at the next line end.
            for (int d = get(); d != EOF && d != '\n'; d = get()) {
            }
            return Status::Error;
        };
        for (;;) {
            c = get();
            if (quoted) {
                if (c == EOF) {
                    if (error)
                        *error = "unterminated quoted field";
                    return Status::Error;
                }
                if (c == '"') {
                    if (peek() == '"') {
                        get();
                        keep('"');
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    keep(c);
                }
                continue;
            }
            if (c == EOF || c == '\n' || (c == '\r' && (peek() == '\n' || peek() == EOF))) {
                if (c == '\r')
                    get();
                endField();
                if (over) {
                    fields.clear();
                    if (error)
                        *error = "record longer than " + std::to_string(m_maxBytes) + " bytes";
                    return Status::TooLong;
                }
                return Status::Record;
            }
            if (c == m_delim) {
                endField();
                afterQuote = false;
                continue;
            }
            if (afterQuote)
                return fail("text after a closing quote");
            if (c == '"' && field.empty()) { // a quote elsewhere is kept as text
                quoted = true;
                continue;
            }
            keep(c);
        }
    }
}

} // namespace specmoe
