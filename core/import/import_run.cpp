// The import run: read every input's structure, resolve the layer map, check every value,
// then write and verify (import_run.h). One class, one member per stage.
#include "core/import/import_run.h"

#include "core/import/importers.h"
#include "core/import/row_check.h"
#include "core/trace/token_id.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/checksum.h"
#include "core/util/path_json.h"
#include "core/util/utf8.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <climits>
#include <filesystem>

namespace fs = std::filesystem;

namespace specmoe::import {
namespace {

constexpr size_t kChunkRows = 4096;    // rows read and checked at once
// Tokens handed to the trace writer at once: one HDF5 chunk, so that the writer's pending
// rows stay about a chunk long (a 64k-token block made them grow, fault in new pages and
// shift by memmove after every chunk written: 20 % of an import's time).
constexpr size_t kBlockTokens = size_t(kDefaultChunkTokens);

double processCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

std::string absolute(const std::string& p)
{
    std::error_code ec;
    const fs::path a = fs::absolute(p, ec);
    return ec ? p : a.lexically_normal().string();
}

uint64_t pathBytes(const std::string& p)
{
    std::error_code ec;
    if (!fs::is_directory(p, ec))
        return fs::file_size(p, ec);
    uint64_t n = 0;
    for (const auto& e : fs::directory_iterator(p, ec))
        if (e.is_regular_file(ec))
            n += e.file_size(ec);
    return n;
}

// When an input last changed: its modification time, or the latest of the files in a folder
// (rewriting a file in place leaves the folder's own time alone), in ns. A regenerated input
// of the same size (same shapes, other routing) must not pass for the one already imported.
int64_t pathChanged(const std::string& p)
{
    std::error_code ec;
    fs::file_time_type latest = fs::file_time_type::min();
    if (!fs::is_directory(p, ec)) {
        latest = fs::last_write_time(p, ec);
    } else {
        for (const auto& e : fs::directory_iterator(p, ec))
            if (e.is_regular_file(ec))
                latest = std::max(latest, fs::last_write_time(e.path(), ec));
    }
    // The clock's epoch is the library's: only equality across runs matters here.
    return int64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(latest.time_since_epoch()).count());
}

// The files or folders an input was read from (several for Megatron's joined JSONL).
std::vector<std::string> inputPaths(const ImportInput& in)
{
    return in.paths.empty() ? std::vector<std::string>{in.path} : in.paths;
}

std::string seqName(const ImportInput& in, size_t s)
{
    const std::string& req = in.sequences[s].requestId;
    return "sequence " + std::to_string(s) + (req.empty() ? "" : " (request '" + req + "')");
}

struct Counts {
    int64_t sequences = 0, tokens = 0; // to be stored
    int64_t droppedTokens = 0, droppedSequences = 0, denseNonZero = 0, unknownTokens = 0;
};

class ImportRun {
public:
    ImportRun(const ImportParams& params, const ProgressFn& progress) : m_params(params), m_progress(progress) {}

    ImportResult run()
    {
        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = processCpuSeconds();
        readInputs();
        resolveLayout();
        planLayers();
        resolveIdOrder();
        pass(nullptr);
        requireTokens();
        write();
        verify();
        m_result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        m_result.cpuSeconds = processCpuSeconds() - cpuStart;
        return m_result;
    }

private:
    void readInputs()
    {
        if (m_params.inputs.empty())
            throw Error("import: no input file given");
        if (m_params.outDir.empty())
            throw Error("import: no output folder given");
        switch (m_params.format) {
        case ImportFormat::Npy:
            m_inputs = readNpyInputs(m_params);
            break;
        case ImportFormat::Vllm:
            m_inputs = readVllmInputs(m_params);
            break;
        case ImportFormat::Sglang:
            m_inputs = readSglangInputs(m_params);
            break;
        case ImportFormat::Megatron:
            m_inputs = readMegatronInputs(m_params);
            break;
        }
        for (const ImportInput& in : m_inputs) {
            m_rowsTotal += in.totalRows();
            for (const std::string& p : inputPaths(in))
                m_result.inputBytes += pathBytes(p);
            m_result.warnings.insert(m_result.warnings.end(), in.warnings.begin(), in.warnings.end());
        }
    }

