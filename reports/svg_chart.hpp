// Inline SVG charts drawn by our own code, for the self-contained HTML reports: a time-series
// line chart (with step drawing for counts, horizontal target lines, vertical event markers and
// an optional right axis), a scatter chart with a marked frontier (sweeps), an x-y chart (latency
// against load), a headroom chart (peak against capacity) and a horizontal bar chart (cost).
//
// Output is plain SVG 1.1 text with no script and no external reference. Every series path has
// class "series" and data-series="<name>"; NaN values break a line into separate "M" segments.
// Axes use "nice" 1-2-5 ticks; the time axis labels elapsed time (m:ss or h:mm:ss).
// Pure formatting; thread safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace loadcast::reports {

struct ChartSeries {
  std::string name;
  std::vector<double> y;  // parallel to LineChart::x; NaN = no data
  std::string color;      // empty: from the palette
  bool dashed = false;
  bool right = false;     // on the right axis (LineChart::y2_label), for a scale of its own
};

struct ChartMarker {
  double x = 0.0;     // seconds
  std::string label;  // shown on hover (<title>) and as a short tag
  std::string color;
};

struct ChartTarget {
  double y = 0.0;
  std::string label;
  std::string color;  // empty: grey
};

struct LineChart {
  std::string title;
  std::string y_label;
  std::vector<double> x;  // seconds since the start of the run
  std::vector<ChartSeries> series;
  std::vector<ChartMarker> markers;
  std::vector<ChartTarget> targets;
  bool step = false;  // hold each value until the next point (task counts)
  std::optional<double> y_min = 0.0;
  std::optional<double> y_max;
  std::string y2_label;  // the right axis, drawn when a series is on it

  // Whether any series has a value: a chart without one is not worth drawing.
  bool has_data() const;
  std::string svg(int width = 1200, int height = 280) const;
};

// Headroom: each resource's peak as a share of its capacity (100 %), a bar per resource with
// its target marked, so the one closest to its limit stands out.
struct HeadroomRow {
  std::string label;    // "orders-api tasks", "writer CPU"
  double percent = 0.0;  // peak / capacity x 100
  std::optional<double> target;  // percent, e.g. a CPU target or 100 x min / max
  std::string target_label;
  std::string detail;   // "20 of max 20", "CPU 83 % (target 60 %)"
};

struct HeadroomChart {
  std::string title;
  std::vector<HeadroomRow> rows;

  std::string svg(int width = 1200) const;
};

// Points (x, y) of several series on numeric axes, e.g. latency against offered load per
// interval; y is logarithmic when it spans 20x or more.
struct XYSeries {
  std::string name;
  std::vector<double> x, y;
  std::string color;
};

struct XYChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<XYSeries> series;

  std::string svg(int width = 1200, int height = 340) const;
};

struct ScatterPoint {
  double x = 0.0;
  double y = 0.0;
  std::string label;       // hover text
  bool highlight = false;  // on the frontier
  std::string tag;         // short text drawn beside frontier and answer points ("#5")
  bool excluded = false;   // fails the question: drawn apart, in a band above the plot
  bool answer = false;     // the answer: drawn with a ring
};

// Excluded points sit in a band above the plot at their x, so points that shed load (fast, but
// failing) do not set the y axis; y is logarithmic when the included values span 20x or more
// (log_y forces it either way); tags are placed where they overlap no other tag, or left out.
struct ScatterChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<ScatterPoint> points;
  std::string frontier_label = "Pareto frontier";
  std::string excluded_label = "does not qualify";
  bool x_money = false;           // x ticks as dollars
  std::optional<bool> log_y;      // nullopt: decided by the data

  std::string svg(int width = 880, int height = 360) const;
};

struct BarChart {
  std::string title;
  std::string unit;  // "$" formats values as money; anything else is appended as a suffix
  std::vector<std::pair<std::string, double>> bars;

  std::string svg(int width = 880) const;
};

// The colour of the i-th series in the fixed palette.
const char* palette_color(std::size_t i);

// "Nice" axis ticks on a 1-2-5 grid, about `target` of them, from the tick at or below lo to the
// tick at or above hi.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

}  // namespace loadcast::reports
