// A model's config.json (parseConfig) on arbitrary text, and what the CLI and GUI compute
// from an accepted config (configHash, parameterCount, configToJson round trip).
#include "core/model/config.h"
#include "core/util/error.h"

#include <cstdint>
#include <string>

using namespace specmoe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    MixtralConfig c;
    try {
        c = parseConfig(text, "config.json");
    } catch (const Error&) {
        return 0;
    }
    if (parameterCount(c) < parameterCount(c, false) || parameterCount(c, false) <= 0)
        __builtin_trap();
    const MixtralConfig again = parseConfig(configToJson(c), "config.json (written back)");
    if (configHash(again) != configHash(c))
        __builtin_trap(); // what we write must read back as the same model
    return 0;
}
