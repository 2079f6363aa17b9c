// The safetensors header parser (SafetensorsFile) on arbitrary file bytes: every input is
// either accepted with tensors that lie inside the file, or refused with specmoe::Error.
#include "core/safetensors/safetensors.h"
#include "core/util/error.h"
#include "tests/fuzz/fuzz_support.h"

using namespace specmoe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const fuzz::ScratchDir dir("safetensors");
    const std::string path = dir.file("model.safetensors");
    fuzz::writeFile(path, data, size);
    try {
        const SafetensorsFile f(path);
        uint64_t sum = 0;
        for (const TensorEntry& e : f.tensors()) {
            if (f.find(e.name) != &e || e.end > f.file().size() - f.dataStart() ||
                e.bytes() != uint64_t(e.numel()) * stDTypeSize(e.dtype))
                __builtin_trap(); // accepted an entry the format rules forbid
            // Touch the first and last byte: the mapping must hold them.
            if (e.bytes() > 0)
                sum += f.bytes(e)[0] + f.bytes(e)[e.bytes() - 1];
        }
        for (const auto& [k, v] : f.metadata())
            sum += k.size() + v.size();
        if (sum == 1) // keep the reads
            std::fputc(' ', stderr);
    } catch (const Error&) {
    }
    return 0;
}
