// core/util's small shared helpers: whole-file reads, the progress meter (rate, ETA, the
// CLI's progress line), the token-text rule and JSON error texts.
#include "core/analysis/analysis.h"
#include "core/util/error.h"
#include "core/util/json_error.h"
#include "core/util/piece_text.h"
#include "core/util/progress.h"
#include "core/util/read_file.h"
#include "core/util/utf8.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace specmoe;

TEST(ReadFile, WholeFileAndErrorsNamingIt)
{
    test::TempDir dir("read_file");
    std::string bytes(200000, 'x');
    bytes[5] = '\0'; // binary content survives
    bytes.back() = 'y';
    test::writeFile(dir.file("a.bin"), bytes);
    EXPECT_EQ(readFile(dir.file("a.bin")), bytes);
    EXPECT_EQ(tryReadFile(dir.file("a.bin")).value_or(""), bytes);
    test::writeFile(dir.file("empty"), "");
    EXPECT_EQ(readFile(dir.file("empty")), "");

    const std::string missing = dir.file("missing.json");
    try {
        readFile(missing, "the trace manifest");
        FAIL() << "no error";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(missing), std::string::npos) << m;
        EXPECT_NE(m.find("the trace manifest"), std::string::npos) << m;
    }
    EXPECT_FALSE(tryReadFile(missing).has_value());
    EXPECT_THROW(readFile(dir.path()), Error); // a folder
    // /proc files report size 0 but have content.
    EXPECT_NE(tryReadFile("/proc/self/status").value_or("").find("VmRSS"), std::string::npos);
}

TEST(ProgressMeter, RateIsSmoothedAndGivesTheEta)
{
    ProgressMeter meter(0, 5.0, 0.2);
    Progress p;
    p.total = 1000;
    meter.measureAt(p, 0.0);
    EXPECT_EQ(p.rate, 0.0);
    EXPECT_LT(p.eta_seconds, 0); // nothing known yet
    p.done = 10;
    meter.measureAt(p, 0.1); // shorter than an interval: the average so far
    EXPECT_DOUBLE_EQ(p.rate, 100.0);
    EXPECT_DOUBLE_EQ(p.eta_seconds, 990 / 100.0);
    p.done = 100;
    meter.measureAt(p, 1.0); // first interval: 100 units in 1 s
    EXPECT_DOUBLE_EQ(p.rate, 100.0);
    EXPECT_DOUBLE_EQ(p.eta_seconds, 9.0);
    // Faster now (200/s): the rate moves towards it, more after a longer interval.
    p.done = 300;
    meter.measureAt(p, 2.0);
    const double afterOne = p.rate;
    EXPECT_GT(afterOne, 100.0);
    EXPECT_LT(afterOne, 200.0);
    EXPECT_DOUBLE_EQ(p.eta_seconds, 700 / afterOne);
    p.done = 900;
    meter.measureAt(p, 5.0);
    EXPECT_GT(p.rate, afterOne);
    EXPECT_LT(p.rate, 200.0);
    p.done = 1000;
    meter.measureAt(p, 5.5);
    EXPECT_EQ(p.eta_seconds, 0.0);

    // A resumed job: the units done before the start are not part of the rate.
    ProgressMeter resumed(5000);
    Progress q;
    q.done = 5050;
    q.total = 0; // unknown: no ETA
    resumed.measureAt(q, 0.5);
    EXPECT_DOUBLE_EQ(q.rate, 100.0);
    EXPECT_LT(q.eta_seconds, 0);
}

TEST(ProgressLine, PrintsTheEtaFromTheRateWhenTheJobSetNone)
{
    Progress p;
    p.stage = "train";
    p.unit = "steps";
    p.done = 50;
    p.total = 150;
    p.rate = 10.0; // a job that sets the rate only (eta_seconds stays -1)
    p.message = "epoch 1/3";
    EXPECT_EQ(etaSeconds(p), 10.0);
    EXPECT_EQ(progressLine(p), "[train] 50/150 steps (33.3%) 10.0 steps/s ETA 0:00:10 epoch 1/3");
    p.rate = 0;
    EXPECT_EQ(progressLine(p), "[train] 50/150 steps (33.3%) 0.0 steps/s ETA ? epoch 1/3");
    p.eta_seconds = 3725; // the job's own ETA wins
    EXPECT_EQ(progressLine(p), "[train] 50/150 steps (33.3%) 0.0 steps/s ETA 1:02:05 epoch 1/3");
    p.total = 0;
    p.rate = 2.5;
    EXPECT_EQ(progressLine(p), "[train] 50 steps 2.5 steps/s epoch 1/3");
}

TEST(PieceText, OneRuleForShowingAndMatchingPieces)
{
    const std::string the = std::string(kSpaceMarker) + "the";
    EXPECT_EQ(pieceDisplayText(the), " the");
    EXPECT_EQ(pieceDisplayText(std::string(kSpaceMarker) + kSpaceMarker + "x"), "  x");
    EXPECT_EQ(pieceDisplayText("<0x0A>"), "\n");
    EXPECT_EQ(pieceDisplayText("<0x41>"), "A");
    EXPECT_EQ(pieceDisplayText("<s>"), "<s>");
    EXPECT_EQ(pieceDisplayText("<0xZZ>"), "<0xZZ>");
    EXPECT_EQ(pieceDisplayText("ing"), "ing");
    EXPECT_EQ(withoutWordStart(the), "the");
    EXPECT_EQ(withoutWordStart(" the"), "the");
    EXPECT_EQ(withoutWordStart("the"), "the");
    // Queries match a recorded piece with or without its word start, typed either way.
    EXPECT_TRUE(tokenTextMatches(the, "the", true));
    EXPECT_TRUE(tokenTextMatches(the, " the", true));
    EXPECT_TRUE(tokenTextMatches(" the", the, true));
    EXPECT_FALSE(tokenTextMatches(the, "the", false));
    EXPECT_FALSE(tokenTextMatches(kSpaceMarker, "", true));
    EXPECT_FALSE(tokenTextMatches(the, "then", true));
}

// A parse error quotes the bytes it last read: those that are not UTF-8 come back as \xHH,
// so that the message prints and can be stored in JSON (it had the raw byte 0xFF).
TEST(JsonErrorText, DropsTheIdAndEscapesBytesThatAreNotUtf8)
{
    std::string message;
    try {
        const auto j = nlohmann::json::parse(std::string("{\"eng\xff\" : 1, \"\xc3\xa9\" : 2}"));
        ADD_FAILURE() << j.dump();
    } catch (const std::exception& e) {
        message = jsonErrorText(e);
    }
    ASSERT_FALSE(message.empty()) << "the parse did not fail";
    EXPECT_EQ(message.rfind("parse error at line 1", 0), 0u) << message;
    EXPECT_NE(message.find("\\xFF"), std::string::npos) << message;
    EXPECT_TRUE(isValidUtf8(message)) << message;
    EXPECT_TRUE(nlohmann::json(message).dump().size() > message.size());

    const std::runtime_error plain("caf\xc3\xa9 \xfe");
    EXPECT_EQ(jsonErrorText(plain), "caf\xc3\xa9 \\xFE"); // well-formed text is kept
}
