// NpyReader: an NPY array's elements, front to back, converted to int64 or float.
#include "core/import/npy_file.h"

#include "core/import/npy_stream.h"
#include "core/util/error.h"
#include "core/util/half.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace specmoe::import {
namespace {

template <class T>
T load(const char* p, bool swap)
{
    char b[sizeof(T)];
    std::memcpy(b, p, sizeof(T));
    if (swap)
        std::reverse(b, b + sizeof(T));
    T v;
    std::memcpy(&v, b, sizeof(T));
    return v;
}

// Hot loop: every id of an import passes here. Integers that fit int64 by type, converted
// in a loop per type and byte order (the compiler vectorizes the native-order one).
template <class T>
void widen(const char* p, size_t n, bool swap, int64_t* out)
{
    if (!swap) {
        for (size_t i = 0; i < n; ++i) {
            T v;
            std::memcpy(&v, p + i * sizeof(T), sizeof(T));
            out[i] = int64_t(v);
        }
        return;
    }
    for (size_t i = 0; i < n; ++i)
        out[i] = int64_t(load<T>(p + i * sizeof(T), true));
}

} // namespace

NpyReader::NpyReader(const std::string& path, const std::string& member)
    : m_label(member.empty() ? path : path + "[" + member + "]"),
      m_stream(member.empty() ? openNpyFile(path) : openNpzMember(path, member))
{
    // Magic, version and the header's length first, then the header itself.
    const uint64_t total = m_stream->remaining();
    if (total < 10)
        throw Error(m_label + ": not an NPY file (" + std::to_string(total) + " bytes)");
    std::vector<char> head(10);
    m_stream->read(head.data(), 10);
    const bool magic = std::memcmp(head.data(), "\x93NUMPY", 6) == 0;
    const int major = static_cast<unsigned char>(head[6]);
    const size_t lenBytes = major >= 2 ? 4 : 2;
    if (magic && lenBytes == 4 && total >= 12) {
        head.resize(12);
        m_stream->read(head.data() + 10, 2);
    }
    uint64_t hlen = 0;
    for (size_t i = 0; i < lenBytes && 8 + i < head.size(); ++i)
        hlen |= uint64_t(static_cast<unsigned char>(head[8 + i])) << (8 * i);
    const uint64_t need = 8 + lenBytes + hlen;
    if (!magic || major < 1 || major > 3 || head.size() < 8 + lenBytes || hlen > (uint64_t(1) << 20))
        parseNpyHeader(head.data(), head.size(), m_label, m_info); // throws the reason
    if (need > total)
        throw Error(m_label + ": truncated NPY header (" + std::to_string(total) + " bytes, the header ends at " +
                    std::to_string(need) + ")");
    const size_t have = head.size();
    head.resize(size_t(need));
    m_stream->read(head.data() + have, head.size() - have);
    parseNpyHeader(head.data(), head.size(), m_label, m_info);
    const uint64_t dataBytes = uint64_t(m_info.count()) * uint64_t(m_info.itemBytes);
    const uint64_t left = m_stream->remaining();
    if (left < dataBytes)
        throw Error(m_label + ": truncated: the data holds " + std::to_string(left) + " bytes, shape " +
                    shapeText() + " of '" + m_info.descr + "' needs " + std::to_string(dataBytes));
    if (left > dataBytes)
        throw Error(m_label + ": " + std::to_string(left - dataBytes) + " bytes follow the data of shape " +
                    shapeText() + " of '" + m_info.descr + "' (not an array numpy wrote)");
}

NpyReader::~NpyReader() = default;

std::string NpyReader::shapeText() const
{
    std::string s = "(";
    for (size_t i = 0; i < m_info.shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(m_info.shape[i]);
    return s + (m_info.shape.size() == 1 ? ",)" : ")");
}

void NpyReader::readRaw(size_t n, std::vector<char>& buf)
{
    if (int64_t(n) > remaining())
        throw Error(m_label + ": asked for " + std::to_string(n) + " more elements, " + std::to_string(remaining()) +
                    " are left");
    buf.resize(n * size_t(m_info.itemBytes));
    if (n)
        m_stream->read(buf.data(), buf.size());
    m_done += int64_t(n);
}

void NpyReader::skip(size_t n)
{
    while (n > 0) {
        const size_t step = std::min<size_t>(n, size_t(1) << 20);
        readRaw(step, m_buf);
        n -= step;
    }
}

void NpyReader::readInt64(size_t n, int64_t* out)
{
    const int64_t first = m_done;
    readRaw(n, m_buf);
    const char* p = m_buf.data();
    const bool swap = m_info.bigEndian && m_info.itemBytes > 1;
    const int w = m_info.itemBytes;
    switch (m_info.kind) {
    case NpyKind::Float:
        throw Error(m_label + ": dtype '" + m_info.descr + "' is a float; integers are expected here (ids)");
    case NpyKind::Bool:
        for (size_t i = 0; i < n; ++i)
            out[i] = p[i] != 0;
        return;
    case NpyKind::Signed:
        if (w == 1)
            return widen<int8_t>(p, n, false, out);
        if (w == 2)
            return widen<int16_t>(p, n, swap, out);
        if (w == 4)
            return widen<int32_t>(p, n, swap, out);
        return widen<int64_t>(p, n, swap, out);
    case NpyKind::Unsigned:
        if (w == 1)
            return widen<uint8_t>(p, n, false, out);
        if (w == 2)
            return widen<uint16_t>(p, n, swap, out);
        if (w == 4)
            return widen<uint32_t>(p, n, swap, out);
        for (size_t i = 0; i < n; ++i, p += w) { // uint64: values beyond int64 are refused
            const uint64_t v = w == 1 ? uint64_t(uint8_t(*p))
                             : w == 2 ? uint64_t(load<uint16_t>(p, swap))
                             : w == 4 ? uint64_t(load<uint32_t>(p, swap))
                                      : load<uint64_t>(p, swap);
            if (v > uint64_t(std::numeric_limits<int64_t>::max()))
                throw Error(m_label + ": element " + std::to_string(first + int64_t(i)) + " is " + std::to_string(v) +
                            ", beyond any id");
            out[i] = int64_t(v);
        }
        return;
    }
}

void NpyReader::readFloat(size_t n, float* out)
{
    if (m_info.kind != NpyKind::Float) {
        std::vector<int64_t> v(n);
        readInt64(n, v.data());
        for (size_t i = 0; i < n; ++i)
            out[i] = float(v[i]);
        return;
    }
    readRaw(n, m_buf);
    const char* p = m_buf.data();
    const bool swap = m_info.bigEndian;
    const int w = m_info.itemBytes;
    for (size_t i = 0; i < n; ++i, p += w)
        out[i] = w == 2 ? halfToFloat(load<uint16_t>(p, swap)) : w == 4 ? load<float>(p, swap) : float(load<double>(p, swap));
}

} // namespace specmoe::import
