#include "core/util/atomic_file.h"

#include "core/util/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace specmoe {
namespace {

std::string parentOf(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

std::string errnoText(int e) { return std::strerror(e); }

} // namespace

void fsyncPath(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw Error(path + ": cannot open for fsync: " + errnoText(errno));
    if (::fsync(fd) != 0 && errno != EINVAL) { // some file systems refuse fsync on folders
        const int e = errno;
        ::close(fd);
        throw Error(path + ": fsync failed: " + errnoText(e));
    }
    ::close(fd);
}

void renameDurable(const std::string& from, const std::string& to)
{
    if (std::rename(from.c_str(), to.c_str()) != 0)
        throw Error("cannot rename " + from + " to " + to + ": " + errnoText(errno));
    fsyncPath(parentOf(to));
}

void writeFileAtomic(const std::string& path, const std::string& content)
{
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(tmp + ": cannot create: " + errnoText(errno));
    const char* p = content.data();
    size_t left = content.size();
    while (left > 0) {
        const ssize_t w = ::write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            const int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw Error(path + ": write failed: " + errnoText(e));
        }
        p += w;
        left -= size_t(w);
    }
    if (::fsync(fd) != 0) {
        const int e = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        throw Error(path + ": fsync failed: " + errnoText(e));
    }
    if (::close(fd) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        throw Error(path + ": close failed: " + errnoText(e));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        throw Error("cannot rename " + tmp + " to " + path + ": " + errnoText(e));
    }
    fsyncPath(parentOf(path));
}

} // namespace specmoe
