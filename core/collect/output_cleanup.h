#pragma once
// A collection that stops before its first shard leaves nothing to resume. What it wrote
// (an empty manifest, a feature basis) is removed again, and its folder too when the run
// made it, so neither the CLI nor the workbench offers an empty folder as a trace to resume.
#include <string>

namespace specmoe {

// What the output folder held before a run: whether it existed and whether it held
// something that must stay (a trace with shards, or a manifest that does not read).
struct OutputBefore {
    bool existed = false;
    bool keep = false;
};

OutputBefore inspectOutput(const std::string& dir);

// After a failed or stopped run: when the folder holds a trace of no shard and held nothing
// to keep before, removes the manifest and the feature basis, then the folder when this run
// created it or nothing else is left in it. Never throws; returns whether the folder went.
bool removeUnwrittenOutput(const std::string& dir, const OutputBefore& before);

} // namespace specmoe
