#include "core/model/tokenizer.h"

#include "core/model/tokenizer_json.h"

#include "core/util/error.h"
#include "core/util/piece_text.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace fs = std::filesystem;

namespace specmoe {
namespace {

// The C interface of libspecmoe_sentencepiece.so (core/model/spm/sentencepiece_module.cpp).
struct SpmApi {
    void* (*create)() = nullptr;
    void (*destroy)(void*) = nullptr;
    int (*load)(void*, const char*, char*, size_t) = nullptr;
    int (*encode)(void*, const char*, size_t, int**, size_t*, char*, size_t) = nullptr;
    int (*decode)(void*, const int*, size_t, char**, size_t*, char*, size_t) = nullptr;
    void (*freeBuf)(void*) = nullptr;
    int (*pieceSize)(void*) = nullptr;
    int (*bos)(void*) = nullptr;
    const char* (*idToPiece)(void*, int, size_t*) = nullptr;
    int (*pieceKind)(void*, int) = nullptr;
};

constexpr const char* kModule = "libspecmoe_sentencepiece.so";

// AddressSanitizer's dlopen interceptor aborts on RTLD_DEEPBIND (google/sanitizers#611:
// a deep-bound library may bind malloc to libc's instead of ASan's). Without DEEPBIND the
// module's SentencePiece would bind libtorch's protobuf 3.21 and fail its version check, so
// sanitized builds call glibc's own dlopen. That is safe here: the module is built with
// the sanitizer flags, so libasan comes first in its own lookup scope.
#if defined(__SANITIZE_ADDRESS__)
#define SPECMOE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPECMOE_ASAN 1
#endif
#endif

void* openModule(const char* path)
{
    constexpr int flags = RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND;
#ifdef SPECMOE_ASAN
    using DlopenFn = void* (*)(const char*, int);
    static const DlopenFn libcDlopen = [] {
        void* libc = ::dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
        return libc ? reinterpret_cast<DlopenFn>(::dlsym(libc, "dlopen")) : nullptr;
    }();
    if (libcDlopen)
        return libcDlopen(path, flags);
#endif
    return ::dlopen(path, flags);
}

std::vector<std::string> moduleCandidates()
{
    std::vector<std::string> c;
    if (const char* env = std::getenv("SPECMOE_SENTENCEPIECE_MODULE"))
        c.push_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path d = exe.parent_path();
        for (const fs::path& p : {d, d / "../lib", d / "../lib/specmoe", d / "../core", d / "../../core"})
            c.push_back((p / kModule).lexically_normal().string());
    }
    c.push_back(kModule); // the loader's search path (LD_LIBRARY_PATH, rpath)
    return c;
}

const SpmApi& api()
{
    static std::once_flag once;
    static SpmApi a;
    static std::string failure;
    std::call_once(once, [] {
        void* h = nullptr;
        std::string tried;
        for (const auto& path : moduleCandidates()) {
            if (path.find('/') != std::string::npos && !fs::exists(path))
                continue;
            h = openModule(path.c_str());
            if (h)
                break;
            tried += std::string(" ") + ::dlerror();
        }
        if (!h) {
            failure = std::string("cannot load the SentencePiece module ") + kModule +
                      " (set SPECMOE_SENTENCEPIECE_MODULE to its path)" + tried;
            return;
        }
        auto sym = [&](const char* name) {
            void* s = ::dlsym(h, name);
            if (!s && failure.empty())
                failure = std::string(kModule) + ": symbol " + name + " is missing";
            return s;
        };
        a.create = reinterpret_cast<void* (*)()>(sym("specmoe_spm_new"));
        a.destroy = reinterpret_cast<void (*)(void*)>(sym("specmoe_spm_delete"));
        a.load = reinterpret_cast<int (*)(void*, const char*, char*, size_t)>(sym("specmoe_spm_load"));
        a.encode = reinterpret_cast<decltype(a.encode)>(sym("specmoe_spm_encode"));
        a.decode = reinterpret_cast<decltype(a.decode)>(sym("specmoe_spm_decode"));
        a.freeBuf = reinterpret_cast<void (*)(void*)>(sym("specmoe_spm_free"));
        a.pieceSize = reinterpret_cast<int (*)(void*)>(sym("specmoe_spm_piece_size"));
        a.bos = reinterpret_cast<int (*)(void*)>(sym("specmoe_spm_bos_id"));
        a.idToPiece = reinterpret_cast<decltype(a.idToPiece)>(sym("specmoe_spm_id_to_piece"));
        a.pieceKind = reinterpret_cast<int (*)(void*, int)>(sym("specmoe_spm_piece_kind"));
    });
    if (!failure.empty())
        throw Error(failure);
    return a;
}

} // namespace

struct Tokenizer::Impl {
    void* sp = nullptr;
    std::unique_ptr<JsonTokenizer> json; // set for a tokenizer.json; then sp is null
    ~Impl()
    {
        if (sp)
            api().destroy(sp);
    }
};

