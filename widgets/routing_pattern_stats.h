#pragma once
// Data of the routing-patterns view: layer-to-layer transition matrices, routing entropy per
// layer, consecutive-token repetition against random assignment, and co-activation, per
// source group. Filled from an AnalysisResult or by hand.
#include <QString>
#include <QStringList>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace specmoe {
struct AnalysisResult;
}

namespace specmoe::widgets {

struct PatternGroup {
    QString source;                      // "" = all sources
    std::vector<double> entropyFirstBits; // [L]
    std::vector<double> entropyAnyBits;   // [L]
    std::vector<double> sameFirstRate;    // [L] consecutive tokens, same first choice
    std::vector<double> overlapRate;      // [L] consecutive tokens sharing any top-k expert
    std::vector<double> expectedFromLoad; // [L] sameFirst expected from the layer's load
    std::vector<std::vector<double>> coactivation; // [L][E*E] share of tokens with i and j in top-k
};

class RoutingPatternStats {
public:
    void setDims(int layers, int experts, int topk);
    void setRandomRates(double sameFirst, double overlap);
    void addGroup(PatternGroup group);
    // Row-stochastic first-choice transition P(b at l+d | a at l).
    void setTransition(int distance, int fromLayer, std::vector<double> firstProb);

    static RoutingPatternStats fromAnalysis(const AnalysisResult& result);

    int layers() const { return m_layers; }
    int experts() const { return m_experts; }
    int topk() const { return m_topk; }
    double randomSameFirst() const { return m_randomSameFirst; }
    double randomOverlap() const { return m_randomOverlap; }
    double maxEntropyBits() const;
    int groupCount() const { return int(m_groups.size()); }
    const PatternGroup& group(int g) const { return m_groups[size_t(g)]; }
    QStringList groupNames() const;
    std::vector<int> distances() const;
    // nullptr when absent.
    const std::vector<double>* transition(int distance, int fromLayer) const;
    // The layer with the highest first-choice entropy in the group (-1 when none).
    int maxEntropyLayer(int group) const;

    // Sections: entropy/repetition per layer, transition (d, l), co-activation (l).
    bool writeCsv(const QString& path, int group, int distance, int fromLayer, int coactLayer,
                  QString* error = nullptr) const;

private:
    int m_layers = 0, m_experts = 0, m_topk = 1;
    double m_randomSameFirst = 0, m_randomOverlap = 0;
    std::vector<PatternGroup> m_groups;
    std::map<std::pair<int, int>, std::vector<double>> m_transitions;
};

} // namespace specmoe::widgets
