#pragma once
// The small traces the shard and manifest fuzz targets start from, written with TraceWriter
// (fuzz_make_seeds copies their manifests into the seed corpus; fuzz_shard mutates their
// shards through the HDF5 API).
#include "core/trace/trace_writer.h"
#include "core/util/half.h"

#include <filesystem>
#include <string>
#include <vector>

namespace specmoe::fuzz {

struct SeedTrace {
    std::string name;
    TraceDims dims;
    int deflate, chunk;
    bool oddPositions; // the first sequence's positions are not 0, 1, ... (explicit positions)
    std::vector<int> lengths;
};

// Plain; logits, lookahead and deflate; explicit positions with top-1.
inline std::vector<SeedTrace> seedTraces()
{
    return {
        {"plain", {2, 4, 2, {}, false}, 0, 8, false, {3, 5, 2}},
        {"logits_lookahead_deflate", {3, 8, 2, {1, 2}, true}, 1, 4, false, {4, 6}},
        {"explicit_positions", {2, 4, 1, {1}, false}, 0, 16, true, {5, 1, 2}},
    };
}

inline RoutingBlock seedBlock(const SeedTrace& t)
{
    const TraceDims& d = t.dims;
    RoutingBlock b;
    b.dims = d;
    int64_t row = 0;
    for (size_t s = 0; s < t.lengths.size(); ++s) {
        SequenceRecord r;
        r.seqId = int64_t(s);
        r.source = s % 2 ? "code" : "wiki";
        r.docId = "doc" + std::to_string(r.seqId) + ".txt:" + std::to_string(s + 1);
        r.tokenOffset = row;
        r.length = t.lengths[s];
        for (int i = 0; i < t.lengths[s]; ++i, ++row) {
            b.tokenIds.push_back(int32_t(100 + row));
            b.seqIds.push_back(r.seqId);
            b.positions.push_back(t.oddPositions && s == 0 ? 10 + 2 * i : i);
            for (int l = 0; l < d.layers; ++l) {
                for (int j = 0; j < d.topk; ++j) {
                    b.topkIds.push_back(uint8_t((row + l + j) % d.experts));
                    b.topkWeights.push_back(floatToHalf(d.topk == 1 ? 1.0f : j == 0 ? 0.7f : 0.3f / float(d.topk - 1)));
                }
                if (d.hasLogits)
                    for (int e = 0; e < d.experts; ++e)
                        b.logits.push_back(floatToHalf(float(e - l) * 0.5f));
                for (int dist : d.lookahead)
                    for (int j = 0; j < d.topk; ++j)
                        b.lookaheadIds.push_back(l + dist < d.layers ? uint8_t((row + j) % d.experts) : kNoExpert);
            }
        }
        b.sequences.push_back(r);
    }
    return b;
}

// Writes the trace into `dir` (replacing what is there): manifest.json and shard-00000.h5.
inline void writeSeedTrace(const SeedTrace& t, const std::filesystem::path& dir)
{
    std::filesystem::remove_all(dir);
    TraceWriterOptions o;
    o.deflateLevel = t.deflate;
    o.chunkTokens = t.chunk;
    o.runConfig.tool = "fuzz_make_seeds";
    o.runConfig.lookahead = t.dims.lookahead;
    o.runConfig.withLogits = t.dims.hasLogits;
    TraceWriter w(dir.string(), t.dims, TraceFingerprint{"cfg" + t.name, "float32", "tok", "run"}, o);
    w.append(seedBlock(t));
    w.setSkipStats({});
    w.finish();
}

} // namespace specmoe::fuzz
