#include "core/trace/trace_set_manifest.h"

#include "core/trace/trace_manifest.h"
#include "core/trace/trace_set.h"
#include "core/util/atomic_file.h"
#include "core/util/checksum.h"
#include "core/util/error.h"
#include "core/util/json_error.h"
#include "core/util/path_json.h"
#include "core/util/read_file.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace specmoe::traceset {

nlohmann::json SetManifest::toJson() const
{
    nlohmann::json ms = nlohmann::json::array();
    int64_t tokens = 0, sequences = 0;
    for (const auto& m : members) {
        ms.push_back({{"path", pathToJson(m.path)},
                      {"manifest_crc32", m.manifestCrc32},
                      {"tokens", m.tokens},
                      {"sequences", m.sequences},
                      {"complete", m.complete}});
        tokens += m.tokens;
        sequences += m.sequences;
    }
    return {{"format", kFormatName},
            {"schema_version", schemaVersion},
            {"created", created},
            {"world_size", worldSize},
            {"totals", {{"members", members.size()}, {"tokens", tokens}, {"sequences", sequences}}},
            {"members", ms}};
}

namespace {

Member memberFromJson(const nlohmann::json& j, size_t index, const std::string& path)
{
    const std::string where = path + ": members[" + std::to_string(index) + "]";
    if (!j.is_object())
        throw Error(where + " is not an object");
    auto field = [&](const char* key) -> const nlohmann::json& {
        if (!j.contains(key))
            throw Error(where + ": field '" + key + "' is missing");
        return j[key];
    };
    Member m;
    const auto& p = field("path");
    const auto& crc = field("manifest_crc32");
    m.path = p.is_string() || p.is_object() ? pathFromJson(p, where + ": field 'path'") : std::string();
    if (m.path.empty())
        throw Error(where + ": field 'path' is not a folder name");
    if (!crc.is_string() || crc.get<std::string>().size() != 8)
        throw Error(where + ": field 'manifest_crc32' is not eight hex digits");
    m.manifestCrc32 = crc.get<std::string>();
    const auto& t = field("tokens");
    const auto& s = field("sequences");
    if (!t.is_number_integer() || !s.is_number_integer() || t.get<int64_t>() < 0 || s.get<int64_t>() < 0)
        throw Error(where + ": fields 'tokens' and 'sequences' must be non-negative integers");
    m.tokens = t.get<int64_t>();
    m.sequences = s.get<int64_t>();
    if (j.contains("complete") && !j["complete"].is_boolean())
        throw Error(where + ": field 'complete' must be true or false");
    m.complete = j.value("complete", false);
    return m;
}

} // namespace

SetManifest parse(const std::string& text, const std::string& path)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": not valid JSON: " + jsonErrorText(e));
    }
    if (!j.is_object() || !j.contains("format") || j["format"] != kFormatName)
        throw Error(path + ": not a specmoe trace set manifest (field 'format' is not '" + std::string(kFormatName) +
                    "')");
    if (!j.contains("schema_version") || !j["schema_version"].is_number_integer())
        throw Error(path + ": field 'schema_version' is missing or not an integer (accepted: " +
                    std::to_string(kSetVersion) + ")");
    const int64_t version = j["schema_version"].get<int64_t>();
    if (version != kSetVersion)
        throw Error(path + ": schema_version " + std::to_string(version) + " is not supported (this build reads " +
                    std::to_string(kSetVersion) + ")");
    SetManifest m;
    m.schemaVersion = int(version);
    m.created = j.value("created", "");
    if (j.contains("world_size")) {
        if (!j["world_size"].is_number_integer() || j["world_size"].get<int64_t>() < 0)
            throw Error(path + ": field 'world_size' must be a non-negative integer");
        m.worldSize = int(j["world_size"].get<int64_t>());
    }
    if (!j.contains("members") || !j["members"].is_array() || j["members"].empty())
        throw Error(path + ": field 'members' is missing or empty (a set lists at least one trace folder)");
    std::set<std::string> seen;
    for (size_t i = 0; i < j["members"].size(); ++i) {
        Member mem = memberFromJson(j["members"][i], i, path);
        if (!seen.insert(fs::path(mem.path).lexically_normal().string()).second)
            throw Error(path + ": member " + mem.path + " is listed more than once in field 'members'");
        m.members.push_back(std::move(mem));
    }
    return m;
}

SetManifest load(const std::string& path) { return parse(readFile(path, "the trace set manifest"), path); }

void save(const SetManifest& m, const std::string& path) { writeFileAtomic(path, m.toJson().dump(1) + "\n"); }

std::string rankFolderName(int rank)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%05d", kRankPrefix, rank);
    return buf;
}

std::vector<std::string> rankFolders(const std::string& dir)
{
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(kRankPrefix, 0) == 0 && fs::is_regular_file(e.path() / manifest::kFileName, ec))
            out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

Member describeMember(const std::string& memberDir, const std::string& path)
{
    const std::string mpath = (fs::path(memberDir) / manifest::kFileName).string();
    const std::string text = readFile(mpath, "the trace manifest");
    const manifest::Manifest man = manifest::parse(text, mpath);
    Member m;
    m.path = path;
    m.manifestCrc32 = crc32Hex(crc32Update(0, text.data(), text.size()));
    m.tokens = man.tokens();
    m.sequences = man.sequences();
    m.complete = man.complete;
    return m;
}

} // namespace specmoe::traceset

namespace specmoe {

void writeTraceSetManifest(const std::string& dir, const std::vector<std::string>& members, int worldSize)
{
    traceset::SetManifest set;
    set.created = manifest::utcNow();
    set.worldSize = worldSize;
    for (const auto& m : members)
        set.members.push_back(traceset::describeMember((fs::path(dir) / m).string(), m));
    if (set.members.empty())
        throw Error("trace set " + dir + ": no members to list");
    traceset::save(set, (fs::path(dir) / traceset::kFileName).string());
}

std::string rankFolderName(int rank) { return traceset::rankFolderName(rank); }
std::vector<std::string> rankMemberFolders(const std::string& dir) { return traceset::rankFolders(dir); }

void removeTraceSetManifest(const std::string& dir)
{
    std::error_code ec;
    fs::remove(fs::path(dir) / traceset::kFileName, ec);
    if (ec)
        throw Error("cannot remove " + (fs::path(dir) / traceset::kFileName).string() + ": " + ec.message());
}

} // namespace specmoe
