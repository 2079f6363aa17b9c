#include "core/trace/trace_set.h"

#include "core/trace/shard_file.h"
#include "core/trace/trace_manifest.h"
#include "core/trace/trace_set_manifest.h"
#include "core/trace/trace_set_members.h"
#include "core/util/checksum.h"
#include "core/util/error.h"
#include "core/util/half.h"
#include "core/util/path_json.h"
#include "core/util/sha256.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace fs = std::filesystem;

namespace specmoe {

struct TraceSet::Impl {
    std::string dir;  // as opened (messages, dir())
    std::string root; // shard and basis file names are relative to it ("" for openFolders)
    std::vector<std::string> members; // of a set
    manifest::Manifest man;
    mutable std::mutex mutex;
    mutable bool indexed = false;
    mutable std::vector<SequenceEntry> index;
    mutable std::unordered_map<int64_t, size_t> byId;

    std::string path(size_t i) const { return (fs::path(root) / man.shards.at(i).file).string(); }
    std::string label(size_t i) const { return "trace shard " + path(i); }

    TraceReadOptions options;
    mutable std::mutex basisMutex;
    mutable std::unique_ptr<FeatureBasis> basis; // read on first use

    // The basis file, checked against the manifest (hash, kind, layers, dim).
    FeatureBasis loadBasis() const
    {
        const TraceFeatureInfo& f = man.features;
        const std::string p = (fs::path(root) / f.file).string();
        std::error_code ec;
        if (!fs::exists(p, ec))
            throw Error("trace " + dir + ": feature basis " + p + " is missing (the manifest names it)");
        const std::string sha = sha256File(p);
        if (sha != f.sha256)
            throw Error("trace " + dir + ": feature basis " + p + " has SHA-256 " + sha + ", the manifest says " +
                        f.sha256 + " (corrupt or replaced)");
        FeatureBasis b = readFeatureBasis(p);
        if (b.layers != man.dims.layers || b.dim != man.dims.featureDim || b.kind != f.kind)
            throw Error("trace " + dir + ": feature basis " + p + " (" + b.kind + ", " + std::to_string(b.layers) +
                        " layers, dim " + std::to_string(b.dim) + ") does not match the manifest (" + f.kind + ", " +
                        std::to_string(man.dims.layers) + " layers, dim " + std::to_string(man.dims.featureDim) + ")");
        return b;
    }

    mutable std::mutex checkedMutex; // (buildIndex holds `mutex` while it opens readers)
    // The stream block kept between forEachBlock calls: a trace read again (training epochs,
    // analysis passes) refills the same arrays instead of allocating ~18 MB anew, which glibc
    // had returned to the kernel at the end of the previous stream (every page faulted and
    // zeroed again: 1.6x the CPU of a read with the memory kept). A stream that finds it in
    // use (another thread, or a visitor that streams the same set) uses a block of its own.
    mutable std::atomic<bool> spareInUse{false};
    mutable RoutingBlock spare;
    mutable std::vector<shard::FileStamp> checked; // per shard: as its CRC was found good

    // checkCrc: always (verify), or as the options say, once per unchanged file.
    std::unique_ptr<shard::ShardFileReader> reader(size_t i, bool checkCrc = false) const
    {
        std::unique_ptr<shard::ShardFileReader> r;
        if (checkCrc || (options.verifyCrc && !stillChecked(i))) {
            const shard::ShardExpectation expect{man.shards[i].bytes, man.shards[i].crc32};
            r = std::make_unique<shard::ShardFileReader>(path(i), label(i), &expect);
            std::lock_guard<std::mutex> lock(checkedMutex);
            checked.resize(man.shards.size());
            checked[i] = shard::stampOf(path(i));
        } else {
            r = std::make_unique<shard::ShardFileReader>(path(i), label(i));
        }
        if (r->dims() != man.dims)
            throw Error(label(i) + ": dimensions (" + describeDims(r->dims()) +
                        ") differ from the manifest's (" + describeDims(man.dims) + ")");
        if (r->tokens() != man.shards[i].tokens)
            throw Error(label(i) + ": holds " + std::to_string(r->tokens()) + " tokens, the manifest says " +
                        std::to_string(man.shards[i].tokens));
        return r;
    }

    bool stillChecked(size_t i) const
    {
        std::lock_guard<std::mutex> lock(checkedMutex);
        return i < checked.size() && checked[i].size >= 0 && checked[i] == shard::stampOf(path(i));
    }

