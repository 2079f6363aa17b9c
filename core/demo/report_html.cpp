// HTML + inline SVG report of the demo.
#include "core/demo/report_html.h"

#include "core/demo/demo.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace specmoe::demo {

namespace {

const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string fmt(double v, int prec = 3)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", prec, v);
    return buf;
}

double niceMax(double v)
{
    if (!(v > 0))
        return 1.0;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * p >= v)
            return m * p;
    return 10 * p;
}

// Viridis-like ramp for heat cells, t in [0, 1].
std::string heatColor(double t)
{
    t = std::clamp(t, 0.0, 1.0);
    const double stops[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    const double x = t * 4.0;
    const int i = std::min(3, int(x));
    const double f = x - i;
    char buf[16];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", int(stops[i][0] + f * (stops[i + 1][0] - stops[i][0])),
                  int(stops[i][1] + f * (stops[i + 1][1] - stops[i][1])),
                  int(stops[i][2] + f * (stops[i + 1][2] - stops[i][2])));
    return buf;
}

} // namespace

std::string htmlEscape(const std::string& s)
{
    std::string o;
    o.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': o += "&amp;"; break;
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '"': o += "&quot;"; break;
        default: o.push_back(c);
        }
    }
    return o;
}

std::string svgBarChart(const BarChart& c, int width)
{
    const int height = 300, left = 60, right = 150, top = 30, bottom = 60;
    const int plotW = std::max(100, width - left - right), plotH = height - top - bottom;
    double ymax = c.yMax;
    if (ymax <= 0)
        for (const auto& s : c.values)
            for (double v : s)
                ymax = std::max(ymax, v);
    ymax = niceMax(ymax);
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
    o << "<text x=\"" << left << "\" y=\"18\" font-size=\"13\" font-weight=\"bold\">" << htmlEscape(c.title)
      << "</text>\n";
    // axis and grid
    for (int i = 0; i <= 4; ++i) {
        const double v = ymax * i / 4.0;
        const double y = top + plotH - plotH * (v / ymax);
        o << "<line x1=\"" << left << "\" x2=\"" << left + plotW << "\" y1=\"" << y << "\" y2=\"" << y
          << "\" stroke=\"#ddd\"/>\n<text x=\"" << left - 6 << "\" y=\"" << y + 4
          << "\" text-anchor=\"end\">" << fmt(v, ymax < 2 ? 2 : 1) << "</text>\n";
    }
    o << "<text transform=\"translate(14," << top + plotH / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
      << htmlEscape(c.yLabel) << "</text>\n";
    const size_t G = c.groups.size(), S = std::max<size_t>(1, c.series.size());
    const double gw = G > 0 ? double(plotW) / double(G) : plotW;
    const double bw = gw * 0.8 / double(S);
    for (size_t g = 0; g < G; ++g) {
        for (size_t s = 0; s < c.values.size(); ++s) {
            const double v = g < c.values[s].size() ? c.values[s][g] : 0.0;
            const double h = plotH * std::clamp(v / ymax, 0.0, 1.0);
            const double x = left + gw * double(g) + gw * 0.1 + bw * double(s);
            o << "<rect x=\"" << fmt(x, 1) << "\" y=\"" << fmt(top + plotH - h, 1) << "\" width=\""
              << fmt(bw, 1) << "\" height=\"" << fmt(h, 1) << "\" fill=\"" << kPalette[s % 10]
              << "\"><title>" << htmlEscape(c.groups[g]) << " / "
              << htmlEscape(s < c.series.size() ? c.series[s] : "") << ": " << fmt(v, 4)
              << "</title></rect>\n";
        }
        o << "<text x=\"" << fmt(left + gw * (double(g) + 0.5), 1) << "\" y=\"" << top + plotH + 16
          << "\" text-anchor=\"middle\">" << htmlEscape(c.groups[g]) << "</text>\n";
    }
    o << "<line x1=\"" << left << "\" x2=\"" << left << "\" y1=\"" << top << "\" y2=\"" << top + plotH
      << "\" stroke=\"#333\"/>\n<line x1=\"" << left << "\" x2=\"" << left + plotW << "\" y1=\""
      << top + plotH << "\" y2=\"" << top + plotH << "\" stroke=\"#333\"/>\n";
    for (size_t s = 0; s < c.series.size(); ++s) {
        const int y = top + 10 + int(s) * 18;
        o << "<rect x=\"" << left + plotW + 14 << "\" y=\"" << y - 9 << "\" width=\"12\" height=\"12\" fill=\""
          << kPalette[s % 10] << "\"/><text x=\"" << left + plotW + 32 << "\" y=\"" << y + 1 << "\">"
          << htmlEscape(c.series[s]) << "</text>\n";
    }
    o << "</svg>\n";
    return o.str();
}

