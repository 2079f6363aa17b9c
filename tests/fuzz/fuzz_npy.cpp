// NumPy NPY files and NPZ archives (core/import): the first input byte says which (even: an
// .npy file, odd: an .npz archive), the rest is the file. Every array is read to its end in
// pieces, as integers or as floats; only specmoe::Error may leave the reader.
#include "core/import/npy_file.h"
#include "core/util/error.h"
#include "tests/fuzz/fuzz_support.h"

#include <vector>

using namespace specmoe;
using namespace specmoe::import;

namespace {

void readArray(const std::string& path, const std::string& member, bool asFloat)
{
    NpyReader r(path, member);
    if (r.info().count() < 0)
        __builtin_trap();
    std::vector<int64_t> ints(7);
    std::vector<float> floats(7);
    int64_t guard = 0;
    while (r.remaining() > 0 && ++guard < 100000) {
        const size_t n = size_t(std::min<int64_t>(r.remaining(), 7));
        if (asFloat)
            r.readFloat(n, floats.data());
        else
            r.readInt64(n, ints.data());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const fuzz::ScratchDir dir("npy");
    if (size == 0)
        return 0;
    const bool npz = data[0] % 2;
    const bool asFloat = (data[0] / 2) % 2;
    const std::string path = dir.file(npz ? "input.npz" : "input.npy");
    fuzz::writeFile(path, data + 1, size - 1);
    try {
        if (!npz) {
            readArray(path, "", asFloat);
            return 0;
        }
        for (const std::string& m : npzMembers(path)) {
            try {
                readArray(path, m, asFloat);
            } catch (const Error&) {
            }
        }
    } catch (const Error&) {
    }
    return 0;
}
