// Writes the seed corpora of the fuzz targets (corpus/<target>/) with the project's own
// writers: safetensors files (writeSafetensors), config.json (configToJson of the presets),
// trace shards and their manifest (TraceWriter), and small corpora of every format.
//   fuzz_make_seeds OUT_DIR SOURCE_DIR     (SOURCE_DIR: the repository, for tests/data)
#include "core/model/config.h"
#include "core/safetensors/safetensors_writer.h"
#include "core/trace/trace_writer.h"
#include "core/util/half.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace specmoe;

namespace {

void write(const fs::path& p, const std::string& bytes)
{
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
}

void safetensorsSeeds(const fs::path& out)
{
    fs::create_directories(out);
    const std::vector<float> w{1.0f, -2.0f, 0.5f, 3.0f, 0.25f, -1.0f};
    const std::vector<uint16_t> h{floatToHalf(1.0f), floatToHalf(-0.5f)};
    const std::vector<int64_t> ids{7, 11, 13};
    const uint8_t flag = 1;
    writeSafetensors((out / "two_f32.safetensors").string(),
                     {{"model.norm.weight", "F32", {2}, w.data(), 8}, {"lm_head.weight", "F32", {2, 2}, w.data() + 2, 16}},
                     {{"format", "pt"}});
    writeSafetensors((out / "mixed.safetensors").string(),
                     {{"a.bf16", "BF16", {1, 2}, h.data(), 4},
                      {"b.i64", "I64", {3}, ids.data(), 24},
                      {"c.scalar", "U8", {}, &flag, 1},
                      {"d.empty", "F16", {0, 4}, nullptr, 0}});
    writeSafetensors((out / "empty.safetensors").string(), {});
}

void configSeeds(const fs::path& out, const fs::path& source)
{
    write(out / "tiny.json", configToJson(presetConfig("tiny")));
    MixtralConfig big = presetConfig("mixtral-8x7b");
    big.slidingWindow = 4096;
    big.headDim = 96;
    big.tieWordEmbeddings = true;
    write(out / "mixtral_window_headdim.json", configToJson(big));
    fs::copy_file(source / "tests/data/hf-tiny-mixtral/config.json", out / "hf_tiny_mixtral.json",
                  fs::copy_options::overwrite_existing);
}

void corpusSeeds(const fs::path& out)
{
    // The first byte picks the format: 0 text, 1 paragraphs, 2 jsonl, 3 jsonl-ids, 4 csv, 5 tsv.
    write(out / "text", std::string("\x00", 1) + "The quick brown fox.\nJumps over the lazy dog.\n");
    write(out / "paragraphs", "\x01One paragraph\nof two lines.\n\n\nAnother one.\r\n\r\nA third.");
    write(out / "jsonl", "\x02{\"text\": \"first document\"}\n{\"text\": \"caf\\u00e9 \xc3\xa9\", \"id\": 2}\n"
                         "{\"meta\": {\"text\": \"nested\"}}\nnot json\n{\"text\": 5}\n\n{\"text\": \"  \"}\n");
    write(out / "jsonl_ids", "\x03{\"input_ids\": [1, 2, 3, 4, 5]}\n{\"input_ids\": [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, "
                             "13, 14, 15, 16, 17, 18, 19]}\n{\"input_ids\": [-1]}\n{\"input_ids\": []}\n");
    write(out / "csv", "\x04id,text\r\n1,\"a, quoted \"\"field\"\"\"\r\n2,plain text here\n3,\"two\nlines\"\n4\n");
    write(out / "tsv", "\x05text\tlabel\nfirst row\tx\nsecond \xff row\ty\n\"quoted\ttab\"\tz\n");
}

RoutingBlock block(const TraceDims& d, int64_t firstId, const std::vector<int>& lengths, bool oddPositions)
{
    RoutingBlock b;
    b.dims = d;
    int64_t row = 0;
    for (size_t s = 0; s < lengths.size(); ++s) {
        SequenceRecord r;
        r.seqId = firstId + int64_t(s);
        r.source = s % 2 ? "code" : "wiki";
        r.docId = "doc" + std::to_string(r.seqId) + ".txt:" + std::to_string(s + 1);
        r.tokenOffset = row;
        r.length = lengths[s];
        for (int i = 0; i < lengths[s]; ++i, ++row) {
            b.tokenIds.push_back(int32_t(100 + row));
            b.seqIds.push_back(r.seqId);
            b.positions.push_back(oddPositions && s == 0 ? 10 + 2 * i : i);
            for (int l = 0; l < d.layers; ++l) {
                for (int j = 0; j < d.topk; ++j) {
                    b.topkIds.push_back(uint8_t((row + l + j) % d.experts));
                    b.topkWeights.push_back(floatToHalf(j == 0 ? 0.7f : 0.3f / float(d.topk - 1)));
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

void traceSeeds(const fs::path& shards, const fs::path& manifests, const fs::path& work)
{
    struct Case {
        std::string name;
        TraceDims dims;
        int deflate, chunk;
        bool oddPositions;
        std::vector<int> lengths;
    };
    const std::vector<Case> cases{
        {"plain", {2, 4, 2, {}, false}, 0, 8, false, {3, 5, 2}},
        {"logits_lookahead_deflate", {3, 8, 2, {1, 2}, true}, 1, 4, false, {4, 6}},
        {"explicit_positions", {2, 4, 1, {1}, false}, 0, 16, true, {5, 1, 2}},
    };
    fs::create_directories(shards);
    fs::create_directories(manifests);
    for (const Case& c : cases) {
        const fs::path dir = work / c.name;
        fs::remove_all(dir);
        TraceFingerprint fp{"cfg" + c.name, "float32", "tok", "run"};
        TraceWriterOptions o;
        o.deflateLevel = c.deflate;
        o.chunkTokens = c.chunk;
        o.runConfig.tool = "fuzz_make_seeds";
        o.runConfig.lookahead = c.dims.lookahead;
        o.runConfig.withLogits = c.dims.hasLogits;
        {
            TraceWriter w(dir.string(), c.dims, fp, o);
            w.append(block(c.dims, 0, c.lengths, c.oddPositions));
            w.setSkipStats({});
            w.finish();
        }
        fs::copy_file(dir / "shard-00000.h5", shards / (c.name + ".h5"), fs::copy_options::overwrite_existing);
        fs::copy_file(dir / "manifest.json", manifests / (c.name + ".json"), fs::copy_options::overwrite_existing);
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::cerr << "usage: fuzz_make_seeds OUT_DIR SOURCE_DIR\n";
        return 2;
    }
    const fs::path out(argv[1]), source(argv[2]);
    safetensorsSeeds(out / "fuzz_safetensors");
    configSeeds(out / "fuzz_model_config", source);
    corpusSeeds(out / "fuzz_corpus");
    traceSeeds(out / "fuzz_shard", out / "fuzz_manifest", fs::temp_directory_path() / "specmoe-fuzz-seeds");
    fs::copy_file(source / "tests/data/golden/trace/manifest.json", out / "fuzz_manifest" / "golden.json",
                  fs::copy_options::overwrite_existing);
    std::cout << "seeds written to " << out.string() << "\n";
    return 0;
}
