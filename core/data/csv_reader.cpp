#include "core/data/csv_reader.h"

namespace specmoe {

CsvReader::CsvReader(std::istream& in, char delimiter) : m_in(in), m_delim(delimiter) {}

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
                        field += '"';
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    field += static_cast<char>(c);
                }
                continue;
            }
            if (c == EOF || c == '\n' || (c == '\r' && (peek() == '\n' || peek() == EOF))) {
                if (c == '\r')
                    get();
                fields.push_back(std::move(field));
                return Status::Record;
            }
            if (c == m_delim) {
                fields.push_back(std::move(field));
                field.clear();
                afterQuote = false;
                continue;
            }
            if (afterQuote)
                return fail("text after a closing quote");
            if (c == '"' && field.empty()) { // a quote elsewhere is kept as text
                quoted = true;
                continue;
            }
            field += static_cast<char>(c);
        }
    }
}

} // namespace specmoe
