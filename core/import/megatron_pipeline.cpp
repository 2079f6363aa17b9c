// Joins Megatron-Core routing records of several ranks (megatron_records.h): pipeline stages
// hold disjoint layers and are joined per (step, call); ranks with the same layers stay
// separate data.
#include "core/import/megatron_records.h"

#include "core/import/model_layout.h"
#include "core/util/error.h"

#include <algorithm>
#include <set>

namespace specmoe::import::megatron {
namespace {

std::string callName(int64_t step, int64_t index)
{
    return "step " + std::to_string(step) + " call " + std::to_string(index);
}

std::string whereOfRank(const Records& t, int64_t rank)
{
    const auto f = t.filesOfRank.find(rank);
    const auto r = t.ranks.find(rank);
    if (r != t.ranks.end() && !r->second.firstRecord.empty())
        return r->second.firstRecord;
    return f != t.filesOfRank.end() ? f->second : "rank " + std::to_string(rank);
}

// Stage-local layer values (the training hook's `decoder.layers.<n>` within a stage) made
// global: stage s of P holds ranks [s W/P, (s+1) W/P) and starts at the layers of the stages
// before it.
void globalizeStageLayers(Records& t, const std::vector<int>& stageLayers, const std::string& label)
{
    const int64_t P = int64_t(stageLayers.size());
    int64_t W = 0;
    for (const auto& [rank, r] : t.ranks)
        W = std::max(W, rank + 1);
    for (const auto& [rank, f] : t.filesOfRank)
        W = std::max(W, rank + 1);
    if (W % P != 0)
        throw Error(label + ": " + std::to_string(W) + " ranks (router_trace_rank0.." + std::to_string(W - 1) +
                    ") do not split into the " + std::to_string(P) + " pipeline stages of --pipeline-layers");
    const int64_t perStage = W / P;
    for (auto& [rank, r] : t.ranks) {
        const int64_t s = rank / perStage;
        int offset = 0;
        for (int64_t i = 0; i < s; ++i)
            offset += stageLayers[size_t(i)];
        for (auto& [key, call] : r.calls) {
            std::map<int, LayerIds> moved;
            for (auto& [value, ids] : call.byLayer) {
                if (value >= stageLayers[size_t(s)])
                    throw Error(ids.where + ": layer " + std::to_string(value) + " of rank " + std::to_string(rank) +
                                " (pipeline stage " + std::to_string(s) + ") is not below the stage's " +
                                std::to_string(stageLayers[size_t(s)]) + " decoder layers (--pipeline-layers)");
                moved[value + offset] = std::move(ids);
            }
            call.byLayer = std::move(moved);
        }
    }
}

std::set<int> layersOf(const Rank& r)
{
    std::set<int> s;
    for (const auto& [key, call] : r.calls)
        for (const auto& [layer, ids] : call.byLayer)
            s.insert(layer);
    return s;
}

std::string setText(const std::set<int>& s)
{
    return layerListText(std::vector<int>(s.begin(), s.end()));
}

// Ranks grouped by the layers they record, groups ordered by their first layer; a layer
// that two groups share is an error.
std::vector<std::vector<int64_t>> stagesOf(const Records& t)
{
    std::vector<std::pair<std::set<int>, std::vector<int64_t>>> groups;
    for (const auto& [rank, r] : t.ranks) {
        const std::set<int> s = layersOf(r);
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == s; });
        if (it == groups.end())
            groups.push_back({s, {rank}});
        else
            it->second.push_back(rank);
    }
    std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return *a.first.begin() < *b.first.begin(); });
    for (size_t a = 0; a < groups.size(); ++a)
        for (size_t b = a + 1; b < groups.size(); ++b)
            for (int layer : groups[b].first) {
                if (!groups[a].first.count(layer))
                    continue;
                const int64_t ra = groups[a].second.front(), rb = groups[b].second.front();
                std::string whereB;
                for (const auto& [key, call] : t.ranks.at(rb).calls)
                    if (call.byLayer.count(layer)) {
                        whereB = call.byLayer.at(layer).where;
                        break;
                    }
                throw Error(whereB + ": rank " + std::to_string(rb) + " records layer " + std::to_string(layer) +
                            ", which rank " + std::to_string(ra) + " (" + whereOfRank(t, ra) +
                            ") records too, while their other layers differ (" + setText(groups[a].first) + " vs " +
                            setText(groups[b].first) + "): ranks of one pipeline stage record the same layers, the "
                            "stages disjoint ones (import one run's files; records that number layers within "
                            "each stage need --pipeline-layers)");
            }
    std::vector<std::vector<int64_t>> out;
    for (auto& g : groups)
        out.push_back(std::move(g.second));
    return out;
}

} // namespace

