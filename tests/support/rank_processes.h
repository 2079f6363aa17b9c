#pragma once
// Ranks of a job as local child processes for the multi-rank tests (collect, train): a free
// loopback port, a child started with its own environment and its output in a log file, its
// exit code with a time limit, and all ranks' logs for a failure message.
#include "tests/support/test_support.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace specmoe::test {

inline int freeLoopbackPort()
{
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
    close(s);
    return ntohs(a.sin_port);
}

// Runs args[0] with args and the extra environment `env`; stdout and stderr go to `log`.
inline pid_t spawnLogged(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                         const std::string& log)
{
    const pid_t pid = fork();
    if (pid == 0) {
        for (const auto& [k, v] : env)
            setenv(k.c_str(), v.c_str(), 1);
        if (!freopen(log.c_str(), "w", stdout) || !freopen(log.c_str(), "a", stderr))
            _exit(126);
        std::vector<char*> argv;
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    return pid;
}

// Exit code (or 128 + signal) of a child, waiting at most `seconds`; -1 when it had to be killed.
inline int waitChild(pid_t pid, int seconds = 300)
{
    int status = 0;
    for (int i = 0; i < seconds * 10; ++i) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

// Starts ranks 0..world-1 on one free loopback port, rank r by start(r, port, DIR/rankR.log)
// (which returns its pid), and waits for all of them: their exit codes in rank order.
template <class Start>
std::vector<int> runRanks(int world, const std::string& dir, const Start& start)
{
    const int port = freeLoopbackPort();
    std::vector<pid_t> pids;
    for (int r = 0; r < world; ++r)
        pids.push_back(start(r, port, dir + "/rank" + std::to_string(r) + ".log"));
    std::vector<int> codes;
    for (pid_t pid : pids)
        codes.push_back(waitChild(pid));
    return codes;
}

// DIR/rankN.log of every rank, each under a "--- rank N" line.
inline std::string rankLogs(const std::string& dir, int world)
{
    std::string s;
    for (int r = 0; r < world; ++r)
        s += "--- rank " + std::to_string(r) + "\n" + readFile(dir + "/rank" + std::to_string(r) + ".log");
    return s;
}

} // namespace specmoe::test
