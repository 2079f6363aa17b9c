// .npy files and .npz members (a zip archive: np.savez stores, np.savez_compressed deflates;
// big arrays make numpy write zip64 fields) as byte streams.
#include "core/import/npy_stream.h"

#include "core/import/npy_file.h"
#include "core/util/checksum.h"
#include "core/util/error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>

namespace specmoe::import {
namespace {

class File {
public:
    explicit File(const std::string& path) : m_path(path)
    {
        m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0)
            throw Error(path + ": cannot open: " + std::strerror(errno));
        struct stat st {};
        if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(m_fd);
            throw Error(path + ": not a regular file");
        }
        m_size = uint64_t(st.st_size);
    }
    ~File() { ::close(m_fd); }
    uint64_t size() const { return m_size; }
    // Reads exactly n bytes at `at`; `what` says what was being read when it falls short.
    void readAt(uint64_t at, char* out, size_t n, const std::string& label, const char* what) const
    {
        size_t done = 0;
        while (done < n) {
            const ssize_t r = ::pread(m_fd, out + done, n - done, off_t(at + done));
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                throw Error(label + ": read error in " + what + ": " + std::strerror(errno));
            if (r == 0)
                throw Error(label + ": truncated (the file ends in " + what + ")");
            done += size_t(r);
        }
    }

private:
    std::string m_path;
    int m_fd = -1;
    uint64_t m_size = 0;
};

uint64_t le(const char* p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v |= uint64_t(static_cast<unsigned char>(p[i])) << (8 * i);
    return v;
}

// The CRC-32 of a zip member's bytes as they are delivered, compared when the last arrives.
class MemberCrc {
public:
    MemberCrc(bool on, uint32_t expect) : m_on(on), m_expect(expect) {}
    void add(const char* p, size_t n, uint64_t left, const std::string& label)
    {
        if (!m_on)
            return;
        m_crc = crc32Update(m_crc, p, n);
        if (left == 0 && m_crc != m_expect)
            throw Error(label + ": CRC-32 of the member is " + crc32Hex(m_crc) + ", the archive says " +
                        crc32Hex(m_expect) + " (corrupt archive)");
    }

private:
    bool m_on;
    uint32_t m_expect, m_crc = 0;
};

class RegionStream : public NpyStream {
public:
    RegionStream(std::shared_ptr<File> file, uint64_t begin, uint64_t size, std::string label, bool checkCrc,
                 uint32_t crc)
        : m_file(std::move(file)), m_at(begin), m_left(size), m_label(std::move(label)), m_crc(checkCrc, crc)
    {
    }
    void read(char* out, size_t n) override
    {
        if (n > m_left)
            throw Error(m_label + ": truncated (the array's data needs " + std::to_string(n - m_left) +
                        " more bytes than the file holds)");
        m_file->readAt(m_at, out, n, m_label, "the array's data");
        m_at += n;
        m_left -= n;
        m_crc.add(out, n, m_left, m_label);
    }
    uint64_t remaining() const override { return m_left; }

private:
    std::shared_ptr<File> m_file;
    uint64_t m_at, m_left;
    std::string m_label;
    MemberCrc m_crc;
};

