// The NPY header: magic, version, and the Python dict literal numpy writes, parsed strictly.
#include "core/import/npy_file.h"

#include "core/util/error.h"

#include <cstring>
#include <limits>

namespace specmoe::import {
namespace {

const char kMagic[] = "\x93NUMPY";

// A cursor over the dict literal, e.g. {'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), }
class Literal {
public:
    Literal(const std::string& text, const std::string& label) : m_s(text), m_label(label) {}

    void space()
    {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t'))
            ++m_i;
    }
    bool take(char c)
    {
        space();
        if (m_i < m_s.size() && m_s[m_i] == c) {
            ++m_i;
            return true;
        }
        return false;
    }
    void expect(char c, const char* what)
    {
        if (!take(c))
            fail(std::string("expected ") + what);
    }
    std::string quoted()
    {
        space();
        if (m_i >= m_s.size() || (m_s[m_i] != '\'' && m_s[m_i] != '"'))
            fail("expected a quoted string");
        const char q = m_s[m_i++];
        const size_t end = m_s.find(q, m_i);
        if (end == std::string::npos)
            fail("unterminated string");
        std::string v = m_s.substr(m_i, end - m_i);
        m_i = end + 1;
        return v;
    }
    bool boolean()
    {
        space();
        for (const auto& [word, value] : {std::pair<const char*, bool>{"True", true}, {"False", false}})
            if (m_s.compare(m_i, std::strlen(word), word) == 0) {
                m_i += std::strlen(word);
                return value;
            }
        fail("'fortran_order' must be True or False");
    }
    std::vector<int64_t> tuple()
    {
        expect('(', "'(' opening 'shape'");
        std::vector<int64_t> dims;
        while (!take(')')) {
            space();
            int64_t v = 0;
            size_t digits = 0;
            while (m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '9') {
                if (v > (std::numeric_limits<int64_t>::max() - 9) / 10)
                    fail("a dimension of 'shape' is too large");
                v = v * 10 + (m_s[m_i++] - '0');
                ++digits;
            }
            if (digits == 0)
                fail("'shape' must be a tuple of non-negative integers");
            if (m_i < m_s.size() && m_s[m_i] == 'L') // Python 2's long literals
                ++m_i;
            dims.push_back(v);
            if (!take(',')) {
                expect(')', "',' or ')' in 'shape'");
                break;
            }
        }
        return dims;
    }
    bool atEnd()
    {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\n' || m_s[m_i] == '\r' || m_s[m_i] == '\0'))
            ++m_i;
        return m_i == m_s.size();
    }
    [[noreturn]] void fail(const std::string& why) const
    {
        throw Error(m_label + ": not an NPY header numpy writes (" + why + " at character " + std::to_string(m_i) +
                    " of \"" + m_s.substr(0, 120) + "\")");
    }

private:
    const std::string& m_s;
    const std::string& m_label;
    size_t m_i = 0;
};

void parseDescr(const std::string& d, const std::string& label, NpyInfo& info)
{
    const std::string accepted = "accepted: bool, int8/16/32/64, uint8/16/32/64, float16/32/64 of either byte "
                                 "order, e.g. '<i4'";
    if (d.size() < 3 || std::string("<>|=").find(d[0]) == std::string::npos)
        throw Error(label + ": dtype '" + d + "' is not supported (" + accepted + ")");
    const char kind = d[1];
    int bytes = 0;
    for (size_t i = 2; i < d.size(); ++i) {
        if (d[i] < '0' || d[i] > '9' || bytes > 100)
            throw Error(label + ": dtype '" + d + "' is not supported (" + accepted + ")");
        bytes = bytes * 10 + (d[i] - '0');
    }
    bool ok = false;
    switch (kind) {
    case 'b':
        info.kind = NpyKind::Bool;
        ok = bytes == 1;
        break;
    case 'i':
    case 'u':
        info.kind = kind == 'i' ? NpyKind::Signed : NpyKind::Unsigned;
        ok = bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8;
        break;
    case 'f':
        info.kind = NpyKind::Float;
        ok = bytes == 2 || bytes == 4 || bytes == 8;
        break;
    default:
        break;
    }
    if (!ok)
        throw Error(label + ": dtype '" + d + "' is not supported (" + accepted + ")");
    if (d[0] == '|' && bytes != 1)
        throw Error(label + ": dtype '" + d + "' has no byte order but is " + std::to_string(bytes) +
                    " bytes wide (" + accepted + ")");
    info.itemBytes = bytes;
    info.bigEndian = d[0] == '>';
    info.descr = d;
}

} // namespace

int64_t NpyInfo::count() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

size_t parseNpyHeader(const char* data, size_t size, const std::string& label, NpyInfo& info)
{
    if (size < 10 || std::memcmp(data, kMagic, 6) != 0)
        throw Error(label + ": not an NPY file (it does not start with \\x93NUMPY)");
    const int major = static_cast<unsigned char>(data[6]);
    if (major < 1 || major > 3 || data[7] != 0)
        throw Error(label + ": NPY version " + std::to_string(major) + "." +
                    std::to_string(static_cast<unsigned char>(data[7])) + " is not supported (accepted: 1.0, 2.0, 3.0)");
    const size_t lenBytes = major == 1 ? 2 : 4;
    if (size < 8 + lenBytes)
        throw Error(label + ": truncated NPY header");
    uint64_t hlen = 0;
    for (size_t i = 0; i < lenBytes; ++i)
        hlen |= uint64_t(static_cast<unsigned char>(data[8 + i])) << (8 * i);
    const size_t offset = 8 + lenBytes + size_t(hlen);
    if (hlen > (size_t(1) << 20))
        throw Error(label + ": NPY header length " + std::to_string(hlen) + " is implausible (corrupt file?)");
    if (size < offset)
        throw Error(label + ": truncated NPY header (" + std::to_string(size) + " bytes, the header ends at " +
                    std::to_string(offset) + ")");
    const std::string text(data + 8 + lenBytes, size_t(hlen));
    Literal lit(text, label);
    lit.expect('{', "'{'");
    bool haveDescr = false, haveOrder = false, haveShape = false;
    while (!lit.take('}')) {
        const std::string key = lit.quoted();
        lit.expect(':', "':' after a key");
        if (key == "descr" && !haveDescr) {
            lit.space();
            if (lit.take('['))
                throw Error(label + ": structured dtypes are not supported (save plain arrays, one per field)");
            parseDescr(lit.quoted(), label, info);
            haveDescr = true;
        } else if (key == "fortran_order" && !haveOrder) {
            info.fortranOrder = lit.boolean();
            haveOrder = true;
        } else if (key == "shape" && !haveShape) {
            info.shape = lit.tuple();
            haveShape = true;
        } else {
            lit.fail("unexpected or repeated key '" + key + "'");
        }
        if (!lit.take(',')) {
            lit.expect('}', "',' or '}'");
            break;
        }
    }
    if (!lit.atEnd())
        lit.fail("text after the dict");
    if (!haveDescr || !haveOrder || !haveShape)
        throw Error(label + ": the NPY header lacks " +
                    std::string(!haveDescr ? "'descr'" : !haveOrder ? "'fortran_order'" : "'shape'"));
    int64_t n = 1, big = 0;
    for (int64_t d : info.shape) {
        if (d > 1)
            ++big;
        if (d != 0 && n > (int64_t(1) << 56) / d)
            throw Error(label + ": shape is too large");
        n *= d;
    }
    if (info.fortranOrder && big > 1)
        throw Error(label + ": the array is in Fortran order; save it in C order (np.ascontiguousarray) to import it");
    return offset;
}

} // namespace specmoe::import
