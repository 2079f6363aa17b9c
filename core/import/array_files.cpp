#include "core/import/array_files.h"

#include "core/trace/routing.h"
#include "core/util/error.h"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace specmoe::import {
namespace {

std::string stripNpy(const std::string& n)
{
    return n.size() > 4 && n.compare(n.size() - 4, 4, ".npy") == 0 ? n.substr(0, n.size() - 4) : n;
}

std::string shapeText(const NpyInfo& info)
{
    std::string s = "(";
    for (size_t i = 0; i < info.shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(info.shape[i]);
    return s + (info.shape.size() == 1 ? ",)" : ")");
}

} // namespace

ArrayFiles::ArrayFiles(std::string input) : m_input(std::move(input))
{
    std::error_code ec;
    if (fs::is_directory(m_input, ec)) {
        m_folder = true;
        for (const auto& e : fs::directory_iterator(m_input, ec)) {
            const std::string n = e.path().filename().string();
            if (n.size() > 4 && n.compare(n.size() - 4, 4, ".npy") == 0)
                m_names.push_back(stripNpy(n));
        }
        std::sort(m_names.begin(), m_names.end());
        if (m_names.empty())
            throw Error(m_input + ": the folder holds no .npy file (accepted: an .npz archive or a folder of .npy "
                                  "files)");
        return;
    }
    if (!fs::exists(m_input, ec)) // ec: it may be there but unreadable (a symlink loop, no permission)
        throw Error(m_input + (ec ? ": cannot read: " + ec.message() : std::string(": no such file")));
    for (const std::string& n : npzMembers(m_input))
        m_names.push_back(stripNpy(n));
}

std::string ArrayFiles::find(const std::vector<std::string>& names) const
{
    std::string found;
    for (const std::string& n : names) {
        if (std::find(m_names.begin(), m_names.end(), n) == m_names.end())
            continue;
        if (!found.empty())
            throw Error(m_input + ": holds both '" + found + "' and '" + n +
                        "', which name the same array; keep one of them");
        found = n;
    }
    return found;
}

std::unique_ptr<NpyReader> ArrayFiles::open(const std::string& name) const
{
    if (m_folder)
        return std::make_unique<NpyReader>((fs::path(m_input) / (name + ".npy")).string());
    return std::make_unique<NpyReader>(m_input, name);
}

std::vector<int64_t> ArrayFiles::readVector(const std::string& name, int64_t lo, int64_t hi) const
{
    auto r = open(name);
    if (r->info().shape.size() != 1)
        throw Error(r->label() + ": shape is " + shapeText(r->info()) + "; a 1-D array (one value per sequence or "
                                                                         "token) is expected");
    if (r->info().kind == NpyKind::Float || r->info().kind == NpyKind::Bool)
        throw Error(r->label() + ": dtype '" + r->info().descr + "' is not an integer type (accepted: int8-64, "
                                                                 "uint8-64)");
    std::vector<int64_t> v(size_t(r->remaining()));
    r->readInt64(v.size(), v.data());
    for (size_t i = 0; i < v.size(); ++i)
        if (v[i] < lo)
            throw Error(r->label() + ": element " + std::to_string(i) + " is " + std::to_string(v[i]) +
                        "; values >= " + std::to_string(lo) + " are expected");
        else if (v[i] > hi)
            throw Error(r->label() + ": element " + std::to_string(i) + " is " + std::to_string(v[i]) +
                        "; values <= " + std::to_string(hi) + " are expected");
    return v;
}

std::string ArrayFiles::listing() const
{
    std::string s;
    for (const std::string& n : m_names)
        s += (s.empty() ? "" : ", ") + n;
    return s.empty() ? "nothing" : s;
}

uint64_t ArrayFiles::bytes() const
{
    std::error_code ec;
    if (!m_folder)
        return fs::file_size(m_input, ec);
    uint64_t total = 0;
    for (const std::string& n : m_names)
        total += fs::file_size(fs::path(m_input) / (n + ".npy"), ec);
    return total;
}

std::pair<int, int> checkIdArray(const NpyReader& r)
{
    const NpyInfo& info = r.info();
    if (info.kind == NpyKind::Float || info.kind == NpyKind::Bool)
        throw Error(r.label() + ": dtype '" + info.descr + "' is not an integer type; expert ids must be integers "
                                                            "(accepted: int8-64, uint8-64)");
    if (info.shape.size() != 3 || info.shape[1] < 1 || info.shape[2] < 1)
        throw Error(r.label() + ": shape is " + shapeText(info) + "; expert ids must be [rows, layers, top_k]");
    if (info.shape[2] > kMaxTopk)
        throw Error(r.label() + ": top_k is " + std::to_string(info.shape[2]) + "; at most " +
                    std::to_string(kMaxTopk) + " experts per token are accepted");
    if (info.shape[1] > 4096)
        throw Error(r.label() + ": " + std::to_string(info.shape[1]) + " layer slots; at most 4096 are accepted");
    return {int(info.shape[1]), int(info.shape[2])};
}

NpyRowStream::NpyRowStream(const ArrayFiles& files, const std::string& ids, const std::string& weights,
                           const std::string& tokens)
{
    m_ids = files.open(ids);
    const auto [slots, k] = checkIdArray(*m_ids);
    m_rowValues = size_t(slots) * size_t(k);
    if (!weights.empty()) {
        m_weights = files.open(weights);
        if (m_weights->info().shape != m_ids->info().shape)
            throw Error(m_weights->label() + ": weights must have the shape of the expert ids");
    }
    if (!tokens.empty())
        m_tokens = files.open(tokens);
}

void NpyRowStream::readRows(size_t rows, int64_t* ids, float* weights)
{
    m_ids->readInt64(rows * m_rowValues, ids);
    if (m_weights && weights)
        m_weights->readFloat(rows * m_rowValues, weights);
    else if (m_weights)
        m_weights->skip(rows * m_rowValues);
}

void NpyRowStream::skipRows(size_t rows)
{
    m_ids->skip(rows * m_rowValues);
    if (m_weights)
        m_weights->skip(rows * m_rowValues);
}

void NpyRowStream::readTokens(size_t n, int64_t* out)
{
    if (!m_tokens)
        throw Error("internal: token ids read from an input without them");
    m_tokens->readInt64(n, out);
}

void NpyRowStream::skipTokens(size_t n)
{
    if (m_tokens)
        m_tokens->skip(n);
}

} // namespace specmoe::import
