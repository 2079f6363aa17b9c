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

// A parameter value the inputs rule out (a horizon beyond the traces' layers, ...): the
// caller's request is wrong, not the data. The CLI exits with its usage code (2) for it.
class ParamError : public Error {
public:
    explicit ParamError(const std::string& what) : Error(what) {}
};

// The progress callback asked to stop; state written so far is consistent.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace specmoe
