#include "core/util/sysmem.h"

#include "core/util/read_file.h"

#include <sstream>

namespace specmoe {
namespace {

// Value of a "Key:   1234 kB" line in bytes, or -1 when the key is absent.
int64_t fieldBytes(const std::string& text, const std::string& key)
{
    const std::string needle = key + ":";
    size_t pos = 0;
    while ((pos = text.find(needle, pos)) != std::string::npos) {
        if (pos == 0 || text[pos - 1] == '\n') {
            std::istringstream line(text.substr(pos + needle.size(), 64));
            int64_t value = 0;
            std::string unit;
            if (!(line >> value))
                return -1;
            line >> unit;
            return unit == "kB" ? value * 1024 : value;
        }
        pos += needle.size();
    }
    return -1;
}

int64_t nonNegative(int64_t v) { return v < 0 ? 0 : v; }

} // namespace

ProcessMemory parseProcessStatus(const std::string& text)
{
    ProcessMemory m;
    m.residentBytes = nonNegative(fieldBytes(text, "VmRSS"));
    m.peakResidentBytes = nonNegative(fieldBytes(text, "VmHWM"));
    m.virtualBytes = nonNegative(fieldBytes(text, "VmSize"));
    return m;
}

SystemMemory parseMeminfo(const std::string& text)
{
    SystemMemory m;
    m.totalBytes = nonNegative(fieldBytes(text, "MemTotal"));
    int64_t avail = fieldBytes(text, "MemAvailable");
    if (avail < 0) // kernels before 3.14: approximate with free + caches
        avail = nonNegative(fieldBytes(text, "MemFree")) + nonNegative(fieldBytes(text, "Cached")) +
                nonNegative(fieldBytes(text, "Buffers"));
    m.availableBytes = avail > m.totalBytes ? m.totalBytes : avail;
    return m;
}

ProcessMemory processMemory() { return parseProcessStatus(tryReadFile("/proc/self/status").value_or("")); }

SystemMemory systemMemory() { return parseMeminfo(tryReadFile("/proc/meminfo").value_or("")); }

} // namespace specmoe
