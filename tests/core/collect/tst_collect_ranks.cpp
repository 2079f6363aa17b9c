// `specmoe collect` as several ranks (local processes over loopback, Gloo, as torchrun starts
// them: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT): the set they write equals a
// single-process collection sequence by sequence; a rank SIGKILLed mid-run loses only its
// unfinished part, which a rerun completes to the same result; bad launch settings are named.
#include "core/collect/collector.h"
#include "core/trace/trace_set.h"
#include "id_corpus.h"
#include "tests/support/rank_processes.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

using namespace specmoe;
using specmoe::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kModel = specmoe::test::dataPath("hf-tiny-mixtral");

// A port nobody listens on now (the kernel's pick for port 0).
int freePort() { return specmoe::test::freeLoopbackPort(); }

// The command line of every rank: batches of one sequence (no padding, so a sequence's
// numbers do not depend on which others share its batch), tiny shards.
std::vector<std::string> collectArgs(const std::string& src, const std::string& out)
{
    return {specmoe::test::cliPath(), "collect", "--model", kModel, "--source", "ids=" + src + ":jsonl-ids", "--out",
            out, "--device", "cpu", "--dtype", "float32", "--threads", "1", "--min-length", "1", "--max-length", "64",
            "--batch-size", "1", "--shard-mb", "0.004", "--logits", "--quiet", "--barrier-timeout", "120",
            "--rendezvous-timeout", "120"};
}

struct Rank {
    pid_t pid = -1;
    std::string log;
};

// Starts rank `rank` of `world` with torchrun's variables; output goes to `log`.
Rank startRank(const std::vector<std::string>& args, int rank, int world, int port, const std::string& log,
               int delayMs = 0)
{
    std::map<std::string, std::string> env{{"RANK", std::to_string(rank)},
                                           {"WORLD_SIZE", std::to_string(world)},
                                           {"LOCAL_RANK", std::to_string(rank)},
                                           {"LOCAL_WORLD_SIZE", std::to_string(world)},
                                           {"MASTER_ADDR", "127.0.0.1"},
                                           {"MASTER_PORT", std::to_string(port)}};
    if (delayMs > 0)
        env["SPECMOE_COLLECT_BATCH_DELAY_MS"] = std::to_string(delayMs);
    return {specmoe::test::spawnLogged(args, env, log), log};
}

int finish(Rank& r) { return specmoe::test::waitChild(r.pid); }

std::vector<int> runRanks(const std::vector<std::string>& args, int world, const std::string& logs)
{
    return specmoe::test::runRanks(world, logs, [&](int r, int port, const std::string& log) {
        return startRank(args, r, world, port, log).pid;
    });
}

std::string logsOf(const std::string& dir, int world) { return specmoe::test::rankLogs(dir, world); }

// The single-process reference, in process, with the CLI's settings.
std::string collectReference(const std::string& src, const std::string& out)
{
    CollectParams p;
    p.sources = {parseSourceSpec("ids=" + src + ":jsonl-ids")};
    p.modelDir = kModel;
    p.outDir = out;
    p.device = DeviceSpec::cpu();
    p.dtype = ComputeDType::Float32;
    p.threads = 1;
    p.minLength = 1;
    p.maxLength = 64;
    p.batchSize = 1;
    p.shardMB = 0.004;
    p.withLogits = true;
    collect(p);
    return out;
}

// Equal sequence by sequence, in the same order: ids, positions, routing, weights, logits, probes.
void expectSameTrace(const TraceSet& a, const TraceSet& b)
{
    ASSERT_EQ(a.numSequences(), b.numSequences());
    ASSERT_EQ(a.numTokens(), b.numTokens());
    EXPECT_EQ(a.fingerprint(), b.fingerprint());
    EXPECT_EQ(a.dims(), b.dims());
    const auto sa = a.sequences(), sb = b.sequences();
    for (size_t i = 0; i < sa.size(); ++i) {
        ASSERT_EQ(sa[i].seqId, sb[i].seqId) << "position " << i;
        const RoutingBlock x = a.readSequence(sa[i].seqId), y = b.readSequence(sb[i].seqId);
        EXPECT_EQ(x.tokenIds, y.tokenIds) << sa[i].seqId;
        EXPECT_EQ(x.positions, y.positions) << sa[i].seqId;
        EXPECT_EQ(x.topkIds, y.topkIds) << sa[i].seqId;
        EXPECT_EQ(x.topkWeights, y.topkWeights) << sa[i].seqId;
        EXPECT_EQ(x.logits, y.logits) << sa[i].seqId;
        EXPECT_EQ(x.lookaheadIds, y.lookaheadIds) << sa[i].seqId;
    }
}

