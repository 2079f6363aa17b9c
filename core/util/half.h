#pragma once
// IEEE 754 binary16 conversion (round to nearest even), for traces stored as float16.
#include <cstdint>

namespace specmoe {

uint16_t floatToHalf(float f);
float halfToFloat(uint16_t h);

} // namespace specmoe
