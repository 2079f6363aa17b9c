#include "core/model/tokenizer_json.h"

#include "core/model/byte_level.h"
#include "core/util/error.h"
#include "core/util/json_error.h"
#include "core/util/piece_text.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

using nlohmann::json;

namespace specmoe {
namespace {

std::string typeOf(const json& j) { return j.is_object() && j.contains("type") && j["type"].is_string() ? j["type"].get<std::string>() : ""; }

bool validUtf8(const std::string& s)
{
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0 || i + n > s.size())
            return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

} // namespace

JsonTokenizer::JsonTokenizer(const std::string& path) : m_path(path)
{
    json doc;
    try {
        doc = json::parse(readFile(path, "the tokenizer"));
    } catch (const json::exception& e) {
        throw Error(path + ": not a valid tokenizer.json (" + jsonErrorText(e) + ")");
    }
    try {
        read(doc);
    } catch (const json::exception& e) { // a field of an unexpected type
        throw Error(path + ": not a tokenizer.json this reader knows (" + jsonErrorText(e) + ")");
    }
}

void JsonTokenizer::read(const json& doc)
{
    if (!doc.is_object())
        fail("", "not a tokenizer.json (the file is not a JSON object)");
    if (!doc.contains("model") || doc["model"].is_null())
        fail("model", "missing (a tokenizer.json names its model)");
    readModel(doc["model"]);
    readAddedTokens(doc.value("added_tokens", json::array()));
    readNormalizer(doc.value("normalizer", json()), "normalizer");
    readPreTokenizer(doc.value("pre_tokenizer", json()));
    readPostProcessor(doc.value("post_processor", json()), "post_processor");
    m_vocabSize = m_bpe.maxId() + 1;
    for (const AddedToken& a : m_added.tokens())
        m_vocabSize = std::max(m_vocabSize, a.id + 1);
    // A normalized token is looked for as the normalizer writes it (tokenizers does the same).
    m_added.finish([this](const std::string& s) { return m_nfc ? nfc(s) : s; });
}

JsonTokenizer::~JsonTokenizer() = default;

void JsonTokenizer::fail(const std::string& field, const std::string& what) const
{
    throw Error(m_path + (field.empty() ? "" : ": " + field) + ": " + what);
}

void JsonTokenizer::readModel(const json& model)
{
    const std::string type = typeOf(model);
    if (type != "BPE")
        fail("model.type", "\"" + type + "\" is not supported (only byte-level \"BPE\"; SentencePiece models ship tokenizer.model)");
    if (model.value("byte_fallback", false))
        fail("model.byte_fallback", "true is not supported (byte-level BPE needs no byte fallback)");
    for (const char* k : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (model.contains(k) && !model[k].is_null() && !(model[k].is_string() && model[k].get<std::string>().empty()))
            fail(std::string("model.") + k, "a non-empty value is not supported");
    if (model.contains("dropout") && !model["dropout"].is_null() && !(model["dropout"].is_number() && model["dropout"].get<double>() == 0.0))
        fail("model.dropout", "BPE dropout is not supported");
    if (!model.contains("vocab") || !model["vocab"].is_object())
        fail("model.vocab", "missing or not an object of token: id");
    std::unordered_map<std::string, int64_t> vocab;
    for (const auto& [tok, id] : model["vocab"].items()) {
        if (!id.is_number_integer())
            fail("model.vocab", "the id of \"" + tok + "\" is not an integer");
        vocab.emplace(tok, id.get<int64_t>());
    }
    try {
        m_bpe.setVocab(std::move(vocab));
    } catch (const Error& e) {
        fail("", e.what());
    }
    if (!model.contains("merges") || !model["merges"].is_array())
        fail("model.merges", "missing or not an array");
    const json& merges = model["merges"];
    for (size_t i = 0; i < merges.size(); ++i) {
        const json& m = merges[i];
        const std::string field = "model.merges[" + std::to_string(i) + "]";
        std::string left, right;
        if (m.is_string()) { // "a b"
            const std::string s = m.get<std::string>();
            const size_t sp = s.find(' ');
            if (sp == std::string::npos || sp == 0 || sp + 1 >= s.size() || s.find(' ', sp + 1) != std::string::npos)
                fail(field, "\"" + s + "\" is not two tokens separated by one space");
            left = s.substr(0, sp);
            right = s.substr(sp + 1);
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) { // ["a", "b"]
            left = m[0].get<std::string>();
            right = m[1].get<std::string>();
        } else {
            fail(field, "neither \"a b\" nor [\"a\", \"b\"]");
        }
        try {
            m_bpe.addMerge(left, right);
        } catch (const Error& e) {
            fail(field, e.what());
        }
    }
    m_bpe.setIgnoreMerges(model.value("ignore_merges", false));
    if (model.contains("unk_token") && model["unk_token"].is_string()) {
        const auto it = m_bpe.vocab().find(model["unk_token"].get<std::string>());
        if (it == m_bpe.vocab().end())
            fail("model.unk_token", "\"" + model["unk_token"].get<std::string>() + "\" is not in model.vocab");
        m_bpe.setUnknown(it->second);
    }
}

// The id tokenizers gives an added token (tokenizers 0.23.1, and transformers' AutoTokenizer
// through it, checked with scripts/sid-python.sh): not the file's "id" but the vocabulary's id
// of the same text, else the next id after the vocabulary (its count of entries) and the added
// tokens before it, in file order. Files tokenizers wrote agree with their ids; a hand-edited
// one (a gap, ids out of order) gets the ids transformers feeds the model. A vocabulary with
// gaps (the reduced test vocabularies; no released tokenizer) would make that count collide
// with its own ids, as it does in tokenizers: there the file's id is kept.
int64_t JsonTokenizer::addedTokenId(const std::string& content, int64_t fileId) const
{
    if (const auto it = m_bpe.vocab().find(content); it != m_bpe.vocab().end())
        return it->second;
    int64_t maxAdded = -1;
    for (const auto& [id, text] : m_addedById) {
        if (text == content)
            return id;
        maxAdded = std::max(maxAdded, id);
    }
    const int64_t vocab = int64_t(m_bpe.vocab().size());
    if (vocab != m_bpe.maxId() + 1)
        return fileId;
    return maxAdded >= vocab ? maxAdded + 1 : vocab;
}

void JsonTokenizer::readAddedTokens(const json& added)
{
    if (!added.is_array())
        fail("added_tokens", "not an array");
    for (size_t i = 0; i < added.size(); ++i) {
        const json& a = added[i];
        const std::string field = "added_tokens[" + std::to_string(i) + "]";
        if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() || a["id"].get<int64_t>() < 0 ||
            !a.contains("content") || !a["content"].is_string() || a["content"].get<std::string>().empty())
            fail(field, "needs a non-negative integer id and a non-empty content");
        auto flag = [&](const char* k, bool absent) {
            if (!a.contains(k))
                return absent;
            if (!a[k].is_boolean())
                fail(field + "." + k, "not a boolean (true or false)");
            return a[k].get<bool>();
        };
        AddedToken t;
        t.content = a["content"].get<std::string>();
        t.id = addedTokenId(t.content, a["id"].get<int64_t>());
        if (const auto it = m_addedById.find(t.id); it != m_addedById.end() && it->second == t.content)
            continue; // listed twice: tokenizers keeps the first
        t.singleWord = flag("single_word", false);
        t.lstrip = flag("lstrip", false);
        t.rstrip = flag("rstrip", false);
        // tokenizers' files always say; where one does not, its AddedToken(content, special)
        // default: a special token is matched in the raw text.
        t.normalized = flag("normalized", !flag("special", false));
        m_addedById[t.id] = t.content;
        m_added.add(std::move(t));
    }
}

void JsonTokenizer::readNormalizer(const json& n, const std::string& field)
{
    if (n.is_null())
        return;
    const std::string type = typeOf(n);
    if (type == "NFC") {
        m_nfc = true;
    } else if (type == "Sequence" && n.contains("normalizers") && n["normalizers"].is_array()) {
        for (size_t i = 0; i < n["normalizers"].size(); ++i)
            readNormalizer(n["normalizers"][i], field + ".normalizers[" + std::to_string(i) + "]");
    } else {
        fail(field + ".type", "\"" + type + "\" is not supported (null or NFC)");
    }
}

std::unique_ptr<PreTokenizeStep> JsonTokenizer::readSplit(const json& s, const std::string& field) const
{
    const json pattern = s.value("pattern", json());
    const bool literal = pattern.is_object() && pattern.contains("String") && pattern["String"].is_string();
    if (!literal && !(pattern.is_object() && pattern.contains("Regex") && pattern["Regex"].is_string()))
        fail(field + ".pattern", "needs {\"Regex\": ...} or {\"String\": ...}");
    const std::string text = pattern[literal ? "String" : "Regex"].get<std::string>();
    const std::string b = s.value("behavior", std::string());
    SplitBehavior behavior;
    if (b == "Removed")
        behavior = SplitBehavior::Removed;
    else if (b == "Isolated")
        behavior = SplitBehavior::Isolated;
    else if (b == "MergedWithPrevious")
        behavior = SplitBehavior::MergedWithPrevious;
    else if (b == "MergedWithNext")
        behavior = SplitBehavior::MergedWithNext;
    else if (b == "Contiguous")
        behavior = SplitBehavior::Contiguous;
    else
        fail(field + ".behavior", "\"" + b + "\" is not a split behavior");
    std::unique_ptr<SplitRegex> re;
    try {
        re = std::make_unique<SplitRegex>(text, literal, field + ".pattern");
    } catch (const Error& e) {
        fail("", e.what());
    }
    return makeSplitStep(std::move(re), behavior, s.value("invert", false));
}

void JsonTokenizer::readPreTokenizer(const json& p)
{
    if (p.is_null())
        fail("pre_tokenizer", "null is not supported (byte-level BPE needs a ByteLevel pre_tokenizer)");
    std::vector<std::pair<json, std::string>> steps;
    if (typeOf(p) == "Sequence" && p.contains("pretokenizers") && p["pretokenizers"].is_array()) {
        for (size_t i = 0; i < p["pretokenizers"].size(); ++i)
            steps.emplace_back(p["pretokenizers"][i], "pre_tokenizer.pretokenizers[" + std::to_string(i) + "]");
    } else {
        steps.emplace_back(p, "pre_tokenizer");
    }
    for (size_t i = 0; i < steps.size(); ++i) {
        const auto& [s, field] = steps[i];
        const std::string type = typeOf(s);
        const bool last = i + 1 == steps.size();
        if (type == "ByteLevel" && last) {
            m_steps.push_back(makeByteLevelStep(s.value("add_prefix_space", false), s.value("use_regex", true)));
        } else if (type == "Split" && !last) {
            m_steps.push_back(readSplit(s, field));
        } else {
            fail(field + ".type", "\"" + type + "\" is not supported here (byte-level BPE needs ByteLevel, "
                                  "or Splits followed by ByteLevel)");
        }
    }
}

void JsonTokenizer::readPostProcessor(const json& p, const std::string& field)
{
    const std::string type = typeOf(p);
    if (p.is_null() || type == "ByteLevel")
        return; // adds no token
    if (type == "Sequence" && p.contains("processors") && p["processors"].is_array()) {
        for (size_t i = 0; i < p["processors"].size(); ++i)
            readPostProcessor(p["processors"][i], field + ".processors[" + std::to_string(i) + "]");
        return;
    }
    if (type != "TemplateProcessing")
        fail(field + ".type", "\"" + type + "\" is not supported (null, ByteLevel or TemplateProcessing)");
    const json single = p.value("single", json());
    const json special = p.value("special_tokens", json::object());
    if (!single.is_array())
        fail(field + ".single", "missing or not an array");
    bool afterText = false;
    for (size_t i = 0; i < single.size(); ++i) {
        const json& item = single[i];
        if (item.contains("Sequence")) {
            afterText = true;
            continue;
        }
        const std::string f = field + ".single[" + std::to_string(i) + "]";
        if (!item.contains("SpecialToken") || !item["SpecialToken"].contains("id"))
            fail(f, "neither a Sequence nor a SpecialToken");
        const std::string name = item["SpecialToken"]["id"].get<std::string>();
        if (!special.contains(name) || !special[name].contains("ids") || !special[name]["ids"].is_array())
            fail(field + ".special_tokens", "\"" + name + "\" is not listed with its ids");
        for (const json& id : special[name]["ids"])
            (afterText ? m_suffix : m_prefix).push_back(id.get<int64_t>());
    }
}

void JsonTokenizer::encodeText(const std::string& text, std::vector<int64_t>& out) const
{
    if (text.empty())
        return;
    std::vector<std::string> pieces{text};
    for (const auto& step : m_steps)
        step->apply(pieces);
    try {
        for (const std::string& p : pieces)
            m_bpe.encode(p, out);
    } catch (const Error& e) {
        fail("", e.what());
    }
}

void JsonTokenizer::encodeNormalized(const std::string& raw, std::vector<int64_t>& out) const
{
    if (raw.empty())
        return;
    const std::string text = m_nfc ? nfc(raw) : raw;
    for (const AddedSplit& s : m_added.split(text, true)) {
        if (s.id >= 0)
            out.push_back(s.id);
        else
            encodeText(text.substr(s.begin, s.end - s.begin), out);
    }
}

std::vector<int64_t> JsonTokenizer::encode(const std::string& text, bool addSpecial) const
{
    std::vector<int64_t> out;
    if (addSpecial)
        out = m_prefix;
    // As tokenizers: the added tokens that are not normalized are found in the raw text, the
    // text between them is normalized, the normalized added tokens are found in that, and
    // what is left is pre-tokenized. Added tokens are never split.
    for (const AddedSplit& s : m_added.split(text, false)) {
        if (s.id >= 0)
            out.push_back(s.id);
        else
            encodeNormalized(text.substr(s.begin, s.end - s.begin), out);
    }
    if (addSpecial)
        out.insert(out.end(), m_suffix.begin(), m_suffix.end());
    return out;
}

std::string JsonTokenizer::piece(int64_t id) const
{
    const auto it = m_addedById.find(id);
    if (it != m_addedById.end())
        return it->second;
    if (const std::string* t = m_bpe.token(id))
        return *t;
    throw Error(m_path + ": token id " + std::to_string(id) + " is not in the vocabulary (ids below " +
                std::to_string(m_vocabSize) + ")");
}

std::string JsonTokenizer::decode(const std::vector<int64_t>& ids) const
{
    std::string out;
    for (int64_t id : ids) {
        const auto it = m_addedById.find(id);
        if (it != m_addedById.end()) {
            out += it->second;
            continue;
        }
        const std::string p = piece(id);
        std::string bytes;
        if (!byte_level::decode(p, bytes))
            throw Error(m_path + ": token " + std::to_string(id) + " \"" + p + "\" is not a byte-level token");
        out += bytes;
    }
    return out;
}

namespace {

void appendHexByte(std::string& out, unsigned char c)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "<0x%02X>", c);
    out += buf;
}

} // namespace

bool JsonTokenizer::tokenBytes(int64_t id, std::string& out) const
{
    out.clear();
    if (m_addedById.count(id)) {
        out = m_addedById.at(id);
        return false;
    }
    const std::string p = piece(id);
    if (!byte_level::decode(p, out)) {
        out = p;
        return false;
    }
    return true;
}

std::string JsonTokenizer::recordedPiece(int64_t id) const
{
    std::string bytes;
    if (!tokenBytes(id, bytes))
        return bytes;
    const bool whole = validUtf8(bytes);
    std::string out;
    for (unsigned char c : bytes) {
        if (!whole || c < 0x20 || c == 0x7F)
            appendHexByte(out, c);
        else if (c == ' ')
            out += kSpaceMarker;
        else
            out += char(c);
    }
    return out;
}

std::string JsonTokenizer::pieceText(int64_t id) const
{
    std::string bytes;
    if (!tokenBytes(id, bytes) || validUtf8(bytes))
        return bytes;
    std::string hex; // a part of a character: its bytes, as SentencePiece shows byte pieces
    for (unsigned char c : bytes)
        appendHexByte(hex, c);
    return hex;
}

} // namespace specmoe
