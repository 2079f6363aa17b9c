#include "app/cli/simulate_options.h"

#include "core/speculate/train.h"

#include <cmath>
#include <sstream>

namespace specmoe::cli {

namespace sim = specmoe::simulate;
namespace sp = specmoe::speculate;

namespace {

std::vector<std::string> splitList(const std::string& text)
{
    std::vector<std::string> out;
    std::stringstream s(text);
    std::string item;
    while (std::getline(s, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

std::vector<double> parseDoubleList(const std::string& text, const std::string& option, double lo)
{
    std::vector<double> out;
    for (const std::string& item : splitList(text)) {
        size_t used = 0;
        double v = 0;
        try {
            v = std::stod(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != item.size() || !std::isfinite(v) || v < lo)
            throw UsageError("option --" + option + ": '" + item + "' is not a number >= " + numberText(lo));
        out.push_back(v);
    }
    return out;
}

std::string policiesText(const std::vector<sim::Policy>& policies)
{
    std::string s;
    for (sim::Policy p : policies)
        s += (s.empty() ? "" : ",") + std::string(sim::policyName(p));
    return s;
}

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ",") + x;
    return s;
}

std::string profileNames()
{
    std::string s;
    for (const auto& p : sim::hardwareProfiles())
        s += (s.empty() ? "" : ", ") + p.name;
    return s;
}

} // namespace

void declareSimulateOptions(ArgParser& p, const sim::SimulateParams& d)
{
    p.multiOption("traces", "DIR", "trace folder (repeat for several of one model)");
    p.option("out", "DIR", "output folder for simulation.json and simulation.csv");
    p.option("split", "NAME", "sequences replayed: train, validation, test or all", sp::splitSelectionName(d.split));
    p.option("seed", "N", "seed of the split (train's --seed; a trained predictor's own split wins)",
             numberText(d.splitSpec.seed));
    p.option("train-fraction", "X", "train's --train-fraction", numberText(d.splitSpec.trainFraction));
    p.option("val-fraction", "X", "train's --val-fraction", numberText(d.splitSpec.validationFraction));
    p.option("max-tokens", "N", "replay at most N tokens of the split (0 = all)", numberText(d.maxTokens));
    p.flag("decode-only", "replay only the tokens a trace marks as generated (default: every token, in order)");
    p.option("batch", "B", "sequences decoded together", numberText(d.batch));
    p.option("warmup", "N", "decode steps run before counting", numberText(d.warmupSteps));
    p.option("model", "NAME|DIR",
             "expert sizes: a preset (" + [] {
                 std::string s;
                 for (const auto& m : sim::modelShapes())
                     s += (s.empty() ? "" : ", ") + m.name;
                 return s;
             }() + ") or a checkpoint folder with config.json (default: the traces' model)");
    p.option("dtype", "NAME", "how experts are stored: bf16, int8 or int4", sim::storageDTypeName(d.storage));
    p.option("profile", "NAME", "hardware profile: " + profileNames(), d.hardware.name);
    p.option("profile-file", "FILE", "hardware profile as JSON (fields absent keep --profile's; see --show-profile)");
    p.flag("show-profile", "print the chosen profile as JSON and exit (a start for --profile-file)");
    p.option("link-gbps", "LIST", "link bandwidths in GB/s to sweep (default: the profile's)");
    p.option("latency-us", "X", "link latency per transfer in microseconds (default: the profile's)");
    p.option("compute-ms", "X", "measured compute time per layer in ms, instead of the profile's arithmetic",
             numberText(d.computeMsPerLayer));
    p.option("measure-compute", "DIR",
             "time our runtime's forward of checkpoint DIR for one decode step of --batch on --device, and use "
             "its time per layer instead of --compute-ms or the profile");
    p.option("cache", "LIST", "cache sizes to sweep, in experts per layer (default: half the experts)",
             listText(d.cacheExperts, ""));
    p.option("cache-gb", "LIST", "cache sizes to sweep, as GB of expert memory (shared experts included)");
    p.option("policy", "LIST", "replacement policies: lru, lfu, static, belady", policiesText(d.policies));
    p.flag("no-protect", "let the cache evict prefetched experts before their layer has run");
    p.option("predictors", "LIST",
             "prefetch drivers beside none and oracle: frequency, markov, lookahead (counted on the training "
             "split), RUN or RUN:MODEL (a trained run or exported predictor)",
             joined(d.predictors));
    p.option("horizon", "LIST", "prefetch horizons h (layers ahead)", listText(d.horizons, ""));
    p.option("budget", "LIST", "experts prefetched per layer m (default: top-k)", listText(d.budgets, ""));
    p.option("device", "DEV", std::string("where trained predictors (and --measure-compute) run: ") + kDeviceNames,
             deviceName(d.device));
    p.option("threads", "N", "replay threads (0 = the cores)", numberText(d.threads));
    p.flag("quiet", "no progress or table");
}

sim::SimulateParams readSimulateOptions(const ArgParser& a, const sim::SimulateParams& defaults)
{
    sim::SimulateParams p = defaults;
    p.traceDirs = a.getAll("traces");
    p.split = parseOption<std::optional<sp::Split>>(a, "split", sp::parseSplitSelection);
    p.splitSpec.seed = uint64_t(a.getInt("seed"));
    p.splitSpec.trainFraction = a.getDouble("train-fraction", 0, 1);
    p.splitSpec.validationFraction = a.getDouble("val-fraction", 0, 1);
    if (p.splitSpec.trainFraction + p.splitSpec.validationFraction > 1.0 + 1e-9)
        throw UsageError("options --train-fraction " + a.get("train-fraction") + " and --val-fraction " +
                         a.get("val-fraction") + " sum to more than 1 (accepted: each >= 0, their sum <= 1)");
    p.maxTokens = a.getInt("max-tokens", 0, INT64_MAX);
    p.decodeOnly = a.flagSet("decode-only");
    p.batch = int(a.getInt("batch", 1, 4096));
    p.warmupSteps = a.getInt("warmup", 0, INT64_MAX);
    p.model = a.get("model");
    p.storage = parseOption<sim::StorageDType>(a, "dtype", sim::parseStorageDType);
    p.hardware = parseOption<sim::HardwareProfile>(a, "profile", sim::hardwareProfile);
    if (a.has("profile-file"))
        p.hardware = sim::loadProfile(a.get("profile-file"), p.hardware);
    if (a.has("latency-us"))
        p.hardware.linkLatencyUs = a.getDouble("latency-us", 0, INFINITY);
    p.linkGBps = parseDoubleList(a.get("link-gbps"), "link-gbps", 1e-6);
    p.computeMsPerLayer = a.getDouble("compute-ms", 0, INFINITY);
    p.measureComputeModel = a.get("measure-compute");
    p.cacheExperts = parseIntList(a.get("cache"), "cache", 0, 65535);
    p.cacheGB = parseDoubleList(a.get("cache-gb"), "cache-gb", 0);
    p.policies.clear();
    for (const std::string& name : splitList(a.get("policy"))) {
        try {
            p.policies.push_back(sim::parsePolicy(name));
        } catch (const std::exception& e) {
            throw UsageError(std::string("--policy: ") + e.what());
        }
    }
    if (p.policies.empty())
        throw UsageError("--policy names no policy (accepted: lru, lfu, static, belady)");
    p.protectPrefetched = !a.flagSet("no-protect");
    p.predictors = splitList(a.get("predictors"));
    p.horizons = parseIntList(a.get("horizon"), "horizon", 1, 65535);
    if (p.horizons.empty())
        throw UsageError("--horizon names no horizon");
    p.budgets = parseIntList(a.get("budget"), "budget", 1, 65535);
    p.device = parseOption<DeviceSpec>(a, "device", parseDevice);
    p.threads = int(a.getInt("threads", 0, kMaxThreads));
    return p;
}

} // namespace specmoe::cli
