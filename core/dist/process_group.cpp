#include "core/dist/process_group.h"

#include "core/dist/c10d_compat.h"
#include "core/tensor/torch_compat.h"
#include "core/util/error.h"

#include <chrono>
#include <cstdlib>
#include <thread>
#include <exception>

namespace specmoe::dist {

namespace {

// The first line of an exception's message (c10's carry a C++ stack trace after it).
std::string messageOf(const std::exception& e)
{
    if (const auto* c = dynamic_cast<const c10::Error*>(&e))
        return specmoe::compat::errorText(*c);
    std::string m = e.what();
    const size_t nl = m.find('\n');
    return nl == std::string::npos ? m : m.substr(0, nl);
}

std::string seconds(double s) { return std::to_string(static_cast<long long>(s)) + " s"; }

bool isLoopback(const std::string& addr)
{
    return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

#if SPECMOE_HAVE_GLOO
// Starts one collective (start() returns its work) and waits for it; false, with the reason
// in *problem, when it fails or runs past the timeout.
template <class Start>
bool finishCollective(const Start& start, double timeout, std::string* problem)
{
    try {
        start()->wait(compat::millis(timeout));
        return true;
    } catch (const std::exception& e) {
        if (problem)
            *problem = messageOf(e);
        return false;
    }
}
#endif

} // namespace

struct ProcessGroup::Impl {
    LaunchEnv env;
    c10::intrusive_ptr<c10d::Store> store;
#if SPECMOE_HAVE_GLOO
    c10::intrusive_ptr<compat::GlooGroup> gloo;
#endif
    int barriers = 0; // store barriers so far (their keys)

    std::string where() const { return env.masterAddr + ":" + std::to_string(env.masterPort); }

    void serveOrReachStore(double timeout)
    {
        c10d::TCPStoreOptions o;
        o.port = static_cast<std::uint16_t>(env.masterPort);
        o.isServer = env.rank == 0;
        o.waitWorkers = false; // countIn() waits, and names who is missing
        o.timeout = compat::millis(timeout);
        try {
            store = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, o);
        } catch (const std::exception& e) {
            if (env.rank == 0)
                throw Error("rank 0: could not serve the rendezvous store at MASTER_ADDR:MASTER_PORT " + where() +
                            " within " + seconds(timeout) + " (port in use? set MASTER_PORT or --master-port): " +
                            messageOf(e));
            throw Error("rank " + std::to_string(env.rank) + ": could not reach rank 0's rendezvous store at "
                        "MASTER_ADDR:MASTER_PORT " + where() + " within " + seconds(timeout) +
                        " (is rank 0 running, with the same MASTER_ADDR and MASTER_PORT?): " + messageOf(e));
        }
        countIn(timeout);
    }

    // Every rank counts itself in; rank 0 waits for all, so a missing peer is named here
    // rather than as a socket timeout of the collectives.
    void countIn(double timeout)
    {
        const std::string key = "specmoe/joined";
        int64_t joined = 0;
        try {
            joined = store->add(key, 1);
            const auto deadline = std::chrono::steady_clock::now() + compat::millis(timeout);
            while (env.rank == 0 && joined < env.worldSize && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                joined = store->add(key, 0);
            }
        } catch (const std::exception& e) {
            throw Error("rank " + std::to_string(env.rank) + ": the rendezvous store at " + where() +
                        " failed: " + messageOf(e));
        }
        if (env.rank == 0 && joined < env.worldSize)
            throw Error("rank 0: only " + std::to_string(joined) + " of " + std::to_string(env.worldSize) +
                        " ranks (WORLD_SIZE) joined the rendezvous at MASTER_ADDR:MASTER_PORT " + where() +
                        " within " + seconds(timeout) + " (--rendezvous-timeout): are the others started, with the "
                        "same MASTER_ADDR, MASTER_PORT and WORLD_SIZE?");
    }

    void joinCollectives(double timeout)
    {
#if SPECMOE_HAVE_GLOO
        const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
        try {
            gloo = compat::makeGlooGroup(c10::make_intrusive<c10d::PrefixStore>("gloo", store), env.rank,
                                         env.worldSize, ifname ? ifname : "", isLoopback(env.masterAddr), timeout);
        } catch (const std::exception& e) {
            throw Error("rank " + std::to_string(env.rank) + ": the Gloo process group of " +
                        std::to_string(env.worldSize) + " ranks (rendezvous " + where() + ") could not connect within " +
                        seconds(timeout) + " (a peer missing, or an unreachable address: set GLOO_SOCKET_IFNAME to "
                        "the network interface the ranks share): " + messageOf(e));
        }
#else
        (void)timeout;
#endif
    }

