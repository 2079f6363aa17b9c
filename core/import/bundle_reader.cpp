// The import bundle v1: one .npz per batch of requests, written by the Python snippets of
// docs/trace-import.md from vLLM's or SGLang's request outputs (docs/dev/engine-trace-formats.md
// section 1.2). Only the structure is checked here; the run checks every value.
#include "core/import/array_files.h"
#include "core/import/importers.h"
#include "core/util/error.h"
#include "core/util/json_error.h"

#include <algorithm>
#include <cstdint>

namespace specmoe::import {
namespace {

nlohmann::json readMeta(const ArrayFiles& files)
{
    auto r = files.open("meta_json");
    const std::string label = r->label();
    if (r->info().shape.size() != 1 || r->info().kind != NpyKind::Unsigned || r->info().itemBytes != 1)
        throw Error(label + ": meta_json must be a 1-D uint8 array of UTF-8 JSON text (dtype is '" + r->info().descr +
                    "')");
    std::vector<int64_t> bytes(size_t(r->remaining()));
    r->readInt64(bytes.size(), bytes.data());
    std::string text(bytes.begin(), bytes.end());
    nlohmann::json meta;
    try {
        meta = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        throw Error(label + ": not JSON (" + jsonErrorText(e) + ")");
    }
    if (!meta.is_object())
        throw Error(label + ": must be a JSON object");
    if (meta.value("bundle_version", 0) != 1)
        throw Error(label + ": bundle_version is " + (meta.contains("bundle_version") ? meta["bundle_version"].dump()
                                                                                       : std::string("missing")) +
                    "; this build reads bundle version 1");
    return meta;
}

std::string text(const nlohmann::json& meta, const char* key)
{
    auto it = meta.find(key);
    return it != meta.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> requestIds(const nlohmann::json& meta, size_t count, const std::string& label)
{
    std::vector<std::string> ids(count);
    auto it = meta.find("request_ids");
    if (it == meta.end())
        return ids;
    if (!it->is_array() || it->size() != count)
        throw Error(label + "[meta_json]: 'request_ids' must list one string per sequence (" + std::to_string(count) +
                    ")");
    for (size_t i = 0; i < count; ++i)
        ids[i] = (*it)[i].is_string() ? (*it)[i].get<std::string>() : (*it)[i].dump();
    return ids;
}

// "sequence 3 (request 'r7')", the way errors name a sequence.
std::string seqName(size_t s, const std::string& requestId)
{
    return "sequence " + std::to_string(s) + (requestId.empty() ? "" : " (request '" + requestId + "')");
}

} // namespace

ImportInput readBundle(const std::string& path, const BundleRules& rules)
{
    const ArrayFiles files(path);
    for (const char* need : {"expert_ids", "token_ids", "prompt_lens", "gen_lens", "route_rows", "meta_json"})
        if (files.find({need}).empty())
            throw Error(path + ": not an import bundle: no '" + std::string(need) + "' array (it holds: " +
                        files.listing() + "; see docs/trace-import.md)");
    const nlohmann::json meta = readMeta(files);
    const std::string engine = text(meta, "engine");
    if (std::find(rules.engines.begin(), rules.engines.end(), engine) == rules.engines.end()) {
        std::string accepted;
        for (const auto& e : rules.engines)
            accepted += (accepted.empty() ? "'" : ", '") + e + "'";
        throw Error(path + "[meta_json]: engine is '" + engine + "'; --format " + rules.format +
                    " reads bundles whose engine is " + accepted + " (pick the --format that wrote it)");
    }

    ImportInput in;
    in.path = path;
    in.modelName = text(meta, "model");
    in.engineVersion = text(meta, "engine_version");
    if (meta.contains("hf_config") && meta["hf_config"].is_object())
        in.modelConfig = meta["hf_config"];
    else if (meta.contains("num_experts") || meta.contains("moe_layer_numbers"))
        in.modelConfig = meta; // Megatron-style description in the meta itself

    auto ids = files.open("expert_ids");
    std::tie(in.slots, in.topk) = checkIdArray(*ids);
    const int64_t rows = ids->info().shape[0];
    const std::string weights = files.find({"weights"});
    if (!weights.empty()) {
        auto w = files.open(weights);
        if (w->info().kind != NpyKind::Float)
            throw Error(w->label() + ": dtype '" + w->info().descr + "' is not a float type (accepted: float16, float32)");
        if (w->info().shape != ids->info().shape)
            throw Error(w->label() + ": weights must have the shape of expert_ids");
        in.hasWeights = true;
    }
    // Positions and lengths are int32 in a trace; bounding each value also keeps the sums
    // below from overflowing.
    constexpr int64_t kMaxLength = INT32_MAX;
    const std::vector<int64_t> prompt = files.readVector("prompt_lens", 0, kMaxLength);
    const std::vector<int64_t> gen = files.readVector("gen_lens", 0, kMaxLength);
    const std::vector<int64_t> routeRows = files.readVector("route_rows", 0, kMaxLength);
    std::vector<int64_t> routeStart(prompt.size(), 0);
    if (!files.find({"route_start"}).empty())
        routeStart = files.readVector("route_start", 0, kMaxLength);
    const size_t S = prompt.size();
    if (gen.size() != S || routeRows.size() != S || routeStart.size() != S)
        throw Error(path + ": prompt_lens, gen_lens, route_start and route_rows must have one value per sequence "
                           "(lengths " + std::to_string(S) + ", " + std::to_string(gen.size()) + ", " +
                    std::to_string(routeStart.size()) + ", " + std::to_string(routeRows.size()) + ")");
    const std::vector<std::string> requests = requestIds(meta, S, path);
    int64_t tokenSum = 0, rowSum = 0;
    for (size_t s = 0; s < S; ++s) {
        const int64_t total = prompt[s] + gen[s];
        const int64_t end = routeStart[s] + routeRows[s];
        // Engines route every token they feed back: all but the last sampled one. A request
        // that generated nothing may have routed its whole prompt.
        const bool ok = total > 0 && (end == total - 1 || (gen[s] == 0 && end == total));
        if (!ok)
            throw Error(path + ": " + seqName(s, requests[s]) + ": " + std::to_string(routeRows[s]) +
                        " routing rows from position " + std::to_string(routeStart[s]) + " for " +
                        std::to_string(prompt[s]) + " prompt + " + std::to_string(gen[s]) +
                        " generated tokens; the rows must cover every token but the last sampled one (route_start + "
                        "route_rows = " + std::to_string(total - 1) + ")");
        ImportSequence q;
        q.requestId = requests[s];
        q.tokens = total;
        q.promptTokens = prompt[s];
        q.routeStart = routeStart[s];
        q.routeRows = routeRows[s];
        in.sequences.push_back(std::move(q));
        tokenSum += total;
        rowSum += routeRows[s];
    }
    auto tokens = files.open("token_ids");
    if (tokens->info().shape.size() != 1 || tokens->info().kind == NpyKind::Float)
        throw Error(tokens->label() + ": token ids must be a 1-D integer array (dtype '" + tokens->info().descr + "')");
    if (tokens->info().shape[0] != tokenSum)
        throw Error(tokens->label() + ": " + std::to_string(tokens->info().shape[0]) +
                    " token ids, but prompt_lens + gen_lens add up to " + std::to_string(tokenSum));
    if (rows != rowSum)
        throw Error(ids->label() + ": " + std::to_string(rows) + " routing rows, but route_rows adds up to " +
                    std::to_string(rowSum));
    in.open = [path, weights]() -> std::unique_ptr<RowStream> {
        const ArrayFiles f(path);
        return std::make_unique<NpyRowStream>(f, "expert_ids", weights, "token_ids");
    };
    return in;
}

} // namespace specmoe::import
