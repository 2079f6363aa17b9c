// A C interface to libsentencepiece, built as its own loadable module
// (libspecmoe_sentencepiece.so). libsentencepiece embeds protobuf 3.14 and exports its
// symbols; libtorch loads the system libprotobuf (3.21). With both in the global symbol
// scope the process crashes while loading, so core/model/tokenizer.cpp opens this module
// with RTLD_LOCAL | RTLD_DEEPBIND instead of linking SentencePiece.
#include <sentencepiece_processor.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {
using Proc = sentencepiece::SentencePieceProcessor;

void setError(char* err, size_t len, const std::string& what)
{
    if (err && len > 0) {
        std::strncpy(err, what.c_str(), len - 1);
        err[len - 1] = '\0';
    }
}
} // namespace

extern "C" {

int specmoe_spm_abi_version() { return 1; }

void* specmoe_spm_new() { return new (std::nothrow) Proc(); }

void specmoe_spm_delete(void* p) { delete static_cast<Proc*>(p); }

int specmoe_spm_load(void* p, const char* path, char* err, size_t errLen)
{
    try {
        const auto st = static_cast<Proc*>(p)->Load(path);
        if (!st.ok())
            setError(err, errLen, st.ToString());
        return st.ok() ? 1 : 0;
    } catch (const std::exception& e) {
        setError(err, errLen, e.what());
        return 0;
    }
}

// *ids is malloc'ed; free with specmoe_spm_free.
int specmoe_spm_encode(void* p, const char* text, size_t len, int** ids, size_t* n, char* err, size_t errLen)
{
    try {
        std::vector<int> v;
        const auto st = static_cast<Proc*>(p)->Encode(std::string(text, len), &v);
        if (!st.ok()) {
            setError(err, errLen, st.ToString());
            return 0;
        }
        *n = v.size();
        *ids = static_cast<int*>(std::malloc(sizeof(int) * (v.empty() ? 1 : v.size())));
        if (!*ids)
            return 0;
        std::memcpy(*ids, v.data(), sizeof(int) * v.size());
        return 1;
    } catch (const std::exception& e) {
        setError(err, errLen, e.what());
        return 0;
    }
}

// *out is malloc'ed; free with specmoe_spm_free.
int specmoe_spm_decode(void* p, const int* ids, size_t n, char** out, size_t* outLen, char* err, size_t errLen)
{
    try {
        std::string s;
        const auto st = static_cast<Proc*>(p)->Decode(std::vector<int>(ids, ids + n), &s);
        if (!st.ok()) {
            setError(err, errLen, st.ToString());
            return 0;
        }
        *outLen = s.size();
        *out = static_cast<char*>(std::malloc(s.size() + 1));
        if (!*out)
            return 0;
        std::memcpy(*out, s.data(), s.size());
        (*out)[s.size()] = '\0';
        return 1;
    } catch (const std::exception& e) {
        setError(err, errLen, e.what());
        return 0;
    }
}

void specmoe_spm_free(void* buf) { std::free(buf); }

int specmoe_spm_piece_size(void* p) { return static_cast<Proc*>(p)->GetPieceSize(); }
int specmoe_spm_bos_id(void* p) { return static_cast<Proc*>(p)->bos_id(); }

// The piece's bytes stay valid while the processor lives.
const char* specmoe_spm_id_to_piece(void* p, int id, size_t* len)
{
    const std::string& s = static_cast<Proc*>(p)->IdToPiece(id);
    *len = s.size();
    return s.data();
}

// 1 byte piece, 2 control, 3 unknown, 0 normal.
int specmoe_spm_piece_kind(void* p, int id)
{
    auto* sp = static_cast<Proc*>(p);
    if (sp->IsByte(id)) return 1;
    if (sp->IsControl(id)) return 2;
    if (sp->IsUnknown(id)) return 3;
    return 0;
}

} // extern "C"
