#pragma once
// Helpers shared by the core tests: paths to test data and scratch folders.
#include "core/util/read_file.h"

#include <string>

namespace specmoe::test {

// tests/data/<rel>
std::string dataPath(const std::string& rel);

// A fresh empty folder under the system temp dir, removed when the object dies.
class TempDir {
public:
    explicit TempDir(const std::string& tag = "specmoe");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

// Runs a shell command, returns its exit status; output goes to *out when given.
int runCommand(const std::string& cmd, std::string* out = nullptr);

// Path of the built specmoe CLI.
std::string cliPath();

using specmoe::readFile; // core's, so tests that use both namespaces see one function
void writeFile(const std::string& path, const std::string& content);

} // namespace specmoe::test
