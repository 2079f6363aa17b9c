#include "core/model/bpe_merges.h"

#include "core/util/error.h"

#include <limits>
#include <queue>

namespace specmoe {
namespace {

constexpr size_t kCachedWordBytes = 64;
constexpr size_t kCacheEntries = 1 << 16;

size_t utf8Length(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if ((lead & 0xE0) == 0xC0)
        return 2;
    if ((lead & 0xF0) == 0xE0)
        return 3;
    if ((lead & 0xF8) == 0xF0)
        return 4;
    return 1;
}

} // namespace

void BpeMerges::setVocab(std::unordered_map<std::string, int64_t> vocab)
{
    int64_t maxId = -1;
    for (const auto& [tok, id] : vocab) {
        if (id < 0 || id > std::numeric_limits<int32_t>::max())
            throw Error("model.vocab: token \"" + tok + "\" has the id " + std::to_string(id) +
                        " (ids are 0 to 2^31-1)");
        maxId = std::max(maxId, id);
    }
    m_tokens.assign(size_t(maxId + 1), std::string());
    m_hasToken.assign(size_t(maxId + 1), false);
    for (const auto& [tok, id] : vocab) {
        if (m_hasToken[size_t(id)])
            throw Error("model.vocab: the id " + std::to_string(id) + " is used by \"" + m_tokens[size_t(id)] +
                        "\" and \"" + tok + "\"");
        m_tokens[size_t(id)] = tok;
        m_hasToken[size_t(id)] = true;
    }
    m_vocab = std::move(vocab);
}

void BpeMerges::addMerge(const std::string& left, const std::string& right)
{
    auto idOf = [&](const std::string& t, const char* what) {
        const auto it = m_vocab.find(t);
        if (it == m_vocab.end())
            throw Error(std::string(what) + " \"" + t + "\" is not in model.vocab");
        return int32_t(it->second);
    };
    const int32_t a = idOf(left, "its left token");
    const int32_t b = idOf(right, "its right token");
    const int32_t joined = idOf(left + right, "the merged token");
    // A repeated pair takes its last rank: Hugging Face collects the list into a map in order.
    m_merges.insert_or_assign(key(a, b), Merge{m_mergeCount++, joined});
}

const std::string* BpeMerges::token(int64_t id) const
{
    if (id < 0 || id >= int64_t(m_tokens.size()) || !m_hasToken[size_t(id)])
        return nullptr;
    return &m_tokens[size_t(id)];
}

std::vector<int32_t> BpeMerges::mergeWord(const std::string& word) const
{
    std::vector<int32_t> ids;
    for (size_t i = 0; i < word.size();) {
        const size_t len = std::min(utf8Length(static_cast<unsigned char>(word[i])), word.size() - i);
        const auto it = m_vocab.find(word.substr(i, len));
        if (it != m_vocab.end())
            ids.push_back(int32_t(it->second));
        else if (m_unk >= 0)
            ids.push_back(int32_t(m_unk));
        else
            throw Error("the character \"" + word.substr(i, len) + "\" is not in model.vocab and model.unk_token is null");
        i += len;
    }
    // Repeatedly join the lowest-ranked adjacent pair (the leftmost on ties) until none is a
    // merge: the order Hugging Face's BPE applies them in. A heap of candidate pairs over a
    // linked list keeps long words (a megabyte without a space) O(n log n).
    struct Candidate {
        int rank;
        size_t pos; // the left symbol
        int32_t left, right, result;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    const size_t n = ids.size();
    std::vector<size_t> next(n), prev(n);
    std::vector<bool> alive(n, true);
    for (size_t i = 0; i < n; ++i) {
        next[i] = i + 1; // n = none
        prev[i] = i == 0 ? n : i - 1;
    }
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> heap;
    auto consider = [&](size_t i) {
        if (i >= n || next[i] >= n)
            return;
        const auto it = m_merges.find(key(ids[i], ids[next[i]]));
        if (it != m_merges.end())
            heap.push({it->second.rank, i, ids[i], ids[next[i]], it->second.result});
    };
    for (size_t i = 0; i + 1 < n; ++i)
        consider(i);
    while (!heap.empty()) {
        const Candidate c = heap.top();
        heap.pop();
        // Stale when either symbol has changed since: tokens only grow, so ids tell.
        if (!alive[c.pos] || next[c.pos] >= n || ids[c.pos] != c.left || ids[next[c.pos]] != c.right)
            continue;
        const size_t r = next[c.pos];
        ids[c.pos] = c.result;
        alive[r] = false;
        next[c.pos] = next[r];
        if (next[r] < n)
            prev[next[r]] = c.pos;
        if (prev[c.pos] < n)
            consider(prev[c.pos]);
        consider(c.pos);
    }
    std::vector<int32_t> out;
    for (size_t i = 0; i < n; i = next[i])
        out.push_back(ids[i]);
    return out;
}

void BpeMerges::encode(const std::string& word, std::vector<int64_t>& out) const
{
    if (word.empty())
        return;
    if (m_ignoreMerges) {
        const auto it = m_vocab.find(word);
        if (it != m_vocab.end()) {
            out.push_back(it->second);
            return;
        }
    }
    const bool cacheable = word.size() <= kCachedWordBytes;
    if (cacheable) {
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        const auto it = m_cache.find(word);
        if (it != m_cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<int32_t> ids = mergeWord(word);
    out.insert(out.end(), ids.begin(), ids.end());
    if (cacheable) {
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        if (m_cache.size() >= kCacheEntries)
            m_cache.clear();
        m_cache.emplace(word, std::move(ids));
    }
}

} // namespace specmoe
