#pragma once
// A streaming RFC 4180 reader: quoted fields ("" escapes a quote) may hold the delimiter
// and line breaks; CRLF and LF line ends; a UTF-8 byte-order mark is skipped.
#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace specmoe {

class CsvReader {
public:
    // A record over `maxRecordBytes` (field bytes and delimiters) is read to its end but
    // not kept: next() returns TooLong, having held no more than that much of it.
    CsvReader(std::istream& in, char delimiter, size_t maxRecordBytes = SIZE_MAX);

    enum class Status { Record, Error, End, TooLong };
    // Reads the next non-empty record. On Error (and TooLong), *error says why and the
    // reader has skipped to the end of the offending record, so reading can go on.
    Status next(std::vector<std::string>& fields, std::string* error = nullptr);
    // 1-based line where the last record (or error) started.
    int64_t recordLine() const { return m_recordLine; }

private:
    int get();
    int peek();

    std::istream& m_in;
    char m_delim;
    size_t m_maxBytes;
    int64_t m_line = 1;
    int64_t m_recordLine = 1;
    bool m_first = true;
};

} // namespace specmoe
