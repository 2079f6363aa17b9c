// --format megatron: the JSONL files Megatron-Core writes with --moe-routing-trace-path
// (router_trace_rank<R>.jsonl: one record per step and router call, `layer`, `num_tokens`,
// `topk`, `top_indices` [num_tokens][k]; docs/trace-import.md, "Megatron-Core"). Records
// carry no token ids and no request boundaries: each router call of a (pipeline, step)
// becomes a sequence (or --micro-batch B sequences, de-interleaved), token ids unknown. Only
// MoE layers are recorded; `block: "mtp"` records are skipped. All JSONL inputs of one import
// are read together: with pipeline parallelism each stage's ranks record only their own
// layers, and the stages' records of one call are joined into one sequence with every layer
// (megatron_pipeline.cpp). The whole trace is held in memory (4 bytes per id) while it is
// checked and written. An .npz input is instead an import bundle of the inference engine's
// per-request `routing_indices` (engine "megatron-core"), read like vLLM's.
#include "core/import/importers.h"
#include "core/import/megatron_records.h"
#include "core/util/error.h"
#include "core/util/json_error.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace specmoe::import {
namespace {

using nlohmann::json;
using megatron::Call;
using megatron::Records;

int64_t field(const json& rec, const char* key, const std::string& where, int64_t lo)
{
    auto it = rec.find(key);
    if (it == rec.end() || !it->is_number_integer() || it->get<int64_t>() < lo)
        throw Error(where + ": field '" + std::string(key) + "' must be an integer >= " + std::to_string(lo) +
                    (it == rec.end() ? " (missing)" : " (it is " + it->dump() + ")"));
    return it->get<int64_t>();
}

void readRecord(const json& rec, const std::string& where, Records& t)
{
    if (!rec.is_object())
        throw Error(where + ": not a JSON object");
    if (rec.value("block", std::string("decoder")) != "decoder") {
        ++t.mtpSkipped;
        return;
    }
    const int64_t step = field(rec, "step", where, 0), rank = field(rec, "rank", where, 0);
    const int layer = int(std::min<int64_t>(field(rec, "layer", where, 0), INT_MAX));
    const int64_t rows = field(rec, "num_tokens", where, 0);
    const int64_t k = field(rec, "topk", where, 1);
    if (t.topk == 0)
        t.topk = int(std::min<int64_t>(k, INT_MAX));
    if (k != t.topk)
        throw Error(where + ": topk is " + std::to_string(k) + ", earlier records have " + std::to_string(t.topk));
    auto ti = rec.find("top_indices");
    if (ti == rec.end() || !ti->is_array() || int64_t(ti->size()) != rows)
        throw Error(where + ": 'top_indices' must list num_tokens (" + std::to_string(rows) + ") rows");
    megatron::Rank& r = t.ranks[rank];
    const int64_t callIndex = r.seen[{step, layer}]++;
    Call& call = r.calls[{step, callIndex}];
    if (call.where.empty())
        call.where = where;
    if (call.rows >= 0 && call.rows != rows)
        throw Error(where + ": rank " + std::to_string(rank) + " step " + std::to_string(step) + " call " +
                    std::to_string(callIndex) + ": layer " + std::to_string(layer) + " has " + std::to_string(rows) +
                    " tokens, other layers of the call have " + std::to_string(call.rows) + " (ragged)");
    call.rows = rows;
    megatron::LayerIds& out = call.byLayer[layer];
    out.where = where;
    std::vector<int32_t>& ids = out.ids;
    ids.reserve(size_t(rows * k));
    for (int64_t i = 0; i < rows; ++i) {
        const json& row = (*ti)[size_t(i)];
        if (!row.is_array() || int64_t(row.size()) != k)
            throw Error(where + ": top_indices row " + std::to_string(i) + " does not hold topk (" + std::to_string(k) +
                        ") ids");
        for (const json& v : row) {
            if (!v.is_number_integer() || v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)
                throw Error(where + ": top_indices row " + std::to_string(i) + " holds " + v.dump() +
                            ", not an expert id");
            const int32_t x = int32_t(v.get<int64_t>());
            // The training hook lists ids ascending (from the routing map); top-k output does not.
            if (!ids.empty() && size_t(ids.size()) % size_t(k) != 0 && x < ids.back())
                t.someRowNotAscending = true;
            ids.push_back(x);
        }
    }
    if (r.firstRecord.empty())
        r.firstRecord = where;
}

// Rank R of a router_trace_rank<R>.jsonl name; -1 for another name.
int64_t rankOfName(const std::string& name)
{
    const std::string pre = "router_trace_rank", post = ".jsonl";
    if (name.size() <= pre.size() + post.size() || name.rfind(pre, 0) != 0 ||
        name.compare(name.size() - post.size(), post.size(), post) != 0)
        return -1;
    const std::string digits = name.substr(pre.size(), name.size() - pre.size() - post.size());
    if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
        return -1;
    return std::stoll(digits);
}

std::vector<std::string> traceFiles(const std::string& input)
{
    std::error_code ec;
    if (!fs::is_directory(input, ec))
        return {input};
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(input, ec))
        if (rankOfName(e.path().filename().string()) >= 0)
            files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    if (files.empty())
        throw Error(input + ": the folder holds no router_trace_rank*.jsonl file (what --moe-routing-trace-path "
                            "writes)");
    return files;
}