    void resolveLayout()
    {
        if (!m_params.modelConfig.empty()) {
            m_layout = layoutFromConfigFile(m_params.modelConfig);
        } else {
            const ImportInput* first = nullptr;
            for (const ImportInput& in : m_inputs) {
                if (in.modelConfig.is_null())
                    continue;
                const ModelLayout l = layoutFromConfig(in.modelConfig, in.path + "[meta_json]");
                if (!first) {
                    m_layout = l;
                    first = &in;
                } else if (l.toJson() != m_layout.toJson()) {
                    throw Error(in.path + ": describes another model than " + first->path + " (" + l.toJson().dump() +
                                " vs " + m_layout.toJson().dump() + "); import them separately");
                }
            }
        }
        if (m_layout.name.empty())
            m_layout.name = m_inputs.front().modelName;
        m_layout.overrideWith(m_params.layout);
        if (m_layout.experts <= 0)
            throw Error(m_inputs.front().path + ": the number of routed experts is not known: give --experts E or "
                                                "--model-config config.json (the inputs carry no model configuration)");
        if (uint64_t(m_layout.experts) >= uint64_t(kNoExpert))
            throw Error("import: " + std::to_string(m_layout.experts) + " experts; this build stores expert ids below " +
                        std::to_string(uint64_t(kNoExpert)));
        const ImportInput& first = m_inputs.front();
        for (const ImportInput& in : m_inputs) {
            if (in.topk != first.topk)
                throw Error(in.path + ": top-k is " + std::to_string(in.topk) + ", " + first.path + " has " +
                            std::to_string(first.topk));
            if (in.hasWeights != first.hasWeights)
                throw Error(in.path + ": " + (in.hasWeights ? "holds" : "lacks") + " router weights, " + first.path +
                            (first.hasWeights ? " holds them" : " lacks them") + "; import them separately");
        }
        if (m_layout.topk > 0 && m_layout.topk != first.topk)
            throw Error(first.path + ": the routing rows hold top-" + std::to_string(first.topk) +
                        ", the model configuration says " + std::to_string(m_layout.topk) + " experts per token");
        if (first.topk > m_layout.experts)
            throw Error(first.path + ": top-" + std::to_string(first.topk) + " of only " +
                        std::to_string(m_layout.experts) + " experts");
    }

    void planLayers()
    {
        for (const ImportInput& in : m_inputs) {
            LayerPlan plan;
            if (in.slotsAreMoeLayers) {
                plan.moeLayers = megatronDecoderLayers(in.slotLayerValues, m_layout, m_params.megatronNumbering, in.path);
                for (int i = 0; i < in.slots; ++i)
                    plan.keepSlots.push_back(i);
                plan.decoderLayers = m_layout.decoderLayers > 0 ? m_layout.decoderLayers : plan.moeLayers.back() + 1;
                if (plan.moeLayers.back() >= plan.decoderLayers)
                    throw Error(in.path + ": layer " + std::to_string(plan.moeLayers.back()) + " is beyond the model's " +
                                std::to_string(plan.decoderLayers) + " decoder layers");
            } else {
                plan = resolveLayerAxis(in.slots, m_layout, m_params.layerAxis, in.path);
            }
            if (!m_plans.empty() && (plan.moeLayers != m_plans.front().moeLayers ||
                                     plan.decoderLayers != m_plans.front().decoderLayers))
                throw Error(in.path + ": its layers resolve to MoE layers " + layerListText(plan.moeLayers) + " of " +
                            std::to_string(plan.decoderLayers) + ", " + m_inputs.front().path + "'s to " +
                            layerListText(m_plans.front().moeLayers) + " of " +
                            std::to_string(m_plans.front().decoderLayers));
            m_plans.push_back(std::move(plan));
        }
        const LayerPlan& p = m_plans.front();
        m_dims.layers = int(p.moeLayers.size());
        m_dims.experts = m_layout.experts;
        m_dims.topk = m_inputs.front().topk;
        m_dims.hasWeights = m_inputs.front().hasWeights;
        m_dims.sharedExperts = m_layout.sharedExperts;
        bool identity = p.decoderLayers == m_dims.layers;
        for (int i = 0; identity && i < m_dims.layers; ++i)
            identity = p.moeLayers[size_t(i)] == i;
        if (!identity) { // the default (empty, 0) stands for "every decoder layer is stored"
            m_dims.moeLayers = p.moeLayers;
            m_dims.decoderLayers = p.decoderLayers;
        }
    }

    // Whether the stored ids are in rank order (origin.ids_ranked): weights rank them (the
    // rows are sorted by weight as they are written); else --id-order, else what the inputs
    // say; an input that says nothing is stored as unordered, with a warning.
    void resolveIdOrder()
    {
        if (m_params.idOrder != IdOrder::Auto) {
            m_idsRanked = m_params.idOrder == IdOrder::Ranked;
        } else if (m_dims.hasWeights || m_dims.topk == 1) {
            m_idsRanked = true;
        } else {
            m_idsRanked = true;
            for (const ImportInput& in : m_inputs) {
                if (in.idsRanked.value_or(false))
                    continue;
                m_idsRanked = false;
                m_result.warnings.push_back(
                    in.path + ": " +
                    (in.idsRanked ? in.idOrderSource
                                  : std::string("the input does not say whether a token's expert ids are listed by "
                                                "router weight")) +
                    "; the trace is marked unordered (rank-specific analyses are skipped); give --id-order ranked "
                    "if they are");
                break;
            }
        }
        m_result.idsRanked = m_idsRanked;
    }