std::string svgLineChart(const std::string& title, const std::string& xLabel, const std::string& yLabel,
                         const std::vector<double>& x, const std::vector<double>& y, int width)
{
    const int height = 260, left = 60, right = 20, top = 30, bottom = 45;
    const int plotW = width - left - right, plotH = height - top - bottom;
    double xmax = 1, ymax = 1, ymin = 0;
    if (!x.empty()) {
        xmax = std::max(1e-9, *std::max_element(x.begin(), x.end()));
        ymax = niceMax(*std::max_element(y.begin(), y.end()));
        ymin = std::floor(*std::min_element(y.begin(), y.end()));
        if (ymin >= ymax)
            ymin = 0;
    }
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
    o << "<text x=\"" << left << "\" y=\"18\" font-size=\"13\" font-weight=\"bold\">" << htmlEscape(title)
      << "</text>\n";
    for (int i = 0; i <= 4; ++i) {
        const double v = ymin + (ymax - ymin) * i / 4.0;
        const double yy = top + plotH - plotH * i / 4.0;
        o << "<line x1=\"" << left << "\" x2=\"" << left + plotW << "\" y1=\"" << yy << "\" y2=\"" << yy
          << "\" stroke=\"#ddd\"/><text x=\"" << left - 6 << "\" y=\"" << yy + 4 << "\" text-anchor=\"end\">"
          << fmt(v, 1) << "</text>\n";
    }
    o << "<polyline fill=\"none\" stroke=\"" << kPalette[0] << "\" stroke-width=\"2\" points=\"";
    for (size_t i = 0; i < x.size() && i < y.size(); ++i)
        o << fmt(left + plotW * x[i] / xmax, 1) << ","
          << fmt(top + plotH - plotH * std::clamp((y[i] - ymin) / (ymax - ymin), 0.0, 1.0), 1) << " ";
    o << "\"/>\n<text x=\"" << left + plotW / 2 << "\" y=\"" << height - 8 << "\" text-anchor=\"middle\">"
      << htmlEscape(xLabel) << " (0 - " << fmt(xmax, 0) << ")</text>\n<text transform=\"translate(14,"
      << top + plotH / 2 << ") rotate(-90)\" text-anchor=\"middle\">" << htmlEscape(yLabel) << "</text>\n";
    o << "</svg>\n";
    return o.str();
}

namespace {

// The expert-usage section: per layer a heat table of each domain's share per expert, and a bar
// chart of layer 0.
std::string usageSectionHtml(const DemoResult& r)
{
    std::ostringstream h;
    const auto& c = r.lm.config;
    h << "<h2>Expert usage per domain</h2>\n<p>Share of the top-" << c.topk
      << " assignments that go to each expert, per layer, on the traced held-out text ("
      << r.traceSequences << " sequences, " << r.traceTokens
      << " tokens). Uniform usage would be " << fmt(c.numExperts > 0 ? 1.0 / double(c.numExperts) : 0.0)
      << ".</p>\n";
    if (!r.usage.empty()) {
        const size_t L = r.usage.front().share.size();
        const size_t E = L > 0 ? r.usage.front().share.front().size() : 0;
        for (size_t l = 0; l < L; ++l) {
            h << "<table class=heat><tr><th class=l>layer " << l << "</th>";
            for (size_t e = 0; e < E; ++e)
                h << "<th>e" << e << "</th>";
            h << "</tr>\n";
            for (const auto& u : r.usage) {
                h << "<tr><th class=l>" << htmlEscape(u.domain) << "</th>";
                for (size_t e = 0; e < E && l < u.share.size(); ++e) {
                    const double v = e < u.share[l].size() ? u.share[l][e] : 0.0;
                    h << "<td style=\"background:" << heatColor(v * double(E) / 3.0) << "\" title=\""
                      << fmt(v, 4) << "\">" << int(std::round(v * 100)) << "</td>";
                }
                h << "</tr>\n";
            }
            h << "</table>\n";
        }
        if (L > 0) {
            BarChart b;
            b.title = "Layer 0 expert usage by domain";
            b.yLabel = "share of assignments";
            for (size_t e = 0; e < E; ++e)
                b.groups.push_back("e" + std::to_string(e));
            for (const auto& u : r.usage) {
                b.series.push_back(u.domain);
                b.values.push_back(u.share.front());
            }
            h << svgBarChart(b, 860);
        }
    }
    return h.str();
}

} // namespace

