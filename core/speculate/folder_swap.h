#pragma once
// Replacing a folder of a run (best/, checkpoint/) so that a failed write or a kill at any
// point leaves one complete copy (docs/speculation.md, "Run folder"): DIR.tmp is written,
// then DIR -> DIR.old, DIR.tmp -> DIR, DIR.old removed. A copy counts once it is named DIR
// or DIR.old; DIR.tmp never does (its epoch's metrics lines were not written). Torch-free.
#include <functional>
#include <string>

namespace specmoe::speculate {

// Whether a folder holds a complete copy (its last file written).
using IsComplete = std::function<bool(const std::string& dir)>;

// Writes DIR.tmp with `write`, then swaps it in for DIR. A failed write removes DIR.tmp and
// throws specmoe::Error naming `what`, DIR and the cause; DIR is left as it was.
void replaceFolder(const std::string& dir, const std::string& what, const std::function<void(const std::string&)>& write);

// The complete copy of DIR: DIR, else DIR.old (a swap was interrupted), else "". Reads only,
// so readers may call it while a run writes.
std::string completeFolder(const std::string& dir, const IsComplete& complete);

// Repairs an interrupted swap (only the run's writer calls it, before it writes): DIR.old
// takes DIR's place when DIR is missing or incomplete, else is removed; DIR.tmp is removed.
// Throws specmoe::Error naming the path that cannot be moved or removed.
void recoverFolder(const std::string& dir, const IsComplete& complete);

} // namespace specmoe::speculate
