#pragma once
// CRC-32 (IEEE 802.3, the zlib/PNG polynomial), incremental, for shard checksums.
#include <cstddef>
#include <cstdint>
#include <string>

namespace specmoe {

// crc32(0, data, n) starts a checksum; pass the previous value to continue it.
uint32_t crc32Update(uint32_t crc, const void* data, size_t n);

// The CRC of A followed by B from crcA, crcB and B's length (checksums computed in parallel).
uint32_t crc32Combine(uint32_t crcA, uint32_t crcB, size_t lengthB);

// CRC-32 of a whole file, read in large blocks. Throws specmoe::Error naming the file.
uint32_t crc32File(const std::string& path);

// "1a2b3c4d": eight lower-case hex digits.
std::string crc32Hex(uint32_t crc);

} // namespace specmoe
