#pragma once
// Lists of ids on the command line, shared by the commands: "3,5-9,12". A multi-option's
// values join into one list; items are ids or ranges a-b within the accepted bounds.
#include <cstdint>
#include <string>
#include <vector>

namespace specmoe::cli {

struct IdListRules {
    const char* what = "an id";  // how an item is named in the error ("a layer index")
    int64_t lo = 0;              // smallest id accepted
    int64_t hi = INT64_MAX;      // largest id accepted
};

// The ids in the order given (ranges expanded). Throws UsageError naming --option, the item
// and what is accepted; a range wider than 10^8 ids is refused (it would only exhaust memory).
std::vector<int64_t> parseIdList(const std::vector<std::string>& values, const std::string& option,
                                 const IdListRules& rules = {});

} // namespace specmoe::cli
