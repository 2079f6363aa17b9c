#pragma once
// Errors the engine reports to its callers. Every message names the file, tensor or
// field at fault so the CLI and the GUI can show it as is.
#include <stdexcept>
#include <string>

namespace specmoe {

// Bad input or a failed operation the user can act on.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// The progress callback asked to stop; state written so far is consistent.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace specmoe
