#include "core/util/checksum.h"

#include "core/util/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>

namespace specmoe {

// zlib's CRC-32 (same polynomial) ran at 2.3 GB/s here against 1.7 for our slicing-by-8.
uint32_t crc32Update(uint32_t crc, const void* data, size_t n)
{
    return uint32_t(crc32_z(crc, static_cast<const Bytef*>(data), n));
}

uint32_t crc32File(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw Error(path + ": cannot open for checksum: " + std::strerror(errno));
    std::vector<unsigned char> buf(size_t(4) << 20);
    uint32_t crc = 0;
    for (;;) {
        const ssize_t r = ::read(fd, buf.data(), buf.size());
        if (r < 0) {
            if (errno == EINTR)
                continue;
            const int e = errno;
            ::close(fd);
            throw Error(path + ": read error during checksum: " + std::strerror(e));
        }
        if (r == 0)
            break;
        crc = crc32Update(crc, buf.data(), size_t(r));
    }
    ::close(fd);
    return crc;
}

std::string crc32Hex(uint32_t crc)
{
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", crc);
    return buf;
}

} // namespace specmoe
