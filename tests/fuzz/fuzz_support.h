#pragma once
// Shared by the libFuzzer targets: the parsers under test read paths, so each input is
// written to a file in a scratch folder of the process (one per process, so parallel
// jobs and fork mode do not share files).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace specmoe::fuzz {

// /tmp/specmoe-fuzz-NAME-PID-XXXXXX, removed at a normal exit (a crash leaves it).
class ScratchDir {
public:
    explicit ScratchDir(const std::string& name)
        : m_path("/tmp/specmoe-fuzz-" + name + "-" + std::to_string(::getpid()) + "-XXXXXX")
    {
        if (!::mkdtemp(m_path.data())) {
            std::perror("mkdtemp");
            std::abort();
        }
    }
    ~ScratchDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

inline void writeFile(const std::string& path, const uint8_t* data, size_t size)
{
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
        std::perror(path.c_str());
        std::abort();
    }
}

} // namespace specmoe::fuzz
