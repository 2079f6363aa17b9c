// The CLI's option defaults come from core's parameter structs: with no options given, the
// parsed parameters equal the structs' defaults; a changed default shows in the help and in
// the parsed parameters (each default value is written once, in core).
#include "app/cli/analyze_options.h"
#include "app/cli/collect_options.h"
#include "app/cli/train_options.h"
#include "core/analysis/analysis_options_json.h"
#include "core/collect/collect_params_json.h"
#include "core/speculate/params_json.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

using namespace specmoe;
using specmoe::test::has;
using namespace specmoe::cli;
namespace sp = specmoe::speculate;

namespace {

const std::vector<std::string> kCollectRequired{"--model", "m", "--out", "o", "--source", "a=/x"};

template <typename Params, typename Declare, typename Read>
Params parseWith(const Params& defaults, Declare declare, Read read, const std::vector<std::string>& args)
{
    ArgParser parser("specmoe test", "");
    declare(parser, defaults);
    parser.parse(args);
    return read(parser, defaults);
}

template <typename Params, typename Declare>
std::string helpWith(const Params& defaults, Declare declare)
{
    ArgParser parser("specmoe test", "");
    declare(parser, defaults);
    return parser.help();
}

} // namespace

TEST(CliDefaults, CollectParsesToCoreDefaults)
{
    CollectParams expected;
    expected.modelDir = "m";
    expected.outDir = "o";
    expected.sources = {parseSourceSpec("a=/x")};
    const CollectParams p = parseWith(CollectParams{}, declareCollectOptions, readCollectOptions, kCollectRequired);
    EXPECT_EQ(toJson(p), toJson(expected));
}

TEST(CliDefaults, CollectFollowsChangedDefaults)
{
    CollectParams d;
    d.maxLength = 777;
    d.dtype = ComputeDType::Float16;
    d.device = DeviceSpec::cuda(3);
    d.residency = Residency::Streaming;
    d.lookahead = {1, 4};
    d.shardMB = 12.5;
    d.targetTokens = 1000000;
    d.longDocuments = LongDocuments::Split;
    const std::string help = helpWith(d, declareCollectOptions);
    for (const char* shown : {"[default: 777]", "[default: float16]", "[default: cuda:3]", "[default: streaming]",
                              "[default: 1,4]", "[default: 12.5]", "[default: 1000000]", "[default: split]"})
        EXPECT_TRUE(has(help, shown)) << shown << "\n" << help;
    EXPECT_FALSE(has(help, "[default: 512]")) << help;
    EXPECT_FALSE(has(help, "[default: bfloat16]")) << help;

    CollectParams expected = d;
    expected.modelDir = "m";
    expected.outDir = "o";
    expected.sources = {parseSourceSpec("a=/x")};
    EXPECT_EQ(toJson(parseWith(d, declareCollectOptions, readCollectOptions, kCollectRequired)), toJson(expected));
}

TEST(CliDefaults, CollectOptionsOverrideAndRejectBadNames)
{
    std::vector<std::string> args = kCollectRequired;
    for (const char* a : {"--device", "cuda:1", "--dtype", "float32", "--residency", "split", "--keep-duplicates",
                          "--lookahead", "none"})
        args.push_back(a);
    const CollectParams p = parseWith(CollectParams{}, declareCollectOptions, readCollectOptions, args);
    EXPECT_EQ(p.device, DeviceSpec::cuda(1));
    EXPECT_EQ(p.dtype, ComputeDType::Float32);
    EXPECT_EQ(p.residency, Residency::Split);
    EXPECT_FALSE(p.dedup);
    EXPECT_TRUE(p.lookahead.empty());
    args = kCollectRequired;
    args.insert(args.end(), {"--device", "gpu"});
    try {
        parseWith(CollectParams{}, declareCollectOptions, readCollectOptions, args);
        FAIL() << "accepted --device gpu";
    } catch (const UsageError& e) {
        EXPECT_STREQ(e.what(), "--device: unknown device 'gpu' (cpu, cuda, cuda:N or auto)");
    }
}

