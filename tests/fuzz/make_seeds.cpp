// Writes the seed corpora of the fuzz targets (corpus/<target>/) with the project's own
// writers: safetensors files (writeSafetensors), config.json (configToJson of the presets),
// trace shards and their manifest (TraceWriter), and small corpora of every format.
//   fuzz_make_seeds OUT_DIR SOURCE_DIR     (SOURCE_DIR: the repository, for tests/data)
#include "core/model/config.h"
#include "core/safetensors/safetensors_writer.h"
#include "tests/fuzz/seed_traces.h"

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

void traceSeeds(const fs::path& shardSeeds, const fs::path& manifests, const fs::path& work)
{
    fs::create_directories(manifests);
    for (const fuzz::SeedTrace& t : fuzz::seedTraces()) {
        const fs::path dir = work / t.name;
        fuzz::writeSeedTrace(t, dir);
        fs::copy_file(dir / "manifest.json", manifests / (t.name + ".json"), fs::copy_options::overwrite_existing);
    }
    // fuzz_shard's inputs are edits of these traces' shards (see fuzz_shard.cpp): the first
    // byte picks the trace; with nothing after it the shard is read unchanged.
    for (size_t i = 0; i < fuzz::seedTraces().size(); ++i)
        write(shardSeeds / ("unchanged_" + fuzz::seedTraces()[i].name), std::string(1, char(i)));
    // And a few inputs with edits everywhere (fixed pseudo-random bytes: every attribute and
    // dataset flag set), so that inputs start long enough to reach all of them.
    uint64_t x = 17;
    for (int k = 0; k < 3; ++k) {
        std::string edits(1, char(k));
        edits += std::string(4, '\xff');
        for (int i = 0; i < 60; ++i) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            edits += char(x >> 56);
        }
        write(shardSeeds / ("edits_" + std::to_string(k)), edits);
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
    // NPY and NPZ files written by numpy (tests/data/import/make_npy_samples.py); the first
    // byte says which (even: .npy; odd: .npz; 2 and 3: read as floats).
    fs::create_directories(out / "fuzz_npy");
    for (const auto& e : fs::directory_iterator(source / "tests/data/import")) {
        const std::string ext = e.path().extension().string();
        if (ext != ".npy" && ext != ".npz")
            continue;
        std::ifstream in(e.path(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const char kind = char((ext == ".npz" ? 1 : 0) + (e.path().stem().string().find('f') != std::string::npos ? 2 : 0));
        write(out / "fuzz_npy" / e.path().filename(), std::string(1, kind) + bytes);
    }
    std::cout << "seeds written to " << out.string() << "\n";
    return 0;
}
