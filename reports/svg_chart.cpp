#include "reports/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "reports/format.hpp"
#include "reports/markup.hpp"

namespace loadcast::reports {

namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                    "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

// SVG coordinates: one decimal is a tenth of a pixel.
std::string num(double v) { return fixed_point(v, 1); }

std::string tick_label(double v, double step) {
  const int decimals = step >= 1.0 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
  if (std::fabs(v) >= 10000 && step >= 1000) return fixed(v / 1000.0, step >= 10000 ? 0 : 1) + "k";
  return fixed(v, decimals);
}

double nice_step(double raw) {
  if (!(raw > 0.0) || !std::isfinite(raw)) return 1.0;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  const double nice = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0;
  return nice * mag;
}

double time_step(double span) {
  static constexpr double kSteps[] = {1,   2,    5,    10,   15,   30,    60,    120,   300,   600,
                                      900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};
  for (double s : kSteps) {
    if (span / s <= 8.0) return s;
  }
  return nice_step(span / 8.0);
}

struct Frame {
  double left = 64, right = 170, top = 30, bottom = 38;
  double width = 0, height = 0;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  double pw() const { return width - left - right; }
  double ph() const { return height - top - bottom; }
  double sx(double x) const { return left + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.0) * pw(); }
  double sy(double y) const { return top + ph() - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.0) * ph(); }
};

void open_svg(std::ostringstream& out, const Frame& f, const std::string& title) {
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" << f.width << "\" height=\"" << f.height
      << "\" viewBox=\"0 0 " << f.width << ' ' << f.height << "\" role=\"img\" aria-label=\"" << escape_xml(title) << "\">\n";
  out << "<rect x=\"0\" y=\"0\" width=\"" << f.width << "\" height=\"" << f.height << "\" fill=\"#ffffff\"/>\n";
  out << "<text x=\"" << f.left << "\" y=\"18\" class=\"title\" font-size=\"14\" font-weight=\"600\">" << escape_xml(title)
      << "</text>\n";
}

void y_axis(std::ostringstream& out, const Frame& f, const std::vector<double>& ticks, const std::string& label) {
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
  for (double t : ticks) {
    const double y = f.sy(t);
    out << "<line x1=\"" << num(f.left) << "\" y1=\"" << num(y) << "\" x2=\"" << num(f.left + f.pw()) << "\" y2=\"" << num(y)
        << "\" stroke=\"#e5e5e5\"/>\n";
    out << "<text x=\"" << num(f.left - 6) << "\" y=\"" << num(y + 4) << "\" font-size=\"11\" text-anchor=\"end\">"
        << tick_label(t, step) << "</text>\n";
  }
  out << "<text x=\"12\" y=\"" << num(f.top + f.ph() / 2) << "\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 "
      << num(f.top + f.ph() / 2) << ")\">" << escape_xml(label) << "</text>\n";
}

void frame_box(std::ostringstream& out, const Frame& f) {
  out << "<rect x=\"" << num(f.left) << "\" y=\"" << num(f.top) << "\" width=\"" << num(f.pw()) << "\" height=\"" << num(f.ph())
      << "\" fill=\"none\" stroke=\"#999999\"/>\n";
}

}  // namespace

const char* palette_color(std::size_t i) { return kPalette[i % (sizeof kPalette / sizeof kPalette[0])]; }

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> out;
  if (!(hi > lo)) hi = lo + 1.0;
  const double step = nice_step((hi - lo) / std::max(1, target));
  const double first = std::floor(lo / step + 1e-9) * step;
  const double last = std::ceil(hi / step - 1e-9) * step;
  for (int i = 0; first + i * step <= last + step * 1e-9; ++i) {
    const double v = first + i * step;
    out.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  }
  return out;
}

