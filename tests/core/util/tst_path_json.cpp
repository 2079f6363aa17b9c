// core/util/path_json.h: a path is a plain JSON string when it is UTF-8 text, else an object
// that keeps its bytes; both read back to the same bytes, and a broken field is named.
#include "core/util/error.h"
#include "core/util/json_fields.h"
#include "core/util/path_json.h"
#include "core/util/utf8.h"

#include <gtest/gtest.h>

using namespace specmoe;

namespace {

class PathJsonRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(PathJsonRoundTrip, BytesComeBackAndTheTextIsUtf8)
{
    const std::string path = GetParam();
    const nlohmann::json j = pathToJson(path);
    EXPECT_EQ(j.is_string(), isValidUtf8(path)) << "plain strings exactly for UTF-8 paths";
    const std::string text = j.dump(); // throws type_error 316 on bytes that are not UTF-8
    EXPECT_TRUE(isValidUtf8(text));
    EXPECT_EQ(pathFromJson(nlohmann::json::parse(text), "p"), path);
}

INSTANTIATE_TEST_SUITE_P(Paths, PathJsonRoundTrip,
                         ::testing::Values(std::string("/models/mixtral"), std::string("/data/caf\xc3\xa9"),
                                           std::string(""), std::string("/tmp/x/m\xff"),
                                           std::string("\xc3"),                      // truncated sequence
                                           std::string("/a/\xed\xa0\x80"),           // a surrogate
                                           std::string("/a/\xc0\xaf"),               // overlong '/'
                                           std::string("/a\x01\x7f/b\x80\xfe\xff"), // controls and high bytes
                                           std::string("a\0b", 3)));

TEST(PathJson, TheObjectFormIsDocumented)
{
    const nlohmann::json j = pathToJson("/tmp/m\xff");
    EXPECT_EQ(j, (nlohmann::json{{"bytes_hex", "2f746d702f6dff"}, {"text", "/tmp/m\xef\xbf\xbd"}}));
    // Readers use bytes_hex only, in either case of hex digit.
    EXPECT_EQ(pathFromJson({{"bytes_hex", "2F6DFF"}}, "p"), "/m\xff");
}

TEST(PathJson, BrokenFieldsAreNamed)
{
    const auto message = [](const nlohmann::json& j) {
        try {
            pathFromJson(j, "run.json: field 'model_dir'");
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    EXPECT_NE(message(7).find("run.json: field 'model_dir' is not a path"), std::string::npos) << message(7);
    EXPECT_NE(message({{"text", "/m"}}).find("is not a path"), std::string::npos);
    EXPECT_NE(message({{"bytes_hex", "2f6"}}).find("odd number of hex digits"), std::string::npos);
    EXPECT_NE(message({{"bytes_hex", "2fzz"}}).find("not a hex digit"), std::string::npos);
    EXPECT_THROW(pathsFromJson("/a", "traces"), Error);
    try {
        pathsFromJson(nlohmann::json::array({"/a", 3}), "traces");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("traces[1]"), std::string::npos) << e.what();
    }
}

TEST(PathJson, JsonFieldsReadEitherForm)
{
    const nlohmann::json j = {{"runDir", pathToJson("/runs/r\xff")},
                              {"traceDirs", pathsToJson({"/t/a", "/t/b\xfe"})},
                              {"old", "/plain"},
                              {"bad", 1.5}};
    const JsonFields f(j, "train parameters");
    std::string runDir, old = "unchanged", absent = "default";
    std::vector<std::string> traces;
    f.readPath("runDir", runDir);
    f.readPath("old", old);
    f.readPath("absent", absent);
    f.readPaths("traceDirs", traces);
    EXPECT_EQ(runDir, "/runs/r\xff");
    EXPECT_EQ(old, "/plain");
    EXPECT_EQ(absent, "default");
    EXPECT_EQ(traces, (std::vector<std::string>{"/t/a", "/t/b\xfe"}));
    try {
        f.readPath("bad", old);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("train parameters: field 'bad' must be a path"), std::string::npos)
            << e.what();
    }
}

} // namespace
