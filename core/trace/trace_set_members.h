#pragma once
// Internal to core/trace: the member folders of a trace set, read and joined into one
// manifest whose shard file names lead into the members ("rank-00001/shard-00000.h5"), so
// TraceSet reads a set exactly as it reads one folder.
#include "core/trace/trace_manifest.h"

#include <string>
#include <vector>

namespace specmoe::traceset {

struct LoadedMember {
    std::string path;          // as the set names it (relative to the set folder, or absolute)
    std::string dir;           // the folder itself
    manifest::Manifest man;
};

// The members of set folder `setDir`: those its trace-set.json lists (each manifest's CRC-32
// checked against it), else its rank-* folders. Throws specmoe::Error naming the set and the
// member at fault (missing, changed, unreadable). `listed` tells whether a set manifest was read.
std::vector<LoadedMember> loadSetMembers(const std::string& setDir, bool* listed = nullptr);
// Trace folders given one by one (a set folder among them stands for its members).
std::vector<LoadedMember> loadFolders(const std::vector<std::string>& dirs);

// One manifest for all members, in their order. Throws specmoe::Error naming `setName` and
// the member at fault when members differ in dims, model, fingerprint, id order or feature
// basis, or share a sequence id.
manifest::Manifest combineMembers(const std::vector<LoadedMember>& members, const std::string& setName);

} // namespace specmoe::traceset
