#include "core/trace/trace_set_members.h"

#include "core/trace/trace_set_manifest.h"
#include "core/util/checksum.h"
#include "core/util/error.h"
#include "core/util/read_file.h"
#include "core/util/sha256.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace specmoe::traceset {

namespace {

LoadedMember readMember(const std::string& setName, const std::string& path, const std::string& dir,
                        const std::string* expectCrc)
{
    const std::string mpath = (fs::path(dir) / manifest::kFileName).string();
    std::error_code ec;
    if (!fs::is_regular_file(mpath, ec))
        throw Error("trace set " + setName + ": member " + path + " is missing (no " + mpath + ")");
    const std::string text = readFile(mpath, "the trace manifest");
    if (expectCrc) {
        const std::string crc = crc32Hex(crc32Update(0, text.data(), text.size()));
        if (crc != *expectCrc)
            throw Error("trace set " + setName + ": member " + path + " changed since the set manifest was written (" +
                        mpath + " has CRC-32 " + crc + ", " + kFileName + " says " + *expectCrc +
                        "); rerun the collection that wrote the set to complete it, or write one folder with "
                        "`specmoe traces merge`");
    }
    LoadedMember m;
    m.path = path;
    m.dir = dir;
    try {
        m.man = manifest::parse(text, mpath);
    } catch (const Error& e) {
        throw Error("trace set " + setName + ": member " + path + ": " + e.what());
    }
    return m;
}

} // namespace

std::vector<LoadedMember> loadSetMembers(const std::string& setDir, bool* listed)
{
    std::vector<LoadedMember> out;
    const std::string setPath = (fs::path(setDir) / kFileName).string();
    std::error_code ec;
    if (fs::is_regular_file(setPath, ec)) {
        const SetManifest set = load(setPath);
        for (const auto& m : set.members)
            out.push_back(readMember(setDir, m.path, (fs::path(setDir) / m.path).string(), &m.manifestCrc32));
        if (listed)
            *listed = true;
        return out;
    }
    for (const auto& name : rankFolders(setDir))
        out.push_back(readMember(setDir, name, (fs::path(setDir) / name).string(), nullptr));
    if (out.empty())
        throw Error("trace set " + setDir + ": no " + kFileName + " and no " + kRankPrefix + "* member folders");
    if (listed)
        *listed = false;
    return out;
}

std::vector<LoadedMember> loadFolders(const std::vector<std::string>& dirs)
{
    std::vector<LoadedMember> out;
    std::error_code ec;
    for (const auto& d : dirs) {
        const std::string abs = fs::absolute(d, ec).lexically_normal().string();
        if (fs::is_regular_file(fs::path(d) / kFileName, ec) ||
            (!fs::exists(fs::path(d) / manifest::kFileName, ec) && !rankFolders(d).empty())) {
            for (auto& m : loadSetMembers(d)) {
                m.path = fs::absolute(m.dir, ec).lexically_normal().string();
                out.push_back(std::move(m));
            }
        } else {
            out.push_back(readMember(d, abs, abs, nullptr));
        }
    }
    if (out.empty())
        throw Error("trace set: no trace folders given");
    return out;
}

namespace {

// Members must be parts of one trace: same routing shape, model, numerics and features.
void checkCompatible(const LoadedMember& first, const LoadedMember& m, const std::string& setName)
{
    const auto& a = first.man;
    const auto& b = m.man;
    const std::string who = "trace set " + setName + ": member " + m.path;
    if (b.dims != a.dims)
        throw Error(who + " has dimensions (" + describeDims(b.dims) + ") unlike member " + first.path + " (" +
                    describeDims(a.dims) + ")");
    const auto differs = [&](const std::string& x, const std::string& y, const char* field) {
        if (x != y)
            throw Error(who + " is of another model or numerics: fingerprint." + field + " is '" + x +
                        "', member " + first.path + " has '" + y + "'");
    };
    differs(b.fingerprint.modelConfigHash, a.fingerprint.modelConfigHash, "model_config_hash");
    differs(b.fingerprint.dtype, a.fingerprint.dtype, "dtype");
    differs(b.fingerprint.tokenizerHash, a.fingerprint.tokenizerHash, "tokenizer_hash");
    if (b.model != a.model)
        throw Error(who + " is of model '" + b.model.name + "' (" + b.model.family + "), member " + first.path +
                    " of '" + a.model.name + "' (" + a.model.family + ")");
    if (b.origin.idsRanked != a.origin.idsRanked)
        throw Error(who + ": origin.ids_ranked differs from member " + first.path + "'s");
    if (b.features.sha256 != a.features.sha256 || b.features.kind != a.features.kind)
        throw Error(who + " holds features of another basis ('" + b.features.kind + "', SHA-256 " +
                    (b.features.sha256.empty() ? "none" : b.features.sha256) + ") than member " + first.path +
                    " ('" + a.features.kind + "'); a set needs one feature basis (collect --feature-basis)");
}

// A sequence id stored by two members would be read twice.
void checkDisjoint(const std::vector<LoadedMember>& members, const std::string& setName)
{
    struct Run {
        int64_t first, last;
        size_t member;
    };
    std::vector<Run> runs;
    for (size_t i = 0; i < members.size(); ++i)
        for (const auto& s : members[i].man.shards)
            for (const auto& r : s.seqRanges)
                runs.push_back({r.first, r.second, i});
    std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.first < b.first; });
    size_t reach = 0; // the run reaching furthest so far: any overlap includes it
    for (size_t k = 1; k < runs.size(); ++k) {
        if (runs[k].first <= runs[reach].last && runs[k].member != runs[reach].member)
            throw Error("trace set " + setName + ": sequence id " + std::to_string(runs[k].first) +
                        " is stored by member " + members[runs[reach].member].path + " and by member " +
                        members[runs[k].member].path + " (sequence ids must be unique across a set)");
        if (runs[k].last > runs[reach].last)
            reach = k;
    }
}

