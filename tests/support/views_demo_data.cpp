#include "tests/support/views_demo_data.h"

#include "core/analysis/analysis.h"
#include "tests/support/synthetic_routing.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <map>
#include <random>

namespace specmoe::test {

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

} // namespace

std::function<std::string(int32_t)> DemoRouting::textFn() const
{
    auto v = std::make_shared<std::vector<std::string>>(vocab);
    return [v](int32_t id) { return id >= 0 && size_t(id) < v->size() ? (*v)[size_t(id)] : std::string(); };
}

std::vector<std::vector<int32_t>> demoTokenStreams(std::vector<std::string>* vocab)
{
    std::vector<std::vector<int32_t>> streams;
    std::map<std::string, int32_t> ids;
    vocab->clear();
    for (const char* text : {kCode, kMath, kEnglish}) {
        streams.emplace_back();
        for (const std::string& p : pieces(text)) {
            auto [it, fresh] = ids.emplace(p, int32_t(vocab->size()));
            if (fresh)
                vocab->push_back(p == "\n" ? std::string("<0x0A>") : p);
            streams.back().push_back(it->second);
        }
    }
    return streams;
}

DemoRouting makeDemoRouting(size_t tokens, int layers, int experts, int topk, int sequenceLength, unsigned seed)
{
    // Sequences cycle through the three texts; routing follows the token (same word, same
    // expert), repeats between neighbours and keeps some cross-layer structure.
    SyntheticRouting spec;
    spec.dims.layers = layers;
    spec.dims.experts = experts;
    spec.dims.topk = topk;
    spec.minLength = spec.maxLength = sequenceLength;
    spec.sources = {"code", "math", "english"};
    spec.token = 0.45;
    spec.stick = 0.2;
    spec.chain = 0.1;
    spec.seed = seed;
    DemoRouting out;
    spec.tokenStreams = demoTokenStreams(&out.vocab);
    spec.vocabulary = int(out.vocab.size());
    out.block = std::make_shared<RoutingBlock>(syntheticTokens(spec, int64_t(tokens)));
    return out;
}

AnalysisResult analyzeDemo(const DemoRouting& routing, int journeySequences, const std::vector<std::string>& queries,
                           int samplesPerCell)
{
    AnalysisOptions o;
    o.journeyFirstSequences = journeySequences;
    o.queryTokens = queries;
    o.tokenText = routing.textFn();
    o.samplesPerCell = samplesPerCell;
    return analyze(std::vector<RoutingBlock>{*routing.block}, o);
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

} // namespace specmoe::test