class CollectRanks : public ::testing::TestWithParam<int> {};

} // namespace

TEST_P(CollectRanks, SetEqualsOneProcessSequenceBySequence)
{
    const int world = GetParam();
    ASSERT_TRUE(fs::exists(specmoe::test::cliPath()));
    TempDir t("collect_ranks");
    const std::string src = test::writeIdsJsonl(t.file("ids.jsonl"), test::randomSequences(25, 3, 30, 5));
    const std::vector<int> codes = runRanks(collectArgs(src, t.file("out")), world, t.path());
    for (int r = 0; r < world; ++r)
        ASSERT_EQ(codes[size_t(r)], 0) << logsOf(t.path(), world);
    EXPECT_TRUE(fs::exists(t.file("out/trace-set.json")));
    const std::string log0 = specmoe::test::readFile(t.file("rank0.log"));
    EXPECT_NE(log0.find("trace set"), std::string::npos) << log0;

    const TraceSet set = TraceSet::open(t.file("out"));
    ASSERT_EQ(set.members().size(), size_t(world));
    EXPECT_TRUE(set.complete());
    // Each rank stored a contiguous part: the parts read in rank order are the corpus in order.
    for (int r = 0; r < world; ++r) {
        const TraceSet part = TraceSet::open(t.file("out/" + rankFolderName(r)));
        EXPECT_EQ(part.runConfig().worldSize, world);
        EXPECT_EQ(part.runConfig().rank, r);
        EXPECT_EQ(part.numSequences(), 25 * (r + 1) / world - 25 * r / world);
    }
    const TraceSet ref = TraceSet::open(collectReference(src, t.file("ref")));
    expectSameTrace(set, ref);

    // One folder of it, verified.
    const std::string cli = specmoe::test::cliPath();
    std::string out;
    ASSERT_EQ(specmoe::test::runCommand(cli + " traces merge " + t.file("merged") + " " + t.file("out") + " --quiet", &out),
              0)
        << out;
    ASSERT_EQ(specmoe::test::runCommand(cli + " traces verify " + t.file("merged") + " --quiet", &out), 0) << out;
    expectSameTrace(TraceSet::open(t.file("merged")), ref);
    ASSERT_EQ(specmoe::test::runCommand(cli + " traces info " + t.file("out"), &out), 0) << out;
    EXPECT_NE(out.find("set members      " + std::to_string(world)), std::string::npos) << out;

    // A rerun finds every part complete and writes nothing.
    const std::vector<int> again = runRanks(collectArgs(src, t.file("out")), world, t.path());
    for (int r = 0; r < world; ++r)
        ASSERT_EQ(again[size_t(r)], 0) << logsOf(t.path(), world);
    expectSameTrace(TraceSet::open(t.file("out")), ref);
}

INSTANTIATE_TEST_SUITE_P(Collect, CollectRanks, ::testing::Values(2, 3),
                         [](const ::testing::TestParamInfo<int>& i) { return "World" + std::to_string(i.param); });