class InflateStream : public NpyStream {
public:
    InflateStream(std::shared_ptr<File> file, uint64_t begin, uint64_t csize, uint64_t usize, std::string label,
                  uint32_t crc)
        : m_file(std::move(file)), m_at(begin), m_cleft(csize), m_left(usize), m_label(std::move(label)),
          m_crc(true, crc), m_in(size_t(1) << 20)
    {
        if (inflateInit2(&m_z, -MAX_WBITS) != Z_OK)
            throw Error(m_label + ": cannot start inflating");
    }
    ~InflateStream() override { inflateEnd(&m_z); }
    void read(char* out, size_t n) override
    {
        if (n > m_left)
            throw Error(m_label + ": truncated (the array's data needs " + std::to_string(n - m_left) +
                        " more bytes than the member holds)");
        m_z.next_out = reinterpret_cast<Bytef*>(out);
        size_t done = 0;
        while (done < n) {
            if (m_z.avail_in == 0) {
                if (m_cleft == 0)
                    throw Error(m_label + ": truncated compressed data");
                const size_t take = size_t(std::min<uint64_t>(m_cleft, m_in.size()));
                m_file->readAt(m_at, m_in.data(), take, m_label, "the compressed data");
                m_at += take;
                m_cleft -= take;
                m_z.next_in = reinterpret_cast<Bytef*>(m_in.data());
                m_z.avail_in = uInt(take);
            }
            const size_t want = std::min<size_t>(n - done, size_t(1) << 30);
            m_z.avail_out = uInt(want);
            const int rc = inflate(&m_z, Z_NO_FLUSH);
            const size_t got = want - m_z.avail_out;
            done += got;
            if (rc == Z_STREAM_END) {
                if (done < n)
                    throw Error(m_label + ": the compressed data ends before the array does (truncated or corrupt archive)");
            } else if ((rc == Z_BUF_ERROR && m_z.avail_in > 0) || (rc != Z_OK && rc != Z_BUF_ERROR)) {
                // Z_BUF_ERROR with input left means no progress is possible: as corrupt as a data error.
                throw Error(m_label + ": corrupt compressed data (zlib: " + std::string(m_z.msg ? m_z.msg : "no progress") +
                            ")");
            }
        }
        m_left -= n;
        m_crc.add(out, n, m_left, m_label);
    }
    uint64_t remaining() const override { return m_left; }

private:
    std::shared_ptr<File> m_file;
    uint64_t m_at, m_cleft, m_left;
    std::string m_label;
    MemberCrc m_crc;
    std::vector<char> m_in;
    z_stream m_z{};
};

struct Member {
    std::string name;
    int method = 0;
    uint32_t crc = 0;
    uint64_t csize = 0, usize = 0, localOffset = 0;
    bool encrypted = false;
};

// The central directory of a zip archive.
std::vector<Member> readDirectory(const File& f, const std::string& path)
{
    const uint64_t size = f.size();
    const size_t tail = size_t(std::min<uint64_t>(size, 22 + 65535));
    if (tail < 22)
        throw Error(path + ": not an NPZ (zip) archive: too short");
    std::vector<char> buf(tail);
    f.readAt(size - tail, buf.data(), tail, path, "the zip directory");
    size_t eocd = std::string::npos;
    for (size_t i = tail - 22 + 1; i-- > 0;)
        if (le(&buf[i], 4) == 0x06054b50) {
            eocd = i;
            break;
        }
    if (eocd == std::string::npos)
        throw Error(path + ": not an NPZ (zip) archive: no end-of-directory record (truncated?)");
    uint64_t entries = le(&buf[eocd + 10], 2), cdSize = le(&buf[eocd + 12], 4), cdOffset = le(&buf[eocd + 16], 4);
    if (entries == 0xffff || cdSize == 0xffffffff || cdOffset == 0xffffffff) {
        if (eocd < 20 || le(&buf[eocd - 20], 4) != 0x07064b50)
            throw Error(path + ": zip64 archive without its locator (corrupt)");
        const uint64_t rec = le(&buf[eocd - 20 + 8], 8);
        char z[56];
        if (rec + 56 > size)
            throw Error(path + ": zip64 directory record beyond the end of the file (corrupt)");
        f.readAt(rec, z, 56, path, "the zip64 directory record");
        if (le(z, 4) != 0x06064b50)
            throw Error(path + ": bad zip64 directory record (corrupt)");
        entries = le(z + 32, 8);
        cdSize = le(z + 40, 8);
        cdOffset = le(z + 48, 8);
    }
    if (cdOffset + cdSize > size || cdSize > (uint64_t(1) << 30) || entries > cdSize / 46)
        throw Error(path + ": zip directory lies outside the file (truncated or corrupt)");
    std::vector<char> cd(static_cast<size_t>(cdSize));
    f.readAt(cdOffset, cd.data(), cd.size(), path, "the zip directory");
    std::vector<Member> out;
    size_t p = 0;
    for (uint64_t e = 0; e < entries; ++e) {
        if (p + 46 > cd.size() || le(&cd[p], 4) != 0x02014b50)
            throw Error(path + ": zip directory entry " + std::to_string(e) + " is corrupt");
        Member m;
        m.encrypted = (le(&cd[p + 8], 2) & 1) != 0;
        m.method = int(le(&cd[p + 10], 2));
        m.crc = uint32_t(le(&cd[p + 16], 4));
        m.csize = le(&cd[p + 20], 4);
        m.usize = le(&cd[p + 24], 4);
        const size_t nameLen = le(&cd[p + 28], 2), extraLen = le(&cd[p + 30], 2), commentLen = le(&cd[p + 32], 2);
        m.localOffset = le(&cd[p + 42], 4);
        if (p + 46 + nameLen + extraLen + commentLen > cd.size())
            throw Error(path + ": zip directory entry " + std::to_string(e) + " is corrupt");
        m.name.assign(&cd[p + 46], nameLen);
        // zip64: the sizes and the offset that read 0xffffffff follow in extra field 0x0001.
        for (size_t x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen;) {
            const uint64_t id = le(&cd[x], 2), len = le(&cd[x + 2], 2);
            if (x + 4 + len > p + 46 + nameLen + extraLen)
                break;
            if (id == 1) {
                size_t q = x + 4;
                for (uint64_t* v : {&m.usize, &m.csize, &m.localOffset})
                    if (*v == 0xffffffff && q + 8 <= x + 4 + len) {
                        *v = le(&cd[q], 8);
                        q += 8;
                    }
            }
            x += 4 + len;
        }
        out.push_back(std::move(m));
        p += 46 + nameLen + extraLen + commentLen;
    }
    return out;
}

} // namespace

