#pragma once
// Host memory figures for the memory gauges: the process's resident set (/proc/self/status)
// and the machine's memory (/proc/meminfo). Linux only; zeros elsewhere or on read errors.
#include <cstdint>
#include <string>

namespace specmoe {

struct ProcessMemory {
    int64_t residentBytes = 0;     // VmRSS
    int64_t peakResidentBytes = 0; // VmHWM
    int64_t virtualBytes = 0;      // VmSize
};

struct SystemMemory {
    int64_t totalBytes = 0;     // MemTotal
    int64_t availableBytes = 0; // MemAvailable (free + reclaimable caches)
    int64_t usedBytes() const { return totalBytes - availableBytes; }
};

ProcessMemory processMemory();
SystemMemory systemMemory();

// Parsers behind the two functions, exposed for tests: the text of /proc/self/status and
// /proc/meminfo ("Key:   1234 kB" lines).
ProcessMemory parseProcessStatus(const std::string& text);
SystemMemory parseMeminfo(const std::string& text);

} // namespace specmoe