namespace {

// A folder's tokenizer: tokenizer.model when present (Mixtral ships it beside a
// tokenizer.json), else tokenizer.json when present, else the tokenizer.model to report.
std::string tokenizerInFolder(const fs::path& dir)
{
    std::error_code ec;
    if (!fs::exists(dir / kTokenizerFileName, ec) && fs::is_regular_file(dir / kTokenizerJsonFileName, ec))
        return (dir / kTokenizerJsonFileName).string();
    return (dir / kTokenizerFileName).string();
}

bool isJsonTokenizer(const std::string& path)
{
    return path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

} // namespace

std::string tokenizerFile(const std::string& explicitPath, const std::string& modelDir)
{
    std::error_code ec;
    if (explicitPath.empty())
        return tokenizerInFolder(modelDir);
    return fs::is_directory(explicitPath, ec) ? tokenizerInFolder(explicitPath) : explicitPath;
}

std::string findTokenizer(const std::string& explicitPath, const std::string& modelDir)
{
    std::error_code ec;
    if (!explicitPath.empty() && fs::is_regular_file(tokenizerFile(explicitPath, {}), ec))
        return tokenizerFile(explicitPath, {});
    if (!modelDir.empty() && fs::is_regular_file(tokenizerFile({}, modelDir), ec))
        return tokenizerFile({}, modelDir);
    return {};
}

Tokenizer::Tokenizer(const std::string& path) : m_impl(std::make_unique<Impl>())
{
    std::error_code ec;
    m_path = path.empty() ? path : tokenizerFile(path, {});
    if (!fs::exists(m_path, ec))
        throw Error(m_path + ": tokenizer.model is missing (Mixtral checkpoints ship a SentencePiece "
                             "tokenizer.model, Qwen, OLMoE, DeepSeek and gpt-oss ones a tokenizer.json; "
                             "copy it into the checkpoint folder)");
    if (isJsonTokenizer(m_path)) {
        m_impl->json = std::make_unique<JsonTokenizer>(m_path);
        return;
    }
    const SpmApi& a = api();
    m_impl->sp = a.create();
    if (!m_impl->sp)
        throw Error(m_path + ": out of memory");
    char err[512] = {0};
    if (!a.load(m_impl->sp, m_path.c_str(), err, sizeof err))
        throw Error(m_path + ": not a readable SentencePiece model (" + err + ")");
}

Tokenizer::~Tokenizer() = default;

std::vector<int64_t> Tokenizer::encode(const std::string& text, bool addBos) const
{
    if (m_impl->json)
        return m_impl->json->encode(text, addBos);
    int* ids = nullptr;
    size_t n = 0;
    char err[512] = {0};
    if (!api().encode(m_impl->sp, text.data(), text.size(), &ids, &n, err, sizeof err))
        throw Error(m_path + ": encoding failed (" + err + ")");
    std::vector<int64_t> out;
    out.reserve(n + 1);
    if (addBos && bosId() >= 0)
        out.push_back(bosId());
    for (size_t i = 0; i < n; ++i)
        out.push_back(ids[i]);
    api().freeBuf(ids);
    return out;
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids) const
{
    if (m_impl->json)
        return m_impl->json->decode(ids);
    std::vector<int> v;
    v.reserve(ids.size());
    for (int64_t i : ids) {
        if (i < 0 || i >= vocabSize())
            throw Error(m_path + ": token id " + std::to_string(i) + " is outside the vocabulary [0, " +
                        std::to_string(vocabSize()) + ")");
        v.push_back(static_cast<int>(i));
    }
    char* s = nullptr;
    size_t len = 0;
    char err[512] = {0};
    if (!api().decode(m_impl->sp, v.data(), v.size(), &s, &len, err, sizeof err))
        throw Error(m_path + ": decoding failed (" + err + ")");
    std::string out(s, len);
    api().freeBuf(s);
    return out;
}

int64_t Tokenizer::vocabSize() const { return m_impl->json ? m_impl->json->vocabSize() : api().pieceSize(m_impl->sp); }
int64_t Tokenizer::bosId() const { return m_impl->json ? m_impl->json->bosId() : api().bos(m_impl->sp); }

std::string Tokenizer::piece(int64_t id) const
{
    if (m_impl->json)
        return m_impl->json->piece(id);
    if (id < 0 || id >= vocabSize())
        throw Error(m_path + ": token id " + std::to_string(id) + " is outside the vocabulary [0, " +
                    std::to_string(vocabSize()) + ")");
    size_t len = 0;
    const char* p = api().idToPiece(m_impl->sp, static_cast<int>(id), &len);
    return std::string(p, len);
}

std::string Tokenizer::recordedPiece(int64_t id) const
{
    return m_impl->json ? m_impl->json->recordedPiece(id) : piece(id);
}

std::string Tokenizer::pieceText(int64_t id) const
{
    if (m_impl->json)
        return m_impl->json->pieceText(id);
    const std::string p = piece(id);
    const int kind = api().pieceKind(m_impl->sp, static_cast<int>(id));
    if (kind == 0 || kind == 1) // normal or byte piece
        return pieceDisplayText(p);
    return p; // <s>, </s>, <unk>
}

std::function<std::string(int32_t)> recordedTokenText(std::shared_ptr<const Tokenizer> tokenizer)
{
    return [tokenizer](int32_t id) { return tokenizer->recordedPiece(id); };
}

void Tokenizer::checkVocab(int64_t modelVocab) const
{
    // A tokenizer.json may cover fewer ids than the model's embedding (Qwen pads 151646 to
    // 151936): every id must exist in the model, not every row have a token.
    if (m_impl->json) {
        if (vocabSize() > modelVocab)
            throw Error(m_path + ": tokenizer ids go up to " + std::to_string(vocabSize() - 1) +
                        " but the model's vocab_size is " + std::to_string(modelVocab));
        return;
    }
    if (vocabSize() != modelVocab)
        throw Error(m_path + ": tokenizer vocabulary has " + std::to_string(vocabSize()) +
                    " pieces but the model's vocab_size is " + std::to_string(modelVocab));
}

} // namespace specmoe
