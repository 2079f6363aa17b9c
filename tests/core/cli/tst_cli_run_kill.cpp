// `specmoe train` killed with SIGKILL at random points and resumed until it finishes: the run
// ends as an uninterrupted one does (docs/speculation.md: on CPU a seed gives bit-identical
// runs, resume included): the same best/ and checkpoint/ bytes, the same report.json, the
// same history in metrics.jsonl, and no .tmp or .old left behind.
#include "core/speculate/run_folder.h"
#include "tests/core/trace/shard_tamper.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace specmoe::test;
using Clock = std::chrono::steady_clock;

namespace {

pid_t startTrain(const std::string& traces, const std::string& run)
{
    const pid_t pid = fork();
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        const std::string cli = cliPath();
        execl(cli.c_str(), cli.c_str(), "train", "--traces", traces.c_str(), "--out", run.c_str(), "--resume",
              "--epochs", "30", "--patience", "30", "--hidden", "8", "--embed", "8", "--threads", "1",
              "--max-val-tokens", "200", "--quiet", static_cast<char*>(nullptr));
        _exit(127);
    }
    return pid;
}

int waitFor(pid_t pid)
{
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

} // namespace

TEST(CliRunKill, KilledAtRandomPointsAndResumedEqualsAnUninterruptedRun)
{
    TempDir tmp("cli-run-kill");
    const std::string traces = copyGoldenTrace(tmp);
    const std::string whole = tmp.file("whole"), killed = tmp.file("killed");
    const Clock::time_point t0 = Clock::now();
    ASSERT_EQ(waitFor(startTrain(traces, whole)), 0);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();

    std::mt19937 rng(20261208);
    // About a second of each attempt is the start (libtorch, the trace): later kill points.
    std::uniform_real_distribution<double> at(0.25 * seconds, 0.6 * seconds);
    int kills = 0;
    for (int attempt = 0; attempt < 30; ++attempt) {
        const pid_t pid = startTrain(traces, killed);
        std::this_thread::sleep_for(std::chrono::duration<double>(at(rng)));
        kill(pid, SIGKILL);
        const int status = waitFor(pid);
        if (WIFEXITED(status)) {
            ASSERT_EQ(WEXITSTATUS(status), 0) << "attempt " << attempt;
            break;
        }
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        ++kills;
    }
    if (!fs::exists(killed + "/report.json")) { // the last attempt was killed too
        ASSERT_EQ(waitFor(startTrain(traces, killed)), 0);
    }
    EXPECT_GE(kills, 2);
    std::printf("killed %d times\n", kills);

    for (const char* f : {"best/predictor.safetensors", "best/config.json", "checkpoint/predictor.safetensors",
                          "checkpoint/state.json", "report.json"})
        EXPECT_EQ(readFile(whole + "/" + f), readFile(killed + "/" + f)) << f;
    const std::vector<std::string> a = runHistory(whole), b = runHistory(killed);
    EXPECT_EQ(a.size(), b.size());
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i] != b[i]) {
            ADD_FAILURE() << "line " << i << " differs:\n" << a[i].substr(0, 400) << "\n" << b[i].substr(0, 400);
            break;
        }
    for (const auto& e : fs::directory_iterator(killed)) {
        const std::string ext = e.path().extension().string();
        EXPECT_TRUE(ext != ".tmp" && ext != ".old") << e.path();
    }
}
