// --format megatron: the JSONL files Megatron-Core writes with --moe-routing-trace-path
// (router_trace_rank<R>.jsonl: one record per step and router call, `layer`, `num_tokens`,
// `topk`, `top_indices` [num_tokens][k]; docs/trace-import.md, "Megatron-Core"). Records
// carry no token ids and no request boundaries: each router call of a (rank, step) becomes
// a sequence (or --micro-batch B sequences, de-interleaved), token ids unknown. Only MoE
// layers are recorded; `block: "mtp"` records are skipped. The whole trace is held in
// memory (4 bytes per id) while it is checked and written. An .npz input is instead an
// import bundle of the inference engine's per-request `routing_indices` (engine
// "megatron-core"), read like vLLM's.
#include "core/import/importers.h"
#include "core/util/error.h"
#include "core/util/json_error.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

namespace fs = std::filesystem;

namespace specmoe::import {
namespace {

using nlohmann::json;

struct Call {
    std::map<int, std::vector<int32_t>> byLayer; // layer value -> [num_tokens, k]
    int64_t rows = -1;
    std::string where; // file:line of its first record
};

struct Trace {
    std::map<std::tuple<int64_t, int64_t, int64_t>, Call> calls; // (rank, step, call index)
    std::set<int> layers;
    int topk = 0;
    int64_t mtpSkipped = 0;
};

struct SeqRef {
    const Call* call;
    int part, parts;
};

int64_t field(const json& rec, const char* key, const std::string& where, int64_t lo)
{
    auto it = rec.find(key);
    if (it == rec.end() || !it->is_number_integer() || it->get<int64_t>() < lo)
        throw Error(where + ": field '" + std::string(key) + "' must be an integer >= " + std::to_string(lo) +
                    (it == rec.end() ? " (missing)" : " (it is " + it->dump() + ")"));
    return it->get<int64_t>();
}

void readRecord(const json& rec, const std::string& where, Trace& t, std::map<std::tuple<int64_t, int64_t, int>, int64_t>& seen)
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
    const int64_t callIndex = seen[{rank, step, layer}]++;
    Call& call = t.calls[{rank, step, callIndex}];
    if (call.where.empty())
        call.where = where;
    if (call.rows >= 0 && call.rows != rows)
        throw Error(where + ": rank " + std::to_string(rank) + " step " + std::to_string(step) + " call " +
                    std::to_string(callIndex) + ": layer " + std::to_string(layer) + " has " + std::to_string(rows) +
                    " tokens, other layers of the call have " + std::to_string(call.rows) + " (ragged)");
    call.rows = rows;
    std::vector<int32_t>& ids = call.byLayer[layer];
    ids.reserve(size_t(rows * k));
    for (int64_t r = 0; r < rows; ++r) {
        const json& row = (*ti)[size_t(r)];
        if (!row.is_array() || int64_t(row.size()) != k)
            throw Error(where + ": top_indices row " + std::to_string(r) + " does not hold topk (" + std::to_string(k) +
                        ") ids");
        for (const json& v : row) {
            if (!v.is_number_integer() || v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)
                throw Error(where + ": top_indices row " + std::to_string(r) + " holds " + v.dump() +
                            ", not an expert id");
            ids.push_back(int32_t(v.get<int64_t>()));
        }
    }
    t.layers.insert(layer);
}

std::vector<std::string> traceFiles(const std::string& input)
{
    std::error_code ec;
    if (!fs::is_directory(input, ec))
        return {input};
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(input, ec)) {
        const std::string n = e.path().filename().string();
        if (n.rfind("router_trace_rank", 0) == 0 && n.size() > 6 && n.compare(n.size() - 6, 6, ".jsonl") == 0)
            files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    if (files.empty())
        throw Error(input + ": the folder holds no router_trace_rank*.jsonl file (what --moe-routing-trace-path "
                            "writes)");
    return files;
}

class CallRows : public RowStream {
public:
    CallRows(std::shared_ptr<const Trace> t, std::vector<SeqRef> seqs) : m_t(std::move(t)), m_seqs(std::move(seqs))
    {
        for (int l : m_t->layers)
            m_layers.push_back(l);
    }
    void readRows(size_t rows, int64_t* ids, float*) override
    {
        advance();
        const SeqRef& s = m_seqs[m_seq];
        const size_t k = size_t(m_t->topk);
        for (size_t i = 0; i < rows; ++i) {
            const size_t src = size_t(s.part) + (m_row + i) * size_t(s.parts);
            for (size_t l = 0; l < m_layers.size(); ++l) {
                const int32_t* from = s.call->byLayer.at(m_layers[l]).data() + src * k;
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
        while (m_seq < m_seqs.size() && m_row >= size_t(m_seqs[m_seq].call->rows / m_seqs[m_seq].parts)) {
            ++m_seq;
            m_row = 0;
        }
        if (m_seq >= m_seqs.size())
            throw Error("internal: read beyond the Megatron trace's last call");
    }
    std::shared_ptr<const Trace> m_t;
    std::vector<SeqRef> m_seqs;
    std::vector<int> m_layers;
    size_t m_seq = 0, m_row = 0;
};

ImportInput readOne(const std::string& input, const ImportParams& params)
{
    auto t = std::make_shared<Trace>();
    std::map<std::tuple<int64_t, int64_t, int>, int64_t> seen; // calls so far per (rank, step, layer)
    for (const std::string& file : traceFiles(input)) {
        std::ifstream in(file, std::ios::binary);
        if (!in)
            throw Error(file + ": cannot open");

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
            readRecord(rec, where, *t, seen);
        }
        if (in.bad())
            throw Error(file + ": read error");
    }
    if (t->calls.empty())
        throw Error(input + ": no decoder routing records");
    ImportInput out;
    out.path = input;
    out.slots = int(t->layers.size());
    out.topk = t->topk;
    out.hasTokens = false;
    out.slotsAreMoeLayers = true;
    out.slotLayerValues.assign(t->layers.begin(), t->layers.end());
    if (t->topk > kMaxTopk)
        throw Error(input + ": topk is " + std::to_string(t->topk) + "; at most " + std::to_string(kMaxTopk) +
                    " experts per token are accepted");
    if (t->mtpSkipped)
        out.warnings.push_back(input + ": " + std::to_string(t->mtpSkipped) + " MTP record(s) skipped");
    const int parts = std::max(1, params.microBatch);
    std::vector<SeqRef> refs;
    for (const auto& [key, call] : t->calls) {
        const auto [rank, step, index] = key;
        const std::string name = "rank " + std::to_string(rank) + " step " + std::to_string(step) + " call " +
                                 std::to_string(index);
        if (int(call.byLayer.size()) != out.slots) {
            std::string missing;
            for (int l : t->layers)
                if (!call.byLayer.count(l))
                    missing += (missing.empty() ? "" : ",") + std::to_string(l);
            throw Error(call.where + ": " + name + " has no record of layer(s) " + missing +
                        " that other calls have (an incomplete step; with pipeline parallelism import one "
                        "stage's ranks together)");
        }
        if (call.rows % parts != 0)
            throw Error(call.where + ": " + name + " has " + std::to_string(call.rows) +
                        " tokens, not a multiple of --micro-batch " + std::to_string(parts));
        for (int b = 0; b < parts; ++b) {
            if (call.rows / parts == 0)
                continue;
            ImportSequence q;
            q.requestId = "r" + std::to_string(rank) + "/s" + std::to_string(step) + "/c" + std::to_string(index) +
                          (parts > 1 ? "/b" + std::to_string(b) : "");
            q.tokens = q.routeRows = q.promptTokens = call.rows / parts;
            out.sequences.push_back(std::move(q));
            refs.push_back(SeqRef{&call, b, parts});
        }
    }
    out.open = [t, refs]() -> std::unique_ptr<RowStream> { return std::make_unique<CallRows>(t, refs); };
    return out;
}

} // namespace

std::vector<ImportInput> readMegatronInputs(const ImportParams& params)
{
    std::vector<ImportInput> out;
    for (const std::string& path : params.inputs) {
        // Per-request routing_indices of the dynamic inference engine, saved as a bundle.
        const bool bundle = path.size() > 4 && path.compare(path.size() - 4, 4, ".npz") == 0;
        out.push_back(bundle ? readBundle(path, BundleRules{"megatron", {"megatron-core"}}) : readOne(path, params));
    }
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
                        "(check the model configuration; a pipeline-parallel run numbers layers per stage)");
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
