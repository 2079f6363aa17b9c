// A second stop signal in `specmoe collect` (app/launcher): 2 s or more after the first it
// exits at once (128 + signal), for a command stuck where it does not poll the stop flag;
// closer together the two are one request and the stop stays clean (exit 3). Either way a
// rerun of the same command resumes to the whole trace.
#include "core/trace/trace_set.h"
#include "core/util/read_file.h"
#include "tests/core/collect/id_corpus.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace specmoe;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kModel = test::dataPath("hf-tiny-mixtral");

std::vector<std::string> collectArgs(const std::string& src, const std::string& out)
{
    return {test::cliPath(), "collect", "--model", kModel, "--source", "ids=" + src + ":jsonl-ids",
            "--out", out, "--device", "cpu", "--dtype", "float32", "--threads", "1",
            "--min-length", "1", "--max-length", "64", "--batch-size", "2", "--shard-mb", "64"};
}

// Starts the CLI with each batch slowed down by delayMs (a sleep that does not poll the
// stop flag, like a long library call) and stderr into err.
pid_t startSlow(const std::vector<std::string>& args, const std::string& err, int delayMs)
{
    const pid_t pid = fork();
    if (pid == 0) {
        setenv("SPECMOE_COLLECT_BATCH_DELAY_MS", std::to_string(delayMs).c_str(), 1);
        if (!std::freopen(err.c_str(), "w", stderr))
            _exit(126);
        std::vector<char*> argv;
        for (auto a : args)
            argv.push_back(strdup(a.c_str()));
        argv.push_back(nullptr);
        execv(args[0].c_str(), argv.data());
        _exit(127);
    }
    return pid;
}

// Waits for the first batch's progress line: the next batch is then in its delay.
bool waitFirstBatch(pid_t pid, const std::string& err)
{
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (tryReadFile(err).value_or(std::string()).find(" batch ") != std::string::npos)
            return true;
        int st = 0;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return false;
    }
    return false;
}

void expectResumesToTheWholeTrace(const std::vector<std::string>& args, const std::string& out)
{
    std::string cmd;
    for (const auto& a : args)
        cmd += "'" + a + "' ";
    std::string text;
    ASSERT_EQ(test::runCommand(cmd + " --quiet", &text), 0) << text;
    const TraceSet done = TraceSet::open(out);
    EXPECT_TRUE(done.complete());
    EXPECT_EQ(done.numSequences(), 30);
    EXPECT_TRUE(done.verify().ok());
}

} // namespace

TEST(CollectForceStop, ASecondSignalTwoSecondsLaterExitsAtOnceViaCli)
{
    ASSERT_TRUE(fs::exists(test::cliPath())) << "build the specmoe CLI first";
    test::TempDir t("force-stop");
    const std::string src = test::writeIdsJsonl(t.file("ids.jsonl"), test::randomSequences(30, 3, 30, 5));
    const std::string out = t.file("out"), err = t.file("err.txt");
    const auto args = collectArgs(src, out);
    const pid_t pid = startSlow(args, err, 6000);
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(waitFirstBatch(pid, err)) << test::readFile(err);
    const auto first = Clock::now();
    ASSERT_EQ(kill(pid, SIGINT), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2300));
    ASSERT_EQ(kill(pid, SIGTERM), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    const double seconds = std::chrono::duration<double>(Clock::now() - first).count();
    const std::string text = test::readFile(err);
    ASSERT_TRUE(WIFEXITED(status)) << text;
    EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM) << text;
    // The batch in hand had about 6 s of delay left: the exit did not wait for it.
    EXPECT_LT(seconds, 4.5) << text;
    EXPECT_NE(text.find("exiting now"), std::string::npos) << text;
    expectResumesToTheWholeTrace(args, out);
}

TEST(CollectForceStop, TwoSignalsCloseTogetherStopCleanlyViaCli)
{
    ASSERT_TRUE(fs::exists(test::cliPath())) << "build the specmoe CLI first";
    test::TempDir t("force-stop");
    const std::string src = test::writeIdsJsonl(t.file("ids.jsonl"), test::randomSequences(30, 3, 30, 6));
    const std::string out = t.file("out"), err = t.file("err.txt");
    const auto args = collectArgs(src, out);
    const pid_t pid = startSlow(args, err, 1500);
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(waitFirstBatch(pid, err)) << test::readFile(err);
    // A terminal's Ctrl-C and the SIGTERM a launcher forwards, 0.1 s apart: one request.
    ASSERT_EQ(kill(pid, SIGINT), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_EQ(kill(pid, SIGTERM), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    const std::string text = test::readFile(err);
    ASSERT_TRUE(WIFEXITED(status)) << text;
    EXPECT_EQ(WEXITSTATUS(status), 3) << text;
    EXPECT_NE(text.find("rerun the same command"), std::string::npos) << text;
    EXPECT_EQ(text.find("exiting now"), std::string::npos) << text;
    EXPECT_GE(TraceSet::open(out).numSequences(), 2); // the batches routed were stored
    expectResumesToTheWholeTrace(args, out);
}