    // One pass over every input: checks only (writer null), or checks and writes.
    void pass(TraceWriter* writer)
    {
        m_rowsDone = 0;
        m_meter = ProgressMeter();
        m_block = RoutingBlock();
        m_block.dims = m_dims;
        const size_t lk = size_t(m_dims.layers) * size_t(m_dims.topk), most = kBlockTokens + kChunkRows;
        if (writer) { // a block passes kBlockTokens by one sequence: reserved for sequences of up to a chunk of rows
            m_block.tokenIds.reserve(most);
            m_block.positions.reserve(most);
            m_block.seqIds.reserve(most);
            m_block.topkIds.reserve(most * lk);
            if (m_dims.hasWeights)
                m_block.topkWeights.reserve(most * lk);
        }
        m_counts = Counts();
        int64_t seqId = 0;
        for (size_t i = 0; i < m_inputs.size(); ++i)
            processInput(i, writer, seqId);
        if (writer && m_block.numTokens() > 0)
            writer->append(m_block);
    }

    void processInput(size_t index, TraceWriter* writer, int64_t& seqId)
    {
        const ImportInput& in = m_inputs[index];
        auto stream = in.open();
        RowChecker checker(m_plans[index], in.slots, in.topk, m_dims.experts, m_params.allowMissing);
        const size_t rowValues = size_t(in.slots) * size_t(in.topk);
        std::vector<int64_t> ids(kChunkRows * rowValues), tokens;
        std::vector<float> weights(in.hasWeights ? kChunkRows * rowValues : 0);
        std::vector<uint8_t> keep;
        for (size_t s = 0; s < in.sequences.size(); ++s, ++seqId) {
            const ImportSequence& q = in.sequences[s];
            if (writer && writer->isCompleted(seqId)) { // resumed: stored by an earlier run
                if (in.hasTokens)
                    stream->skipTokens(size_t(q.tokens));
                stream->skipRows(size_t(q.routeRows));
                m_rowsDone += q.routeRows;
                ++m_result.resumedSequences;
                continue;
            }
            readTokens(in, s, *stream, tokens);
            SequenceRecord rec;
            rec.seqId = seqId;
            rec.tokenOffset = int64_t(m_block.numTokens());
            for (int64_t off = 0; off < q.routeRows; off += int64_t(kChunkRows)) {
                const size_t n = size_t(std::min<int64_t>(int64_t(kChunkRows), q.routeRows - off));
                stream->readRows(n, ids.data(), in.hasWeights ? weights.data() : nullptr);
                const RowProblem p = checker.check(n, ids.data(), in.hasWeights ? weights.data() : nullptr, keep,
                                                   writer ? &m_block.topkIds : nullptr,
                                                   writer && in.hasWeights ? &m_block.topkWeights : nullptr);
                if (p.found)
                    throw Error(in.path + ": " + seqName(in, s) + ", token at position " +
                                std::to_string(q.routeStart + off + int64_t(p.row)) + slotText(index, p.slot) + ": " +
                                p.what);
                for (size_t r = 0; r < n; ++r) {
                    const int64_t pos = q.routeStart + off + int64_t(r);
                    if (!keep[r]) {
                        ++m_counts.droppedTokens;
                        continue;
                    }
                    ++rec.length;
                    rec.generatedTokens += pos >= q.promptTokens;
                    if (!writer)
                        continue;
                    // readTokens() let through ids 0..INT32_MAX and -1, which is kUnknownToken.
                    m_block.tokenIds.push_back(in.hasTokens ? int32_t(tokens[size_t(off) + r]) : kUnknownToken);
                    m_block.positions.push_back(int32_t(pos));
                    m_block.seqIds.push_back(seqId);
                }
                m_rowsDone += int64_t(n);
                report(writer ? "import: writing" : "import: checking");
            }
            if (rec.length == 0) {
                ++m_counts.droppedSequences;
                continue;
            }
            ++m_counts.sequences;
            m_counts.tokens += rec.length;
            if (!writer)
                continue;
            rec.source = fs::path(in.path).filename().string();
            rec.requestId = q.requestId;
            rec.docId = q.requestId.empty() ? std::to_string(s) : q.requestId;
            m_block.sequences.push_back(std::move(rec));
            if (m_block.numTokens() >= kBlockTokens) {
                writer->append(m_block);
                m_block.clear();
            }
        }
        m_counts.denseNonZero += checker.denseNonZero();
    }

