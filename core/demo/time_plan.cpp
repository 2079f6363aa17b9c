#include "core/demo/time_plan.h"

#include <algorithm>
#include <cmath>

namespace specmoe::demo {

AfterLmEstimate estimateAfterLm(const AfterLmWork& w, const StageSpeeds& s, double lmTokensPerSecond,
                                double speculateCapSeconds)
{
    const double r = std::max(lmTokensPerSecond, 1.0);
    AfterLmEstimate e;
    e.lmEval = double(w.evalTokens) / (s.lmEval * r);
    e.collect = double(w.collectTokens) / (s.collect * r);
    const double tf = std::clamp(w.speculateTrainFraction, 0.0, 1.0);
    const double trainTokens = double(w.speculateTokens) * tf;
    // Validation after every epoch and the test split at the end, each about half the rest.
    const double scoreTokens = double(w.speculateTokens) * (1.0 - tf) * 0.5 * double(w.speculateEpochs + 1);
    const int epochs = std::max(1, w.speculateEpochs);
    e.speculate = double(epochs) * trainTokens / (s.speculateTrain * r) + scoreTokens / (s.speculateScore * r);
    if (speculateCapSeconds > 0)
        e.speculate = std::min(e.speculate, speculateCapSeconds);
    if (w.simulateTokens > 0)
        e.simulate = s.simulateFixedSeconds +
                     double(std::max(1, w.simulateModels)) * double(w.simulateTokens) / (s.speculateScore * r);
    e.fixed = s.fixedSeconds;
    return e;
}

EpochDeadline::EpochDeadline(double deadline, int epochs, double scoreFraction, int64_t probeSteps)
    : m_deadline(deadline), m_epochs(std::max(1, epochs)), m_scoreFraction(std::max(0.0, scoreFraction)),
      m_probeSteps(std::max<int64_t>(2, probeSteps))
{
}

void EpochDeadline::restarted()
{
    m_firstStepTime = -1;
    m_runStart = -1;
}

EpochDeadline::Action EpochDeadline::observe(double now, int64_t step, int64_t totalSteps)
{
    if (step <= 0 || totalSteps <= 0)
        return Action::Continue;
    if (m_firstStepTime < 0 || step == 1) {
        m_firstStepTime = now;
        m_runStart = now;
    }
    const double perEpoch = double(totalSteps) / double(m_epochs); // steps
    const double sinceFirst = now - m_firstStepTime;

    // The probe: does the planned run fit?
    if (!m_probed && step >= 1 + m_probeSteps && sinceFirst > 0) {
        m_probed = true;
        const double stepSeconds = sinceFirst / double(step - 1);
        const double trainSeconds = perEpoch * stepSeconds;
        m_epochSeconds = trainSeconds * (1.0 + m_scoreFraction);
        const double testSeconds = trainSeconds * m_scoreFraction;
        const double runStart = m_firstStepTime - stepSeconds;
        if (runStart + double(m_epochs) * m_epochSeconds + testSeconds <= m_deadline)
            return Action::Continue;
        // Start again with what fits the time left.
        const double left = m_deadline - now - testSeconds;
        const int fit = int(std::floor(left / m_epochSeconds));
        if (fit >= m_epochs)
            return Action::Continue; // (cannot happen: a restart would not help)
        if (fit >= 1) {
            m_epochs = fit;
        } else {
            m_epochs = 1;
            m_dataScale = std::clamp(0.9 * left / m_epochSeconds, 0.05, 1.0);
        }
        return Action::Restart;
    }

    // At the first step of epoch 2, 3, ...: the previous epochs are validated and saved.
    const int64_t spe = std::max<int64_t>(1, int64_t(std::llround(perEpoch)));
    if (step > spe && (step - 1) % spe == 0) {
        const double epochsDone = double((step - 1) / spe);
        const double epochSeconds = (now - m_runStart) / epochsDone; // with validation
        const double testSeconds = epochSeconds * m_scoreFraction / (1.0 + m_scoreFraction);
        if (now + epochSeconds + testSeconds > m_deadline) {
            m_cut = true;
            return Action::Stop;
        }
    }
    // Past the deadline mid-epoch: stop when an epoch is done (its checkpoint exists).
    if (now > m_deadline && step > spe) {
        m_cut = true;
        return Action::Stop;
    }
    return Action::Continue;
}

} // namespace specmoe::demo
