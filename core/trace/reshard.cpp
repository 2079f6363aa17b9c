#include "core/trace/reshard.h"

#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace specmoe {

namespace {

ReshardResult copyTrace(const TraceSet& src, const std::string& dstDir, const ReshardOptions& options,
                        const ProgressFn& progress);

// Always checked, whatever SPECMOE_NO_VERIFY_CRC says: the copy gets fresh checksums, so a
// corrupt source would come out looking sound.
TraceReadOptions checkedRead()
{
    TraceReadOptions read;
    read.verifyCrc = true;
    return read;
}

void refuseSameFolder(const std::string& srcDir, const std::string& dstDir, const char* what)
{
    std::error_code ec;
    if (fs::exists(dstDir) && fs::equivalent(srcDir, dstDir, ec))
        throw Error(std::string(what) + ": source and destination are the same folder (" + srcDir + ")");
}

} // namespace

ReshardResult reshardTrace(const std::string& srcDir, const std::string& dstDir,
                           const ReshardOptions& options, const ProgressFn& progress)
{
    refuseSameFolder(srcDir, dstDir, "reshard");
    const TraceSet src = TraceSet::open(srcDir, checkedRead());
    // The copy is finished, so it would pass for the whole trace (merge refuses the same).
    if (!src.complete())
        throw Error("reshard: " + srcDir + " is not complete (the command that wrote it stopped, failed or is still "
                    "running; rerun it first, or see `specmoe traces info`): a resharded copy would present its part "
                    "as the whole trace");
    return copyTrace(src, dstDir, options, progress);
}

ReshardResult mergeTraces(const std::vector<std::string>& srcDirs, const std::string& dstDir,
                          const ReshardOptions& options, const ProgressFn& progress)
{
    if (srcDirs.empty())
        throw Error("merge: no trace folders given");
    for (const auto& d : srcDirs)
        refuseSameFolder(d, dstDir, "merge");
    const TraceSet src = TraceSet::openFolders(srcDirs, checkedRead());
    for (const auto& member : src.members())
        refuseSameFolder((fs::path(srcDirs.size() == 1 ? srcDirs.front() : "") / member).string(), dstDir, "merge");
    if (!src.complete())
        throw Error("merge: " + src.dir() + " is not complete (a member's collection has not finished; rerun it "
                    "first, or see `specmoe traces info`)");
    return copyTrace(src, dstDir, options, progress);
}

namespace {

ReshardResult copyTrace(const TraceSet& src, const std::string& dstDir, const ReshardOptions& options,
                        const ProgressFn& progress)
{
    const std::string& srcDir = src.dir();
    std::error_code ec;
    if (options.shardSizeMB <= 0)
        throw Error("reshard: shard size must be positive");
    // Indexing reads (and checks) every shard before the destination is touched; the copy
    // below then reads them without a second CRC.
    src.sequenceIndex();

    if (options.overwrite && fs::is_directory(dstDir)) {
        for (const auto& e : fs::directory_iterator(dstDir, ec)) {
            const std::string n = e.path().filename().string();
            if (n.rfind("shard-", 0) == 0 || n.rfind("manifest.json", 0) == 0 || n.rfind(kFeatureBasisFileName, 0) == 0)
                fs::remove(e.path(), ec);
        }
    }
    TraceWriterOptions wo;
    wo.shardSizeMB = options.shardSizeMB;
    wo.deflateLevel = options.deflateLevel >= 0 ? options.deflateLevel : src.storage().deflateLevel;
    wo.chunkTokens = options.chunkTokens > 0 ? options.chunkTokens : src.storage().chunkTokens;
    wo.runConfig = src.runConfig();
    wo.model = src.model();
    wo.origin = src.origin();
    // An interrupted reshard into the same destination resumes like a collection run.
    TraceDims dims = src.dims();
    const bool drop = options.dropFeatures && dims.featureDim > 0;
    if (drop)
        dims.featureDim = 0;
    TraceWriter w(dstDir, dims, src.fingerprint(), wo);
    w.setSkipStats(src.sourceStats());
    if (dims.featureDim > 0) {
        const FeatureBasis* basis = src.featureBasis();
        if (!basis)
            throw Error("reshard: " + srcDir + " stores features but records no feature basis");
        w.setFeatureBasis(*basis);
    }
    RoutingBlock stripped;
    src.forEachBlock(
        [&](const RoutingBlock& in) {
            const RoutingBlock* bp = &in;
            if (drop) {
                stripped = in;
                stripped.dims = dims;
                stripped.features.clear();
                bp = &stripped;
            }
            const RoutingBlock& b = *bp;
            bool any = false;
            for (const auto& s : b.sequences)
                any = any || w.isCompleted(s.seqId);
            if (!any) {
                w.append(b);
                return true;
            }
            RoutingBlock rest;
            rest.dims = b.dims;
            RoutingBlock one;
            for (const auto& s : b.sequences) {
                if (w.isCompleted(s.seqId))
                    continue;
                // Copy the sequence's rows.
                one.clear();
                one.dims = b.dims;
                const size_t a = size_t(s.tokenOffset), z = a + size_t(s.length);
                const size_t lk = size_t(b.dims.layers) * size_t(b.dims.topk);
                const size_t le = size_t(b.dims.layers) * size_t(b.dims.experts);
                const size_t ld = lk * b.dims.lookahead.size();
                SequenceRecord r = s;
                r.tokenOffset = 0;
                one.sequences.push_back(r);
                one.tokenIds.assign(b.tokenIds.begin() + long(a), b.tokenIds.begin() + long(z));
                one.seqIds.assign(b.seqIds.begin() + long(a), b.seqIds.begin() + long(z));
                one.positions.assign(b.positions.begin() + long(a), b.positions.begin() + long(z));
                one.topkIds.assign(b.topkIds.begin() + long(a * lk), b.topkIds.begin() + long(z * lk));
                if (b.dims.hasWeights)
                    one.topkWeights.assign(b.topkWeights.begin() + long(a * lk), b.topkWeights.begin() + long(z * lk));
                if (b.dims.hasLogits)
                    one.logits.assign(b.logits.begin() + long(a * le), b.logits.begin() + long(z * le));
                if (ld)
                    one.lookaheadIds.assign(b.lookaheadIds.begin() + long(a * ld),
                                            b.lookaheadIds.begin() + long(z * ld));
                const size_t lf = size_t(b.dims.layers) * size_t(b.dims.featureDim);
                if (lf)
                    one.features.assign(b.features.begin() + long(a * lf), b.features.begin() + long(z * lf));
                rest.append(one);
            }
            if (rest.numTokens() > 0)
                w.append(rest);
            return true;
        },
        size_t(1) << 16, progress);
    w.finish();
    ReshardResult r;
    r.shards = w.shardsWritten();
    r.tokens = w.tokensWritten();
    r.sequences = w.sequencesWritten();
    return r;
}

} // namespace

} // namespace specmoe
