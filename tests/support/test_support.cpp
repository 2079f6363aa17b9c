#include "tests/support/test_support.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace specmoe::test {

std::string dataPath(const std::string& rel) { return std::string(SPECMOE_TEST_DATA) + "/" + rel; }

TempDir::TempDir(const std::string& tag)
{
    std::string tmpl = (fs::temp_directory_path() / (tag + "-XXXXXX")).string();
    if (!mkdtemp(tmpl.data()))
        throw std::runtime_error("mkdtemp failed for " + tmpl);
    m_path = tmpl;
}

TempDir::~TempDir()
{
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

int runCommand(const std::string& cmd, std::string* out)
{
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p)
        return -1;
    char buf[4096];
    std::string text;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        text.append(buf, n);
    const int status = pclose(p);
    if (out)
        *out = text;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string cliPath() { return SPECMOE_CLI; }

void writeFile(const std::string& path, const std::string& content)
{
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out)
        throw std::runtime_error("cannot write " + path);
}

std::vector<std::string> runHistory(const std::string& runDir)
{
    std::vector<std::string> out;
    std::istringstream in(readFile(runDir + "/metrics.jsonl"));
    std::string line;
    while (std::getline(in, line)) {
        nlohmann::json j = nlohmann::json::parse(line);
        if (j["type"] == "start")
            continue;
        for (const char* differs : {"time", "samples_per_s", "tokens_per_s", "path"})
            j.erase(differs);
        out.push_back(j.dump());
    }
    return out;
}

} // namespace specmoe::test
