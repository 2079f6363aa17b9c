// simulation.json read back (core/simulate/simulation_file.h): a result written by toJson
// reads back into the same result, and damaged files are refused with the file, the row and
// the field named.
#include "core/simulate/simulation_file.h"
#include "core/util/error.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_simulation.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace specmoe;
using namespace specmoe::simulate;
using namespace specmoe::test;

namespace {

const SimulationResult& tinyResult()
{
    static const SimulationResult r = [] {
        TempDir dir("simfile-model");
        writeTinySimulationModel(dir.path());
        return runSimulation(tinySimulationParams(dir.path()));
    }();
    return r;
}

} // namespace

TEST(SimulationFile, RoundTripsEveryWrittenField)
{
    const SimulationResult& r = tinyResult();
    ASSERT_EQ(r.rows.size(), 6u + 3u * 6u); // none per (cache, link); oracle, frequency, markov per (cache, link, m, h)
    TempDir dir("simfile-rt");
    writeFile(dir.file(kSimulationFile), r.toJson() + "\n");
    EXPECT_TRUE(isSimulationFolder(dir.path()));
    EXPECT_FALSE(isSimulationFolder(dir.file("nothing")));

    const SimulationResult back = readSimulation(dir.path()); // the folder, or the file itself
    EXPECT_EQ(back.toJson(), r.toJson());
    EXPECT_EQ(readSimulation(dir.file(kSimulationFile)).toJson(), r.toJson());
    EXPECT_EQ(back.toCsv(), r.toCsv());
    ASSERT_EQ(back.rows.size(), r.rows.size());
    for (size_t i = 0; i < r.rows.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(back.rows[i].predictor, r.rows[i].predictor);
        EXPECT_EQ(back.rows[i].policy, r.rows[i].policy);
        EXPECT_EQ(back.rows[i].cacheExperts, r.rows[i].cacheExperts);
        EXPECT_EQ(back.rows[i].linkGBps, r.rows[i].linkGBps);
        EXPECT_EQ(back.rows[i].hitRate, r.rows[i].hitRate);
        EXPECT_EQ(back.rows[i].tokensPerSecond, r.rows[i].tokensPerSecond);
        EXPECT_EQ(back.rows[i].stallMsPerLayer, r.rows[i].stallMsPerLayer);
        EXPECT_EQ(back.rows[i].counters.hits, r.rows[i].counters.hits);
        EXPECT_EQ(back.rows[i].counters.prefetchBytes, r.rows[i].counters.prefetchBytes);
    }
    EXPECT_EQ(back.hardware.name, r.hardware.name);
    EXPECT_EQ(back.hardware.linkGBps, r.hardware.linkGBps);
    EXPECT_EQ(back.model.hidden, 1024);
    EXPECT_EQ(back.dims.layers, 6);
    // The gaps are recomputed from the rows.
    ASSERT_EQ(back.gaps().size(), r.gaps().size());
    for (size_t i = 0; i < r.gaps().size(); ++i)
        EXPECT_EQ(back.gaps()[i].gapClosed, r.gaps()[i].gapClosed);
}

TEST(SimulationFile, RefusesDamagedFilesNamingFileRowAndField)
{
    const std::string good = tinyResult().toJson();
    TempDir dir("simfile-bad");
    const std::string path = dir.file(kSimulationFile);
    auto messageFor = [&](const std::function<void(nlohmann::json&)>& edit) {
        nlohmann::json j = nlohmann::json::parse(good);
        edit(j);
        writeFile(path, j.dump());
        return errorOf([&] { readSimulation(path); });
    };
    std::string m = messageFor([](nlohmann::json& j) { j["rows"][3].erase("hit_rate"); });
    EXPECT_TRUE(has(m, path)) << m;
    EXPECT_TRUE(has(m, "rows[3]")) << m;
    EXPECT_TRUE(has(m, "'hit_rate' is missing")) << m;

    m = messageFor([](nlohmann::json& j) { j["rows"][1]["tokens_per_s"] = "fast"; });
    EXPECT_TRUE(has(m, "rows[1]: field 'tokens_per_s' must be a number")) << m;
    m = messageFor([](nlohmann::json& j) { j["rows"][0]["counts"]["hits"] = 1.5; });
    EXPECT_TRUE(has(m, "rows[0]: field 'counts': field 'hits' must be an integer")) << m;
    m = messageFor([](nlohmann::json& j) { j["rows"][2]["policy"] = "fifo"; });
    EXPECT_TRUE(has(m, "field 'policy'")) << m;
    EXPECT_TRUE(has(m, "lru")) << m; // the accepted names
    m = messageFor([](nlohmann::json& j) { j["rows"][2]["stall_ms_per_layer"] = {1.0, "x"}; });
    EXPECT_TRUE(has(m, "'stall_ms_per_layer' must be an array of numbers")) << m;
    m = messageFor([](nlohmann::json& j) { j["format"] = "specmoe-report"; });
    EXPECT_TRUE(has(m, "field 'format' must be \"specmoe-simulation\"")) << m;
    m = messageFor([](nlohmann::json& j) { j["version"] = 2; });
    EXPECT_TRUE(has(m, "reads version 1")) << m;
    m = messageFor([](nlohmann::json& j) { j["hardware"]["link_gbps"] = -1; });
    EXPECT_TRUE(has(m, "field 'hardware'")) << m;
    EXPECT_TRUE(has(m, "link_gbps")) << m;
    m = messageFor([](nlohmann::json& j) { j.erase("rows"); });
    EXPECT_TRUE(has(m, "field 'rows' is missing")) << m;

    writeFile(path, good.substr(0, good.size() / 2)); // cut short
    m = errorOf([&] { readSimulation(path); });
    EXPECT_TRUE(has(m, path + ": not JSON")) << m;
    m = errorOf([&] { readSimulation(dir.file("absent.json")); });
    EXPECT_TRUE(has(m, "absent.json")) << m;
}
