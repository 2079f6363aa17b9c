#pragma once
// A test hook of the training loop kept out of TrainParams, so that no caller's parameters
// (or header) carry it: tests/core/speculate/tst_predictor_finite.cpp sets it to make the
// weights non-finite in an epoch's last optimizer step, where no later loss would see them.
// Process-wide, read by train() at each optimizer step; < 0 = off (the default).
#include <cstdint>

namespace specmoe::speculate {

// Puts a NaN into the first weight once this many optimizer steps are done.
void setNanWeightAfterStepsForTests(int64_t steps);

} // namespace specmoe::speculate
