// The strict NPY/NPZ reader (issue 18's generic import path) on files numpy wrote
// (tests/data/import, made by make_npy_samples.py) and on damaged copies of them.
#include "core/import/npy_file.h"
#include "core/util/error.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <random>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::import;
using namespace specmoe::test;

namespace {

std::string sample(const std::string& name) { return dataPath("import/" + name); }

// What numpy's ids sample holds: (arange(30) * 7 % 8) as [5, 3, 2].
std::vector<int64_t> expectedIds()
{
    std::vector<int64_t> v(30);
    for (int i = 0; i < 30; ++i)
        v[size_t(i)] = i * 7 % 8;
    return v;
}

std::vector<int64_t> readAll(NpyReader& r)
{
    std::vector<int64_t> v(size_t(r.remaining()));
    // Odd piece sizes: a reader is fed in blocks that do not follow the array's rows.
    size_t at = 0;
    while (at < v.size()) {
        const size_t n = std::min<size_t>(7, v.size() - at);
        r.readInt64(n, v.data() + at);
        at += n;
    }
    return v;
}

} // namespace

TEST(Npy, ReadsWhatNumpyWroteInEveryAcceptedLayout)
{
    NpyReader le(sample("ids_i4.npy"));
    EXPECT_EQ(le.info().descr, "<i4");
    EXPECT_EQ(le.info().shape, (std::vector<int64_t>{5, 3, 2}));
    EXPECT_EQ(readAll(le), expectedIds());
    EXPECT_EQ(le.remaining(), 0);

    NpyReader be(sample("ids_be_u2.npy"));
    EXPECT_TRUE(be.info().bigEndian);
    EXPECT_EQ(readAll(be), expectedIds());

    NpyReader flags(sample("flags_b1.npy"));
    EXPECT_EQ(readAll(flags), (std::vector<int64_t>{1, 0, 1}));

    NpyReader scalar(sample("scalar_f8.npy"));
    EXPECT_TRUE(scalar.info().shape.empty());
    float x = 0;
    scalar.readFloat(1, &x);
    EXPECT_EQ(x, 2.5f);

    NpyReader w(sample("weights_f2.npy"));
    std::vector<float> f(30);
    w.readFloat(30, f.data());
    EXPECT_EQ(f.front(), 0.f);
    EXPECT_EQ(f.back(), 1.f);
    EXPECT_NEAR(f[15], 15.f / 29.f, 1e-3);
}

TEST(Npy, ReadsStoredAndDeflatedNpzMembers)
{
    for (const char* file : {"trace_stored.npz", "trace_deflated.npz"}) {
        const auto names = npzMembers(sample(file));
        EXPECT_EQ(names, (std::vector<std::string>{"ids.npy", "token_ids.npy", "lengths.npy"})) << file;
        NpyReader ids(sample(file), "ids");
        EXPECT_EQ(ids.label(), sample(file) + "[ids]");
        EXPECT_EQ(readAll(ids), expectedIds()) << file;
        NpyReader tokens(sample(file), "token_ids.npy");
        EXPECT_EQ(readAll(tokens), (std::vector<int64_t>{10, 11, 12, 13, 14})) << file;
        const std::string e = errorOf([&] { NpyReader(sample(file), "weights"); });
        EXPECT_TRUE(has(e, "no member 'weights' (the archive holds: ids.npy, token_ids.npy, lengths.npy)")) << e;
    }
}

TEST(Npy, RefusesWhatItCannotReadExactlyNamingFileAndField)
{
    EXPECT_TRUE(has(errorOf([] { NpyReader(sample("ids_fortran.npy")); }), "Fortran order"));
    EXPECT_TRUE(has(errorOf([] { NpyReader(sample("names_U.npy")); }), "dtype '<U2' is not supported (accepted: bool"));
    NpyReader w(sample("weights_f2.npy"));
    int64_t v = 0;
    EXPECT_TRUE(has(errorOf([&] { w.readInt64(1, &v); }), "dtype '<f2' is a float; integers are expected"));
    EXPECT_TRUE(has(errorOf([] { NpyReader(sample("nothing.npy")); }), "nothing.npy: cannot open"));
}

