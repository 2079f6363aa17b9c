#pragma once
// Internal to core/trace: trace-set.json, the manifest of a trace set made of several trace
// folders (the rank-NNNNN folders of a distributed collection, or folders listed by hand),
// and how a folder's members are found (docs/trace-format.md "Trace sets").
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe::traceset {

constexpr int kSetVersion = 1; // written and read
constexpr const char* kFileName = "trace-set.json";
constexpr const char* kFormatName = "specmoe-trace-set";
constexpr const char* kRankPrefix = "rank-";

// One member folder as the set manifest recorded it.
struct Member {
    std::string path;          // relative to the set folder (or absolute)
    std::string manifestCrc32; // CRC-32 of the member's manifest.json when the set was written
    int64_t tokens = 0;
    int64_t sequences = 0;
    bool complete = false;
};

struct SetManifest {
    int schemaVersion = kSetVersion;
    std::string created;       // ISO-8601 UTC
    int worldSize = 0;         // ranks of the collection that wrote it; 0 = not a collection
    std::vector<Member> members;

    nlohmann::json toJson() const;
};

// Throws specmoe::Error naming `path` and the field at fault.
SetManifest parse(const std::string& text, const std::string& path);
SetManifest load(const std::string& path);
void save(const SetManifest& m, const std::string& path); // atomic replace

// DIR/rank-NNNNN.
std::string rankFolderName(int rank);
// The rank-* subfolders of `dir` that hold a manifest.json, sorted by name.
std::vector<std::string> rankFolders(const std::string& dir);
// The member record of the trace folder `memberDir` (read now), named `path` in the set.
Member describeMember(const std::string& memberDir, const std::string& path);

} // namespace specmoe::traceset
