#include "core/data/source_spec.h"
#include "core/util/utf8.h"

#include "core/util/c_number.h"
#include "core/util/error.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace specmoe {

namespace {
struct FormatEntry {
    const char* name;
    SourceFormat format;
};
constexpr FormatEntry kFormats[] = {
    {"auto", SourceFormat::Auto},         {"text", SourceFormat::Text},
    {"paragraphs", SourceFormat::Paragraphs}, {"jsonl", SourceFormat::Jsonl},
    {"jsonl-ids", SourceFormat::JsonlIds}, {"csv", SourceFormat::Csv},
    {"tsv", SourceFormat::Tsv},
};

std::string lower(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool parseNumber(const std::string& s, double& out)
{
    return parseCNumber(s, out) && std::isfinite(out);
}
} // namespace

std::string formatName(SourceFormat f)
{
    for (const auto& e : kFormats)
        if (e.format == f)
            return e.name;
    return "auto";
}

bool isFormatName(const std::string& name)
{
    const std::string n = lower(name);
    for (const auto& e : kFormats)
        if (n == e.name)
            return true;
    return false;
}

SourceFormat parseFormat(const std::string& name)
{
    const std::string n = lower(name);
    for (const auto& e : kFormats)
        if (n == e.name)
            return e.format;
    throw Error("unknown corpus format '" + name +
                "' (expected text, paragraphs, jsonl, jsonl-ids, csv, tsv or auto)");
}

std::string defaultField(SourceFormat f)
{
    switch (f) {
    case SourceFormat::JsonlIds:
        return "input_ids";
    case SourceFormat::Jsonl:
    case SourceFormat::Csv:
    case SourceFormat::Tsv:
        return "text";
    default:
        return {};
    }
}

SourceFormat resolveFormat(SourceFormat declared, const std::string& filePath)
{
    if (declared != SourceFormat::Auto)
        return declared;
    const auto dot = filePath.find_last_of('.');
    const auto slash = filePath.find_last_of('/');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
        return SourceFormat::Text;
    const std::string ext = lower(filePath.substr(dot + 1));
    if (ext == "jsonl" || ext == "json" || ext == "ndjson")
        return SourceFormat::Jsonl;
    if (ext == "csv")
        return SourceFormat::Csv;
    if (ext == "tsv" || ext == "tab")
        return SourceFormat::Tsv;
    return SourceFormat::Text;
}

SourceSpec parseSourceSpec(const std::string& text)
{
    const auto fail = [&](const std::string& why) {
        return Error("bad source '" + text + "': " + why +
                     " (expected NAME=PATH[:FORMAT[:FIELD]][@WEIGHT])");
    };
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw fail("missing NAME=");
    SourceSpec s;
    s.name = text.substr(0, eq);
    for (char c : s.name)
        if (std::isspace(static_cast<unsigned char>(c)) || c == ':' || c == '@' || c == '/')
            throw fail("the name may not contain spaces, ':', '@' or '/'");
    // The name labels every sequence in the manifest, which is JSON: UTF-8 only.
    if (!isValidUtf8(s.name))
        throw fail("the name is not UTF-8 text");
    std::string rest = text.substr(eq + 1);
    const auto at = rest.find_last_of('@');
    if (at != std::string::npos) {
        double w = 0;
        if (parseNumber(rest.substr(at + 1), w)) {
            if (!(w > 0))
                throw fail("the weight must be positive");
            s.weight = w;
            rest = rest.substr(0, at);
        }
    }
    // Split on ':' and take the first component that names a format as the format.
    std::vector<std::string> parts;
    std::string cur;
    for (char c : rest) {
        if (c == ':') {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    parts.push_back(cur);
    size_t fmt = parts.size();
    for (size_t i = 1; i < parts.size(); ++i)
        if (isFormatName(parts[i])) {
            fmt = i;
            break;
        }
    for (size_t i = 0; i < fmt; ++i)
        s.path += (i ? ":" : "") + parts[i];
    if (fmt < parts.size()) {
        s.format = parseFormat(parts[fmt]);
        for (size_t i = fmt + 1; i < parts.size(); ++i)
            s.field += (i > fmt + 1 ? ":" : "") + parts[i];
        if (!s.field.empty() && s.format != SourceFormat::Jsonl && s.format != SourceFormat::JsonlIds &&
            s.format != SourceFormat::Csv && s.format != SourceFormat::Tsv)
            throw fail("format " + formatName(s.format) + " takes no field");
    }
    if (s.path.empty())
        throw fail("empty path");
    return s;
}

std::string toString(const SourceSpec& s)
{
    std::ostringstream o;
    o << s.name << '=' << s.path;
    if (s.format != SourceFormat::Auto || !s.field.empty())
        o << ':' << formatName(s.format);
    if (!s.field.empty())
        o << ':' << s.field;
    if (s.weight != 1.0)
        o << '@' << s.weight;
    return o.str();
}

void applySourceCap(std::vector<SourceSpec>& sources, const std::string& cap)
{
    const auto eq = cap.find('=');
    if (eq == std::string::npos)
        throw Error("bad source cap '" + cap + "' (expected NAME=TOKENS or NAME=Nseq)");
    const std::string name = cap.substr(0, eq);
    std::string value = cap.substr(eq + 1);
    bool seqs = false;
    if (value.size() > 3 && lower(value.substr(value.size() - 3)) == "seq") {
        seqs = true;
        value.resize(value.size() - 3);
    }
    char* end = nullptr;
    const long long n = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || !end || *end != '\0' || n <= 0)
        throw Error("bad source cap '" + cap + "': expected a positive count");
    for (auto& s : sources)
        if (s.name == name) {
            (seqs ? s.maxSequences : s.maxTokens) = n;
            return;
        }
    throw Error("source cap '" + cap + "' names no source called '" + name + "'");
}

} // namespace specmoe
