// A shard whose count attributes are damaged (num_sequences, num_tokens) but whose size and
// CRC-32 match the manifest (damaged before it was checksummed, or resealed by hand): every
// reader must give an Error naming the shard, not allocate what the count asks for. Found
// by fuzz_shard (tests/fuzz): num_sequences = 2^63 - 1 threw std::length_error out of the
// reader, 2^31 - 1 allocated 48 GB.
#include "core/trace/trace_set.h"
#include "core/util/error.h"
#include "tests/core/trace/shard_tamper.h"

#include <gtest/gtest.h>

#include <limits>

using namespace specmoe;
using namespace specmoe::test;

namespace {

void setIntAttr(const std::string& path, const char* name, int64_t value)
{
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    const hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    ASSERT_GE(a, 0);
    EXPECT_GE(H5Awrite(a, H5T_NATIVE_INT64, &value), 0);
    H5Aclose(a);
    H5Fclose(f);
}

struct Count {
    const char* name;
    const char* attr;
    int64_t value;
};

class ShardCounts : public ::testing::TestWithParam<Count> {};

} // namespace

TEST_P(ShardCounts, DamagedCountIsAnErrorNamingTheShard)
{
    TempDir tmp;
    const std::string dir = copyGoldenTrace(tmp);
    setIntAttr(dir + "/shard-00000.h5", GetParam().attr, GetParam().value);
    resealShard(dir, "shard-00000.h5");
    for (const bool crc : {true, false}) {
        const TraceSet t = TraceSet::open(dir, TraceReadOptions{crc});
        try {
            t.readShard(0);
            ADD_FAILURE() << "no error (CRC check " << crc << ")";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("shard-00000.h5"), std::string::npos) << e.what();
        }
        const VerifyReport report = t.verify();
        ASSERT_FALSE(report.ok());
        EXPECT_NE(report.problems.front().find("shard-00000.h5"), std::string::npos) << report.problems.front();
    }
}

INSTANTIATE_TEST_SUITE_P(
    Shard, ShardCounts,
    ::testing::Values(Count{"SequencesInt64Max", "num_sequences", std::numeric_limits<int64_t>::max()},
                      Count{"SequencesInt32Max", "num_sequences", std::numeric_limits<int32_t>::max()},
                      Count{"TokensInt64Max", "num_tokens", std::numeric_limits<int64_t>::max()}),
    [](const auto& info) { return std::string(info.param.name); });
