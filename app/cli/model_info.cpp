#include "app/cli/command.h"
#include "core/util/error.h"

namespace specmoe::cli {

int printModelInfo(const std::string& dir, const std::string&)
{
    throw Error("model summaries are not available yet (" + dir + ")");
}

} // namespace specmoe::cli
