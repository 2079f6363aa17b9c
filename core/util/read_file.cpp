#include "core/util/read_file.h"

#include "core/util/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace specmoe {
namespace {

// Reads to the end rather than trusting the size: /proc files report size 0.
bool readAll(const std::string& path, std::string& out, int& err)
{
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) {
        err = errno;
        return false;
    }
    out.clear();
    char buf[1 << 16];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0)
        out.append(buf, n);
    if (std::ferror(f.get())) {
        err = errno ? errno : EIO;
        return false;
    }
    return true;
}

} // namespace

std::string readFile(const std::string& path, const std::string& what)
{
    std::string out;
    int err = 0;
    if (!readAll(path, out, err))
        throw Error(path + ": cannot read" + (what.empty() ? "" : " " + what) + " (" + std::strerror(err) + ")");
    return out;
}

std::optional<std::string> tryReadFile(const std::string& path)
{
    std::string out;
    int err = 0;
    if (!readAll(path, out, err))
        return std::nullopt;
    return out;
}

} // namespace specmoe