// Damaged copies of numpy's files: every damage is an Error naming the file, never a crash.
TEST(Npy, DamagedFilesGiveErrorsNamingTheFile)
{
    TempDir tmp("npy");
    const std::string good = readFile(sample("ids_i4.npy"));
    struct Damage {
        const char* name;
        std::function<std::string(std::string)> edit;
        const char* expect;
    };
    const std::vector<Damage> damages{
        {"truncated data", [](std::string b) { return b.substr(0, b.size() - 5); }, "truncated: the data holds 115 bytes, shape (5, 3, 2) of '<i4' needs 120"},
        {"extra bytes", [](std::string b) { return b + "xyz"; }, "3 bytes follow the data"},
        {"truncated header", [](std::string b) { return b.substr(0, 40); }, "truncated NPY header (40 bytes, the header ends at 128)"},
        {"bad magic", [](std::string b) { b[1] = 'X'; return b; }, "not an NPY file"},
        {"version 9", [](std::string b) { b[6] = 9; return b; }, "NPY version 9.0 is not supported"},
        {"wrong dtype", [](std::string b) { b.replace(b.find("<i4"), 3, "<c8"); return b; }, "dtype '<c8' is not supported"},
        {"unknown key", [](std::string b) { b.replace(b.find("'shape'"), 7, "'shapf'"); return b; }, "unexpected or repeated key 'shapf'"},
        {"shape not ints", [](std::string b) { b.replace(b.find("(5, 3"), 5, "(x, 3"); return b; }, "'shape' must be a tuple"},
        {"fortran word", [](std::string b) { b.replace(b.find("False"), 5, "Nope!"); return b; }, "'fortran_order' must be True or False"},
        {"huge header length", [](std::string b) { b[8] = char(0xff); b[9] = char(0xff); return b; }, "truncated NPY header"},
        {"shape too big", [](std::string b) { b.replace(b.find("(5, 3"), 5, "(9999999999, 3"); return b; }, "truncated: the data holds"},
    };
    for (const Damage& d : damages) {
        const std::string path = tmp.file("d.npy");
        writeFile(path, d.edit(good));
        const std::string e = errorOf([&] {
            NpyReader r(path);
            std::vector<int64_t> all(size_t(r.remaining()));
            r.readInt64(all.size(), all.data());
        });
        EXPECT_TRUE(has(e, path + ": ")) << d.name << ": " << e;
        EXPECT_TRUE(has(e, d.expect)) << d.name << ": " << e;
    }
}

TEST(Npy, DamagedArchivesGiveErrorsNamingArchiveAndMember)
{
    TempDir tmp("npz");
    for (const char* file : {"trace_stored.npz", "trace_deflated.npz"}) {
        const std::string good = readFile(sample(file));
        const std::string path = tmp.file(file);
        // Truncated: the directory at the end is gone.
        writeFile(path, good.substr(0, good.size() - 30));
        std::string e = errorOf([&] { NpyReader(path, "ids"); });
        EXPECT_TRUE(has(e, path + ": not an NPZ (zip) archive")) << e;
        // A flipped byte inside the ids member's data: the member's CRC-32 (or zlib) catches it.
        std::string flipped = good;
        // ids.npy is the first member: its local header at 0, its data after name and extra field.
        auto le = [&](size_t at, int bytes) {
            size_t v = 0;
            for (int i = 0; i < bytes; ++i)
                v |= size_t(static_cast<unsigned char>(good[at + size_t(i)])) << (8 * i);
            return v;
        };
        const size_t data = 30 + le(26, 2) + le(28, 2), packed = le(18, 4);
        const size_t at = data + (le(8, 2) == 0 ? 140 : packed / 2); // stored: past the NPY header
        flipped[at] = char(flipped[at] ^ 0x5a);
        writeFile(path, flipped);
        e = errorOf([&] {
            NpyReader r(path, "ids");
            std::vector<int64_t> all(size_t(r.remaining()));
            r.readInt64(all.size(), all.data());
        });
        EXPECT_TRUE(has(e, path + "[ids]: ")) << file << ": " << e;
        EXPECT_TRUE(has(e, "CRC-32") || has(e, "corrupt") || has(e, "NPY")) << file << ": " << e;
    }
}

// Random byte changes anywhere in numpy's files (fixed seed): an Error or the right number of
// elements, never a crash or an exception of another type.
TEST(Npy, RandomByteChangesNeverCrash)
{
    TempDir tmp("npy-random");
    std::mt19937 rng(18);
    for (const char* file : {"ids_i4.npy", "trace_stored.npz", "trace_deflated.npz"}) {
        const std::string good = readFile(sample(file));
        const bool npz = std::string(file).find(".npz") != std::string::npos;
        for (int round = 0; round < 300; ++round) {
            std::string bytes = good;
            for (int k = 0; k < 1 + int(rng() % 3); ++k)
                bytes[rng() % bytes.size()] = char(rng());
            const std::string path = tmp.file(std::string("m-") + file);
            writeFile(path, bytes);
            try {
                NpyReader r(path, npz ? "ids" : "");
                std::vector<int64_t> all(size_t(std::min<int64_t>(r.remaining(), 1 << 20)));
                if (r.info().kind != NpyKind::Float)
                    r.readInt64(all.size(), all.data());
            } catch (const Error&) {
            }
        }
    }
}
