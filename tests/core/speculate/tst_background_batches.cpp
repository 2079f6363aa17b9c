// The batch thread of training: order, how far it runs ahead, early stop, errors.
#include "core/speculate/background_batches.h"
#include "core/util/error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

// A batch of n rows whose token ids are first, first + 1, ... (the layout: one layer, top-1).
TokenTable rows(int first, int n)
{
    TokenTable t;
    t.L = 1, t.E = 4, t.k = 1, t.W = false;
    for (int i = 0; i < n; ++i) {
        t.tok.push_back(first + i);
        t.seq.push_back(0);
        t.pos.push_back(first + i);
        t.ids.push_back(ExpertId(i % 4));
    }
    return t;
}

void letTheProducerRun() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

// Waits (up to 10 s: a loaded CI machine) until n batches were delivered, then a little
// longer: a producer that ran further ahead shows then.
int deliveredAfterItSettles(const std::atomic<int>& delivered, int n)
{
    for (int i = 0; i < 500 && delivered.load() < n; ++i)
        letTheProducerRun();
    letTheProducerRun();
    return delivered.load();
}

} // namespace

TEST(BackgroundBatches, HandsOverEveryBatchInOrderAndLeavesAnEmptyTableOfTheSameLayout)
{
    std::vector<int> layoutsAfterDeliver;
    BackgroundBatches batches(
        [&](const BackgroundBatches::Deliver& deliver) {
            for (int i = 0; i < 7; ++i) {
                TokenTable b = rows(100 * i, i == 6 ? 3 : 8); // the last one smaller
                deliver(b);
                layoutsAfterDeliver.push_back(b.size() == 0 && b.L == 1 && b.E == 4 && b.k == 1 && !b.W ? 1 : 0);
            }
        },
        2);
    TokenTable got;
    int n = 0;
    while (batches.next(got)) {
        ASSERT_EQ(got.size(), n == 6 ? 3u : 8u);
        EXPECT_EQ(got.tok.front(), 100 * n);
        EXPECT_EQ(got.tok.back(), 100 * n + int(got.size()) - 1);
        ++n;
    }
    EXPECT_EQ(n, 7);
    EXPECT_FALSE(batches.next(got)); // stays at the end
    EXPECT_EQ(layoutsAfterDeliver, std::vector<int>(7, 1));
}

TEST(BackgroundBatches, RunsAtMostAheadBatchesAhead)
{
    for (size_t ahead : {1u, 3u}) {
        std::atomic<int> delivered{0};
        BackgroundBatches batches(
            [&](const BackgroundBatches::Deliver& deliver) {
                for (int i = 0; i < 12; ++i) {
                    TokenTable b = rows(i, 1);
                    if (!deliver(b))
                        return;
                    ++delivered;
                }
            },
            ahead);
        EXPECT_EQ(deliveredAfterItSettles(delivered, int(ahead)), int(ahead)) << "ahead " << ahead; // then it waits
        TokenTable got;
        for (int taken = 1; taken <= 12; ++taken) {
            ASSERT_TRUE(batches.next(got));
            EXPECT_EQ(got.tok.front(), taken - 1);
            const int expected = std::min(12, taken + int(ahead));
            EXPECT_EQ(deliveredAfterItSettles(delivered, expected), expected) << "ahead " << ahead;
        }
        EXPECT_FALSE(batches.next(got));
    }
}

TEST(BackgroundBatches, StoppingEarlyEndsAnEndlessProducer)
{
    std::atomic<bool> toldToStop{false};
    std::atomic<int> made{0};
    {
        BackgroundBatches batches(
            [&](const BackgroundBatches::Deliver& deliver) {
                for (int i = 0;; ++i) { // endless, like a stream the steps leave early
                    TokenTable b = rows(i, 2);
                    ++made;
                    if (!deliver(b)) {
                        toldToStop = true;
                        return;
                    }
                }
            },
            2);
        TokenTable got;
        ASSERT_TRUE(batches.next(got));
        ASSERT_TRUE(batches.next(got));
        EXPECT_EQ(got.tok.front(), 1);
    } // the destructor stops the producer and waits for it
    EXPECT_TRUE(toldToStop.load());
    EXPECT_LE(made.load(), 2 + 2 + 1); // taken + waiting + the one refused
}

TEST(BackgroundBatches, ProducersErrorComesAfterItsBatches)
{
    BackgroundBatches batches(
        [](const BackgroundBatches::Deliver& deliver) {
            for (int i = 0; i < 2; ++i) {
                TokenTable b = rows(i, 4);
                deliver(b);
            }
            throw Error("traces/shard-00001.h5: CRC mismatch");
        },
        4);
    TokenTable got;
    ASSERT_TRUE(batches.next(got));
    ASSERT_TRUE(batches.next(got));
    EXPECT_EQ(got.tok.front(), 1);
    try {
        batches.next(got);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "traces/shard-00001.h5: CRC mismatch");
    }
    EXPECT_FALSE(batches.next(got)); // reported once
}

TEST(BackgroundBatches, AProducerWithNothingEndsAtOnce)
{
    BackgroundBatches batches([](const BackgroundBatches::Deliver&) {}, 2);
    TokenTable got = rows(5, 3);
    EXPECT_FALSE(batches.next(got));
    EXPECT_EQ(got.size(), 3u); // untouched
}

TEST(BackgroundBatches, TheCallersExceptionWhileTheProducerWaitsLeavesCleanly)
{
    std::atomic<bool> toldToStop{false};
    try {
        BackgroundBatches batches(
            [&](const BackgroundBatches::Deliver& deliver) {
                for (int i = 0;; ++i) {
                    TokenTable b = rows(i, 1);
                    if (!deliver(b)) {
                        toldToStop = true;
                        return;
                    }
                }
            },
            1);
        TokenTable got;
        batches.next(got);
        letTheProducerRun(); // the producer now waits for room
        throw Error("cancelled");
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "cancelled");
    }
    EXPECT_TRUE(toldToStop.load());
}
