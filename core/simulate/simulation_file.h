#pragma once
// Reading simulation.json back (what `specmoe simulate` and the workbench's simulation job
// write with SimulationResult::toJson): the result's figures, rows and counters, so views
// and reports show a finished simulation without replaying it. Derived parts of the file
// (the gaps) are recomputed from the rows, never read.
#include "core/simulate/simulate.h"

#include <string>

namespace specmoe::simulate {

// The name the CLI and the workbench give the file inside their output folder.
inline constexpr const char* kSimulationFile = "simulation.json";

// Parses the JSON text of a simulation file; `where` names it in messages. Every field
// toJson writes is required (a missing or mistyped field throws specmoe::Error naming
// `where`, the row and the field); unknown fields are ignored.
SimulationResult simulationFromJson(const std::string& text, const std::string& where);
// Reads PATH (a simulation.json, or a folder holding one). Throws Error naming the file.
SimulationResult readSimulation(const std::string& path);
// True when DIR holds a simulation.json (nothing is parsed).
bool isSimulationFolder(const std::string& dir);

} // namespace specmoe::simulate
