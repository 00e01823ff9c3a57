// Escaping shared by the writers: XML/HTML text and attributes, Markdown table cells. Numbers
// are formatted by reports/format.hpp. Pure functions; thread safe.
#pragma once

#include <string>
#include <string_view>

namespace loadcast::reports {

// Escapes & < > " ' for XML and HTML text and attribute values.
std::string escape_xml(std::string_view text);

// Escapes | and line breaks for a Markdown table cell.
std::string escape_md_cell(std::string_view text);

}  // namespace loadcast::reports
