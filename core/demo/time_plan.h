#pragma once
// The demo's time plan (docs/demo.md "Time budget"). The run must end within
// DemoParams::minutes; the language model takes what the other stages leave. Their cost
// is estimated from the work they do (tokens scored, traced, trained on) at throughputs
// relative to the LM's own measured training throughput, so the estimate follows the
// machine's speed; the stages after the LM then run against deadlines:
//   - the LM re-plans its training time from its measured throughput as it trains;
//   - the collection stops at its deadline (the traces so far are kept, complete shards);
//   - the speculation training fits its epochs (or its data) to what is left
//     (EpochDeadline), and stops at an epoch boundary when the next epoch would not end
//     in time.
// No torch here (unit-tested without a model).
#include <cstdint>

namespace specmoe::demo {

// Throughputs relative to the LM's training throughput (tokens/s of next-token training,
// forward + backward), measured on an idle 2-core machine with the default settings and
// rounded down (the estimate errs on the slow side). See docs/demo.md for the figures.
struct StageSpeeds {
    double lmEval = 2.5;          // held-out scoring, batched forward passes
    double collect = 4.0;         // routing-trace collection (forward, lookahead probes, HDF5)
    double speculateTrain = 1.0;  // speculation training tokens (three predictors, one thread)
    double speculateScore = 1.3;  // speculation validation / test scoring tokens
    double fixedSeconds = 6;      // model load, trace verification, statistics pass,
                                  // analysis, report, process start and exit
    // The simulation stage: its saved predictors score the replayed tokens at speculateScore;
    // this is the rest (loading them, the baselines' passes over the traces, the replays of
    // tens of thousands of tokens). Quick demo on the busy machine: 2.3 s and 5.0 s in all.
    double simulateFixedSeconds = 3;
    double referenceLmTokensPerSecond = 1500; // the plan's guess before the LM's first steps
};

// The work of the stages after the LM training.
struct AfterLmWork {
    int64_t evalTokens = 0;            // LM held-out tokens scored
    int64_t collectTokens = 0;         // tokens traced
    int64_t speculateTokens = 0;       // tokens the speculation stage reads (all splits)
    double speculateTrainFraction = 0.8; // of which the training split
    int speculateEpochs = 1;
    int64_t simulateTokens = 0;        // tokens the simulation replays (the test split); 0 = no stage
    int simulateModels = 2;            // saved predictor models scoring each of them
};

struct AfterLmEstimate {
    double lmEval = 0, collect = 0, speculate = 0, simulate = 0, fixed = 0;
    double total() const { return lmEval + collect + speculate + simulate + fixed; }
};

// Seconds the stages after the LM training take, for an LM training throughput of
// `lmTokensPerSecond`. The speculation estimate is capped at `speculateCapSeconds`
// (its stage then fits fewer epochs or less data into the cap).
AfterLmEstimate estimateAfterLm(const AfterLmWork& work, const StageSpeeds& speeds,
                                double lmTokensPerSecond, double speculateCapSeconds);

// Keeps an epoch-based training run within a deadline, from its step progress (steps
// 1..totalSteps, evenly split into `epochs`; an epoch's validation and checkpoint come
// after its last step and before the next epoch's first step). Times in seconds on any
// one clock.
class EpochDeadline {
public:
    enum class Action {
        Continue,
        Restart, // the planned epochs do not fit: start again with epochs() and dataScale()
        Stop,    // stop now: the epochs done so far (their best checkpoint) are the result
    };

    // `scoreFraction`: time of an epoch's validation relative to its training steps; the
    // scoring after the run (test split) is reserved as one more such share.
    // `probeSteps`: steps timed before the fit is judged (once; a restarted run is cut at
    // epoch boundaries only).
    EpochDeadline(double deadline, int epochs, double scoreFraction = 0.15, int64_t probeSteps = 30);

    // Called with every training step's progress. A Restart is asked at most once.
    Action observe(double now, int64_t step, int64_t totalSteps);

    // Starts watching a new run (after a Restart).
    void restarted();

    int epochs() const { return m_epochs; }
    double dataScale() const { return m_dataScale; } // share of the data for the restart
    bool cut() const { return m_cut; }               // a Stop was asked
    double secondsPerEpoch() const { return m_epochSeconds; } // estimate at the probe (0 before)

private:
    double m_deadline;
    int m_epochs;
    double m_scoreFraction;
    int64_t m_probeSteps;
    bool m_probed = false;
    bool m_cut = false;
    double m_dataScale = 1.0;
    double m_epochSeconds = 0;
    double m_firstStepTime = -1;
    double m_runStart = -1;
};

} // namespace specmoe::demo