    void buildIndex() const
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (indexed)
            return;
        std::vector<SequenceEntry> idx;
        std::unordered_map<int64_t, size_t> ids;
        for (size_t i = 0; i < man.shards.size(); ++i) {
            auto r = reader(i);
            const auto& t = r->table();
            for (size_t s = 0; s < t.size(); ++s) {
                SequenceEntry e;
                e.shard = i;
                e.record.seqId = t.seqId[s];
                e.record.source = t.source[s];
                e.record.docId = t.docId[s];
                e.record.tokenOffset = t.tokenOffset[s];
                e.record.length = t.length[s];
                e.record.generatedTokens = t.generated[s];
                e.record.requestId = t.requestId[s];
                if (!ids.emplace(e.record.seqId, idx.size()).second)
                    throw Error(label(i) + ": sequence id " + std::to_string(e.record.seqId) +
                                " appears more than once in the trace");
                idx.push_back(std::move(e));
            }
        }
        index = std::move(idx);
        byId = std::move(ids);
        indexed = true;
    }
};

TraceSet::TraceSet() : m(std::make_unique<Impl>()) {}
TraceSet::~TraceSet() = default;
TraceSet::TraceSet(TraceSet&&) noexcept = default;
TraceSet& TraceSet::operator=(TraceSet&&) noexcept = default;

TraceSet TraceSet::open(const std::string& dir, const TraceReadOptions& options)
{
    TraceSet t;
    t.m->dir = dir;
    t.m->root = dir;
    t.m->options = options;
    if (isSetFolder(dir)) {
        const auto members = traceset::loadSetMembers(dir);
        for (const auto& mem : members)
            t.m->members.push_back(mem.path);
        t.m->man = traceset::combineMembers(members, dir);
        return t;
    }
    const std::string mpath = manifestPath(dir);
    if (!fs::exists(mpath))
        throw Error("trace " + dir + ": no " + manifest::kFileName + " (not a trace folder)");
    t.m->man = manifest::load(mpath);
    return t;
}

TraceSet TraceSet::openFolders(const std::vector<std::string>& dirs, const TraceReadOptions& options)
{
    if (dirs.size() == 1)
        return open(dirs.front(), options);
    TraceSet t;
    for (const auto& d : dirs)
        t.m->dir += (t.m->dir.empty() ? "" : " + ") + d;
    t.m->options = options;
    const auto members = traceset::loadFolders(dirs);
    for (const auto& mem : members)
        t.m->members.push_back(mem.path); // absolute: root stays empty
    t.m->man = traceset::combineMembers(members, t.m->dir);
    return t;
}

bool TraceSet::isTraceFolder(const std::string& dir)
{
    std::error_code ec;
    return fs::is_regular_file(manifestPath(dir), ec) || isSetFolder(dir);
}

bool TraceSet::isSetFolder(const std::string& dir)
{
    std::error_code ec;
    if (fs::is_regular_file(fs::path(dir) / traceset::kFileName, ec))
        return true;
    return !fs::is_regular_file(manifestPath(dir), ec) && fs::is_directory(dir, ec) &&
           !traceset::rankFolders(dir).empty();
}

std::string TraceSet::manifestPath(const std::string& dir) { return (fs::path(dir) / manifest::kFileName).string(); }

const std::string& TraceSet::dir() const { return m->dir; }
const std::vector<std::string>& TraceSet::members() const { return m->members; }
const TraceDims& TraceSet::dims() const { return m->man.dims; }
const TraceFingerprint& TraceSet::fingerprint() const { return m->man.fingerprint; }
const TraceRunConfig& TraceSet::runConfig() const { return m->man.runConfig; }
const std::vector<TraceSourceStats>& TraceSet::sourceStats() const { return m->man.skipped; }
const TraceStorage& TraceSet::storage() const { return m->man.storage; }
TraceTotals TraceSet::totals() const { return m->man.totals(); }
const std::string& TraceSet::created() const { return m->man.created; }
const std::string& TraceSet::updated() const { return m->man.updated; }
std::string TraceSet::manifestText() const
{
    nlohmann::json j = m->man.toJson();
    if (!m->members.empty())
        j["set_members"] = pathsToJson(m->members); // a set: the joined manifest and where its parts are
    return j.dump(2);
}
int TraceSet::schemaVersion() const { return m->man.schemaVersion; }
const TraceModelInfo& TraceSet::model() const { return m->man.model; }
const TraceOrigin& TraceSet::origin() const { return m->man.origin; }
bool TraceSet::complete() const { return m->man.complete; }
const TraceFeatureInfo& TraceSet::featureInfo() const { return m->man.features; }