Joined join(Records&& records, const std::vector<int>& stageLayers, const std::string& label)
{
    if (!stageLayers.empty())
        globalizeStageLayers(records, stageLayers, label);
    const std::vector<std::vector<int64_t>> stages = stagesOf(records);
    Joined out;
    out.topk = records.topk;
    out.records = std::move(records);
    const Records& t = out.records;
    std::set<int> all;
    for (const auto& [rank, r] : t.ranks) {
        const std::set<int> s = layersOf(r);
        all.insert(s.begin(), s.end());
    }
    out.layers.assign(all.begin(), all.end());

    const size_t perStage = stages.front().size();
    for (size_t s = 1; s < stages.size(); ++s)
        if (stages[s].size() != perStage) {
            std::string counts;
            for (const auto& st : stages)
                counts += (counts.empty() ? "" : ", ") + std::to_string(st.size());
            throw Error(whereOfRank(t, stages[s].front()) + ": the pipeline stages (ranks grouped by the layers they "
                        "record) hold " + counts + " ranks; every stage needs as many (one rank per stage and "
                        "pipeline: a file missing?)");
        }
    if (stages.size() > 1) {
        std::string text;
        for (const auto& st : stages) {
            std::string ranks;
            for (int64_t r : st)
                ranks += (ranks.empty() ? "" : ",") + std::to_string(r);
            text += (text.empty() ? "" : "; ") + ranks;
        }
        out.notes.push_back(label + ": joined " + std::to_string(stages.size()) + " pipeline stages (ranks " + text +
                            ") into " + std::to_string(perStage) + " pipeline(s) holding every layer");
    }

    for (size_t p = 0; p < perStage; ++p) {
        std::vector<int64_t> members;
        for (const auto& st : stages)
            members.push_back(st[p]);
        std::set<std::pair<int64_t, int64_t>> keys;
        for (int64_t r : members)
            for (const auto& [key, call] : t.ranks.at(r).calls)
                keys.insert(key);
        std::string who;
        for (int64_t r : members)
            who += (who.empty() ? "" : ",") + std::to_string(r);
        for (const auto& key : keys) {
            JoinedCall jc;
            jc.name = (members.size() > 1 ? "pipeline of ranks " + who : "rank " + who) + " " +
                      callName(key.first, key.second);
            jc.requestId = "r" + std::to_string(members.front()) + "/s" + std::to_string(key.first) + "/c" +
                           std::to_string(key.second);
            std::map<int, const LayerIds*> byLayer;
            for (int64_t r : members) {
                const auto& calls = t.ranks.at(r).calls;
                const auto it = calls.find(key);
                if (it == calls.end()) {
                    std::string some;
                    for (int64_t o : members)
                        if (t.ranks.at(o).calls.count(key))
                            some = t.ranks.at(o).calls.at(key).where;
                    throw Error(some + ": " + jc.name + ": rank " + std::to_string(r) + " (" +
                                whereOfRank(t, r) + ") has no record of this call, so its layers " +
                                setText(layersOf(t.ranks.at(r))) + " are missing (an incomplete step)");
                }
                const Call& c = it->second;
                if (jc.where.empty()) {
                    jc.where = c.where;
                    jc.rows = c.rows;
                } else if (c.rows != jc.rows) {
                    throw Error(c.where + ": " + jc.name + ": rank " + std::to_string(r) + " routed " +
                                std::to_string(c.rows) + " tokens, the stage before it " + std::to_string(jc.rows) +
                                " (" + jc.where + "): the records are not one pass of the same tokens");
                }
                for (const auto& [layer, ids] : c.byLayer)
                    byLayer[layer] = &ids;
            }
            if (byLayer.size() != out.layers.size()) {
                std::string missing;
                for (int l : out.layers)
                    if (!byLayer.count(l))
                        missing += (missing.empty() ? "" : ",") + std::to_string(l);
                throw Error(jc.where + ": " + jc.name + " has no record of layer(s) " + missing +
                            " that other calls have (an incomplete step, or a stage's file missing)");
            }
            for (const auto& [layer, ids] : byLayer)
                jc.layers.push_back(&ids->ids);
            out.calls.push_back(std::move(jc));
        }
    }
    return out;
}

} // namespace specmoe::import::megatron
