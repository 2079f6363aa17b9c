#pragma once
// The demo's self-contained HTML report: tables and inline SVG charts generated in core
// (no Qt, no scripts, no external files), so a CLI-only build can show the results.
#include <string>
#include <vector>

namespace specmoe::demo {

struct DemoResult;

// One bar chart: groups of bars (e.g. one group per domain, one bar per series).
struct BarChart {
    std::string title;
    std::string yLabel;
    std::vector<std::string> groups;
    std::vector<std::string> series;
    std::vector<std::vector<double>> values; // [series][group]
    double yMax = 0;                          // 0 = from the data
};

// An <svg> element for the chart (width in pixels; height fixed).
std::string svgBarChart(const BarChart& chart, int width = 720);

// A line chart of y over x, one polyline.
std::string svgLineChart(const std::string& title, const std::string& xLabel,
                         const std::string& yLabel, const std::vector<double>& x,
                         const std::vector<double>& y, int width = 720);

// Escapes &, <, >, " for HTML text and attributes.
std::string htmlEscape(const std::string& s);

// Writes the report page for a finished demo. Throws specmoe::Error on I/O failure.
void writeReportHtml(const DemoResult& result, const std::string& path);

} // namespace specmoe::demo
