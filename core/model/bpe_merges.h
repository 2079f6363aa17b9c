#pragma once
// The BPE model of a Hugging Face tokenizer.json: a vocabulary and ranked merges applied to
// one pre-token at a time. No JSON here: tokenizer_json.cpp reads the file.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace specmoe {

class BpeMerges {
public:
    // Throws specmoe::Error (without the file name: the caller adds it) when an id is
    // negative or used twice.
    void setVocab(std::unordered_map<std::string, int64_t> vocab);
    // Merges in rank order; throws when a part or the joined token is not in the vocabulary.
    void addMerge(const std::string& left, const std::string& right);
    // A pre-token that is itself in the vocabulary is emitted whole (Llama-3 style).
    void setIgnoreMerges(bool on) { m_ignoreMerges = on; }
    // The token for characters the vocabulary lacks; -1 = none (then encoding throws).
    void setUnknown(int64_t id) { m_unk = id; }

    // Appends the ids of one pre-token (a byte-level string) to `out`.
    void encode(const std::string& word, std::vector<int64_t>& out) const;

    const std::unordered_map<std::string, int64_t>& vocab() const { return m_vocab; }
    // The token of an id, or nullptr when no token has it.
    const std::string* token(int64_t id) const;
    int64_t maxId() const { return int64_t(m_tokens.size()) - 1; }

private:
    struct Merge {
        int rank;
        int32_t result;
    };
    static uint64_t key(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
    std::vector<int32_t> mergeWord(const std::string& word) const;

    std::unordered_map<std::string, int64_t> m_vocab;
    std::vector<std::string> m_tokens;   // by id; gaps hold ""
    std::vector<bool> m_hasToken;
    std::unordered_map<uint64_t, Merge> m_merges;
    int m_mergeCount = 0;
    bool m_ignoreMerges = false;
    int64_t m_unk = -1;
    // Words repeat (" the", " of"): their ids are kept for short words.
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>> m_cache;
};

} // namespace specmoe