namespace {

// The range of the values of the series on one axis (and of `extra`), from y_min when given.
struct Range {
  double lo, hi;
  bool any;
};
Range range_of(const std::vector<ChartSeries>& series, bool right, std::optional<double> y_min, const std::vector<double>& extra) {
  Range r{y_min.value_or(std::numeric_limits<double>::infinity()), -std::numeric_limits<double>::infinity(), false};
  for (const auto& s : series) {
    if (s.right != right) continue;
    for (double v : s.y) {
      if (std::isnan(v)) continue;
      r.any = true;
      r.hi = std::max(r.hi, v);
      if (!y_min) r.lo = std::min(r.lo, v);
    }
  }
  for (double v : extra) r.hi = std::max(r.hi, v);
  if (!std::isfinite(r.lo)) r.lo = 0.0;
  if (!(r.hi > r.lo)) r.hi = r.lo + 1.0;
  return r;
}

}  // namespace

bool LineChart::has_data() const {
  for (const auto& s : series) {
    for (double v : s.y) {
      if (!std::isnan(v)) return true;
    }
  }
  return false;
}

std::string LineChart::svg(int width, int height) const {
  Frame f;
  f.width = width;
  f.height = height;
  bool two_axes = false;
  for (const auto& s : series) two_axes = two_axes || s.right;
  if (two_axes) f.right += 56;  // the right axis' ticks and label, before the legend
  std::ostringstream out;
  open_svg(out, f, title);
  if (!has_data() || x.empty()) {
    frame_box(out, f);
    out << "<text x=\"" << num(f.left + f.pw() / 2) << "\" y=\"" << num(f.top + f.ph() / 2)
        << "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#777777\">no data</text>\n</svg>\n";
    return out.str();
  }
  std::vector<double> target_values;
  for (const auto& t : targets) target_values.push_back(t.y);
  Range left = range_of(series, false, y_min, target_values);
  if (y_max) left.hi = *y_max;
  if (!(left.hi > left.lo)) left.hi = left.lo + 1.0;
  const auto yt = nice_ticks(left.lo, left.hi, 5);
  f.y0 = std::min(left.lo, yt.front());
  f.y1 = std::max(left.hi, yt.back());
  // The right axis maps its own range onto the same pixels.
  Frame r = f;
  std::vector<double> rt;
  if (two_axes) {
    const Range right = range_of(series, true, 0.0, {});
    rt = nice_ticks(right.lo, right.hi, 5);
    r.y0 = std::min(right.lo, rt.front());
    r.y1 = std::max(right.hi, rt.back());
  }
  const double dx = x.size() > 1 ? x[1] - x[0] : 60.0;
  f.x0 = r.x0 = x.front();
  f.x1 = x.back() + (step ? dx : 0.0);
  if (!(f.x1 > f.x0)) f.x1 = f.x0 + dx;
  r.x1 = f.x1;
  y_axis(out, f, yt, y_label);
  if (two_axes) {
    const double rstep = rt.size() > 1 ? rt[1] - rt[0] : 1.0;
    const double ax = f.left + f.pw();
    for (double t : rt) {
      const double y = r.sy(t);
      out << "<line x1=\"" << num(ax) << "\" y1=\"" << num(y) << "\" x2=\"" << num(ax + 4) << "\" y2=\"" << num(y)
          << "\" stroke=\"#999999\"/><text class=\"right-axis\" x=\"" << num(ax + 6) << "\" y=\"" << num(y + 4)
          << "\" font-size=\"11\">" << tick_label(t, rstep) << "</text>\n";
    }
    const double my = f.top + f.ph() / 2, mx = ax + 46;
    out << "<text x=\"" << num(mx) << "\" y=\"" << num(my) << "\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(90 "
        << num(mx) << ' ' << num(my) << ")\">" << escape_xml(y2_label) << "</text>\n";
  }
  const double ts = time_step(f.x1 - f.x0);
  for (double t = std::ceil(f.x0 / ts) * ts; t <= f.x1 + 1e-9; t += ts) {
    const double px = f.sx(t);
    out << "<line x1=\"" << num(px) << "\" y1=\"" << num(f.top + f.ph()) << "\" x2=\"" << num(px) << "\" y2=\""
        << num(f.top + f.ph() + 4) << "\" stroke=\"#999999\"/>\n";
    out << "<text x=\"" << num(px) << "\" y=\"" << num(f.top + f.ph() + 16) << "\" font-size=\"11\" text-anchor=\"middle\">"
        << clock_time(t) << "</text>\n";
  }
  out << "<text x=\"" << num(f.left + f.pw() / 2) << "\" y=\"" << num(f.height - 4)
      << "\" font-size=\"11\" text-anchor=\"middle\">elapsed (m:ss or h:mm:ss)</text>\n";
  frame_box(out, f);
  for (const auto& t : targets) {
    const double py = f.sy(t.y);
    out << "<line class=\"target\" x1=\"" << num(f.left) << "\" y1=\"" << num(py) << "\" x2=\"" << num(f.left + f.pw())
        << "\" y2=\"" << num(py) << "\" stroke=\"" << (t.color.empty() ? "#555555" : t.color) << "\" stroke-dasharray=\"6 4\"><title>"
        << escape_xml(t.label) << "</title></line>\n";
  }
  std::size_t shown = 0;
  for (const auto& m : markers) {
    if (shown++ == 200) break;
    const double px = f.sx(m.x);
    const std::string color = m.color.empty() ? "#9467bd" : m.color;
    out << "<g class=\"marker\"><title>" << escape_xml(clock_time(m.x) + " " + m.label) << "</title><line x1=\"" << num(px)
        << "\" y1=\"" << num(f.top) << "\" x2=\"" << num(px) << "\" y2=\"" << num(f.top + f.ph()) << "\" stroke=\"" << color
        << "\" stroke-width=\"1\" stroke-dasharray=\"2 3\"/><path d=\"M" << num(px - 4) << ',' << num(f.top) << " L"
        << num(px + 4) << ',' << num(f.top) << " L" << num(px) << ',' << num(f.top + 7) << " Z\" fill=\"" << color
        << "\"/></g>\n";
  }
  for (std::size_t si = 0; si < series.size(); ++si) {
    const auto& s = series[si];
    const Frame& axis = s.right ? r : f;
    const std::string color = s.color.empty() ? palette_color(si) : s.color;
    std::string d;
    bool pen = false;
    double prev_y = 0.0;
    for (std::size_t i = 0; i < x.size() && i < s.y.size(); ++i) {
      const double v = s.y[i];
      if (std::isnan(v)) {
        pen = false;
        continue;
      }
      const double px = f.sx(x[i]);
      const double py = axis.sy(std::clamp(v, axis.y0, axis.y1));
      if (step) {
        const double next = i + 1 < x.size() ? x[i + 1] : x[i] + dx;
        d += pen ? " L" + num(px) + ',' + num(prev_y) + " L" : std::string(d.empty() ? "M" : " M");
        d += num(px) + ',' + num(py) + " L" + num(f.sx(next)) + ',' + num(py);
      } else {
        d += pen ? " L" : (d.empty() ? "M" : " M");
        d += num(px) + ',' + num(py);
      }
      prev_y = py;
      pen = true;
    }
    if (d.empty()) continue;
    out << "<path class=\"series" << (s.right ? " right" : "") << "\" data-series=\"" << escape_xml(s.name) << "\" d=\"" << d
        << "\" fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.8\"" << (s.dashed ? " stroke-dasharray=\"5 3\"" : "")
        << "><title>" << escape_xml(s.name) << "</title></path>\n";
  }
  double ly = f.top + 8;
  const double lx = f.left + f.pw() + (two_axes ? 64 : 12);
  for (std::size_t si = 0; si < series.size(); ++si) {
    const std::string color = series[si].color.empty() ? palette_color(si) : series[si].color;
    out << "<line x1=\"" << num(lx) << "\" y1=\"" << num(ly) << "\" x2=\"" << num(lx + 18) << "\" y2=\"" << num(ly)
        << "\" stroke=\"" << color << "\" stroke-width=\"3\"/><text x=\"" << num(lx + 24) << "\" y=\"" << num(ly + 4)
        << "\" font-size=\"11\">" << escape_xml(series[si].name + (series[si].right ? " (right)" : "")) << "</text>\n";
    ly += 16;
  }
  for (const auto& t : targets) {
    out << "<line x1=\"" << num(lx) << "\" y1=\"" << num(ly) << "\" x2=\"" << num(lx + 18) << "\" y2=\"" << num(ly)
        << "\" stroke=\"" << (t.color.empty() ? "#555555" : t.color) << "\" stroke-dasharray=\"6 4\"/><text x=\"" << num(lx + 24)
        << "\" y=\"" << num(ly + 4) << "\" font-size=\"11\">" << escape_xml(t.label) << "</text>\n";
    ly += 16;
  }
  if (!markers.empty()) {
    out << "<path d=\"M" << num(lx + 5) << ',' << num(ly - 4) << " L" << num(lx + 13) << ',' << num(ly - 4) << " L"
        << num(lx + 9) << ',' << num(ly + 3) << " Z\" fill=\"#9467bd\"/><text x=\"" << num(lx + 24) << "\" y=\""
        << num(ly + 4) << "\" font-size=\"11\">events (" << markers.size() << ")</text>\n";
  }
  out << "</svg>\n";
  return out.str();
}

