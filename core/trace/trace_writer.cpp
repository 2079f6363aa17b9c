#include "core/trace/trace_writer.h"

#include "core/trace/shard_file.h"
#include "core/trace/trace_manifest.h"
#include "core/util/atomic_file.h"
#include "core/util/checksum.h"
#include "core/util/error.h"
#include "core/util/sha256.h"
#include "core/util/utf8.h"

#include <algorithm>
#include <filesystem>
#include <unordered_set>

namespace fs = std::filesystem;

namespace specmoe {
namespace {

bool isShardName(const std::string& n)
{
    return n.rfind("shard-", 0) == 0 && n.size() > 9 && n.compare(n.size() - 3, 3, ".h5") == 0;
}
bool isShardTemp(const std::string& n)
{
    return n.rfind("shard-", 0) == 0 && n.size() > 13 && n.compare(n.size() - 7, 7, ".h5.tmp") == 0;
}

void removeQuietly(const fs::path& p)
{
    std::error_code ec;
    fs::remove(p, ec);
}

std::string fingerprintDiff(const TraceFingerprint& stored, const TraceFingerprint& wanted)
{
    std::string d;
    auto cmp = [&](const char* name, const std::string& a, const std::string& b) {
        if (a != b)
            d += std::string(d.empty() ? "" : "; ") + name + " is '" + a + "' in the folder, '" + b +
                 "' now";
    };
    cmp("model_config_hash", stored.modelConfigHash, wanted.modelConfigHash);
    cmp("dtype", stored.dtype, wanted.dtype);
    cmp("tokenizer_hash", stored.tokenizerHash, wanted.tokenizerHash);
    cmp("run_config_hash", stored.runConfigHash, wanted.runConfigHash);
    return d;
}

// "model name is 'a' in the folder, 'b' now; origin engine is ..." (empty: the same).
std::string modelOriginDiff(const manifest::Manifest& stored, const TraceWriterOptions& wanted)
{
    std::string d;
    auto cmp = [&](const std::string& name, const std::string& a, const std::string& b) {
        if (a != b)
            d += std::string(d.empty() ? "" : "; ") + name + " is '" + a + "' in the folder, '" + b + "' now";
    };
    cmp("model family", stored.model.family, wanted.model.family);
    cmp("model name", stored.model.name, wanted.model.name);
    cmp("model routing", stored.model.routing, wanted.model.routing);
    cmp("origin kind", stored.origin.kind, wanted.origin.kind);
    cmp("origin engine", stored.origin.engine, wanted.origin.engine);
    cmp("origin engine_version", stored.origin.engineVersion, wanted.origin.engineVersion);
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v)
            s += (s.empty() ? "" : ", ") + x;
        return s;
    };
    cmp("origin inputs", join(stored.origin.inputs), join(wanted.origin.inputs));
    cmp("origin ids_ranked", stored.origin.idsRanked ? "true" : "false", wanted.origin.idsRanked ? "true" : "false");
    return d;
}

} // namespace

struct TraceWriter::Impl {
    std::string dir;
    TraceDims dims;
    TraceFingerprint fp;
    TraceWriterOptions opts;
    manifest::Manifest man;
    std::set<int64_t> completed;
    bool resumed = false;
    bool finished = false;
    std::string failed; // message of an earlier I/O failure

    std::unique_ptr<shard::ShardFileWriter> shard;
    std::unordered_set<int64_t> openIds;
    std::string shardName, shardTmp;
    size_t nextIndex = 0;

    std::string path(const std::string& name) const { return (fs::path(dir) / name).string(); }
    std::string manifestPath() const { return path(manifest::kFileName); }
    std::string label() const { return "trace shard " + path(shardName); }
    int64_t targetBytes() const
    {
        return std::max<int64_t>(1, int64_t(opts.shardSizeMB * 1024.0 * 1024.0));
    }