const FeatureBasis* TraceSet::featureBasis() const
{
    if (m->man.features.empty())
        return nullptr;
    std::lock_guard<std::mutex> lock(m->basisMutex);
    if (!m->basis)
        m->basis = std::make_unique<FeatureBasis>(m->loadBasis());
    return m->basis.get();
}
const std::vector<ShardInfo>& TraceSet::shards() const { return m->man.shards; }
std::string TraceSet::shardPath(size_t i) const { return m->path(i); }
int64_t TraceSet::numTokens() const { return m->man.tokens(); }
int64_t TraceSet::numSequences() const { return m->man.sequences(); }

RoutingBlock TraceSet::readShard(size_t i) const
{
    if (i >= m->man.shards.size())
        throw Error("trace " + m->dir + ": shard index " + std::to_string(i) + " out of range (" +
                    std::to_string(m->man.shards.size()) + " shards)");
    auto r = m->reader(i);
    return r->readSequences(0, r->table().size());
}

bool TraceSet::forEachBlock(const BlockVisitor& visit, size_t maxTokensPerBlock, const ProgressFn& progress) const
{
    const size_t cap = std::max<size_t>(1, maxTokensPerBlock);
    const int64_t total = numTokens();
    int64_t done = 0;
    ProgressMeter meter;
    // One block for the whole stream, and for the next stream of this set: its arrays are
    // allocated (and zero-filled by the kernel) once instead of per block and per stream.
    struct Claim { // the spare block, if no other stream holds it (a flag: a visitor may stream this set again)
        std::atomic<bool>* flag;
        bool mine;
        ~Claim()
        {
            if (mine)
                flag->store(false);
        }
    } claim{&m->spareInUse, !m->spareInUse.exchange(true)};
    RoutingBlock local;
    RoutingBlock& b = claim.mine ? m->spare : local;
    for (size_t i = 0; i < m->man.shards.size(); ++i) {
        auto r = m->reader(i);
        const auto& t = r->table();
        size_t s = 0;
        while (s < t.size()) {
            size_t e = s + 1;
            size_t tokens = size_t(t.length[s]);
            while (e < t.size() && tokens + size_t(t.length[e]) <= cap)
                tokens += size_t(t.length[e++]);
            r->readSequences(s, e, b);
            if (!visit(b))
                return false;
            done += int64_t(tokens);
            if (progress) {
                Progress p;
                p.stage = "read traces";
                p.unit = "tokens";
                p.done = done;
                p.total = total;
                meter.measure(p);
                reportProgress(progress, p);
            }
            s = e;
        }
    }
    return true;
}

const std::vector<SequenceEntry>& TraceSet::sequenceIndex() const
{
    m->buildIndex();
    return m->index;
}

std::vector<SequenceRecord> TraceSet::sequences() const
{
    m->buildIndex();
    std::vector<SequenceRecord> out;
    out.reserve(m->index.size());
    int64_t base = 0;
    size_t shardOf = 0;
    for (const auto& e : m->index) {
        while (shardOf < e.shard)
            base += m->man.shards[shardOf++].tokens;
        SequenceRecord r = e.record;
        r.tokenOffset += base;
        out.push_back(std::move(r));
    }
    return out;
}

RoutingBlock TraceSet::readSequence(int64_t seqId) const { return readSequences({seqId}); }

