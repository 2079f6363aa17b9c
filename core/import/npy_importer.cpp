// --format npy: the generic path. Each input is an .npz archive or a folder of .npy files
// holding, per routed token, expert ids [N, L, k] (any integer dtype), token ids [N] and the
// sequence lengths [S] (sum N); optionally router weights [N, L, k] (float16/32), prompt
// lengths [S] (the rest of a sequence was generated) and integer request ids [S].
#include "core/import/array_files.h"
#include "core/import/importers.h"
#include "core/util/error.h"

#include <cstdint>

namespace specmoe::import {
namespace {

const std::vector<std::string> kIds = {"expert_ids", "topk_ids", "ids"};
const std::vector<std::string> kTokens = {"token_ids", "tokens"};
const std::vector<std::string> kLengths = {"seq_lens", "lengths", "sequence_lengths"};
const std::vector<std::string> kWeights = {"weights", "topk_weights"};

std::string need(const ArrayFiles& files, const std::vector<std::string>& names, const char* what)
{
    const std::string found = files.find(names);
    if (found.empty()) {
        std::string accepted;
        for (const auto& n : names)
            accepted += (accepted.empty() ? "" : " or ") + n;
        throw Error(files.input() + ": no " + what + " array (named " + accepted + "; the input holds: " +
                    files.listing() + ")");
    }
    return found;
}

ImportInput readOne(const std::string& path)
{
    const ArrayFiles files(path);
    const std::string idsName = need(files, kIds, "expert id");
    const std::string tokensName = need(files, kTokens, "token id");
    const std::string lengthsName = need(files, kLengths, "sequence length");
    const std::string weightsName = files.find(kWeights);
    ImportInput in;
    in.path = path;
    auto ids = files.open(idsName);
    std::tie(in.slots, in.topk) = checkIdArray(*ids);
    const int64_t rows = ids->info().shape[0];
    if (!weightsName.empty()) {
        auto w = files.open(weightsName);
        if (w->info().kind != NpyKind::Float)
            throw Error(w->label() + ": dtype '" + w->info().descr + "' is not a float type (accepted: float16, float32)");
        if (w->info().shape != ids->info().shape)
            throw Error(w->label() + ": weights must have the shape of " + ids->label());
        in.hasWeights = true;
    }
    auto tokens = files.open(tokensName);
    if (tokens->info().shape.size() != 1 || tokens->info().kind == NpyKind::Float)
        throw Error(tokens->label() + ": token ids must be a 1-D integer array (dtype '" + tokens->info().descr + "')");
    if (tokens->info().shape[0] != rows)
        throw Error(tokens->label() + ": " + std::to_string(tokens->info().shape[0]) + " token ids for " +
                    std::to_string(rows) + " routing rows in " + ids->label() + " (one per routed token expected)");
    // Lengths are int32 in a trace; the bound also keeps their sum from overflowing.
    const std::vector<int64_t> lengths = files.readVector(lengthsName, 1, INT32_MAX);
    std::vector<int64_t> prompt = lengths;
    if (!files.find({"prompt_lens"}).empty()) {
        prompt = files.readVector("prompt_lens", 0, INT32_MAX);
        if (prompt.size() != lengths.size())
            throw Error(path + ": prompt_lens has " + std::to_string(prompt.size()) + " values for " +
                        std::to_string(lengths.size()) + " sequences");
    }
    std::vector<int64_t> requests;
    if (!files.find({"request_ids"}).empty()) {
        requests = files.readVector("request_ids", INT64_MIN);
        if (requests.size() != lengths.size())
            throw Error(path + ": request_ids has " + std::to_string(requests.size()) + " values for " +
                        std::to_string(lengths.size()) + " sequences");
    }
    int64_t sum = 0;
    for (size_t s = 0; s < lengths.size(); ++s) {
        if (prompt[s] > lengths[s])
            throw Error(path + ": sequence " + std::to_string(s) + ": prompt length " + std::to_string(prompt[s]) +
                        " exceeds its length " + std::to_string(lengths[s]));
        ImportSequence q;
        q.requestId = requests.empty() ? "" : std::to_string(requests[s]);
        q.tokens = q.routeRows = lengths[s];
        q.promptTokens = prompt[s];
        in.sequences.push_back(std::move(q));
        sum += lengths[s];
    }
    if (sum != rows)
        throw Error(path + ": the sequence lengths (" + lengthsName + ") add up to " + std::to_string(sum) +
                    " tokens, " + ids->label() + " holds " + std::to_string(rows) + " rows");
    in.open = [path, idsName, weightsName, tokensName]() -> std::unique_ptr<RowStream> {
        return std::make_unique<NpyRowStream>(ArrayFiles(path), idsName, weightsName, tokensName);
    };
    return in;
}

} // namespace

std::vector<ImportInput> readNpyInputs(const ImportParams& params)
{
    std::vector<ImportInput> out;
    for (const std::string& path : params.inputs)
        out.push_back(readOne(path));
    return out;
}

} // namespace specmoe::import
