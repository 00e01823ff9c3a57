// The table sections of report.html (html_report.hpp): the summary and latency intervals, the
// threshold verdicts, the request classes, the stations, the cost breakdown and the events
// (grouped by type and target, each group's events behind a <details>, a checkbox per type that
// hides its rows by CSS alone).
// Each writes its HTML into `h`, escaping every text from the result. Used by render_html only.
// Pure formatting; thread safe.
#pragma once

#include <sstream>
#include <string>

#include "reports/result.hpp"

namespace loadcast::reports::html {

// <td> cells, text escaped; tdn right-aligns a number.
std::string td(const std::string& s);
std::string tdn(const std::string& s);

void summary(std::ostringstream& h, const Result& r);
void thresholds(std::ostringstream& h, const Result& r);
void classes(std::ostringstream& h, const Result& r);
void stations(std::ostringstream& h, const Result& r);
// The `cost` section: total, region, projection, assumptions, bar chart, priced lines, the
// unverified prices used; a cost section holding `error` (pricing failed) says why instead.
void cost(std::ostringstream& h, const Json& cost);
void events(std::ostringstream& h, const Result& r);
// The result's `assumptions`: what the model rests on that AWS does not document.
void assumptions(std::ostringstream& h, const Result& r);

}  // namespace loadcast::reports::html