    void clearFolder()
    {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            const std::string n = e.path().filename().string();
            if (isShardName(n) || isShardTemp(n) || n == manifest::kFileName ||
                n == std::string(manifest::kFileName) + ".tmp" || n == kFeatureBasisFileName)
                removeQuietly(e.path());
        }
    }

    void openShard()
    {
        while (true) {
            shardName = manifest::shardFileName(nextIndex);
            bool listed = false;
            for (const auto& s : man.shards)
                listed = listed || s.file == shardName;
            if (!listed)
                break;
            ++nextIndex;
        }
        shardTmp = path(shardName + ".tmp");
        shard = std::make_unique<shard::ShardFileWriter>(shardTmp, label(), dims, fp, int64_t(nextIndex),
                                                         opts.deflateLevel, opts.chunkTokens,
                                                         size_t(targetBytes()));
        openIds.clear();
    }

    void discardShard()
    {
        if (shard) {
            shard->abandon();
            shard.reset();
            removeQuietly(shardTmp);
        }
        openIds.clear();
    }

    void saveManifest()
    {
        man.updated = manifest::utcNow();
        manifest::save(man, manifestPath());
    }

    void closeShard()
    {
        if (!shard)
            return;
        if (shard->tokens() == 0) {
            discardShard();
            return;
        }
        shard->close();
        ShardInfo info;
        info.file = shardName;
        info.tokens = shard->tokens();
        info.sequences = int64_t(shard->table().size());
        info.payloadBytes = shard->payloadBytes();
        info.crc32 = crc32Hex(shard->fileCrc32());
        info.bytes = shard->fileBytes();
        info.seqRanges = manifest::toRanges(shard->table().seqId);
        const std::vector<int64_t> ids = shard->table().seqId;
        shard.reset();
        renameDurable(shardTmp, path(shardName));
        man.shards.push_back(std::move(info));
        ++nextIndex;
        saveManifest();
        completed.insert(ids.begin(), ids.end());
        openIds.clear();
    }

    // Runs f; on failure discards the unfinished shard and remembers the error.
    template <class F>
    void guarded(F&& f)
    {
        if (!failed.empty())
            throw Error("trace writer " + dir + " stopped after an earlier error: " + failed);
        try {
            f();
        } catch (const std::exception& e) {
            failed = e.what();
            discardShard();
            throw Error(e.what());
        }
    }
};

