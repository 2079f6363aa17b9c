// The CLI on damaged trace folders (issue 17): every command that reads a trace fails with
// an error naming the manifest or the shard at fault (exit 1; `traces verify`: 4), never with
// a signal or a libtorch stack trace.
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using namespace specmoe::test;

namespace {

std::string copyGolden(const TempDir& tmp)
{
    const std::string dir = tmp.file("trace");
    fs::copy(dataPath("golden/trace"), dir, fs::copy_options::recursive);
    return dir;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST(CliCorruptTrace, StringSchemaVersionExitsFourFromVerifyAndNamesTheField)
{
    TempDir tmp("cli-corrupt");
    const std::string dir = copyGolden(tmp);
    nlohmann::json j = nlohmann::json::parse(readFile(dir + "/manifest.json"));
    j["schema_version"] = "1";
    writeFile(dir + "/manifest.json", j.dump(1));
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " traces verify " + dir + " --quiet", &out), 4) << out;
    EXPECT_TRUE(has(out, dir + "/manifest.json: field 'schema_version' is \"1\" (a string), accepted: an integer"))
        << out;
    EXPECT_EQ(runCommand(cliPath() + " traces info " + dir, &out), 1) << out;
    EXPECT_TRUE(has(out, "field 'schema_version'")) << out;
    EXPECT_FALSE(has(out, "json.exception")) << out;
}
