// Small formatting helpers shared by the writers: XML/HTML escaping and number rendering.
// Pure functions; thread safe.
#pragma once

#include <string>
#include <string_view>

namespace loadcast::reports {

// Escapes & < > " ' for XML and HTML text and attribute values.
std::string escape_xml(std::string_view text);

// Escapes | and line breaks for a Markdown table cell.
std::string escape_md_cell(std::string_view text);

// printf-style "%.*f" with trailing zeros removed ("12.50" -> "12.5", "3.00" -> "3").
std::string fixed(double v, int decimals);

// US dollars with two decimals and thousands separators: 1234.5 -> "$1,234.50".
std::string money(double usd);

// Simulated time as a clock: 75 s -> "1:15", 3725 s -> "1:02:05".
std::string clock_time(double seconds);

}  // namespace loadcast::reports
