#include "core/tensor/device.h"

#include "core/util/error.h"

#include <cctype>

namespace specmoe {

DeviceSpec parseDevice(const std::string& name)
{
    if (name == "auto")
        return DeviceSpec::automatic();
    if (name == "cpu")
        return DeviceSpec::cpu();
    if (name == "cuda")
        return DeviceSpec::cuda();
    if (name.rfind("cuda:", 0) == 0 && name.size() > 5 && name.size() <= 9) {
        int index = 0;
        bool digits = true;
        for (size_t i = 5; i < name.size(); ++i) {
            digits = digits && std::isdigit(static_cast<unsigned char>(name[i]));
            index = index * 10 + (name[i] - '0');
        }
        if (digits)
            return DeviceSpec::cuda(index);
    }
    throw Error("unknown device '" + name + "' (" + kDeviceNames + ")");
}

std::string deviceName(const DeviceSpec& device)
{
    switch (device.kind) {
    case DeviceKind::Auto: return "auto";
    case DeviceKind::Cpu: return "cpu";
    case DeviceKind::Cuda: return device.index < 0 ? "cuda" : "cuda:" + std::to_string(device.index);
    }
    return "auto";
}

} // namespace specmoe
