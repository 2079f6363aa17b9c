#pragma once
// Data of the expert-usage heatmap: per source group, the share of tokens routed to each
// (layer, expert) as first choice or among the top-k, plus sampled tokens per cell. Filled
// from an AnalysisResult (or by hand in tests); the view only looks values up.
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace specmoe {
struct AnalysisResult;
}

namespace specmoe::widgets {

enum class ExpertChoice { First = 0, Any = 1 };

struct UsageGroup {
    QString source;                   // "" = all sources
    int64_t tokens = 0;
    std::vector<double> firstShare;   // [L*E] layer-major, rows sum to 1
    std::vector<double> anyShare;     // [L*E] rows sum to 1
    std::vector<int64_t> firstCounts; // [L*E]
    std::vector<int64_t> anyCounts;   // [L*E]
};

struct CellToken {
    QString text;
    int64_t seqId = 0;
    int32_t position = 0;
    int rank = 0;       // 0 = first choice
    float weight = 0.f; // router weight (renormalized over top-k)
};

struct CellRef {
    int layer = -1;
    int expert = -1;
    double value = 0.0;
};

class ExpertUsageStats {
public:
    void setDims(int layers, int experts, int topk);
    // Adds a group; shares are derived from the counts when left empty.
    void addGroup(UsageGroup group);
    void setSamples(int layer, int expert, ExpertChoice choice, std::vector<CellToken> tokens);
    void clear();

    static ExpertUsageStats fromAnalysis(const AnalysisResult& result);

    int layers() const { return m_layers; }
    int experts() const { return m_experts; }
    int topk() const { return m_topk; }
    int groupCount() const { return int(m_groups.size()); }
    const UsageGroup& group(int g) const { return m_groups[size_t(g)]; }
    // Display names; "" becomes "All sources".
    QStringList groupNames() const;

    double share(int group, ExpertChoice choice, int layer, int expert) const;
    int64_t count(int group, ExpertChoice choice, int layer, int expert) const;
    // Share of the group's tokens that used the expert at this layer (any: sums to k).
    double tokenRate(int group, ExpertChoice choice, int layer, int expert) const;
    double maxShare(int group, ExpertChoice choice) const;
    CellRef hottest(int group, ExpertChoice choice) const;
    // Expert ids by their share summed over the layers, busiest first (ties by id): the
    // heatmap's "by load" row order, which turns 256 rows of noise into a gradient.
    // layer >= 0: by the share at that layer only.
    std::vector<int> expertsByLoad(int group, ExpertChoice choice, int layer = -1) const;
    const std::vector<CellToken>& samples(int layer, int expert, ExpertChoice choice) const;

    // One row per (layer, expert): shares, counts and rates of the group.
    bool writeCsv(const QString& path, int group, QString* error = nullptr) const;

private:
    bool valid(int group, int layer, int expert) const;

    int m_layers = 0, m_experts = 0, m_topk = 0;
    std::vector<UsageGroup> m_groups;
    std::vector<std::vector<CellToken>> m_samples[2]; // [choice][L*E]
};

} // namespace specmoe::widgets
