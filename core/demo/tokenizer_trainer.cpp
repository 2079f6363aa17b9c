// SentencePiece BPE training for the demo model.
//
// libsentencepiece carries its own copy of protobuf-lite with exported symbols, and libtorch
// loads the system libprotobuf: a process that links both crashes while loading (one
// library's protobuf calls resolve into the other's). The trainer is therefore loaded at
// run time with dlopen(RTLD_LOCAL | RTLD_DEEPBIND), which keeps its symbols out of the
// global scope and binds its own references to its own protobuf copy.
#include "core/demo/tokenizer_trainer.h"

#include "core/util/error.h"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string_view>

namespace fs = std::filesystem;

namespace specmoe::demo {

namespace {

// sentencepiece::util::Status is a unique_ptr<Rep> (null = OK) with an out-of-line
// destructor; a class with a user-provided destructor is returned the same way (through a
// hidden pointer), so this mirror receives it. Rep is {StatusCode code; std::string msg}.
struct StatusMirror {
    void* rep = nullptr;
    ~StatusMirror() {} // NOLINT: must stay user-provided (return convention)
};
struct StatusRepMirror {
    int code;
    std::string message;
};
using TrainFn = StatusMirror (*)(std::string_view, void*, std::string*);
using SetLogLevelFn = void (*)(int);

// SentencePieceTrainer::Train(absl::string_view args, SentenceIterator*, std::string*)
// sentencepiece::logging::SetMinLogLevel(int). SentencePiece logs to std::cerr; under
// RTLD_DEEPBIND its std::cerr is libstdc++'s own object, not the executable's (copy
// relocated, the one that was initialised), so any log line would crash: logging is
// switched off before training, and --minloglevel is never passed.
constexpr const char* kSetLogLevelSymbol = "_ZN13sentencepiece7logging14SetMinLogLevelEi";

constexpr const char* kTrainSymbol =
    "_ZN13sentencepiece20SentencePieceTrainer5TrainESt17basic_string_viewIcSt11char_"
    "traitsIcEEPNS_16SentenceIteratorEPNSt7__cxx1112basic_stringIcS3_SaIcEEE";

#if defined(__SANITIZE_ADDRESS__)
#define SPECMOE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPECMOE_ASAN 1
#endif
#endif

TrainFn loadTrainer()
{
#ifdef SPECMOE_ASAN
    // AddressSanitizer aborts the process on RTLD_DEEPBIND, and Debian's trainer library is
    // not instrumented (core/model/tokenizer.cpp's way around it needs an instrumented module).
    throw Error("demo tokenizer: training a tokenizer is not available in AddressSanitizer "
                "builds (libsentencepiece_train must be loaded with RTLD_DEEPBIND); use a "
                "release build for the demo");
#endif
    static std::mutex mu;
    static TrainFn fn = nullptr;
    static std::string error;
    std::lock_guard<std::mutex> lock(mu);
    if (fn)
        return fn;
    if (!error.empty())
        throw Error(error);
    void* h = nullptr;
    for (const char* name : {"libsentencepiece_train.so.0", "libsentencepiece_train.so"}) {
        h = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
        if (h)
            break;
    }
    if (!h) {
        const char* e = dlerror();
        error = std::string("demo tokenizer: cannot load libsentencepiece_train (") +
                (e ? e : "unknown error") + "); install libsentencepiece0";
        throw Error(error);
    }
    const auto setLevel = reinterpret_cast<SetLogLevelFn>(dlsym(h, kSetLogLevelSymbol));
    fn = reinterpret_cast<TrainFn>(dlsym(h, kTrainSymbol));
    if (!fn || !setLevel) {
        error = "demo tokenizer: libsentencepiece_train has no SentencePieceTrainer::Train"
                "(string_view, ...) or logging::SetMinLogLevel (unsupported SentencePiece version)";
        fn = nullptr;
        throw Error(error);
    }
    setLevel(100); // nothing at all (see kSetLogLevelSymbol)
    return fn;
}

} // namespace

std::string trainTokenizer(const DemoCorpus& corpus, const std::string& modelDir,
                           const std::string& workDir, const TokenizerTrainParams& params)
{
    fs::create_directories(modelDir);
    fs::create_directories(workDir);
    const fs::path textFile = fs::path(workDir) / "tokenizer-train.txt";
    {
        std::ofstream out(textFile, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error("demo tokenizer: cannot write " + textFile.string());
        // Interleave domains line by line so that sampling keeps their balance.
        std::vector<std::vector<std::string>> lines(corpus.domains.size());
        for (size_t d = 0; d < corpus.domains.size(); ++d)
            for (const auto& doc : corpus.domains[d].train) {
                std::istringstream in(doc.text);
                std::string l;
                while (std::getline(in, l))
                    if (!l.empty())
                        lines[d].push_back(l.size() > 2000 ? l.substr(0, 2000) : l);
            }
        for (size_t i = 0;; ++i) {
            bool any = false;
            for (const auto& v : lines)
                if (i < v.size()) {
                    out << v[i] << '\n';
                    any = true;
                }
            if (!any)
                break;
        }
        if (!out)
            throw Error("demo tokenizer: write failed for " + textFile.string());
    }
    const fs::path prefix = fs::path(workDir) / "tokenizer";
    std::ostringstream flags;
    flags << "--input=" << textFile.string() << " --model_prefix=" << prefix.string()
          << " --model_type=bpe --vocab_size=" << params.vocabSize
          << " --byte_fallback=true --unk_id=0 --bos_id=1 --eos_id=2 --pad_id=-1"
          << " --character_coverage=0.9995 --normalization_rule_name=identity"
          << " --remove_extra_whitespaces=false --add_dummy_prefix=true --split_digits=true"
          << " --allow_whitespace_only_pieces=true --max_sentence_length=4192"
          << " --input_sentence_size=" << params.maxSentences
          << " --shuffle_input_sentence=true --num_threads=" << std::max(1, params.threads);
    const TrainFn train = loadTrainer();
    const std::string args = flags.str();
    StatusMirror st = train(args, nullptr, nullptr);
    if (st.rep) {
        const std::string msg = static_cast<StatusRepMirror*>(st.rep)->message;
        st.rep = nullptr; // leaked on purpose: it belongs to the other library's allocator view
        throw Error("demo tokenizer: SentencePiece training failed: " + msg);
    }
    const fs::path trained = fs::path(workDir) / "tokenizer.model";
    const fs::path model = fs::path(modelDir) / "tokenizer.model";
    if (!fs::exists(trained))
        throw Error("demo tokenizer: SentencePiece wrote no " + trained.string());
    fs::copy_file(trained, model, fs::copy_options::overwrite_existing);
    return model.string();
}

} // namespace specmoe::demo
