#pragma once
// The compute device a job asks for, as a value: "cpu", "cuda" (the first GPU), "cuda:N" or
// "auto". No torch types here (parameter structs the GUI includes hold one); resolving it to
// a torch device is core/tensor/resolve_device.h.
#include <string>

namespace specmoe {

enum class DeviceKind { Auto, Cpu, Cuda };

struct DeviceSpec {
    DeviceKind kind = DeviceKind::Auto;
    int index = -1; // Cuda: the GPU index, -1 = "cuda" without one (GPU 0)

    static DeviceSpec automatic() { return {}; }
    static DeviceSpec cpu() { return {DeviceKind::Cpu, -1}; }
    static DeviceSpec cuda(int index = -1) { return {DeviceKind::Cuda, index}; }

    bool operator==(const DeviceSpec& o) const { return kind == o.kind && index == o.index; }
    bool operator!=(const DeviceSpec& o) const { return !(*this == o); }
};

// The names parseDevice accepts, for help texts and messages.
inline constexpr const char* kDeviceNames = "cpu, cuda, cuda:N or auto";

// "cpu", "cuda", "cuda:N" (N >= 0) or "auto"; throws specmoe::Error naming the value and
// the names accepted.
DeviceSpec parseDevice(const std::string& name);
// The inverse of parseDevice.
std::string deviceName(const DeviceSpec& device);

} // namespace specmoe
