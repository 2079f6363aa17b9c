#include "widgets/views_demo_data.h"

#include "core/util/half.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <map>
#include <random>

namespace specmoe::widgets {

namespace {

const char* const kCode =
    "def fibonacci ( n ) :\n    if n < 2 :\n        return n\n    return fibonacci ( n - 1 ) + fibonacci ( n - 2 )\n"
    "\nclass Router ( nn . Module ) :\n    def __init__ ( self , experts , k = 2 ) :\n        super ( ) . __init__ ( )\n"
    "        self . gate = nn . Linear ( 4096 , experts )\n        self . k = k\n\n    def forward ( self , x ) :\n"
    "        logits = self . gate ( x )\n        weights , ids = torch . topk ( logits , self . k )\n"
    "        return torch . softmax ( weights , dim = - 1 ) , ids\n";
const char* const kMath =
    "Let f ( x ) = x ^ 2 + 3 x - 4 . The roots satisfy x = ( - 3 \\pm \\sqrt { 9 + 16 } ) / 2 , so x = 1 or x = - 4 .\n"
    "For every integer n \\geq 1 , the sum \\sum_{ k = 1 }^{ n } k = n ( n + 1 ) / 2 , which we prove by induction on n .\n"
    "If a matrix A is symmetric , then its eigenvalues are real and A = Q \\Lambda Q^T for an orthogonal Q .\n";
const char* const kEnglish =
    "The experts of a sparse mixture are small feed-forward networks , and a router picks two of them for every token .\n"
    "Because the choice depends on the token and its context , the same word is often sent to the same expert , "
    "while the load across experts stays close to balanced over a large corpus .\n"
    "Predicting these choices a few layers ahead lets an inference engine fetch the weights before they are needed .\n";

std::vector<std::string> pieces(const char* text)
{
    // Words split at spaces; a word after spaces carries one "▁" per space (SentencePiece
    // style); a line break is its own piece.
    static const std::string marker("\xE2\x96\x81");
    std::vector<std::string> out;
    std::string word;
    int spaces = 0;
    auto flush = [&] {
        if (word.empty())
            return;
        std::string piece;
        for (int i = 0; i < spaces; ++i)
            piece += marker;
        out.push_back(piece + word);
        word.clear();
        spaces = 0;
    };
    for (const char* p = text; *p; ++p) {
        if (*p == ' ') {
            flush();
            ++spaces;
        } else if (*p == '\n') {
            flush();
            spaces = 0;
            out.push_back("\n");
        } else {
            word += *p;
        }
    }
    flush();
    return out;
}

uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

double unit(uint64_t h)
{
    return double(h >> 11) * (1.0 / 9007199254740992.0);
}

} // namespace

std::function<std::string(int32_t)> DemoRouting::textFn() const
{
    auto v = std::make_shared<std::vector<std::string>>(vocab);
    return [v](int32_t id) { return id >= 0 && size_t(id) < v->size() ? (*v)[size_t(id)] : std::string(); };
}

DemoRouting makeDemoRouting(size_t tokens, int layers, int experts, int topk, int sequenceLength, unsigned seed)
{
    DemoRouting out;
    out.block = std::make_shared<RoutingBlock>();
    RoutingBlock& b = *out.block;
    b.dims.layers = layers;
    b.dims.experts = experts;
    b.dims.topk = topk;
    const std::array<const char*, 3> texts{kCode, kMath, kEnglish};
    const std::array<const char*, 3> sources{"code", "math", "english"};
    std::map<std::string, int32_t> ids;
    std::array<std::vector<int32_t>, 3> streams;
    for (size_t s = 0; s < texts.size(); ++s)
        for (const std::string& p : pieces(texts[s])) {
            auto [it, fresh] = ids.emplace(p, int32_t(out.vocab.size()));
            if (fresh)
                out.vocab.push_back(p == "\n" ? std::string("<0x0A>") : p);
            streams[s].push_back(it->second);
        }
    b.tokenIds.reserve(tokens);
    b.seqIds.reserve(tokens);
    b.positions.reserve(tokens);
    b.topkIds.resize(tokens * size_t(layers) * size_t(topk));
    b.topkWeights.resize(tokens * size_t(layers) * size_t(topk));
    std::mt19937_64 rng(seed);
    std::vector<double> logits(static_cast<size_t>(experts));
    std::vector<int> prev(size_t(layers), -1);
    std::vector<int> order(static_cast<size_t>(experts));
    int64_t seq = 0;
    size_t row = 0;
    while (row < tokens) {
        const int src = int(seq % 3);
        const auto& stream = streams[size_t(src)];
        const size_t len = std::min(tokens - row, size_t(sequenceLength));
        SequenceRecord rec;
        rec.seqId = seq;
        rec.source = sources[size_t(src)];
        rec.docId = std::string(sources[size_t(src)]) + "-" + std::to_string(seq / 3);
        rec.tokenOffset = int64_t(row);
        rec.length = int32_t(len);
        b.sequences.push_back(rec);
        const size_t start = size_t(mix(uint64_t(seq) + seed) % stream.size());
        std::fill(prev.begin(), prev.end(), -1);
        for (size_t i = 0; i < len; ++i, ++row) {
            const int32_t id = stream[(start + i) % stream.size()];
            b.tokenIds.push_back(id);
            b.seqIds.push_back(seq);
            b.positions.push_back(int32_t(i));
            int lastFirst = -1;
            for (int l = 0; l < layers; ++l) {
                // Token identity matters most at the first and last layers (as observed for
                // Mixtral); the source adds a mild domain bias; neighbours repeat experts.
                const double depth = double(l) / std::max(1, layers - 1);
                const double tokenWeight = 1.4 + 1.6 * std::abs(depth - 0.5) * 2.0;
                for (int e = 0; e < experts; ++e) {
                    const double pref = unit(mix((uint64_t(id) << 20) ^ (uint64_t(l) << 8) ^ uint64_t(e))) * 2 - 1;
                    const double bias = unit(mix((uint64_t(src + 1) << 40) ^ (uint64_t(l) << 8) ^ uint64_t(e) ^ 0x9e37)) - 0.5;
                    const double load = 0.35 * std::sin(0.7 * l + 1.3 * e);
                    const double gumbel = -std::log(-std::log(std::max(1e-12, unit(rng()))));
                    logits[size_t(e)] = tokenWeight * pref + 0.9 * bias + load + 0.55 * gumbel +
                                        (e == prev[size_t(l)] ? 0.7 : 0.0) + (e == lastFirst ? 0.5 : 0.0);
                }
                for (int e = 0; e < experts; ++e)
                    order[size_t(e)] = e;
                std::partial_sort(order.begin(), order.begin() + topk, order.end(),
                                  [&](int a, int c) { return logits[size_t(a)] > logits[size_t(c)]; });
                double z = 0;
                for (int j = 0; j < topk; ++j)
                    z += std::exp(logits[size_t(order[size_t(j)])] - logits[size_t(order[0])]);
                for (int j = 0; j < topk; ++j) {
                    const size_t at = b.idx(row, l, j);
                    b.topkIds[at] = uint8_t(order[size_t(j)]);
                    b.topkWeights[at] = floatToHalf(float(std::exp(logits[size_t(order[size_t(j)])] - logits[size_t(order[0])]) / z));
                }
                prev[size_t(l)] = order[0];
                lastFirst = order[0];
            }
        }
        ++seq;
    }
    return out;
}

namespace {

bool tokenTextMatchesDemo(const std::string& piece, const std::string& query)
{
    static const std::string marker("\xE2\x96\x81");
    if (piece == query)
        return true;
    return piece.size() == query.size() + marker.size() && piece.compare(0, marker.size(), marker) == 0 &&
           piece.compare(marker.size(), std::string::npos, query) == 0;
}

double entropyBits(const std::vector<double>& share)
{
    double h = 0;
    for (double p : share)
        if (p > 0)
            h -= p * std::log2(p);
    return h;
}

} // namespace

AnalysisResult summarizeDemo(const DemoRouting& routing, int journeySequences, const std::vector<std::string>& queries,
                             int samplesPerCell)
{
    const RoutingBlock& b = *routing.block;
    const int L = b.dims.layers, E = b.dims.experts, k = b.dims.topk;
    const auto text = routing.textFn();
    AnalysisResult r;
    r.layers = L;
    r.experts = E;
    r.topk = k;
    r.sequences = int64_t(b.sequences.size());
    r.tokens = int64_t(b.numTokens());
    r.randomSameFirstRate = 1.0 / E;
    // 1 - C(E-k, k) / C(E, k)
    double c = 1.0;
    for (int i = 0; i < k; ++i)
        c *= double(E - k - i) / double(E - i);
    r.randomOverlapRate = 1.0 - c;

    std::map<std::string, size_t> groupOf;
    std::vector<GroupStats> groups(1);
    for (const SequenceRecord& s : b.sequences)
        if (groupOf.emplace(s.source, groups.size()).second) {
            groups.emplace_back();
            groups.back().source = s.source;
        }
    for (GroupStats& g : groups) {
        g.layers.resize(size_t(L));
        g.repetition.resize(size_t(L));
        for (LayerLoad& load : g.layers) {
            load.firstCounts.assign(size_t(E), 0);
            load.anyCounts.assign(size_t(E), 0);
            load.weightSums.assign(size_t(E), 0.0);
            load.coactivation.assign(size_t(E * E), 0);
        }
    }
    const std::vector<int> distances{1, 2, 3};
    std::vector<std::vector<int64_t>> trans(distances.size() * size_t(L), std::vector<int64_t>(size_t(E * E), 0));
    r.samples.perCell = samplesPerCell;
    r.samples.experts = E;
    r.samples.firstChoice.assign(size_t(L * E), {});
    r.samples.anyChoice.assign(size_t(L * E), {});
    r.samples.firstSeen.assign(size_t(L * E), 0);
    r.samples.anySeen.assign(size_t(L * E), 0);
    std::mt19937_64 rng(0x5a3b1e);
    std::vector<TokenQueryResult> qres;
    for (const std::string& q : queries)
        qres.push_back({q, 0, {}});
    auto journey = [&](size_t row) {
        TokenJourney t;
        t.seqId = b.seqIds[row];
        t.position = b.positions[row];
        t.tokenId = b.tokenIds[row];
        t.text = text(t.tokenId);
        t.experts.resize(size_t(L * k));
        t.weights.resize(size_t(L * k));
        for (int l = 0; l < L; ++l)
            for (int j = 0; j < k; ++j) {
                t.experts[size_t(l * k + j)] = b.expert(row, l, j);
                t.weights[size_t(l * k + j)] = b.weight(row, l, j);
            }
        return t;
    };
    auto sample = [&](std::vector<TokenSample>& cell, int64_t& count, size_t row, int rank, float w) {
        ++count;
        TokenSample ts{b.seqIds[row], b.positions[row], b.tokenIds[row], uint8_t(rank), w, {}};
        if (int(cell.size()) < samplesPerCell) {
            ts.text = text(ts.tokenId);
            cell.push_back(std::move(ts));
        } else if (samplesPerCell > 0) {
            const uint64_t j = rng() % uint64_t(count);
            if (j < uint64_t(samplesPerCell)) {
                ts.text = text(ts.tokenId);
                cell[size_t(j)] = std::move(ts);
            }
        }
    };
    for (size_t si = 0; si < b.sequences.size(); ++si) {
        const SequenceRecord& s = b.sequences[si];
        GroupStats* gs[2] = {&groups[0], &groups[groupOf[s.source]]};
        for (GroupStats* g : gs) {
            g->sequences += 1;
            g->tokens += s.length;
        }
        if (int(si) < journeySequences) {
            SequenceJourney sj;
            sj.seqId = s.seqId;
            sj.source = s.source;
            sj.docId = s.docId;
            sj.length = s.length;
            for (int i = 0; i < std::min(s.length, 2048); ++i)
                sj.tokens.push_back(journey(size_t(s.tokenOffset) + size_t(i)));
            r.journeys.push_back(std::move(sj));
        }
        for (int i = 0; i < s.length; ++i) {
            const size_t row = size_t(s.tokenOffset) + size_t(i);
            const std::string piece = text(b.tokenIds[row]);
            for (auto& q : qres)
                if (tokenTextMatchesDemo(piece, q.query)) {
                    ++q.matches;
                    if (q.journeys.size() < 200)
                        q.journeys.push_back(journey(row));
                }
            for (int l = 0; l < L; ++l) {
                const int f = b.expert(row, l, 0);
                for (GroupStats* g : gs) {
                    LayerLoad& load = g->layers[size_t(l)];
                    load.tokens += 1;
                    load.firstCounts[size_t(f)] += 1;
                    for (int j = 0; j < k; ++j) {
                        const int e = b.expert(row, l, j);
                        load.anyCounts[size_t(e)] += 1;
                        load.weightSums[size_t(e)] += b.weight(row, l, j);
                        load.coactivation[size_t(e * E + e)] += 1;
                        for (int j2 = 0; j2 < k; ++j2)
                            if (j2 != j)
                                load.coactivation[size_t(e * E + b.expert(row, l, j2))] += 1;
                    }
                    if (i > 0) {
                        LayerRepetition& rep = g->repetition[size_t(l)];
                        rep.pairs += 1;
                        rep.sameFirst += b.expert(row - 1, l, 0) == f ? 1 : 0;
                        bool overlap = false;
                        for (int j = 0; j < k && !overlap; ++j)
                            for (int j2 = 0; j2 < k; ++j2)
                                overlap = overlap || b.expert(row, l, j) == b.expert(row - 1, l, j2);
                        rep.overlap += overlap ? 1 : 0;
                    }
                }
                for (size_t di = 0; di < distances.size(); ++di)
                    if (l + distances[di] < L)
                        trans[di * size_t(L) + size_t(l)][size_t(f * E + b.expert(row, l + distances[di], 0))] += 1;
                for (int j = 0; j < k; ++j) {
                    const size_t cell = size_t(l * E + b.expert(row, l, j));
                    if (j == 0)
                        sample(r.samples.firstChoice[cell], r.samples.firstSeen[cell], row, 0, b.weight(row, l, 0));
                    sample(r.samples.anyChoice[cell], r.samples.anySeen[cell], row, j, b.weight(row, l, j));
                }
            }
        }
    }
    for (GroupStats& g : groups)
        for (int l = 0; l < L; ++l) {
            LayerLoad& load = g.layers[size_t(l)];
            const double n = std::max<int64_t>(1, load.tokens);
            load.firstShare.resize(size_t(E));
            load.anyShare.resize(size_t(E));
            load.anyRate.resize(size_t(E));
            load.weightShare.resize(size_t(E));
            double expected = 0;
            for (int e = 0; e < E; ++e) {
                load.firstShare[size_t(e)] = load.firstCounts[size_t(e)] / n;
                load.anyShare[size_t(e)] = load.anyCounts[size_t(e)] / (n * k);
                load.anyRate[size_t(e)] = load.anyCounts[size_t(e)] / n;
                load.weightShare[size_t(e)] = load.weightSums[size_t(e)] / n;
                expected += load.firstShare[size_t(e)] * load.firstShare[size_t(e)];
            }
            load.entropyFirstBits = entropyBits(load.firstShare);
            load.entropyAnyBits = entropyBits(load.anyShare);
            load.entropyFirstNorm = load.entropyFirstBits / std::log2(double(E));
            load.entropyAnyNorm = load.entropyAnyBits / std::log2(double(E));
            LayerRepetition& rep = g.repetition[size_t(l)];
            rep.sameFirstRate = rep.pairs ? double(rep.sameFirst) / double(rep.pairs) : 0.0;
            rep.overlapRate = rep.pairs ? double(rep.overlap) / double(rep.pairs) : 0.0;
            rep.sameFirstExpectedFromLoad = expected;
        }
    r.overall = std::move(groups[0]);
    r.sources.assign(std::make_move_iterator(groups.begin() + 1), std::make_move_iterator(groups.end()));
    std::sort(r.sources.begin(), r.sources.end(), [](const GroupStats& a, const GroupStats& c2) { return a.source < c2.source; });
    r.transitionDistances = distances;
    for (size_t di = 0; di < distances.size(); ++di)
        for (int l = 0; l + distances[di] < L; ++l) {
            LayerTransition t;
            t.distance = distances[di];
            t.fromLayer = l;
            t.firstCounts = trans[di * size_t(L) + size_t(l)];
            t.firstProb.assign(size_t(E * E), 0.0);
            for (int a = 0; a < E; ++a) {
                int64_t rowSum = 0;
                for (int c2 = 0; c2 < E; ++c2)
                    rowSum += t.firstCounts[size_t(a * E + c2)];
                for (int c2 = 0; c2 < E; ++c2)
                    t.firstProb[size_t(a * E + c2)] = rowSum ? double(t.firstCounts[size_t(a * E + c2)]) / double(rowSum) : 0.0;
            }
            r.transitions.push_back(std::move(t));
        }
    r.queries = std::move(qres);
    return r;
}

namespace {
// The predictors and baselines of the synthetic training feeds: accuracy rises from start
// to end at `rate` (baselines stay flat).
struct DemoCurveModel {
    const char* name;
    bool baseline;
    double start, end, rate;
};

const std::vector<DemoCurveModel>& demoCurveModels()
{
    static const std::vector<DemoCurveModel> models{
        {"interlayer", false, 0.35, 0.78, 3.2}, {"statistics", false, 0.33, 0.74, 2.6},
        {"ensemble", false, 0.36, 0.81, 3.0},   {"frequency", true, 0.41, 0.41, 0},
        {"markov", true, 0.58, 0.58, 0},        {"lookahead", true, 0.66, 0.66, 0},
        {"uniform", true, 0.25, 0.25, 0}};
    return models;
}
} // namespace

std::vector<std::string> makeDemoMetricLines(int steps, int evalEvery, int horizons, int layers, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::vector<std::string> lines;
    const int stepsPerEpoch = std::max(1, steps / 8);
    const std::vector<DemoCurveModel>& models = demoCurveModels();
    for (int step = 0; step <= steps; step += 10) {
        QJsonObject loss;
        for (const DemoCurveModel& m : models)
            if (!m.baseline)
                loss.insert(QLatin1String(m.name), 0.22 + 0.35 * std::exp(-3.0 * step / steps) + 0.006 * noise(rng));
        QJsonObject o{{QStringLiteral("type"), QStringLiteral("train")},
                      {QStringLiteral("step"), step},
                      {QStringLiteral("epoch"), double(step) / stepsPerEpoch},
                      {QStringLiteral("loss"), loss}};
        lines.push_back(QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString());
        if (step % evalEvery != 0)
            continue;
        QJsonArray predictors;
        for (const DemoCurveModel& m : models) {
            QJsonArray hs;
            for (int h = 1; h <= horizons; ++h) {
                const double decay = std::pow(0.9, h - 1);
                const double progress = 1.0 - std::exp(-m.rate * step / steps);
                const double top1 = std::clamp((m.start + (m.end - m.start) * progress) * decay +
                                                   (m.baseline ? 0.0 : 0.006 * noise(rng)),
                                               0.0, 1.0);
                auto metrics = [&](double t1) {
                    return QJsonObject{{QStringLiteral("n"), 20000},
                                       {QStringLiteral("top1"), t1},
                                       {QStringLiteral("exact"), t1 * t1 * 0.8},
                                       {QStringLiteral("recall"), QJsonArray{t1 * 0.55, std::min(1.0, t1 * 0.8 + 0.1),
                                                                             std::min(1.0, t1 * 0.9 + 0.18),
                                                                             std::min(1.0, t1 * 0.9 + 0.27)}},
                                       {QStringLiteral("logloss"), 0.55 - 0.3 * t1},
                                       {QStringLiteral("ece"), 0.05 + 0.05 * (1 - t1)}};
                };
                QJsonArray perLayer;
                for (int l = 0; l < layers; ++l)
                    perLayer.append(l < h ? QJsonObject{{QStringLiteral("n"), 0}}
                                          : metrics(std::clamp(top1 + 0.08 * std::sin(0.4 * l), 0.0, 1.0)));
                hs.append(QJsonObject{{QStringLiteral("horizon"), h}, {QStringLiteral("overall"), metrics(top1)},
                                      {QStringLiteral("perLayer"), perLayer}});
            }
            predictors.append(QJsonObject{{QStringLiteral("name"), QLatin1String(m.name)},
                                          {QStringLiteral("baseline"), m.baseline},
                                          {QStringLiteral("horizons"), hs}});
        }
        QJsonObject v{{QStringLiteral("type"), QStringLiteral("validation")},
                      {QStringLiteral("step"), step},
                      {QStringLiteral("epoch"), double(step) / stepsPerEpoch},
                      {QStringLiteral("predictors"), predictors}};
        lines.push_back(QJsonDocument(v).toJson(QJsonDocument::Compact).toStdString());
    }
    return lines;
}

std::vector<std::string> makeDemoTrainerLines(int steps, int evalEvery, int horizons, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::vector<std::string> lines;
    const int stepsPerEpoch = std::max(1, steps / 8);
    const std::vector<DemoCurveModel>& models = demoCurveModels();
    auto dump = [&](const QJsonObject& o) { lines.push_back(QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString()); };
    QJsonArray names, baselines;
    for (const DemoCurveModel& m : models)
        (m.baseline ? baselines : names).append(QLatin1String(m.name));
    dump({{QStringLiteral("type"), QStringLiteral("start")}, {QStringLiteral("resumed"), false},
          {QStringLiteral("epoch"), 0}, {QStringLiteral("step"), 0}, {QStringLiteral("horizon"), horizons},
          {QStringLiteral("models"), names}, {QStringLiteral("baselines"), baselines},
          {QStringLiteral("epochs"), (steps + stepsPerEpoch - 1) / stepsPerEpoch},
          {QStringLiteral("steps_per_epoch"), stepsPerEpoch}, {QStringLiteral("batch_size"), 64},
          {QStringLiteral("time"), 0.0}});
    QJsonObject metrics;
    for (int step = 1; step <= steps; ++step) {
        const int epoch = (step - 1) / stepsPerEpoch + 1;
        if (step % 10 == 0 || step == 1) {
            QJsonObject loss;
            for (const DemoCurveModel& m : models)
                if (!m.baseline)
                    loss.insert(QLatin1String(m.name), 0.22 + 0.35 * std::exp(-3.0 * step / steps) + 0.006 * noise(rng));
            dump({{QStringLiteral("type"), QStringLiteral("step")}, {QStringLiteral("epoch"), epoch},
                  {QStringLiteral("step"), step}, {QStringLiteral("lr"), 3e-3}, {QStringLiteral("loss"), loss},
                  {QStringLiteral("samples_per_s"), 5000.0}, {QStringLiteral("tokens_per_s"), 100.0},
                  {QStringLiteral("time"), step * 0.05}});
        }
        if (step % evalEvery != 0)
            continue;
        metrics = QJsonObject();
        for (const DemoCurveModel& m : models) {
            QJsonObject hs;
            for (int h = 1; h <= horizons; ++h) {
                const double decay = std::pow(0.9, h - 1);
                const double progress = 1.0 - std::exp(-m.rate * step / steps);
                const double t1 = std::clamp((m.start + (m.end - m.start) * progress) * decay +
                                                 (m.baseline ? 0.0 : 0.006 * noise(rng)),
                                             0.0, 1.0);
                QJsonArray recall;
                for (int r = 1; r <= 8; ++r)
                    recall.append(std::min(1.0, t1 * 0.5 * r / (1.0 + 0.1 * (r - 1)) + 0.02 * (r - 1)));
                hs.insert(QStringLiteral("h%1").arg(h),
                          QJsonObject{{QStringLiteral("n"), 20000}, {QStringLiteral("top1"), t1},
                                      {QStringLiteral("exact"), t1 * t1 * 0.8}, {QStringLiteral("recall"), recall},
                                      {QStringLiteral("logloss"), 0.55 - 0.3 * t1},
                                      {QStringLiteral("ece"), 0.05 + 0.05 * (1 - t1)}});
            }
            metrics.insert(QLatin1String(m.name), hs);
        }
        const bool endOfEpoch = step % stepsPerEpoch == 0;
        dump({{QStringLiteral("type"), QStringLiteral("validation")}, {QStringLiteral("epoch"), epoch},
              {QStringLiteral("step"), step}, {QStringLiteral("final"), endOfEpoch}, {QStringLiteral("score"), 0.3},
              {QStringLiteral("best"), endOfEpoch}, {QStringLiteral("tokens"), 20000}, {QStringLiteral("metrics"), metrics},
              {QStringLiteral("time"), step * 0.05}});
    }
    dump({{QStringLiteral("type"), QStringLiteral("end")}, {QStringLiteral("status"), QStringLiteral("done")},
          {QStringLiteral("epochs"), (steps + stepsPerEpoch - 1) / stepsPerEpoch}, {QStringLiteral("step"), steps},
          {QStringLiteral("best_epoch"), steps / stepsPerEpoch}, {QStringLiteral("validation"), metrics},
          {QStringLiteral("time"), steps * 0.05}});
    return lines;
}

} // namespace specmoe::widgets
