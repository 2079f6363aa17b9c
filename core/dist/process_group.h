#pragma once
// The ranks of one job joined through libtorch's c10d: rank 0 serves a TCPStore at
// MASTER_ADDR:MASTER_PORT, every rank joins a Gloo process group over it (barrier), and
// small values (a rank's summary, a failure) pass through the store. No torch types here.
#include "core/dist/launch_env.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace specmoe::dist {

struct GroupOptions {
    double rendezvousSeconds = 600;  // how long rank 0 waits for every rank to join
    double barrierSeconds = 24 * 3600; // how long a rank that finished waits for the others
};

class ProcessGroup {
public:
    // Rendezvous of env.worldSize ranks. Throws specmoe::Error naming MASTER_ADDR/PORT, this
    // rank and the timeout when the store cannot be served or reached or a peer does not
    // come in time.
    static std::unique_ptr<ProcessGroup> join(const LaunchEnv& env, const GroupOptions& options = {});
    ~ProcessGroup();

    int rank() const;
    int worldSize() const;

    // Every rank waits here for all. Returns false when a peer failed or did not come within
    // `seconds` (the connection broke or the wait timed out); `problem` says what happened.
    bool barrier(double seconds, std::string* problem = nullptr);

    // The store: set and read small values. get() waits up to `seconds` for the key and
    // throws specmoe::Error naming it when it does not come.
    void set(const std::string& key, const std::string& value);
    std::string get(const std::string& key, double seconds);
    bool has(const std::string& key);

    // Sums (or takes the minimum of) `n` values over the ranks, in place: a Gloo allreduce of
    // one CPU buffer, after which every rank holds the same bytes. Returns false when a peer
    // failed or did not come within `seconds`; `problem` says what happened. Throws
    // specmoe::Error in a build without Gloo (the store backend carries no tensors).
    bool allreduceSum(float* data, size_t n, double seconds, std::string* problem = nullptr);
    bool allreduceSum(double* data, size_t n, double seconds, std::string* problem = nullptr);
    bool allreduceMin(int64_t* data, size_t n, double seconds, std::string* problem = nullptr);

    // Which collective backend the group runs on ("gloo", or "store" in a libtorch without
    // Gloo headers: the barrier then runs through the store).
    static const char* backend();

private:
    ProcessGroup();
    bool allreduce(void* data, size_t n, int dtype, bool sum, double seconds, std::string* problem);
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace specmoe::dist
