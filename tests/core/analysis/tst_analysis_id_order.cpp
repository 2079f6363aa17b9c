// The analysis of traces whose ids are not in rank order (origin.ids_ranked false: imported
// ids in an engine's unknown order): the statistics of first choices alone (predictability
// ceiling, layer-pair MI matrix) are skipped, the result says why, and the order-free ones
// are the same as for the same routing read as ranked.
#include "core/analysis/analysis.h"
#include "core/trace/synthetic_trace.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace specmoe;

namespace {

RoutingBlock olmoeBlock(int64_t tokens)
{
    SyntheticRouting s = presetRouting(syntheticPreset("olmoe"), /*weights=*/false);
    s.minLength = s.maxLength = 64;
    return syntheticTokens(s, tokens);
}

} // namespace

TEST(AnalysisIdOrder, UnrankedIdsSkipFirstChoiceTablesAndSaySo)
{
    const RoutingBlock b = olmoeBlock(4000);
    AnalysisOptions ranked;
    const AnalysisResult a = analyze(std::vector<RoutingBlock>{b}, ranked);
    ASSERT_TRUE(a.idsRanked);
    ASSERT_FALSE(a.predictability.cells.empty());
    ASSERT_FALSE(a.mutualInfoBits.empty());

    AnalysisOptions unranked;
    unranked.idsRanked = false;
    const AnalysisResult u = analyze(std::vector<RoutingBlock>{b}, unranked);
    EXPECT_FALSE(u.idsRanked);
    EXPECT_TRUE(u.predictability.cells.empty());
    EXPECT_TRUE(u.predictability.summary.empty());
    EXPECT_TRUE(u.mutualInfoBits.empty());
    EXPECT_TRUE(u.normalizedMI.empty());
    EXPECT_FALSE(u.layerPairMISkipped); // that flag means "too large", not "no order"
    // What does not depend on the order is unchanged.
    ASSERT_EQ(u.overall.layers.size(), a.overall.layers.size());
    for (size_t l = 0; l < a.overall.layers.size(); ++l) {
        EXPECT_EQ(u.overall.layers[l].anyCounts, a.overall.layers[l].anyCounts);
        EXPECT_EQ(u.overall.layers[l].coactivation, a.overall.layers[l].coactivation);
        EXPECT_EQ(u.overall.repetition[l].overlap, a.overall.repetition[l].overlap);
    }
    ASSERT_EQ(u.transitions.size(), a.transitions.size());
    for (size_t i = 0; i < a.transitions.size(); ++i)
        EXPECT_EQ(u.transitions[i].anyCounts, a.transitions[i].anyCounts);

    // The flag survives the JSON the views read; results written before it read as ranked.
    nlohmann::json j = u;
    EXPECT_EQ(j.at("idsRanked"), false);
    EXPECT_FALSE(j.get<AnalysisResult>().idsRanked);
    j.erase("idsRanked");
    EXPECT_TRUE(j.get<AnalysisResult>().idsRanked);
}

TEST(AnalysisIdOrder, ATraceFolderMarkedUnorderedIsAnalysedAsUnordered)
{
    test::TempDir tmp("analysis_order");
    const RoutingBlock b = olmoeBlock(1000);
    TraceWriterOptions o;
    o.origin.kind = "imported";
    o.origin.engine = "megatron";
    o.origin.idsRanked = false;
    {
        TraceWriter w(tmp.path(), b.dims, TraceFingerprint{"cfg", "imported", "", "run"}, o);
        w.append(b);
        w.finish();
    }
    const TraceSet set = TraceSet::open(tmp.path());
    const AnalysisResult r = analyze(set);
    EXPECT_FALSE(r.idsRanked);
    EXPECT_TRUE(r.predictability.cells.empty());
    EXPECT_EQ(r.tokens, 1000);
}