TraceWriter::TraceWriter(const std::string& dir, const TraceDims& dims, const TraceFingerprint& fp,
                         const TraceWriterOptions& options)
    : m(std::make_unique<Impl>())
{
    m->dir = dir;
    m->dims = dims;
    m->fp = fp;
    m->opts = options;
    m->opts.deflateLevel = std::clamp(options.deflateLevel, 0, 9);
    m->opts.chunkTokens = std::max(1, options.chunkTokens);
    // Provenance in manifest.json, which is UTF-8 JSON: a model folder's name or an engine
    // version given in another encoding gets U+FFFD, here, so a resumed run compares alike.
    for (std::string* s : {&m->opts.model.family, &m->opts.model.name, &m->opts.model.routing,
                           &m->opts.origin.engine, &m->opts.origin.engineVersion})
        *s = sanitizeUtf8(*s, kReplacementChar);
    if (const std::string bad = dimsProblem(dims); !bad.empty())
        throw Error("trace " + dir + ": invalid dimensions (" + describeDims(dims) + "): " + bad);
    // `specmoe traces synth` writes "synthetic": its routing is made up, not a model's.
    if (!manifest::isKnownOriginKind(options.origin.kind))
        throw Error("trace " + dir + ": origin kind '" + options.origin.kind +
                    "' is not one of collected, imported, synthetic");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw Error("trace " + dir + ": cannot create folder: " + ec.message());

    const std::string mpath = m->manifestPath();
    if (fs::exists(mpath)) {
        std::string problem;
        try {
            manifest::Manifest old = manifest::load(mpath);
            const std::string diff = fingerprintDiff(old.fingerprint, fp);
            // A schema-1 manifest recorded no model or origin: nothing to compare.
            const std::string modelDiff = old.schemaVersion >= 2 ? modelOriginDiff(old, m->opts) : "";
            if (!diff.empty())
                problem = "the folder holds a trace with another fingerprint: " + diff;
            else if (old.dims != dims)
                problem = "the folder holds a trace with other dimensions (" +
                          describeDims(old.dims) + " vs " + describeDims(dims) + ")";
            else if (!modelDiff.empty())
                problem = "the folder holds a trace of another model or origin: " + modelDiff;
            else
                m->man = std::move(old);
        } catch (const Error& e) {
            problem = e.what();
        }
        if (!problem.empty()) {
            if (!options.startOver)
                throw Error("trace " + dir + ": " + problem +
                            "; choose another folder or start over (clears it)");
            m->clearFolder();
        } else {
            m->resumed = true;
            for (const auto& s : m->man.shards) {
                if (!fs::exists(m->path(s.file)))
                    throw Error("trace " + dir + ": shard " + s.file +
                                " is listed in the manifest but missing; the trace cannot be resumed "
                                "(start over, or restore the file)");
                for (const auto& r : s.seqRanges)
                    for (int64_t id = r.first; id <= r.second; ++id)
                        m->completed.insert(id);
            }
        }
    }
    // Remove stale temporaries and shards a crash left unlisted.
    std::set<std::string> listed;
    for (const auto& s : m->man.shards)
        listed.insert(s.file);
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string n = e.path().filename().string();
        if (isShardTemp(n) || n == std::string(manifest::kFileName) + ".tmp" ||
            n == std::string(kFeatureBasisFileName) + ".new" || n == std::string(kFeatureBasisFileName) + ".new.tmp" ||
            (isShardName(n) && !listed.count(n)))
            removeQuietly(e.path());
    }
    m->nextIndex = m->man.shards.size();
    if (!m->resumed) {
        m->man = manifest::Manifest{};
        m->man.dims = dims;
        m->man.fingerprint = fp;
        m->man.created = manifest::utcNow();
    }
    m->man.complete = false;
    m->man.schemaVersion = manifest::kManifestVersion; // new shards are schema 2
    m->man.model = m->opts.model;
    m->man.origin = m->opts.origin;
    m->man.runConfig = options.runConfig;
    m->man.storage.deflateLevel = m->opts.deflateLevel;
    m->man.storage.chunkTokens = m->opts.chunkTokens;
    m->man.storage.shardSizeMB = options.shardSizeMB;
    m->saveManifest();
}

TraceWriter::~TraceWriter()
{
    if (m)
        m->discardShard();
}

const std::string& TraceWriter::dir() const { return m->dir; }
const TraceDims& TraceWriter::dims() const { return m->dims; }
const std::set<int64_t>& TraceWriter::completedSequences() const { return m->completed; }
bool TraceWriter::isCompleted(int64_t seqId) const { return m->completed.count(seqId) > 0; }
bool TraceWriter::resumed() const { return m->resumed; }
int64_t TraceWriter::tokensWritten() const { return m->man.tokens(); }
int64_t TraceWriter::sequencesWritten() const { return m->man.sequences(); }
size_t TraceWriter::shardsWritten() const { return m->man.shards.size(); }

