#pragma once
// The tests' and benchmarks' name for core's synthetic routing generator
// (core/trace/synthetic_trace.h, the one generator of the project; `specmoe traces synth`
// writes its traces for users).
#include "core/trace/synthetic_trace.h"

namespace specmoe::test {

using specmoe::mixtralDims;
using specmoe::presetRouting;
using specmoe::shuffleLayers;
using specmoe::syntheticBlock;
using specmoe::syntheticBlocks;
using specmoe::syntheticPreset;
using specmoe::SyntheticRouting;
using specmoe::syntheticStream;
using specmoe::syntheticTokenBlocks;
using specmoe::syntheticTokens;

} // namespace specmoe::test