std::string HeadroomChart::svg(int width) const {
  Frame f;
  f.width = width;
  f.left = 260;
  f.right = 330;
  f.top = 30;
  f.bottom = 30;
  f.height = f.top + f.bottom + 24.0 * static_cast<double>(std::max<std::size_t>(1, rows.size()));
  std::ostringstream out;
  open_svg(out, f, title);
  double hi = 100.0;
  for (const auto& r : rows) {
    if (std::isfinite(r.percent)) hi = std::max(hi, r.percent);
  }
  f.x0 = 0.0;
  f.x1 = std::ceil(hi * 1.1 / 20.0) * 20.0;
  for (double t = 0.0; t <= f.x1 + 1e-9; t += f.x1 > 200 ? 50.0 : 20.0) {
    const double px = f.sx(t);
    out << "<line x1=\"" << num(px) << "\" y1=\"" << num(f.top) << "\" x2=\"" << num(px) << "\" y2=\"" << num(f.height - f.bottom)
        << "\" stroke=\"#eeeeee\"/><text x=\"" << num(px) << "\" y=\"" << num(f.height - f.bottom + 14)
        << "\" font-size=\"11\" text-anchor=\"middle\">" << fixed(t, 0) << " %</text>\n";
  }
  double y = f.top;
  for (const auto& r : rows) {
    const double v = std::isfinite(r.percent) ? std::max(0.0, r.percent) : 0.0;
    const std::string color = r.percent >= 90.0 ? "#d62728" : r.percent >= 70.0 ? "#ff7f0e" : "#2ca02c";
    out << "<g class=\"headroom\" data-resource=\"" << escape_xml(r.label) << "\"><text x=\"" << num(f.left - 8) << "\" y=\""
        << num(y + 16) << "\" font-size=\"12\" text-anchor=\"end\">" << escape_xml(r.label) << "</text><rect x=\"" << num(f.left)
        << "\" y=\"" << num(y + 5) << "\" width=\"" << num(std::max(0.0, f.sx(v) - f.left)) << "\" height=\"14\" fill=\"" << color
        << "\"><title>" << escape_xml(r.label + ": " + r.detail) << "</title></rect>";
    if (r.target && std::isfinite(*r.target)) {
      const double tx = f.sx(*r.target);
      out << "<line class=\"target\" x1=\"" << num(tx) << "\" y1=\"" << num(y + 2) << "\" x2=\"" << num(tx) << "\" y2=\""
          << num(y + 22) << "\" stroke=\"#333333\" stroke-width=\"2\" stroke-dasharray=\"3 2\"><title>" << escape_xml(r.target_label)
          << "</title></line>";
    }
    out << "<text x=\"" << num(f.left + f.pw() + 8) << "\" y=\"" << num(y + 16) << "\" font-size=\"11\">" << escape_xml(r.detail)
        << "</text></g>\n";
    y += 24;
  }
  const double cap = f.sx(100.0);
  out << "<line class=\"capacity\" x1=\"" << num(cap) << "\" y1=\"" << num(f.top) << "\" x2=\"" << num(cap) << "\" y2=\""
      << num(f.height - f.bottom) << "\" stroke=\"#000000\" stroke-width=\"1.5\"><title>capacity (100 %)</title></line>\n";
  out << "</svg>\n";
  return out.str();
}

