#pragma once
// Checks of error messages shared by the core tests (header-only, so that only the tests
// that check messages include it): does a message hold a part, and which message does a
// call throw.
#include "core/util/error.h"

#include <string>
#include <type_traits>

namespace specmoe::test {

// Does text hold part? (Messages are checked for the parts a user needs.)
inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The message of the specmoe::Error that fn() throws; empty when it throws none (any other
// exception goes on to the test framework).
template <class Fn, class = std::enable_if_t<std::is_invocable_v<Fn&>>>
std::string errorOf(Fn&& fn)
{
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace specmoe::test