TEST(CliDefaults, TrainParsesToAndFollowsDefaults)
{
    const std::vector<std::string> required{"--traces", "t", "--out", "r"};
    sp::TrainParams expected;
    expected.traceDirs = {"t"};
    expected.runDir = "r";
    EXPECT_EQ(toJson(parseWith(sp::TrainParams{}, declareTrainOptions, readTrainOptions, required)), toJson(expected));

    sp::TrainParams d;
    d.epochs = 42;
    d.learningRate = 0.00125;
    d.split.seed = 77;
    d.device = DeviceSpec::automatic();
    d.trainEnsemble = false;
    d.model.hiddenDim = 33;
    const std::string help = helpWith(d, declareTrainOptions);
    for (const char* shown : {"[default: 42]", "[default: 0.00125]", "[default: 77]", "[default: auto]",
                              "[default: interlayer,statistics,hidden-state]", "[default: 33]"})
        EXPECT_TRUE(has(help, shown)) << shown << "\n" << help;
    expected = d;
    expected.traceDirs = {"t"};
    expected.runDir = "r";
    EXPECT_EQ(toJson(parseWith(d, declareTrainOptions, readTrainOptions, required)), toJson(expected));
}

TEST(CliDefaults, EvalParsesToAndFollowsDefaults)
{
    const std::vector<std::string> required{"--run", "r"};
    sp::EvalParams expected;
    expected.runDir = "r";
    EXPECT_EQ(toJson(parseWith(sp::EvalParams{}, declareEvalOptions, readEvalOptions, required)), toJson(expected));
    sp::EvalParams d;
    d.split = std::nullopt;
    d.device = DeviceSpec::cuda();
    const std::string help = helpWith(d, declareEvalOptions);
    EXPECT_TRUE(has(help, "[default: all]")) << help;
    EXPECT_TRUE(has(help, "[default: cuda]")) << help;
    expected = d;
    expected.runDir = "r";
    EXPECT_EQ(toJson(parseWith(d, declareEvalOptions, readEvalOptions, required)), toJson(expected));
}

TEST(CliDefaults, AnalyzeParsesToAndFollowsDefaults)
{
    const std::vector<std::string> required{"traces"};
    EXPECT_EQ(toJson(parseWith(cliAnalysisDefaults(), declareAnalyzeOptions, readAnalyzeOptions, required)),
              toJson(cliAnalysisDefaults()));
    AnalysisOptions d;
    d.predictHorizons = {2, 5};
    d.split.trainFraction = 0.35;
    d.samplesPerCell = 9;
    const std::string help = helpWith(d, declareAnalyzeOptions);
    for (const char* shown : {"[default: 2,5]", "[default: 0.35]", "[default: 9]"})
        EXPECT_TRUE(has(help, shown)) << shown << "\n" << help;
    EXPECT_EQ(toJson(parseWith(d, declareAnalyzeOptions, readAnalyzeOptions, required)), toJson(d));
}

TEST(CliDefaults, NumbersInShortestForm)
{
    EXPECT_EQ(numberText(0.003), "0.003");
    EXPECT_EQ(numberText(1.0), "1");
    EXPECT_EQ(numberText(0.1), "0.1");
    EXPECT_EQ(numberText(uint64_t(1234)), "1234");
    EXPECT_EQ(listText(std::vector<int>{}), "none");
}

TEST(CliDefaults, HelpOfTheBinaryShowsCoreDefaults)
{
    std::string out;
    ASSERT_EQ(test::runCommand(test::cliPath() + " collect --help", &out), 0) << out;
    EXPECT_TRUE(has(out, "[default: " + dtypeName(CollectParams{}.dtype) + "]")) << out;
    EXPECT_TRUE(has(out, "[default: " + std::to_string(CollectParams{}.maxLength) + "]")) << out;
    ASSERT_EQ(test::runCommand(test::cliPath() + " train --help", &out), 0) << out;
    EXPECT_TRUE(has(out, "[default: " + numberText(sp::TrainParams{}.learningRate) + "]")) << out;
}