    // An input without a routed token would become an empty trace that verifies and reads
    // as zero tokens: refuse it before the output folder is made.
    void requireTokens() const
    {
        if (m_counts.tokens > 0)
            return;
        std::string names;
        for (const ImportInput& in : m_inputs)
            for (const std::string& p : inputPaths(in))
                names += (names.empty() ? "" : ", ") + p;
        throw Error(names + ": no routed token to import (" +
                    (m_counts.droppedTokens > 0
                         ? std::to_string(m_counts.droppedTokens) + " row(s), every one marked missing (-1) and dropped"
                         : std::string("the input holds no routing rows")) +
                    "); nothing was written");
    }

    // The token ids of sequence s's routed positions into `out` (the whole sequence is read
    // or skipped, so the stream stays aligned).
    void readTokens(const ImportInput& in, size_t s, RowStream& stream, std::vector<int64_t>& out)
    {
        const ImportSequence& q = in.sequences[s];
        if (!in.hasTokens) {
            m_counts.unknownTokens += q.routeRows;
            return;
        }
        stream.skipTokens(size_t(q.routeStart));
        out.resize(size_t(q.routeRows));
        stream.readTokens(out.size(), out.data());
        stream.skipTokens(size_t(q.tokens - q.routeStart - q.routeRows));
        for (size_t i = 0; i < out.size(); ++i) {
            if (out[i] < -1 || out[i] > INT32_MAX)
                throw Error(in.path + ": " + seqName(in, s) + ", token at position " +
                            std::to_string(q.routeStart + int64_t(i)) + ": token id " + std::to_string(out[i]) +
                            " is not a token id (accepted: 0.." + std::to_string(INT32_MAX) + ", or -1 for unknown)");
            m_counts.unknownTokens += out[i] == -1;
        }
    }

    std::string slotText(size_t input, int slot) const
    {
        if (slot < 0)
            return "";
        const LayerPlan& plan = m_plans[input];
        const auto it = std::find(plan.keepSlots.begin(), plan.keepSlots.end(), slot);
        if (it == plan.keepSlots.end())
            return ", layer slot " + std::to_string(slot);
        return ", layer slot " + std::to_string(slot) + " (decoder layer " +
               std::to_string(plan.moeLayers[size_t(it - plan.keepSlots.begin())]) + ")";
    }

    void report(const char* stage)
    {
        if (!m_progress)
            return;
        Progress p;
        p.stage = stage;
        p.done = m_rowsDone;
        p.total = m_rowsTotal;
        p.unit = "rows";
        m_meter.measure(p);
        reportProgress(m_progress, p);
    }

    TraceWriterOptions writerOptions() const
    {
        TraceWriterOptions o;
        o.shardSizeMB = m_params.shardSizeMB;
        o.startOver = m_params.overwrite;
        o.runConfig.tool = "specmoe-import-1";
        if (!m_params.modelConfig.empty())
            o.runConfig.modelDir = absolute(fs::path(m_params.modelConfig).parent_path().string());
        for (const ImportInput& in : m_inputs)
            for (const std::string& p : inputPaths(in)) {
                TraceSourceRecord src;
                src.name = sanitizeUtf8(fs::path(p).filename().string(), kReplacementChar); // a label
                src.path = absolute(p);
                src.format = importFormatName(m_params.format);
                o.runConfig.sources.push_back(src);
                o.origin.inputs.push_back(src.path);
            }
        o.origin.kind = "imported";
        o.origin.engine = importFormatName(m_params.format);
        o.origin.engineVersion =
            !m_params.engineVersion.empty() ? m_params.engineVersion : m_inputs.front().engineVersion;
        o.origin.idsRanked = m_idsRanked;
        o.model.family = m_layout.family;
        o.model.name = m_layout.name;
        o.model.routing = m_layout.routing;
        return o;
    }