std::string XYChart::svg(int width, int height) const {
  Frame f;
  f.width = width;
  f.height = height;
  f.bottom = 44;
  std::ostringstream out;
  open_svg(out, f, title);
  const double inf = std::numeric_limits<double>::infinity();
  double xlo = inf, xhi = -inf, ylo = inf, yhi = -inf;
  for (const auto& s : series) {
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      xlo = std::min(xlo, s.x[i]);
      xhi = std::max(xhi, s.x[i]);
      ylo = std::min(ylo, s.y[i]);
      yhi = std::max(yhi, s.y[i]);
    }
  }
  if (!std::isfinite(xlo)) {
    frame_box(out, f);
    out << "<text x=\"" << num(f.left + f.pw() / 2) << "\" y=\"" << num(f.top + f.ph() / 2)
        << "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#777777\">no data</text>\n</svg>\n";
    return out.str();
  }
  const bool log = ylo > 0.0 && yhi / ylo >= 20.0;
  const auto ty = [log](double v) { return log ? std::log10(v) : v; };
  const auto xt = nice_ticks(std::min(0.0, xlo), xhi, 6);
  f.x0 = xt.front();
  f.x1 = xt.back();
  std::vector<double> yt;
  if (log) {
    const double lo = std::floor(std::log10(ylo)), top = std::ceil(std::log10(yhi));
    for (double e = lo; e <= top + 1e-9; e += 1.0) {
      for (double m : {1.0, 2.0, 5.0}) {
        if (m * std::pow(10.0, e) <= std::pow(10.0, top) * 1.001) yt.push_back(m * std::pow(10.0, e));
      }
    }
    f.y0 = lo;
    f.y1 = top > lo ? top : lo + 1.0;
  } else {
    yt = nice_ticks(0.0, yhi, 5);
    f.y0 = yt.front();
    f.y1 = yt.back();
  }
  for (double t : yt) {
    const double y = f.sy(ty(t));
    out << "<line x1=\"" << num(f.left) << "\" y1=\"" << num(y) << "\" x2=\"" << num(f.left + f.pw()) << "\" y2=\"" << num(y)
        << "\" stroke=\"#e5e5e5\"/><text x=\"" << num(f.left - 6) << "\" y=\"" << num(y + 4) << "\" font-size=\"11\" text-anchor=\"end\">"
        << (log ? format_value(t) : tick_label(t, yt.size() > 1 ? yt[1] - yt[0] : 1.0)) << "</text>\n";
  }
  out << "<text x=\"12\" y=\"" << num(f.top + f.ph() / 2) << "\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 "
      << num(f.top + f.ph() / 2) << ")\">" << escape_xml(y_label + (log ? " (log scale)" : "")) << "</text>\n";
  const double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1.0;
  for (double t : xt) {
    const double px = f.sx(t);
    out << "<line x1=\"" << num(px) << "\" y1=\"" << num(f.top + f.ph()) << "\" x2=\"" << num(px) << "\" y2=\"" << num(f.top + f.ph() + 4)
        << "\" stroke=\"#999999\"/><text x=\"" << num(px) << "\" y=\"" << num(f.top + f.ph() + 16)
        << "\" font-size=\"11\" text-anchor=\"middle\">" << tick_label(t, xstep) << "</text>\n";
  }
  out << "<text x=\"" << num(f.left + f.pw() / 2) << "\" y=\"" << num(f.height - 8) << "\" font-size=\"11\" text-anchor=\"middle\">"
      << escape_xml(x_label) << "</text>\n";
  frame_box(out, f);
  double ly = f.top + 8;
  const double lx = f.left + f.pw() + 12;
  for (std::size_t si = 0; si < series.size(); ++si) {
    const auto& s = series[si];
    const std::string color = s.color.empty() ? palette_color(si) : s.color;
    out << "<g class=\"xy\" data-series=\"" << escape_xml(s.name) << "\">";
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      out << "<circle cx=\"" << num(f.sx(s.x[i])) << "\" cy=\"" << num(f.sy(std::clamp(ty(s.y[i]), f.y0, f.y1))) << "\" r=\"2.5\" fill=\""
          << color << "\" fill-opacity=\"0.6\"/>";
    }
    out << "</g>\n<circle cx=\"" << num(lx + 9) << "\" cy=\"" << num(ly) << "\" r=\"4\" fill=\"" << color << "\"/><text x=\"" << num(lx + 24)
        << "\" y=\"" << num(ly + 4) << "\" font-size=\"11\">" << escape_xml(s.name) << "</text>\n";
    ly += 16;
  }
  out << "</svg>\n";
  return out.str();
}