    // Without Gloo: a counter in the store; the last rank in opens the gate.
    bool storeBarrier(double timeout, std::string* problem)
    {
        const std::string key = "specmoe/barrier/" + std::to_string(barriers++);
        try {
            if (store->add(key, 1) == env.worldSize)
                store->set(key + "/open", bytes("1"));
            store->wait({key + "/open"}, compat::millis(timeout));
            return true;
        } catch (const std::exception& e) {
            if (problem)
                *problem = messageOf(e);
            return false;
        }
    }
};

ProcessGroup::ProcessGroup() : m(std::make_unique<Impl>()) {}
ProcessGroup::~ProcessGroup() = default;

std::unique_ptr<ProcessGroup> ProcessGroup::join(const LaunchEnv& env, const GroupOptions& options)
{
    std::unique_ptr<ProcessGroup> g(new ProcessGroup());
    g->m->env = env;
    g->m->serveOrReachStore(options.rendezvousSeconds);
    g->m->joinCollectives(options.rendezvousSeconds);
    return g;
}

int ProcessGroup::rank() const { return m->env.rank; }
int ProcessGroup::worldSize() const { return m->env.worldSize; }

const char* ProcessGroup::backend()
{
#if SPECMOE_HAVE_GLOO
    return "gloo";
#else
    return "store";
#endif
}

bool ProcessGroup::barrier(double timeout, std::string* problem)
{
#if SPECMOE_HAVE_GLOO
    c10d::BarrierOptions o;
    o.timeout = compat::millis(timeout);
    return finishCollective([&] { return m->gloo->barrier(o); }, timeout, problem);
#else
    return m->storeBarrier(timeout, problem);
#endif
}

// dtype: 0 float, 1 double, 2 int64 (the header stays torch-free).
bool ProcessGroup::allreduce(void* data, size_t n, int dtype, bool sum, double timeout, std::string* problem)
{
    if (n == 0 || m->env.worldSize <= 1)
        return true;
#if SPECMOE_HAVE_GLOO
    const c10::ScalarType types[3] = {c10::kFloat, c10::kDouble, c10::kLong};
    std::vector<at::Tensor> buffers{at::from_blob(data, {int64_t(n)}, at::TensorOptions().dtype(types[dtype]))};
    c10d::AllreduceOptions o;
    o.reduceOp = sum ? c10d::ReduceOp::SUM : c10d::ReduceOp::MIN;
    o.timeout = compat::millis(timeout);
    return finishCollective([&] { return m->gloo->allreduce(buffers, o); }, timeout, problem);
#else
    (void)data, (void)dtype, (void)sum, (void)timeout, (void)problem;
    throw Error("rank " + std::to_string(rank()) + ": this build of libtorch has no Gloo headers, so tensors cannot "
                "be summed across ranks (install libgloo-dev and rebuild, or run one process)");
#endif
}

bool ProcessGroup::allreduceSum(float* data, size_t n, double seconds, std::string* problem)
{
    return allreduce(data, n, 0, true, seconds, problem);
}

bool ProcessGroup::allreduceSum(double* data, size_t n, double seconds, std::string* problem)
{
    return allreduce(data, n, 1, true, seconds, problem);
}

bool ProcessGroup::allreduceMin(int64_t* data, size_t n, double seconds, std::string* problem)
{
    return allreduce(data, n, 2, false, seconds, problem);
}

void ProcessGroup::set(const std::string& key, const std::string& value)
{
    try {
        m->store->set(key, bytes(value));
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(rank()) + ": could not write '" + key + "' to the rendezvous store at " +
                    m->where() + ": " + messageOf(e));
    }
}

std::string ProcessGroup::get(const std::string& key, double timeout)
{
    try {
        m->store->wait({key}, compat::millis(timeout));
        const std::vector<uint8_t> v = m->store->get(key);
        return std::string(v.begin(), v.end());
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(rank()) + ": '" + key + "' did not come through the rendezvous store at " +
                    m->where() + " within " + seconds(timeout) + ": " + messageOf(e));
    }
}

bool ProcessGroup::has(const std::string& key)
{
    try {
        return m->store->check({key});
    } catch (const std::exception&) {
        return false; // the store is gone with rank 0: nothing can be read from it
    }
}

} // namespace specmoe::dist
