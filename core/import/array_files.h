#pragma once
// Internal to core/import: named arrays of an input, either members of an .npz archive or
// NAME.npy files in a folder, and the row stream over them that the NPY-based formats
// (npy, vllm, sglang) share.
#include "core/import/import_source.h"
#include "core/import/npy_file.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace specmoe::import {

class ArrayFiles {
public:
    // `input`: an .npz archive or a folder of .npy files. Throws an Error naming it when it
    // is neither.
    explicit ArrayFiles(std::string input);
    const std::string& input() const { return m_input; }
    // The one of `names` (synonyms of one array) present, "" when none. Throws an Error
    // naming the input when it holds two of them: which one the engine meant is a guess.
    std::string find(const std::vector<std::string>& names) const;
    std::unique_ptr<NpyReader> open(const std::string& name) const;
    // A whole (small) integer array, checked to be 1-D with values in lo..hi.
    std::vector<int64_t> readVector(const std::string& name, int64_t lo, int64_t hi = INT64_MAX) const;
    // "ids.npy, tokens.npy" for messages.
    std::string listing() const;
    // Bytes of the input on disk (for rates).
    uint64_t bytes() const;

private:
    std::string m_input;
    bool m_folder = false;
    std::vector<std::string> m_names; // array names without ".npy"
};

// Reads the expert ids ([R, L, k], any integer dtype), optional weights (float, same shape)
// and optional token ids (1-D) of an ArrayFiles input front to back.
class NpyRowStream : public RowStream {
public:
    NpyRowStream(const ArrayFiles& files, const std::string& ids, const std::string& weights,
                 const std::string& tokens);
    void readRows(size_t rows, int64_t* ids, float* weights) override;
    void skipRows(size_t rows) override;
    void readTokens(size_t n, int64_t* out) override;
    void skipTokens(size_t n) override;

private:
    std::unique_ptr<NpyReader> m_ids, m_weights, m_tokens;
    size_t m_rowValues = 0;
};

// Checks that `r` holds integer expert ids shaped [rows, slots, k] and returns {slots, k}.
std::pair<int, int> checkIdArray(const NpyReader& r);

} // namespace specmoe::import
