// write_run_outputs: the files every run leaves in its output directory, written in one place so
// `loadcast sim`, `loadcast load` and `loadcast sweep` agree: result.json (loadcast.result/v1),
// timeseries.csv, report.html and report.md. Creates the directory; throws std::runtime_error
// naming the file that could not be written. Returns the paths written, in that order.
// The same for a sweep table (`loadcast sweep`, `loadcast sweep --merge`, `loadcast merge`):
// sweep.json (loadcast.sweep/v1), sweep.csv, sweep.md, sweep.html, and the reading back of a
// sweep.json or of a sweep's output directory.
#pragma once

#include <string>
#include <vector>

#include "reports/result.hpp"
#include "reports/sweep_table.hpp"

namespace loadcast::reports {

std::vector<std::string> write_run_outputs(const Result& result, const std::string& dir);

// Writes `text` to `path`, throwing std::runtime_error naming the file on failure.
void write_text_file(const std::string& path, const std::string& text);

// `base` is a path without extension ("out/sweep"): writes base.json, .csv, .md and .html.
std::vector<std::string> write_sweep_outputs(const SweepTable& table, const std::string& base);
// A sweep.json file, or DIR/sweep.json; throws std::runtime_error naming the file.
SweepTable read_sweep_table(const std::string& path_or_dir);

// The `schema` of a result or sweep file, or of DIR/result.json or DIR/sweep.json (the first
// that exists); throws std::runtime_error naming the file when it cannot be read.
std::string schema_of(const std::string& path_or_dir);

}  // namespace loadcast::reports
