#pragma once
// Internal to core/dist (torch code only): the c10d pieces this project uses, the one place
// that knows how they differ between libtorch 1.13 (Debian, CPU) and 2.x (CUDA builds).
//  - TCPStore(host, TCPStoreOptions), PrefixStore and Store::set/get/check/wait keep their
//    signatures in both.
//  - ProcessGroupGloo derives from ProcessGroup in 1.13 and from Backend in 2.x; both keep the
//    constructor (store, rank, size, Options::create(timeout)), createDeviceForHostname and
//    barrier() returning a Work whose wait(timeout) throws on a broken peer.
//  - Its header needs Gloo's headers (Debian: libgloo-dev; pip/conda libtorch bundle them)
//    and USE_C10D_GLOO; CMake defines SPECMOE_HAVE_GLOO when it finds them. Without them the
//    barrier runs through the store alone.
// NCCL is not needed: the collection only synchronises ranks (no tensors cross them).
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if SPECMOE_HAVE_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif

#include <chrono>
#include <string>

namespace specmoe::dist::compat {

inline std::chrono::milliseconds millis(double seconds)
{
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
}

#if SPECMOE_HAVE_GLOO
using GlooGroup = c10d::ProcessGroupGloo;

// A Gloo group over `store`. Its transport: the network interface `interface` names
// (GLOO_SOCKET_IFNAME, as torch.distributed reads it), else loopback when `loopback` (every
// rank on this machine), else the address this machine's host name resolves to.
inline c10::intrusive_ptr<GlooGroup> makeGlooGroup(const c10::intrusive_ptr<c10d::Store>& store, int rank, int size,
                                                   const std::string& interface, bool loopback, double timeoutSeconds)
{
    auto options = GlooGroup::Options::create(millis(timeoutSeconds));
    if (!interface.empty())
        options->devices.push_back(GlooGroup::createDeviceForInterface(interface));
    else if (loopback)
        options->devices.push_back(GlooGroup::createDeviceForHostname("127.0.0.1"));
    else
        options->devices.push_back(GlooGroup::createDefaultDevice());
    return c10::make_intrusive<GlooGroup>(store, rank, size, options);
}
#endif

} // namespace specmoe::dist::compat