// Rank 1 is killed without warning mid-run: rank 0 finishes its part and reports rank 1's as
// incomplete; the rerun completes it, and the set equals one uninterrupted process's trace.
TEST(CollectRanksKill, RankKilledThenRerunGivesTheSameTrace)
{
    TempDir t("collect_kill");
    const std::string src = test::writeIdsJsonl(t.file("ids.jsonl"), test::randomSequences(30, 3, 30, 8));
    const std::string out = t.file("out");
    const auto args = collectArgs(src, out);
    const int port = freePort();
    Rank r0 = startRank(args, 0, 2, port, t.file("rank0.log"));
    Rank r1 = startRank(args, 1, 2, port, t.file("rank1.log"), 200);
    // Wait for rank 1 to store part of its share, then kill it.
    int64_t stored = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline && stored < 4) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        try {
            if (fs::exists(out + "/rank-00001/manifest.json"))
                stored = TraceSet::open(out + "/rank-00001").numSequences();
        } catch (const std::exception&) {
        }
        int st = 0;
        ASSERT_NE(waitpid(r1.pid, &st, WNOHANG), r1.pid) << "rank 1 ended before it could be killed\n"
                                                          << logsOf(t.path(), 2);
    }
    ASSERT_GE(stored, 4) << logsOf(t.path(), 2);
    ASSERT_EQ(kill(r1.pid, SIGKILL), 0);
    EXPECT_EQ(finish(r1), 128 + SIGKILL);
    EXPECT_EQ(finish(r0), 1) << logsOf(t.path(), 2);
    const std::string log0 = specmoe::test::readFile(t.file("rank0.log"));
    EXPECT_NE(log0.find("rank 1 did not report"), std::string::npos) << log0;
    EXPECT_NE(log0.find("rank-00001 is incomplete"), std::string::npos) << log0;
    EXPECT_FALSE(fs::exists(out + "/trace-set.json"));
    // Rank 0's part is complete, rank 1's holds what it stored; the folder reads as a set.
    EXPECT_TRUE(TraceSet::open(out + "/rank-00000").complete());
    const TraceSet partial = TraceSet::open(out);
    EXPECT_FALSE(partial.complete());
    EXPECT_LT(partial.numSequences(), 30);
    EXPECT_TRUE(partial.verify().ok());

    const std::vector<int> codes = runRanks(args, 2, t.path());
    ASSERT_EQ(codes, (std::vector<int>{0, 0})) << logsOf(t.path(), 2);
    EXPECT_NE(specmoe::test::readFile(t.file("rank1.log")).find("(resumed)"), std::string::npos);
    const TraceSet done = TraceSet::open(out);
    EXPECT_TRUE(done.complete());
    EXPECT_TRUE(done.verify().ok());
    expectSameTrace(done, TraceSet::open(collectReference(src, t.file("ref"))));
}

// Launch settings that cannot work are named before anything is written.
TEST(CollectRanksKill, BadLaunchSettingsAreNamed)
{
    TempDir t("collect_launch");
    const std::string src = test::writeIdsJsonl(t.file("ids.jsonl"), test::randomSequences(4, 3, 10, 1));
    std::string cmd;
    for (const auto& a : collectArgs(src, t.file("out")))
        cmd += "'" + a + "' ";
    std::string out;
    EXPECT_EQ(specmoe::test::runCommand("RANK=2 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 " + cmd, &out), 2) << out;
    EXPECT_NE(out.find("RANK=2 is outside 0..1"), std::string::npos) << out;
    EXPECT_EQ(specmoe::test::runCommand("env -u MASTER_ADDR RANK=0 WORLD_SIZE=2 " + cmd, &out), 2) << out;
    EXPECT_NE(out.find("MASTER_ADDR is not set"), std::string::npos) << out;
    EXPECT_EQ(specmoe::test::runCommand(cmd + " --world-size 2 --rank 0 --master-addr 127.0.0.1 --master-port " +
                                            std::to_string(freePort()) + " --rendezvous-timeout 2",
                                        &out),
              1)
        << out;
    EXPECT_NE(out.find("only 1 of 2 ranks (WORLD_SIZE) joined the rendezvous"), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(t.file("out/rank-00000/manifest.json")));
    // A folder holding one process's trace is not a place for ranks' parts.
    collectReference(src, t.file("single"));
    std::string single;
    for (const auto& a : collectArgs(src, t.file("single")))
        single += "'" + a + "' ";
    EXPECT_EQ(specmoe::test::runCommand(single + " --world-size 1", &out), 0) << out;
    const int port = freePort();
    std::vector<Rank> ranks;
    for (int r = 0; r < 2; ++r)
        ranks.push_back(startRank(collectArgs(src, t.file("single")), r, 2, port, t.file("r" + std::to_string(r) + ".log")));
    EXPECT_EQ(finish(ranks[0]), 1);
    EXPECT_EQ(finish(ranks[1]), 1);
    const std::string log1 = specmoe::test::readFile(t.file("r1.log"));
    EXPECT_NE(log1.find("rank 0 refused the output folder"), std::string::npos) << log1;
    EXPECT_NE(log1.find("holds the trace of a single process"), std::string::npos) << log1;
}