void readFile(const std::string& file, Records& t)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error(file + ": cannot open: " + std::strerror(errno));
    // Every rank creates its file, also a rank whose stage holds no MoE layer (no record).
    const int64_t named = rankOfName(fs::path(file).filename().string());
    if (named >= 0)
        t.filesOfRank[named] = file;
    std::string line;
    for (int64_t lineNo = 1; std::getline(in, line); ++lineNo) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        const std::string where = file + ":" + std::to_string(lineNo);
        json rec;
        try {
            rec = json::parse(line);
        } catch (const std::exception& e) {
            throw Error(where + ": not a JSON record (" + jsonErrorText(e) + ")");
        }
        readRecord(rec, where, t);
    }
    if (in.bad())
        throw Error(file + ": read error");
}

class CallRows : public RowStream {
public:
    CallRows(std::shared_ptr<const megatron::Joined> t, std::vector<megatron::SeqRef> seqs)
        : m_t(std::move(t)), m_seqs(std::move(seqs))
    {
    }
    void readRows(size_t rows, int64_t* ids, float*) override
    {
        advance();
        const megatron::SeqRef& s = m_seqs[m_seq];
        const megatron::JoinedCall& call = m_t->calls[s.call];
        const size_t k = size_t(m_t->topk);
        for (size_t i = 0; i < rows; ++i) {
            const size_t src = size_t(s.part) + (m_row + i) * size_t(s.parts);
            for (const std::vector<int32_t>* layer : call.layers) {
                const int32_t* from = layer->data() + src * k;
                for (size_t j = 0; j < k; ++j)
                    *ids++ = from[j];
            }
        }
        m_row += rows;
    }
    void skipRows(size_t rows) override
    {
        advance();
        m_row += rows;
    }
    void readTokens(size_t, int64_t*) override { throw Error("internal: Megatron traces hold no token ids"); }
    void skipTokens(size_t) override {}

private:
    // Moves to the next sequence once the current one is read.
    void advance()
    {
        while (m_seq < m_seqs.size() &&
               m_row >= size_t(m_t->calls[m_seqs[m_seq].call].rows / m_seqs[m_seq].parts)) {
            ++m_seq;
            m_row = 0;
        }
        if (m_seq >= m_seqs.size())
            throw Error("internal: read beyond the Megatron trace's last call");
    }
    std::shared_ptr<const megatron::Joined> m_t;
    std::vector<megatron::SeqRef> m_seqs;
    size_t m_seq = 0, m_row = 0;
};

