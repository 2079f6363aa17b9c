// Predictability of AnalysisAccumulator: how well the experts at a layer follow from the
// first choices of the c layers before (the most frequent training target per context,
// scored on the held-out split), per context length, horizon and target layer.
#include "core/analysis/accumulator_impl.h"

#include <algorithm>

namespace specmoe {

using analysis_detail::u64;

namespace {

// One predictability cell from its table [ctx][split][target] (split 0 = train, 1 = test):
// the held-out accuracy of the most frequent training target per context (contexts unseen in
// training guess the most frequent target overall), the baseline (that overall guess) and
// the in-sample accuracy. Context, horizon and target layer are left to the caller.
PredictabilityCell predictabilityCell(const u64* tab, int64_t ctxCount, int E)
{
    PredictabilityCell cell;
    std::vector<u64> margTrain(E, 0), margTest(E, 0);
    u64 inSample = 0, trainN = 0, testN = 0, unseen = 0;
    for (int64_t ctx = 0; ctx < ctxCount; ++ctx) {
        const u64* a = tab + size_t(ctx) * 2 * E; // train
        const u64* b = a + E;                      // test
        u64 bestAll = 0;
        for (int e = 0; e < E; ++e) {
            margTrain[e] += a[e];
            margTest[e] += b[e];
            trainN += a[e];
            testN += b[e];
            bestAll = std::max(bestAll, a[e] + b[e]);
        }
        inSample += bestAll;
    }
    int basePred = int(std::max_element(margTrain.begin(), margTrain.end()) -
                       margTrain.begin());
    u64 correct = 0;
    for (int64_t ctx = 0; ctx < ctxCount; ++ctx) {
        const u64* a = tab + size_t(ctx) * 2 * E; // train
        const u64* b = a + E;                      // test
        u64 rowTrain = 0, rowTest = 0;
        int best = 0;
        for (int e = 0; e < E; ++e) {
            rowTrain += a[e];
            rowTest += b[e];
            if (a[e] > a[best])
                best = e;
        }
        if (rowTest == 0)
            continue;
        if (rowTrain == 0) {
            unseen += rowTest;
            correct += b[basePred];
        } else {
            correct += b[best];
        }
    }
    cell.trainTokens = int64_t(trainN);
    cell.testTokens = int64_t(testN);
    if (testN > 0) {
        cell.heldOutAccuracy = double(correct) / double(testN);
        cell.baselineAccuracy = double(margTest[basePred]) / double(testN);
        cell.unseenContextShare = double(unseen) / double(testN);
    }
    if (trainN + testN > 0)
        cell.inSampleAccuracy = double(inSample) / double(trainN + testN);
    return cell;
}

} // namespace

// Predictability cells (one per context length, horizon and target layer) and their
// token-weighted summaries.
void AnalysisAccumulator::Impl::predictability(Predictability& pr) const
{
    pr.testFraction = std::clamp(opt.split.testFraction(), 0.0, 1.0);
    pr.trainSequences = trainSequences;
    pr.testSequences = testSequences;
    pr.skippedContexts = skippedContexts;
    for (const PredTable& p : pred) {
        const size_t perT = size_t(p.ctxCount) * 2 * E; // [ctx][split][target]
        const size_t perH = size_t(L) * perT;
        for (size_t hi = 0; hi < horizons.size(); ++hi) {
            const int h = horizons[hi];
            PredictabilitySummary sum;
            sum.context = p.c;
            sum.horizon = h;
            double wHeld = 0, wIn = 0, wBase = 0, nTest = 0, nAll = 0;
            for (int tl = p.c - 1 + h; tl < L; ++tl) {
                PredictabilityCell cell = predictabilityCell(p.counts.slice(hi * perH + size_t(tl) * perT, perT).data(),
                                                             p.ctxCount, E);
                cell.context = p.c;
                cell.horizon = h;
                cell.targetLayer = tl;
                const double testN = double(cell.testTokens), allN = double(cell.trainTokens + cell.testTokens);
                wHeld += cell.heldOutAccuracy * testN;
                wBase += cell.baselineAccuracy * testN;
                wIn += cell.inSampleAccuracy * allN;
                nTest += testN;
                nAll += allN;
                pr.cells.push_back(cell);
            }
            if (p.c - 1 + h >= L)
                continue; // no target layer has that much history
            if (nTest > 0) {
                sum.meanHeldOutAccuracy = wHeld / nTest;
                sum.meanBaselineAccuracy = wBase / nTest;
            }
            if (nAll > 0)
                sum.meanInSampleAccuracy = wIn / nAll;
            pr.summary.push_back(sum);
        }
    }
}

} // namespace specmoe