std::unique_ptr<NpyStream> openNpyFile(const std::string& path)
{
    auto f = std::make_shared<File>(path);
    const uint64_t size = f->size();
    return std::make_unique<RegionStream>(std::move(f), 0, size, path, false, 0);
}

std::unique_ptr<NpyStream> openNpzMember(const std::string& path, const std::string& name)
{
    auto f = std::make_shared<File>(path);
    const std::vector<Member> members = readDirectory(*f, path);
    const Member* m = nullptr;
    for (const Member& x : members)
        if (x.name == name || x.name == name + ".npy")
            m = &x;
    const std::string label = path + "[" + name + "]";
    if (!m) {
        std::string names;
        for (const Member& x : members)
            names += (names.empty() ? "" : ", ") + x.name;
        throw Error(path + ": no member '" + name + "' (the archive holds: " + (names.empty() ? "nothing" : names) + ")");
    }
    if (m->encrypted || (m->method != 0 && m->method != 8))
        throw Error(label + ": compression method " + std::to_string(m->method) +
                    (m->encrypted ? " (encrypted)" : "") + " is not supported (accepted: stored or deflated, as np.savez "
                                                           "and np.savez_compressed write)");
    char local[30];
    if (m->localOffset + 30 > f->size())
        throw Error(label + ": the member's header lies beyond the end of the file (truncated)");
    f->readAt(m->localOffset, local, 30, label, "the member's header");
    if (le(local, 4) != 0x04034b50)
        throw Error(label + ": bad local header (corrupt archive)");
    const uint64_t data = m->localOffset + 30 + le(local + 26, 2) + le(local + 28, 2);
    if (data + m->csize > f->size())
        throw Error(label + ": truncated (the member's data ends " + std::to_string(data + m->csize - f->size()) +
                    " bytes beyond the file)");
    if (m->method == 0) {
        if (m->csize != m->usize)
            throw Error(label + ": stored member whose sizes disagree (corrupt archive)");
        return std::make_unique<RegionStream>(std::move(f), data, m->usize, label, true, m->crc);
    }
    return std::make_unique<InflateStream>(std::move(f), data, m->csize, m->usize, label, m->crc);
}

std::vector<std::string> npzMembers(const std::string& path)
{
    File f(path);
    std::vector<std::string> names;
    for (const Member& m : readDirectory(f, path))
        names.push_back(m.name);
    return names;
}

} // namespace specmoe::import
