#pragma once
// Precompiled header for the targets that train (speculate, demo).
#include <torch/nn.h>
#include <torch/optim.h>
#include <torch/serialize.h>