RoutingBlock TraceSet::readSequences(const std::vector<int64_t>& seqIds) const
{
    m->buildIndex();
    RoutingBlock out;
    out.dims = m->man.dims;
    size_t openShard = size_t(-1);
    std::unique_ptr<shard::ShardFileReader> r;
    for (int64_t id : seqIds) {
        const auto it = m->byId.find(id);
        if (it == m->byId.end())
            throw Error("trace " + m->dir + ": no sequence with id " + std::to_string(id));
        const SequenceEntry& e = m->index[it->second];
        if (!r || openShard != e.shard) {
            r = m->reader(e.shard);
            openShard = e.shard;
        }
        // Row of the sequence inside its shard's table.
        const auto& t = r->table();
        size_t row = 0;
        {
            size_t lo = 0, hi = t.size();
            while (lo < hi) { // token offsets are increasing
                const size_t mid = (lo + hi) / 2;
                if (t.tokenOffset[mid] < e.record.tokenOffset)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            row = lo;
        }
        out.append(r->readSequences(row, row + 1));
    }
    return out;
}

VerifyReport TraceSet::verify(const ProgressFn& progress) const
{
    VerifyReport rep;
    const auto& man = m->man;
    std::unordered_set<int64_t> allIds;
    const int64_t total = numTokens();
    int64_t done = 0;
    auto problem = [&](const std::string& s) { rep.problems.push_back(s); };
    if (!man.features.empty()) {
        try {
            m->loadBasis();
        } catch (const std::exception& e) {
            problem(e.what());
        }
    } else if (man.dims.featureDim > 0 && !man.shards.empty()) {
        problem("trace " + m->dir + ": shards store " + std::to_string(man.dims.featureDim) +
                " features per layer but the manifest records no feature basis (field 'features')");
    }
    for (size_t i = 0; i < man.shards.size(); ++i) {
        const ShardInfo& info = man.shards[i];
        const std::string p = m->path(i);
        const std::string label = m->label(i);
        ++rep.shardsChecked;
        std::error_code ec;
        if (!fs::exists(p, ec)) {
            problem(label + ": file is missing");
            continue;
        }
        // Size and CRC-32 are checked as the bytes are read; a shard failing them is not
        // handed to HDF5 (a flipped byte in its metadata can crash libhdf5).
        try {
            auto r = m->reader(i, true);
            if (r->fingerprint() != man.fingerprint)
                problem(label + ": fingerprint attributes differ from the manifest's");
            if (int64_t(r->table().size()) != info.sequences)
                problem(label + ": holds " + std::to_string(r->table().size()) +
                        " sequences, the manifest says " + std::to_string(info.sequences));
            const auto& t = r->table();
            std::vector<int64_t> ids(t.seqId.begin(), t.seqId.end());
            if (manifest::toRanges(ids) != info.seqRanges)
                problem(label + ": sequence ids differ from the manifest's seq_ranges");
            for (int64_t id : ids)
                if (!allIds.insert(id).second)
                    problem(label + ": sequence id " + std::to_string(id) + " appears more than once");
            for (size_t s = 0; s < t.size(); ++s)
                if (t.firstPosition[s] < 0)
                    problem(label + ": sequence " + std::to_string(t.seqId[s]) + " has a negative position");
            // Stream the per-token arrays in bounded pieces.
            const int64_t step = 1 << 16;
            RoutingBlock b;
            const int E = man.dims.experts;
            int64_t badIds = 0, badLook = 0, badWeights = 0, badPos = 0, badFeatures = 0;
            for (int64_t row = 0; row < r->tokens(); row += step) {
                const int64_t end = std::min(r->tokens(), row + step);
                r->readRows(row, end, b);
                for (ExpertId x : b.topkIds)
                    badIds += x >= E;
                for (ExpertId x : b.lookaheadIds)
                    badLook += (x >= E && x != kNoExpert);
                for (uint16_t w : b.topkWeights) {
                    const float f = halfToFloat(w);
                    badWeights += !(std::isfinite(f) && f >= 0.0f);
                }
                for (int32_t x : b.positions)
                    badPos += x < 0;
                for (uint16_t f : b.features)
                    badFeatures += (f & 0x7fff) >= 0x7c00; // Inf or NaN
                done += end - row;
                if (progress) {
                    Progress pr;
                    pr.stage = "verify";
                    pr.unit = "tokens";
                    pr.done = done;
                    pr.total = total;
                    reportProgress(progress, pr);
                }
            }
            if (badIds)
                problem(label + ": " + std::to_string(badIds) + " top-k expert ids >= " + std::to_string(E));
            if (badLook)
                problem(label + ": " + std::to_string(badLook) + " lookahead ids out of range");
            if (badWeights)
                problem(label + ": " + std::to_string(badWeights) + " top-k weights negative or not finite");
            if (badPos)
                problem(label + ": " + std::to_string(badPos) + " negative positions");
            if (badFeatures)
                problem(label + ": " + std::to_string(badFeatures) + " features not finite");
            rep.tokensChecked += r->tokens();
            rep.sequencesChecked += int64_t(t.size());
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& e) {
            problem(e.what());
        }
    }
    return rep;
}

} // namespace specmoe
