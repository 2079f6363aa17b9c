#include "core/data/source_stats.h"
#include "core/util/utf8.h"

#include <sstream>

namespace specmoe {

int64_t SourceStats::skippedTotal() const
{
    int64_t n = 0;
    for (const auto& [k, v] : skipped)
        n += v;
    return n;
}

void SourceStats::skip(const std::string& reason, const std::string& where, const std::string& detail)
{
    ++skipped[reason];
    if (warnings.size() < kMaxWarnings)
        // The manifest keeps warnings as JSON strings: a path that is not UTF-8 is sanitized.
        warnings.push_back(sanitizeUtf8(where + ": " + reason + (detail.empty() ? "" : " (" + detail + ")")));
    else
        ++warningsDropped;
}

std::string SourceStats::summary() const
{
    std::ostringstream o;
    o << name << ": " << sequences << " sequences, " << tokens << " tokens from " << documents
      << " documents";
    if (duplicates)
        o << "; " << duplicates << " duplicates dropped";
    if (tooShort)
        o << "; " << tooShort << " too short";
    if (truncatedTokens)
        o << "; " << truncatedTokens << " tokens truncated";
    const int64_t s = skippedTotal();
    if (s) {
        o << "; skipped " << s << " (";
        bool first = true;
        for (const auto& [k, v] : skipped) {
            o << (first ? "" : ", ") << k << ' ' << v;
            first = false;
        }
        o << ')';
    }
    return o.str();
}

} // namespace specmoe