ImportInput readJsonl(const std::vector<std::string>& inputs, const ImportParams& params)
{
    auto records = std::make_unique<Records>();
    for (const std::string& input : inputs)
        for (const std::string& file : traceFiles(input))
            readFile(file, *records);
    const std::string label = inputs.size() == 1 ? inputs.front() : inputs.front() + " (and the other JSONL inputs)";
    if (records->ranks.empty())
        throw Error(label + ": no decoder routing records");
    if (records->topk > kMaxTopk)
        throw Error(label + ": topk is " + std::to_string(records->topk) + "; at most " + std::to_string(kMaxTopk) +
                    " experts per token are accepted");
    const int topk = records->topk;
    const bool notAscending = records->someRowNotAscending;
    const int64_t mtpSkipped = records->mtpSkipped;
    auto joined = std::make_shared<megatron::Joined>(megatron::join(std::move(*records), params.pipelineLayers, label));
    records.reset();

    ImportInput out;
    out.path = inputs.front();
    if (inputs.size() > 1)
        out.paths = inputs;
    out.slots = int(joined->layers.size());
    out.topk = topk;
    out.hasTokens = false;
    out.slotsAreMoeLayers = true;
    out.slotLayerValues = joined->layers;
    if (topk == 1 || notAscending) {
        out.idsRanked = true; // Megatron's top-k output lists ids by score (torch.topk, sorted)
    } else {
        out.idsRanked = false;
        out.idOrderSource = "every record lists its ids ascending, as Megatron's training hook does (it reads "
                            "them off the routing map), so they are not in rank order";
    }
    if (mtpSkipped)
        out.warnings.push_back(label + ": " + std::to_string(mtpSkipped) + " MTP record(s) skipped");
    out.warnings.insert(out.warnings.end(), joined->notes.begin(), joined->notes.end());
    const int parts = std::max(1, params.microBatch);
    std::vector<megatron::SeqRef> refs;
    for (size_t c = 0; c < joined->calls.size(); ++c) {
        const megatron::JoinedCall& call = joined->calls[c];
        if (call.rows % parts != 0)
            throw Error(call.where + ": " + call.name + " has " + std::to_string(call.rows) +
                        " tokens, not a multiple of --micro-batch " + std::to_string(parts));
        for (int b = 0; b < parts; ++b) {
            if (call.rows / parts == 0)
                continue;
            ImportSequence q;
            q.requestId = call.requestId + (parts > 1 ? "/b" + std::to_string(b) : "");
            q.tokens = q.routeRows = q.promptTokens = call.rows / parts;
            out.sequences.push_back(std::move(q));
            refs.push_back(megatron::SeqRef{c, b, parts});
        }
    }
    out.open = [joined, refs]() -> std::unique_ptr<RowStream> { return std::make_unique<CallRows>(joined, refs); };
    return out;
}

} // namespace

std::vector<ImportInput> readMegatronInputs(const ImportParams& params)
{
    std::vector<ImportInput> out;
    std::vector<std::string> jsonl;
    size_t jsonlAt = 0;
    for (const std::string& path : params.inputs) {
        // Per-request routing_indices of the dynamic inference engine, saved as a bundle.
        const bool bundle = path.size() > 4 && path.compare(path.size() - 4, 4, ".npz") == 0;
        if (bundle) {
            out.push_back(readBundle(path, BundleRules{"megatron", {"megatron-core"}}));
            continue;
        }
        if (jsonl.empty())
            jsonlAt = out.size();
        jsonl.push_back(path);
    }
    if (!jsonl.empty())
        out.insert(out.begin() + long(jsonlAt), readJsonl(jsonl, params));
    return out;
}

std::vector<int> megatronDecoderLayers(const std::vector<int>& values, const ModelLayout& layout,
                                       LayerNumbering numbering, const std::string& label)
{
    std::vector<int> index0 = values, number1;
    for (int v : values)
        number1.push_back(v - 1);
    const bool known = !layout.moeLayers.empty();
    const std::string observed = layerListText(values);
    if (numbering == LayerNumbering::Auto) {
        if (known) {
            if (index0 == layout.moeLayers)
                return index0;
            if (number1 == layout.moeLayers)
                return number1;
            throw Error(label + ": the records' layer values " + observed + " match the model's MoE layers (" +
                        layerListText(layout.moeLayers) + ") neither as 0-based indices nor as 1-based numbers "
                        "(check the model configuration; a pipeline-parallel training run numbers layers within "
                        "each stage: give --pipeline-layers)");
        }
        if (!values.empty() && values.front() == 0)
            return index0;
        throw Error(label + ": cannot tell whether the layer values " + observed +
                    " are 0-based indices or 1-based numbers without the model's layer map; give --model-config, "
                    "--moe-layers or --megatron-layer-numbering index0|number1");
    }
    std::vector<int> out = numbering == LayerNumbering::Index0 ? index0 : number1;
    if (!out.empty() && out.front() < 0)
        throw Error(label + ": layer value 0 cannot be a 1-based layer number (--megatron-layer-numbering number1)");
    if (known && out != layout.moeLayers)
        throw Error(label + ": the records' layers " + layerListText(out) + " (" + layerNumberingName(numbering) +
                    ") are not the model's MoE layers " + layerListText(layout.moeLayers));
    return out;
}

} // namespace specmoe::import