void TraceWriter::append(const RoutingBlock& block)
{
    if (m->finished)
        throw Error("trace " + m->dir + ": append after finish()");
    if (block.dims != m->dims)
        throw Error("trace " + m->dir + ": block dimensions (" + describeDims(block.dims) +
                    ") differ from the trace's (" + describeDims(m->dims) + ")");
    try {
        block.validate();
    } catch (const Error& e) {
        throw Error("trace " + m->dir + ": " + e.what());
    }
    if (m->dims.featureDim > 0 && m->man.features.empty())
        throw Error("trace " + m->dir + ": the blocks carry features but no feature basis was recorded "
                    "(TraceWriter::setFeatureBasis() comes before the first append)");
    {
        std::unordered_set<int64_t> seen;
        for (const auto& s : block.sequences) {
            if (m->completed.count(s.seqId) || m->openIds.count(s.seqId) || !seen.insert(s.seqId).second)
                throw Error("trace " + m->dir + ": sequence id " + std::to_string(s.seqId) +
                            " is already stored (ids must be unique; skip completedSequences())");
        }
    }
    m->guarded([&] {
        const int64_t perToken = int64_t(payloadBytesPerToken(m->dims));
        const int64_t target = m->targetBytes();
        size_t s = 0;
        const size_t n = block.sequences.size();
        while (s < n) {
            if (!m->shard)
                m->openShard();
            int64_t bytes = m->shard->payloadBytes();
            size_t e = s;
            bool full = false;
            while (e < n && !full) {
                bytes += perToken * block.sequences[e].length;
                m->openIds.insert(block.sequences[e].seqId);
                ++e;
                full = bytes >= target;
            }
            m->shard->addSequences(block, s, e);
            if (full)
                m->closeShard();
            s = e;
        }
    });
}

const TraceFeatureInfo& TraceWriter::featureInfo() const { return m->man.features; }

void TraceWriter::setRunConfig(const TraceRunConfig& runConfig) { m->man.runConfig = runConfig; }

void TraceWriter::setFeatureBasis(const FeatureBasis& basis)
{
    const std::string where = "trace " + m->dir + ": feature basis";
    if (m->dims.featureDim <= 0)
        throw Error(where + ": the trace stores no features (featureDim 0)");
    if (const std::string bad = basis.problem(); !bad.empty())
        throw Error(where + " is invalid: " + bad);
    if (basis.layers != m->dims.layers || basis.dim != m->dims.featureDim)
        throw Error(where + " has " + std::to_string(basis.layers) + " layers and dim " + std::to_string(basis.dim) +
                    ", the trace " + std::to_string(m->dims.layers) + " layers and feature dim " +
                    std::to_string(m->dims.featureDim));
    const std::string finalPath = m->path(kFeatureBasisFileName);
    const std::string candidate = finalPath + ".new";
    writeFeatureBasis(candidate, basis);
    TraceFeatureInfo info;
    info.kind = basis.kind;
    info.dim = basis.dim;
    info.file = kFeatureBasisFileName;
    info.sha256 = sha256File(candidate);
    const TraceFeatureInfo& old = m->man.features;
    if (!old.empty()) {
        removeQuietly(candidate);
        // Resumed: the stored basis stays; it must be the one the manifest names, and this one.
        const std::string stored = m->path(old.file);
        std::error_code ec;
        if (!fs::exists(stored, ec))
            throw Error("trace " + m->dir + ": feature basis " + stored +
                        " is recorded in the manifest but missing; the trace cannot be resumed (start over)");
        const std::string storedSha = sha256File(stored);
        if (storedSha != old.sha256)
            throw Error("trace " + m->dir + ": feature basis " + stored + " has SHA-256 " + storedSha +
                        ", the manifest says " + old.sha256 + " (the file changed after it was written)");
        if (info.sha256 != old.sha256 || info.kind != old.kind)
            throw Error("trace " + m->dir + ": feature basis " + stored + " (" + old.kind +
                        ") differs from this run's (" + info.kind + ", SHA-256 " + info.sha256 +
                        "); choose another folder or start over (clears it)");
        return;
    }
    renameDurable(candidate, finalPath);
    m->man.features = info;
    m->saveManifest();
}

void TraceWriter::setSkipStats(const std::vector<TraceSourceStats>& perSource) { m->man.skipped = perSource; }

void TraceWriter::flush()
{
    if (m->finished)
        return;
    m->guarded([&] { m->closeShard(); });
}

void TraceWriter::finish()
{
    if (m->finished)
        return;
    m->guarded([&] {
        m->closeShard();
        m->man.complete = true;
        m->saveManifest();
    });
    m->finished = true;
}

} // namespace specmoe
