// SentencePiece BPE encoding without libsentencepiece (the demo's own models only).
#include "core/demo/bpe_encoder.h"

#include "core/util/error.h"
#include "core/util/piece_text.h"
#include "core/util/read_file.h"

#include <cstring>
#include <fstream>
#include <queue>
#include <sstream>

namespace specmoe::demo {

namespace {

struct Reader {
    const uint8_t* p;
    const uint8_t* end;
    const std::string& file;
    uint64_t varint()
    {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= end)
                throw Error(file + ": truncated SentencePiece model");
            const uint8_t b = *p++;
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        throw Error(file + ": bad varint in SentencePiece model");
    }
    void skip(uint32_t wire)
    {
        switch (wire) {
        case 0: varint(); break;
        case 1: advance(8); break;
        case 2: advance(varint()); break;
        case 5: advance(4); break;
        default: throw Error(file + ": unsupported protobuf wire type in SentencePiece model");
        }
    }
    void advance(uint64_t n)
    {
        if (uint64_t(end - p) < n)
            throw Error(file + ": truncated SentencePiece model");
        p += n;
    }
};

enum PieceType { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };

} // namespace

BpeEncoder::BpeEncoder(const std::string& path)
{
    const std::string data = readFile(path, "the tokenizer model");
    for (auto& b : m_byteIds)
        b = -1;
    Reader r{reinterpret_cast<const uint8_t*>(data.data()),
             reinterpret_cast<const uint8_t*>(data.data()) + data.size(), path};
    while (r.p < r.end) {
        const uint64_t key = r.varint();
        const uint32_t field = uint32_t(key >> 3), wire = uint32_t(key & 7);
        if (field != 1 || wire != 2) {
            r.skip(wire);
            continue;
        }
        const uint64_t len = r.varint();
        if (uint64_t(r.end - r.p) < len)
            throw Error(path + ": truncated piece in SentencePiece model");
        Reader m{r.p, r.p + len, path};
        r.p += len;
        std::string piece;
        float score = 0;
        int type = kNormal;
        while (m.p < m.end) {
            const uint64_t k = m.varint();
            const uint32_t f = uint32_t(k >> 3), w = uint32_t(k & 7);
            if (f == 1 && w == 2) {
                const uint64_t n = m.varint();
                m.advance(0);
                if (uint64_t(m.end - m.p) < n)
                    throw Error(path + ": truncated piece text");
                piece.assign(reinterpret_cast<const char*>(m.p), size_t(n));
                m.p += n;
            } else if (f == 2 && w == 5) {
                m.advance(0);
                if (m.end - m.p < 4)
                    throw Error(path + ": truncated piece score");
                std::memcpy(&score, m.p, 4);
                m.p += 4;
            } else if (f == 3 && w == 0) {
                type = int(m.varint());
            } else {
                m.skip(w);
            }
        }
        const int32_t id = int32_t(m_pieces.size());
        m_pieces.push_back(piece);
        m_scores.push_back(score);
        if (type == kNormal || type == kUserDefined || type == kUnused)
            m_normal.emplace(piece, id);
        else if (type == kUnknown)
            m_unk = id;
        else if (type == kByte && piece.size() == 6 && piece.compare(0, 3, "<0x") == 0)
            m_byteIds[std::stoi(piece.substr(3, 2), nullptr, 16)] = id;
        else if (type == kControl && piece == "<s>")
            m_bos = id;
    }
    if (m_pieces.empty())
        throw Error(path + ": not a SentencePiece model (no pieces)");
}

std::vector<int32_t> BpeEncoder::encode(const std::string& text) const
{
    std::vector<int32_t> out;
    if (text.empty())
        return out;
    // Normalize: dummy prefix, spaces as U+2581.
    std::string norm = kSpaceMarker;
    norm.reserve(text.size() * 2);
    for (char c : text) {
        if (c == ' ')
            norm += kSpaceMarker;
        else
            norm.push_back(c);
    }
    // Initial symbols: UTF-8 characters.
    struct Sym {
        size_t begin, len;
        int prev, next;
    };
    std::vector<Sym> syms;
    for (size_t i = 0; i < norm.size();) {
        const unsigned char c = static_cast<unsigned char>(norm[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        n = std::min(n, norm.size() - i);
        syms.push_back({i, n, int(syms.size()) - 1, int(syms.size()) + 1});
        i += n;
    }
    syms.back().next = -1;

    struct Pair {
        int left, right;
        float score;
        size_t size;
    };
    auto cmp = [](const Pair& a, const Pair& b) {
        if (a.score != b.score)
            return a.score < b.score; // higher score first
        return a.left > b.left;       // then leftmost
    };
    std::priority_queue<Pair, std::vector<Pair>, decltype(cmp)> agenda(cmp);
    auto tryAdd = [&](int l, int r) {
        if (l < 0 || r < 0)
            return;
        const std::string_view s(norm.data() + syms[size_t(l)].begin,
                                 syms[size_t(l)].len + syms[size_t(r)].len);
        const auto it = m_normal.find(std::string(s));
        if (it == m_normal.end())
            return;
        agenda.push({l, r, m_scores[size_t(it->second)], s.size()});
    };
    for (size_t i = 1; i < syms.size(); ++i)
        tryAdd(int(i) - 1, int(i));
    while (!agenda.empty()) {
        const Pair top = agenda.top();
        agenda.pop();
        Sym& L = syms[size_t(top.left)];
        Sym& R = syms[size_t(top.right)];
        // Stale: one side changed since the pair was queued.
        if (L.len == 0 || R.len == 0 || L.len + R.len != top.size || L.next != top.right)
            continue;
        L.len += R.len;
        L.next = R.next;
        if (R.next >= 0)
            syms[size_t(R.next)].prev = top.left;
        R.len = 0;
        tryAdd(L.prev, top.left);
        tryAdd(top.left, L.next);
    }
    for (int i = 0; i >= 0; i = syms[size_t(i)].next) {
        const Sym& s = syms[size_t(i)];
        const std::string piece = norm.substr(s.begin, s.len);
        const auto it = m_normal.find(piece);
        if (it != m_normal.end()) {
            out.push_back(it->second);
            continue;
        }
        for (unsigned char b : piece)
            out.push_back(m_byteIds[b] >= 0 ? m_byteIds[b] : m_unk);
    }
    return out;
}

} // namespace specmoe::demo