void writeReportHtml(const DemoResult& r, const std::string& path)
{
    std::ostringstream h;
    auto check = [](bool ok) { return ok ? "<span class=ok>yes</span>" : "<span class=no>no</span>"; };
    h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<title>SpecMoE demo report</title>\n<style>\n"
         "body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}\n"
         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
         "text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}\n"
         ".ok{color:#1a7f37;font-weight:bold}.no{color:#c62828;font-weight:bold}\n"
         ".heat td{border:1px solid #fff;width:34px;height:20px;font-size:10px;color:#fff}\n"
         "</style></head><body>\n";
    h << "<h1>SpecMoE Workbench: demo report</h1>\n<p>A small Mixtral-architecture mixture-of-experts "
         "model trained on this machine from text that Debian packages install, its routing traced on "
         "held-out text, expert speculation trained and scored against baselines.</p>\n";

    h << "<h2>Claims</h2>\n<table><tr><th class=l>claim</th><th>holds</th><th class=l>figures</th></tr>\n";
    h << "<tr><td class=l>The MoE's held-out loss is clearly below a unigram model's</td><td>"
      << check(r.lmBeatsUnigram) << "</td><td class=l>" << fmt(r.lm.heldOutLoss) << " vs "
      << fmt(r.lm.unigramLoss) << " nats/token (perplexity " << fmt(std::exp(r.lm.heldOutLoss), 1)
      << " vs " << fmt(std::exp(r.lm.unigramLoss), 1) << ")</td></tr>\n";
    h << "<tr><td class=l>Expert usage differs between domains</td><td>" << check(r.usageDiffers)
      << "</td><td class=l>mean Jensen-Shannon divergence " << fmt(r.usageDivergenceBits, 4)
      << " bits; largest total-variation distance " << fmt(r.usageMaxTvDistance) << "</td></tr>\n";
    h << "<tr><td class=l>The ensemble beats the frequency and Markov baselines (recall@2, horizon 1)</td><td>"
      << check(r.ensembleBeatsBaselines) << "</td><td class=l>" << fmt(r.ensembleRecallAt2) << " vs "
      << fmt(r.frequencyRecallAt2) << " (frequency), " << fmt(r.markovRecallAt2) << " (Markov)</td></tr>\n";
    h << "</table>\n";

    // Model
    const auto& c = r.lm.config;
    h << "<h2>Model</h2>\n<table>"
      << "<tr><th class=l>architecture</th><td>MixtralForCausalLM</td></tr>"
      << "<tr><th class=l>vocabulary (SentencePiece BPE, byte fallback)</th><td>" << r.vocabSize << "</td></tr>"
      << "<tr><th class=l>hidden / intermediate</th><td>" << c.hiddenSize << " / " << c.intermediateSize
      << "</td></tr><tr><th class=l>layers / heads / kv heads</th><td>" << c.numLayers << " / "
      << c.numHeads << " / " << c.numKvHeads << "</td></tr><tr><th class=l>experts / top-k</th><td>"
      << c.numExperts << " / " << c.topk << "</td></tr><tr><th class=l>parameters</th><td>"
      << r.lm.parameters << "</td></tr><tr><th class=l>training steps / tokens seen</th><td>" << r.lm.steps
      << " / " << r.lm.trainTokensSeen << "</td></tr><tr><th class=l>training time</th><td>"
      << fmt(r.lm.seconds, 1) << " s</td></tr><tr><th class=l>checkpoint</th><td class=l>"
      << htmlEscape(r.modelDir) << "</td></tr></table>\n";
    {
        std::vector<double> xs, ys;
        for (const auto& p : r.lm.curve) {
            xs.push_back(double(p.step));
            ys.push_back(p.loss);
        }
        h << svgLineChart("Training loss (smoothed)", "step", "nats/token", xs, ys);
    }
    {
        BarChart b;
        b.title = "Held-out cross-entropy per domain";
        b.yLabel = "nats/token";
        b.series = {"MoE", "unigram"};
        b.values.resize(2);
        h << "<table><tr><th class=l>domain</th><th>held-out tokens</th><th>MoE</th><th>unigram</th></tr>\n";
        for (const auto& d : r.lm.domains) {
            b.groups.push_back(d.domain);
            b.values[0].push_back(d.moeLoss);
            b.values[1].push_back(d.unigramLoss);
            h << "<tr><td class=l>" << htmlEscape(d.domain) << "</td><td>" << d.tokens << "</td><td>"
              << fmt(d.moeLoss) << "</td><td>" << fmt(d.unigramLoss) << "</td></tr>\n";
        }
        h << "<tr><th class=l>all</th><th></th><th>" << fmt(r.lm.heldOutLoss) << "</th><th>"
          << fmt(r.lm.unigramLoss) << "</th></tr></table>\n";
        h << svgBarChart(b);
    }

    h << usageSectionHtml(r);

    // Speculation
    h << "<h2>Expert speculation</h2>\n<p>Predicting the experts of layer l+1 from what is known at "
         "layer l, scored on the test split of the traced sequences. recall@2: share of the true top-"
      << c.topk << " experts among the two best-ranked predictions.";
    if (!r.traceFeatures.empty())
        h << " The traces hold hidden-state features (" << htmlEscape(r.traceFeatures)
          << ": a fixed linear map of each layer's router input), which the hidden-state model reads; the "
             "lookahead baseline is the next layer's gate applied to the current router input.";
    h << "</p>\n";
    {
        BarChart b;
        b.title = "recall@2 at horizon 1 (test split)";
        b.yLabel = "recall@2";
        b.series = {"recall@2"};
        b.values.resize(1);
        b.yMax = 1.0;
        h << "<table><tr><th class=l>predictor</th><th class=l>kind</th><th>recall@2</th><th>top-1</th></tr>\n";
        for (const auto& p : r.recall) {
            b.groups.push_back(p.name);
            b.values[0].push_back(p.recallAt2);
            h << "<tr><td class=l>" << htmlEscape(p.name) << "</td><td class=l>"
              << (p.baseline ? "baseline" : "learned") << "</td><td>" << fmt(p.recallAt2) << "</td><td>"
              << fmt(p.top1) << "</td></tr>\n";
        }
        h << "</table>\n" << svgBarChart(b);
    }

    // Run
    h << simulationSectionHtml(r.simulation);
    h << "<h2>Run</h2>\n<table><tr><th class=l>stage</th><th>seconds</th></tr>\n";
    for (const auto& s : r.stages)
        h << "<tr><td class=l>" << htmlEscape(s.name) << "</td><td>" << fmt(s.seconds, 1) << "</td></tr>\n";
    h << "<tr><th class=l>total</th><th>" << fmt(r.seconds, 1) << "</th></tr></table>\n";
    h << "<p>Files: <code>" << htmlEscape(r.outDir)
      << "</code> (corpus/, model/, traces/, speculation/, analysis/, report/metrics.json).</p>\n";
    h << "</body></html>\n";

    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << h.str();
    if (!out)
        throw Error("demo report: cannot write " + path);
}

} // namespace specmoe::demo
