#pragma once
// Helpers shared by the core tests: paths to test data and scratch folders.
#include "core/util/read_file.h"

#include <string>
#include <vector>

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

// A training run's history as resume must reproduce it: the lines of RUN/metrics.jsonl
// without start lines (a resume adds one) and without the fields that depend on the clock
// or the folder (time, samples_per_s, tokens_per_s, path).
std::vector<std::string> runHistory(const std::string& runDir);

} // namespace specmoe::test