    TraceFingerprint fingerprint() const
    {
        const std::string layout = m_layout.toJson().dump();
        nlohmann::json run = {{"format", importFormatName(m_params.format)},
                              {"allow_missing", m_params.allowMissing},
                              {"layer_axis", layerAxisName(m_params.layerAxis)},
                              {"numbering", layerNumberingName(m_params.megatronNumbering)},
                              {"micro_batch", m_params.microBatch}};
        if (m_params.idOrder != IdOrder::Auto) // absent by default: imports before the option resume
            run["id_order"] = idOrderName(m_params.idOrder);
        if (!m_params.pipelineLayers.empty())
            run["pipeline_layers"] = m_params.pipelineLayers;
        for (const ImportInput& in : m_inputs)
            for (const std::string& p : inputPaths(in))
                run["inputs"].push_back({pathToJson(absolute(p)), pathBytes(p), pathChanged(p)});
        const std::string runText = run.dump();
        TraceFingerprint fp;
        fp.modelConfigHash = crc32Hex(crc32Update(0, layout.data(), layout.size()));
        fp.dtype = "imported";
        fp.runConfigHash = crc32Hex(crc32Update(0, runText.data(), runText.size()));
        return fp;
    }

    void write()
    {
        const Counts checked = m_counts;
        TraceWriter writer(m_params.outDir, m_dims, fingerprint(), writerOptions());
        try {
            pass(&writer);
        } catch (const Cancelled&) {
            // Keep every whole sequence read so far: a rerun resumes after them.
            dropUnfinishedSequence();
            if (m_block.numTokens() > 0)
                writer.append(m_block);
            writer.flush();
            throw;
        }
        writer.setSkipStats(skipStats(checked));
        writer.finish();
        m_result.dims = m_dims;
        m_result.sequences = writer.sequencesWritten();
        m_result.tokens = writer.tokensWritten();
        m_result.sequencesWritten = m_result.sequences;
        m_result.droppedTokens = checked.droppedTokens;
        m_result.droppedSequences = checked.droppedSequences;
        m_result.denseNonZero = checked.denseNonZero;
        if (checked.denseNonZero > 0)
            m_result.warnings.push_back(std::to_string(checked.denseNonZero) +
                                        " non-zero id(s) in the slots of dense layers were dropped (an engine never "
                                        "writes those slots; check the layer map)");
        if (checked.unknownTokens > 0)
            m_result.warnings.push_back(std::to_string(checked.unknownTokens) +
                                        " routed token(s) have no token id in the input; stored as unknown (-1)");
        if (checked.droppedTokens > 0)
            m_result.warnings.push_back(std::to_string(checked.droppedTokens) + " token(s) marked missing (-1) dropped, " +
                                        std::to_string(checked.droppedSequences) + " sequence(s) left empty");
    }


    // Cuts the block back to its whole sequences (a stop can come in the middle of one).
    void dropUnfinishedSequence()
    {
        size_t n = 0;
        for (const SequenceRecord& r : m_block.sequences)
            n += size_t(r.length);
        const size_t lk = size_t(m_dims.layers) * size_t(m_dims.topk);
        m_block.tokenIds.resize(n);
        m_block.positions.resize(n);
        m_block.seqIds.resize(n);
        m_block.topkIds.resize(n * lk);
        if (m_dims.hasWeights)
            m_block.topkWeights.resize(n * lk);
    }

    std::vector<TraceSourceStats> skipStats(const Counts& c) const
    {
        TraceSourceStats st;
        st.name = importFormatName(m_params.format);
        st.files = int64_t(m_inputs.size());
        st.sequences = c.sequences;
        st.tokens = c.tokens;
        if (c.droppedTokens)
            st.skipped["missing routing rows (tokens)"] = c.droppedTokens;
        if (c.droppedSequences)
            st.skipped["sequences without a routed token"] = c.droppedSequences;
        st.skippedTotal = c.droppedTokens;
        st.warnings = m_result.warnings;
        return {st};
    }

    void verify()
    {
        const TraceSet set = TraceSet::open(m_params.outDir);
        const VerifyReport rep = set.verify(m_progress);
        m_result.sequencesWritten -= m_result.resumedSequences;
        m_result.shardsVerified = rep.shardsChecked;
        if (!rep.ok())
            throw ImportVerifyFailed("import: the written trace " + m_params.outDir + " failed verification (" +
                                         std::to_string(rep.problems.size()) + " problem(s))",
                                     rep.problems);
    }

    const ImportParams& m_params;
    ProgressFn m_progress;
    std::vector<ImportInput> m_inputs;
    std::vector<LayerPlan> m_plans;
    ModelLayout m_layout;
    TraceDims m_dims;
    ImportResult m_result;
    RoutingBlock m_block;
    ProgressMeter m_meter;
    Counts m_counts;
    int64_t m_rowsTotal = 0, m_rowsDone = 0;
    bool m_idsRanked = true; // resolveIdOrder()
};

} // namespace

ImportResult importTrace(const ImportParams& params, const ProgressFn& progress)
{
    return ImportRun(params, progress).run();
}

} // namespace specmoe::import
