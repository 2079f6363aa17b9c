#include "core/collect/distributed_collect.h"

#include "core/dist/rank_resources.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace fs = std::filesystem;

namespace specmoe {

namespace {

using Clock = std::chrono::steady_clock;

// Store keys: rank 0's word on the output folder, and each rank's end.
const std::string kStartKey = "specmoe/collect/start";
std::string doneKey(int rank) { return "specmoe/collect/done/" + std::to_string(rank); }
std::string failedKey(int rank) { return "specmoe/collect/failed/" + std::to_string(rank); }

// Rank 0, before any rank writes: OUT must not hold a single trace, nor parts of a run with
// more ranks (their sequences would be missing or stored twice); a stale set manifest goes.
void prepareSetFolder(const CollectParams& params, int world)
{
    const std::string& out = params.outDir;
    std::error_code ec;
    fs::create_directories(out, ec);
    if (!fs::is_directory(out, ec))
        throw Error("collect: cannot create the output folder " + out);
    if (fs::exists(TraceSet::manifestPath(out), ec))
        throw Error("collect: " + out + " holds the trace of a single process (manifest.json); a collection of " +
                    std::to_string(world) + " ranks writes rank-NNNNN folders into its --out: give another folder");
    for (const auto& name : rankMemberFolders(out)) {
        int index = -1;
        try {
            index = std::stoi(name.substr(5));
        } catch (const std::exception&) {
            continue; // not one of ours
        }
        if (index < world)
            continue;
        if (!params.startOver)
            throw Error("collect: " + out + "/" + name + " is the part of a rank beyond this run's " +
                        std::to_string(world) + " (WORLD_SIZE): the collection there had more ranks; rerun with "
                        "that many, or start over (--start-over clears the extra rank folders)");
        fs::remove_all(fs::path(out) / name, ec);
    }
    removeTraceSetManifest(out);
}

std::string summaryText(const CollectResult& r)
{
    return nlohmann::json{{"sequences", r.resumedSequences + r.sequencesWritten},
                          {"tokens", r.resumedTokens + r.tokensWritten},
                          {"tokens_written", r.tokensWritten},
                          {"seconds", r.seconds},
                          {"complete", r.complete}}
        .dump();
}

RankSummary parseSummary(int rank, const std::string& text)
{
    RankSummary s;
    s.rank = rank;
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object())
        throw Error("collect: rank " + std::to_string(rank) + " reported an unreadable summary: " + text);
    s.sequences = j.value("sequences", int64_t(0));
    s.tokens = j.value("tokens", int64_t(0));
    s.tokensWritten = j.value("tokens_written", int64_t(0));
    s.seconds = j.value("seconds", 0.0);
    s.complete = j.value("complete", false);
    return s;
}

// After a failed barrier: which ranks failed (their message), which never reported.
std::string whoIsMissing(dist::ProcessGroup& group, const std::string& out, const std::string& problem)
{
    std::string text = "collect: rank " + std::to_string(group.rank()) + ": not every rank finished (" + problem + ")";
    for (int r = 0; r < group.worldSize(); ++r) {
        if (group.has(doneKey(r)))
            continue;
        const std::string folder = out + "/" + rankFolderName(r);
        if (group.has(failedKey(r)))
            text += "; rank " + std::to_string(r) + " failed: " + group.get(failedKey(r), 5);
        else
            text += "; rank " + std::to_string(r) + " did not report (killed, or still running past the barrier "
                    "timeout)";
        text += ", its part " + folder + " is incomplete";
    }
    return text + ". The parts of the ranks that finished are complete; rerun the same command with the same "
                  "world size to complete the rest";
}

// This rank's part, its end reported to the others through the store.
CollectResult collectPart(dist::ProcessGroup& group, const CollectParams& params, const dist::LaunchEnv& env,
                          const ProgressFn& progress)
{
    CollectParams mine = params;
    mine.outDir = (fs::path(params.outDir) / rankFolderName(env.rank)).string();
    mine.rank = env.rank;
    mine.worldSize = env.worldSize;
    mine.device = dist::rankDevice(params.device, env);
    mine.threads = dist::rankThreads(params.threads, env);
    try {
        CollectResult r = collect(mine, progress);
        group.set(doneKey(env.rank), summaryText(r));
        return r;
    } catch (const Cancelled&) {
        group.set(failedKey(env.rank), "stopped (its part resumes on a rerun)");
        throw;
    } catch (const std::exception& e) {
        try {
            group.set(failedKey(env.rank), e.what());
        } catch (const std::exception&) {
        }
        throw;
    }
}

} // namespace

DistributedCollectResult collectDistributed(const CollectParams& params, const dist::LaunchEnv& env,
                                            const dist::GroupOptions& groupOptions, const ProgressFn& progress)
{
    DistributedCollectResult result;
    result.env = env;
    result.outDir = params.outDir;
    if (!env.distributed()) {
        result.local = collect(params, progress);
        return result;
    }
    if (params.outDir.empty())
        throw Error("collect: no output folder given");
    const auto start = Clock::now();
    auto group = dist::ProcessGroup::join(env, groupOptions);
    if (env.rank == 0) {
        try {
            prepareSetFolder(params, env.worldSize);
        } catch (const Error& e) {
            group->set(kStartKey, e.what());
            throw;
        }
        group->set(kStartKey, "ok");
    } else if (const std::string word = group->get(kStartKey, groupOptions.rendezvousSeconds); word != "ok") {
        throw Error("collect: rank " + std::to_string(env.rank) + ": rank 0 refused the output folder: " + word);
    }
    result.local = collectPart(*group, params, env, progress);
    std::string problem;
    if (!group->barrier(groupOptions.barrierSeconds, &problem))
        throw Error(whoIsMissing(*group, params.outDir, problem));
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (env.rank != 0)
        return result;
    std::vector<std::string> members;
    for (int r = 0; r < env.worldSize; ++r) {
        result.ranks.push_back(parseSummary(r, group->get(doneKey(r), 60)));
        result.tokensWritten += result.ranks.back().tokensWritten;
        members.push_back(rankFolderName(r));
    }
    writeTraceSetManifest(params.outDir, members, env.worldSize);
    result.setWritten = true;
    // The ranks run side by side: the slowest one's loop is the collection's time.
    double slowest = 0;
    for (const auto& r : result.ranks)
        slowest = std::max(slowest, r.seconds);
    result.tokensPerSecond = slowest > 0 ? double(result.tokensWritten) / slowest : 0;
    return result;
}

} // namespace specmoe
