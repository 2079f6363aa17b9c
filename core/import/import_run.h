#pragma once
// Imports routing traces into a trace folder (docs/trace-import.md). The whole input is read
// and checked first (structure, then every id, token and weight); only then is the folder
// opened, so a bad input leaves nothing behind. Sequence ids follow the inputs' order, so a
// rerun over an import that was killed or cancelled resumes it (the trace writer skips the
// sequences already stored). The written folder is verified before the call returns.
#include "core/import/import_params.h"
#include "core/util/error.h"
#include "core/util/progress.h"

#include <string>
#include <vector>

namespace specmoe::import {

// The written folder failed verification (the CLI's exit code 4).
class ImportVerifyFailed : public Error {
public:
    ImportVerifyFailed(const std::string& what, std::vector<std::string> problems)
        : Error(what), problems(std::move(problems))
    {
    }
    std::vector<std::string> problems;
};

// Throws Error naming the input file and the sequence, request and position at fault;
// Cancelled when `progress` asks to stop (what was written stays, resumable).
ImportResult importTrace(const ImportParams& params, const ProgressFn& progress = {});

} // namespace specmoe::import
