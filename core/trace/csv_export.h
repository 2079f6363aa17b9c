#pragma once
// CSV export of chosen sequences for other tools. Long format, one row per
// (token, layer):
//   seq_id,source,doc_id,position,token_id,layer[,decoder_layer],expert_0..expert_{k-1}
//   [,weight_0..weight_{k-1}][,lookahead_d<d>_<j>...][,logit_0..logit_{E-1}][,phase,request_id]
// decoder_layer when the layer map is not the identity, weights when the trace has them,
// phase (prefill/decode) and request_id when some sequence has decode tokens or a request id.
#include "core/trace/trace_set.h"
#include "core/util/progress.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace specmoe {

struct CsvExportOptions {
    std::vector<int64_t> seqIds; // empty = all sequences (streamed)
    std::vector<int> layers;     // empty = all layers
    bool lookahead = false;      // add lookahead id columns when the trace has them
    bool logits = false;         // add router logit columns when the trace has them
};

// Returns the number of data rows written. Throws specmoe::Error for an unknown
// sequence id or a layer out of range.
int64_t exportCsv(const TraceSet& set, std::ostream& out, const CsvExportOptions& options = {},
                  const ProgressFn& progress = {});

// The same into the file `path`, written as PATH.tmp and renamed over PATH once complete,
// so that a failed export (a bad sequence id, a corrupt shard, a full disk) leaves neither
// a partial CSV nor a changed PATH. A path that is not a regular file (/dev/stdout, a FIFO)
// is written directly. Throws specmoe::Error naming the file.
int64_t exportCsvFile(const TraceSet& set, const std::string& path, const CsvExportOptions& options = {},
                      const ProgressFn& progress = {});

} // namespace specmoe