std::string ScatterChart::svg(int width, int height) const {
  Frame f;
  f.width = width;
  f.height = height;
  f.left = 78;
  f.right = 30;
  f.bottom = 44;
  bool any_excluded = false;
  for (const auto& p : points) any_excluded = any_excluded || p.excluded;
  const double band = any_excluded ? 34.0 : 0.0;
  f.top = 30 + band;
  std::ostringstream out;
  open_svg(out, f, title);
  if (points.empty()) {
    frame_box(out, f);
    out << "<text x=\"" << num(f.left + f.pw() / 2) << "\" y=\"" << num(f.top + f.ph() / 2)
        << "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#777777\">no data</text>\n</svg>\n";
    return out.str();
  }
  const double inf = std::numeric_limits<double>::infinity();
  double xlo = inf, xhi = -inf, ylo = inf, yhi = -inf;
  for (const auto& p : points) {
    if (!std::isfinite(p.x)) continue;
    xlo = std::min(xlo, p.x);
    xhi = std::max(xhi, p.x);
    if (p.excluded || !std::isfinite(p.y)) continue;
    ylo = std::min(ylo, p.y);
    yhi = std::max(yhi, p.y);
  }
  if (!std::isfinite(xlo)) xlo = xhi = 0.0;
  const bool have_y = std::isfinite(ylo);
  if (!have_y) ylo = 0.0, yhi = 1.0;
  const bool log = log_y.value_or(have_y && ylo > 0.0 && yhi / ylo >= 20.0) && ylo > 0.0;
  // The y transform: log10 for a log axis.
  const auto ty = [log](double y) { return log ? std::log10(y) : y; };
  const double xpad = xhi > xlo ? (xhi - xlo) * 0.08 : std::max(1.0, std::fabs(xlo) * 0.1);
  const auto xt = nice_ticks(xlo - xpad, xhi + xpad, 6);
  f.x0 = std::min(xlo - xpad, xt.front());
  f.x1 = std::max(xhi + xpad, xt.back());
  std::vector<double> yt;  // tick values, in data units
  if (log) {
    const double lo = std::floor(std::log10(ylo)), hi = std::ceil(std::log10(yhi));
    for (double e = lo; e <= hi + 1e-9; e += 1.0) {
      for (double m : {1.0, 2.0, 5.0}) {
        const double v = m * std::pow(10.0, e);
        if (v >= std::pow(10.0, lo) * 0.999 && v <= std::pow(10.0, hi) * 1.001) yt.push_back(v);
      }
    }
    f.y0 = lo;
    f.y1 = hi > lo ? hi : lo + 1.0;
  } else {
    const double ypad = yhi > ylo ? (yhi - ylo) * 0.08 : std::max(1.0, std::fabs(ylo) * 0.1);
    yt = nice_ticks(std::max(0.0, ylo - ypad), yhi + ypad, 5);
    f.y0 = std::min(std::max(0.0, ylo - ypad), yt.front());
    f.y1 = std::max(yhi + ypad, yt.back());
  }
  for (double t : yt) {
    const double y = f.sy(ty(t));
    out << "<line x1=\"" << num(f.left) << "\" y1=\"" << num(y) << "\" x2=\"" << num(f.left + f.pw()) << "\" y2=\"" << num(y)
        << "\" stroke=\"#e5e5e5\"/>\n<text x=\"" << num(f.left - 6) << "\" y=\"" << num(y + 4)
        << "\" font-size=\"11\" text-anchor=\"end\">" << (log ? format_value(t) : tick_label(t, yt.size() > 1 ? yt[1] - yt[0] : 1.0))
        << "</text>\n";
  }
  out << "<text x=\"12\" y=\"" << num(f.top + f.ph() / 2) << "\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 "
      << num(f.top + f.ph() / 2) << ")\">" << escape_xml(y_label + (log ? " (log scale)" : "")) << "</text>\n";
  const double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1.0;
  for (double t : xt) {
    const double px = f.sx(t);
    out << "<line x1=\"" << num(px) << "\" y1=\"" << num(f.top) << "\" x2=\"" << num(px) << "\" y2=\"" << num(f.top + f.ph())
        << "\" stroke=\"#eeeeee\"/><text x=\"" << num(px) << "\" y=\"" << num(f.top + f.ph() + 16)
        << "\" font-size=\"11\" text-anchor=\"middle\">" << (x_money ? money(t) : tick_label(t, xstep)) << "</text>\n";
  }
  out << "<text x=\"" << num(f.left + f.pw() / 2) << "\" y=\"" << num(f.height - 8) << "\" font-size=\"11\" text-anchor=\"middle\">"
      << escape_xml(x_label) << "</text>\n";
  frame_box(out, f);
  if (any_excluded) {
    const double by = f.top - band + 4;
    out << "<rect class=\"excluded-band\" x=\"" << num(f.left) << "\" y=\"" << num(by) << "\" width=\"" << num(f.pw())
        << "\" height=\"" << num(band - 10) << "\" fill=\"#f6f6f6\" stroke=\"#dddddd\"/><text x=\"" << num(f.left + 4) << "\" y=\""
        << num(by + 11) << "\" font-size=\"10\" fill=\"#777777\">" << escape_xml(excluded_label) << "</text>\n";
  }
  std::vector<ScatterPoint> front;
  for (const auto& p : points) {
    if (p.highlight && !p.excluded && std::isfinite(p.y)) front.push_back(p);
  }
  std::sort(front.begin(), front.end(), [](const auto& a, const auto& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  if (front.size() > 1) {
    std::string d;
    for (const auto& p : front) d += (d.empty() ? "M" : " L") + num(f.sx(p.x)) + ',' + num(f.sy(ty(p.y)));
    out << "<path class=\"series frontier\" data-series=\"" << escape_xml(frontier_label) << "\" d=\"" << d
        << "\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\"/>\n";
  }
  // Tags: at the first spot beside the point where they overlap no tag already placed.
  struct Box {
    double x0, y0, x1, y1;
  };
  std::vector<Box> placed;
  const auto place = [&](double px, double py, const std::string& tag) -> std::optional<std::pair<double, double>> {
    const double w = 6.0 * static_cast<double>(tag.size()), h = 10.0;
    for (const auto& [dx, dy] : {std::pair{7.0, -5.0}, std::pair{7.0, 13.0}, std::pair{-7.0 - w, -5.0}, std::pair{-7.0 - w, 13.0}}) {
      const Box b{px + dx, py + dy - h, px + dx + w, py + dy};
      bool clash = b.x0 < 0 || b.x1 > f.width;
      for (const auto& o : placed) clash = clash || (b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1);
      if (!clash) {
        placed.push_back(b);
        return std::pair{b.x0, b.y1};
      }
    }
    return std::nullopt;
  };
  std::vector<const ScatterPoint*> order;
  for (const auto& p : points) order.push_back(&p);
  // The answer's tag first, then the frontier's, so they get their spots.
  std::stable_sort(order.begin(), order.end(), [](const ScatterPoint* a, const ScatterPoint* b) { return a->answer > b->answer; });
  std::string tags;
  for (const ScatterPoint* p : order) {
    if (!std::isfinite(p->x)) continue;
    const double px = f.sx(p->x);
    const bool apart = p->excluded || !std::isfinite(p->y);
    const double py = apart ? f.top - band / 2 + 2 : f.sy(std::clamp(ty(p->y), f.y0, f.y1));
    if (apart) {
      out << "<g class=\"point excluded\"><title>" << escape_xml(p->label) << "</title><path d=\"M" << num(px - 4) << ','
          << num(py - 4) << " L" << num(px + 4) << ',' << num(py + 4) << " M" << num(px - 4) << ',' << num(py + 4) << " L"
          << num(px + 4) << ',' << num(py - 4) << "\" stroke=\"#999999\" stroke-width=\"1.5\"/></g>\n";
      continue;
    }
    out << "<circle class=\"point" << (p->highlight ? " frontier" : "") << (p->answer ? " answer" : "") << "\" cx=\"" << num(px)
        << "\" cy=\"" << num(py) << "\" r=\"" << (p->highlight ? 5 : 4) << "\" fill=\"" << (p->highlight ? "#d62728" : "#ffffff")
        << "\" stroke=\"" << (p->highlight ? "#d62728" : "#1f77b4") << "\" stroke-width=\"1.5\"><title>" << escape_xml(p->label)
        << "</title></circle>\n";
    if (p->answer) {
      out << "<circle class=\"answer-ring\" cx=\"" << num(px) << "\" cy=\"" << num(py)
          << "\" r=\"10\" fill=\"none\" stroke=\"#1a7f37\" stroke-width=\"2\"/>\n";
    }
    if ((p->highlight || p->answer) && !p->tag.empty()) {
      if (const auto spot = place(px, py, p->tag)) {
        tags += "<text class=\"tag\" x=\"" + num(spot->first) + "\" y=\"" + num(spot->second) + "\" font-size=\"10\">" +
                escape_xml(p->tag) + "</text>\n";
      }
    }
  }
  out << tags << "</svg>\n";
  return out.str();
}

std::string BarChart::svg(int width) const {
  Frame f;
  f.width = width;
  f.left = 210;
  f.right = 90;
  f.top = 30;
  f.bottom = 10;
  f.height = f.top + f.bottom + 22.0 * static_cast<double>(std::max<std::size_t>(1, bars.size()));
  std::ostringstream out;
  open_svg(out, f, title);
  const auto value_text = [&](double v) { return unit == "$" ? money(v) : fixed(v, 2) + unit; };
  double hi = 0.0;
  for (const auto& [name, v] : bars) hi = std::max(hi, v);
  f.x0 = 0.0;
  f.x1 = hi > 0.0 ? hi : 1.0;
  double y = f.top;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& [name, v] = bars[i];
    const double w = std::max(0.0, f.sx(std::max(0.0, v)) - f.left);
    out << "<text x=\"" << num(f.left - 8) << "\" y=\"" << num(y + 15) << "\" font-size=\"12\" text-anchor=\"end\">"
        << escape_xml(name) << "</text>\n";
    out << "<rect class=\"bar\" x=\"" << num(f.left) << "\" y=\"" << num(y + 3) << "\" width=\"" << num(w)
        << "\" height=\"16\" fill=\"" << palette_color(i) << "\"><title>" << escape_xml(name + ": " + value_text(v))
        << "</title></rect>\n";
    out << "<text x=\"" << num(f.left + w + 6) << "\" y=\"" << num(y + 15) << "\" font-size=\"12\">" << escape_xml(value_text(v))
        << "</text>\n";
    y += 22;
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace loadcast::reports
