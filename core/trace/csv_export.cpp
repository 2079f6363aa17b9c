#include "core/trace/csv_export.h"

#include "core/util/atomic_file.h"
#include "core/util/c_number.h"
#include "core/util/error.h"
#include "core/util/half.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <unordered_set>

namespace specmoe {
namespace {

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n\r") == std::string::npos)
        return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"')
            q += '"';
        q += c;
    }
    return q + "\"";
}

void appendFloat(std::string& line, float f)
{
    line += ',';
    line += cNumber(double(f));
}

void appendInt(std::string& line, long long v)
{
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, ",%lld", v);
    line.append(buf, size_t(n));
}

} // namespace

int64_t exportCsv(const TraceSet& set, std::ostream& out, const CsvExportOptions& options,
                  const ProgressFn& progress)
{
    const TraceDims& d = set.dims();
    std::vector<int> layers = options.layers;
    if (layers.empty())
        for (int l = 0; l < d.layers; ++l)
            layers.push_back(l);
    for (int l : layers)
        if (l < 0 || l >= d.layers)
            throw Error("CSV export: layer " + std::to_string(l) + " out of range (the trace has " +
                        std::to_string(d.layers) + " layers)");
    const bool look = options.lookahead && !d.lookahead.empty();
    const bool logits = options.logits && d.hasLogits;
    const bool weights = d.hasWeights;
    const bool decoderLayer = !identityLayerMap(d);
    // Phase and request id columns only for traces that have decode tokens or request ids
    // (imports): one header per trace, decided from the sequence tables, so collected traces
    // export as they always did.
    bool phase = false;
    for (const auto& e : set.sequenceIndex())
        phase = phase || e.record.generatedTokens > 0 || !e.record.requestId.empty();

    std::string header = "seq_id,source,doc_id,position,token_id,layer";
    if (decoderLayer)
        header += ",decoder_layer";
    for (int j = 0; j < d.topk; ++j)
        header += ",expert_" + std::to_string(j);
    if (weights)
        for (int j = 0; j < d.topk; ++j)
            header += ",weight_" + std::to_string(j);
    if (look)
        for (int dist : d.lookahead)
            for (int j = 0; j < d.topk; ++j)
                header += ",lookahead_d" + std::to_string(dist) + "_" + std::to_string(j);
    if (logits)
        for (int e = 0; e < d.experts; ++e)
            header += ",logit_" + std::to_string(e);
    if (phase)
        header += ",phase,request_id";
    out << header << '\n';

    int64_t rows = 0, tokensDone = 0;
    const size_t D = d.lookahead.size();
    std::string line;
    auto emit = [&](const RoutingBlock& b) {
        for (const auto& s : b.sequences) {
            const std::string prefix = std::to_string(s.seqId) + "," + csvField(s.source) + "," + csvField(s.docId);
            const std::string request = "," + csvField(s.requestId);
            for (int32_t i = 0; i < s.length; ++i) {
                const size_t t = size_t(s.tokenOffset) + size_t(i);
                const bool decode = i >= s.length - s.generatedTokens;
                for (int l : layers) {
                    line = prefix;
                    appendInt(line, b.positions[t]);
                    appendInt(line, b.tokenIds[t]);
                    appendInt(line, l);
                    if (decoderLayer)
                        appendInt(line, decoderLayerOf(d, l));
                    for (int j = 0; j < d.topk; ++j)
                        appendInt(line, b.expert(t, l, j));
                    if (weights)
                        for (int j = 0; j < d.topk; ++j)
                            appendFloat(line, b.weight(t, l, j));
                    if (look)
                        for (size_t k = 0; k < D; ++k)
                            for (int j = 0; j < d.topk; ++j) {
                                const ExpertId e =
                                    b.lookaheadIds[((t * size_t(d.layers) + size_t(l)) * D + k) * size_t(d.topk) + size_t(j)];
                                if (e == kNoExpert)
                                    line += ",";
                                else
                                    appendInt(line, e);
                            }
                    if (logits)
                        for (int e = 0; e < d.experts; ++e)
                            appendFloat(line, halfToFloat(b.logits[(t * size_t(d.layers) + size_t(l)) * size_t(d.experts) + size_t(e)]));
                    if (phase) {
                        line += decode ? ",decode" : ",prefill";
                        line += request;
                    }
                    line += '\n';
                    out << line;
                    ++rows;
                }
            }
            tokensDone += s.length;
        }
        if (!out)
            throw Error("CSV export: write error (disk full, or over the file size limit?)");
        if (progress) {
            Progress p;
            p.stage = "export csv";
            p.unit = "tokens";
            p.done = tokensDone;
            p.total = options.seqIds.empty() ? set.numTokens() : 0;
            reportProgress(progress, p);
        }
    };
    if (options.seqIds.empty()) {
        set.forEachBlock([&](const RoutingBlock& b) {
            emit(b);
            return true;
        });
    } else {
        std::unordered_set<int64_t> known;
        for (const auto& e : set.sequenceIndex())
            known.insert(e.record.seqId);
        for (int64_t id : options.seqIds)
            if (!known.count(id))
                throw Error("CSV export: trace " + set.dir() + " has no sequence with id " + std::to_string(id));
        for (int64_t id : options.seqIds)
            emit(set.readSequence(id));
    }
    out.flush();
    return rows;
}

int64_t exportCsvFile(const TraceSet& set, const std::string& path, const CsvExportOptions& options,
                      const ProgressFn& progress)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (fs::exists(st) && !fs::is_regular_file(st)) { // a device or a pipe: nothing to replace
        std::ofstream out(path, std::ios::binary);
        if (!out)
            throw Error("CSV export: cannot open " + path + ": " + std::strerror(errno));
        const int64_t rows = exportCsv(set, out, options, progress);
        out.close();
        if (!out)
            throw Error("CSV export: writing " + path + " failed");
        return rows;
    }
    const std::string tmp = path + ".tmp";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
        throw Error("CSV export: cannot create " + tmp + ": " + std::strerror(errno));
    try {
        const int64_t rows = exportCsv(set, out, options, progress);
        out.close();
        if (!out)
            throw Error("CSV export: writing " + path + " failed (disk full, or over the file size limit?); nothing "
                        "was written to it");
        fsyncPath(tmp);
        renameDurable(tmp, path);
        return rows;
    } catch (const Error& e) {
        out.close();
        fs::remove(tmp, ec);
        // Most errors (a bad sequence id, a corrupt shard) do not know the file.
        const std::string what = e.what();
        if (what.find(tmp) == std::string::npos && what.find(path) == std::string::npos)
            throw Error(what + " (nothing was written to " + path + ")");
        throw;
    } catch (...) { // cancelled
        out.close();
        fs::remove(tmp, ec);
        throw;
    }
}

} // namespace specmoe