// Per-source statistics: one corpus split over ranks records the whole corpus's in every
// member (take one); parts of different corpora add up.
std::vector<TraceSourceStats> joinSourceStats(const std::vector<LoadedMember>& members)
{
    const std::string& digest = members.front().man.runConfig.corpusDigest;
    bool oneCorpus = !digest.empty();
    for (const auto& m : members)
        oneCorpus = oneCorpus && m.man.runConfig.corpusDigest == digest;
    if (oneCorpus)
        return members.front().man.skipped;
    std::vector<TraceSourceStats> out;
    std::map<std::string, size_t> at;
    for (const auto& m : members)
        for (const auto& s : m.man.skipped) {
            const auto [it, fresh] = at.emplace(s.name, out.size());
            if (fresh) {
                out.push_back(s);
                continue;
            }
            TraceSourceStats& t = out[it->second];
            t.files += s.files;
            t.documents += s.documents;
            t.sequences += s.sequences;
            t.tokens += s.tokens;
            t.duplicates += s.duplicates;
            t.tooShort += s.tooShort;
            t.truncatedTokens += s.truncatedTokens;
            for (const auto& [reason, n] : s.skipped)
                t.skipped[reason] += n;
            t.skippedTotal += s.skippedTotal;
            t.warningsNotListed += s.warningsNotListed + int64_t(s.warnings.size());
        }
    return out;
}

std::string inside(const std::string& memberPath, const std::string& file)
{
    return (fs::path(memberPath) / file).string();
}

} // namespace

manifest::Manifest combineMembers(const std::vector<LoadedMember>& members, const std::string& setName)
{
    if (members.empty())
        throw Error("trace set " + setName + ": no members");
    const LoadedMember& first = members.front();
    for (size_t i = 1; i < members.size(); ++i)
        checkCompatible(first, members[i], setName);
    checkDisjoint(members, setName);
    manifest::Manifest out = first.man;
    out.shards.clear();
    out.complete = true;
    std::string runHashes;
    bool oneRunHash = true;
    for (const auto& m : members) {
        out.schemaVersion = std::max(out.schemaVersion, m.man.schemaVersion);
        out.complete = out.complete && m.man.complete;
        if (!m.man.created.empty() && (out.created.empty() || m.man.created < out.created))
            out.created = m.man.created;
        out.updated = std::max(out.updated, m.man.updated);
        oneRunHash = oneRunHash && m.man.fingerprint.runConfigHash == first.man.fingerprint.runConfigHash;
        runHashes += m.man.fingerprint.runConfigHash + "\n";
        for (ShardInfo s : m.man.shards) {
            s.file = inside(m.path, s.file);
            out.shards.push_back(std::move(s));
        }
    }
    // Parts of one collection share its hash (a merged copy then equals one run's trace);
    // parts of different runs get one of their own.
    if (!oneRunHash)
        out.fingerprint.runConfigHash = sha256Hex(runHashes.data(), runHashes.size()).substr(0, 16);
    out.runConfig.rank = 0;
    out.runConfig.worldSize = 0;
    out.skipped = joinSourceStats(members);
    if (!out.features.empty())
        out.features.file = inside(first.path, first.man.features.file);
    return out;
}

} // namespace specmoe::traceset
