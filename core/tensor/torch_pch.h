#pragma once
// Precompiled header for the tensor-only targets (model, collect): ATen, not all of torch.
#include <ATen/ATen.h>
