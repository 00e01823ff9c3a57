// write_run_outputs: the files every run leaves in its output directory, written in one place so
// `loadcast sim`, `loadcast load` and `loadcast sweep` agree: result.json (loadcast.result/v1),
// timeseries.csv, report.html and report.md. Creates the directory; throws std::runtime_error
// naming the file that could not be written. Returns the paths written, in that order.
#pragma once

#include <string>
#include <vector>

#include "reports/result.hpp"

namespace loadcast::reports {

std::vector<std::string> write_run_outputs(const Result& result, const std::string& dir);

// Writes `text` to `path`, throwing std::runtime_error naming the file on failure.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace loadcast::reports
