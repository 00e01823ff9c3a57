// write_run_outputs: the files every run leaves in its output directory, written in one place so
// `loadcast sim`, `loadcast load` and `loadcast sweep` agree: result.json (loadcast.result/v1),
// timeseries.csv, report.html and report.md. Creates the directory; throws std::runtime_error
// naming the file that could not be written. Returns the paths written, in that order.
// Every file is written atomically (a temporary beside it, fsync, rename), and the files of one
// run as a set: all are written before the first replaces its old copy, so a full disk leaves
// the previous run's files whole instead of a truncated result.json beside an old report.
// The same for a sweep table (`loadcast sweep`, `loadcast sweep --merge`, `loadcast merge`):
// sweep.json (loadcast.sweep/v1), sweep.csv, sweep.md, sweep.html, and the reading back of a
// sweep.json or of a sweep's output directory.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "reports/result.hpp"
#include "reports/sweep_table.hpp"

namespace loadcast::reports {

std::vector<std::string> write_run_outputs(const Result& result, const std::string& dir);

// Writes `text` to `path` atomically, throwing std::runtime_error naming the file on failure.
void write_text_file(const std::string& path, const std::string& text);

// A result or sweep file's text: only a regular file of at most kMaxResultBytes is read (a
// directory, FIFO or device is refused before any read); throws std::runtime_error naming it.
// Sparse histograms keep a result of many classes far below the limit.
inline constexpr std::size_t kMaxResultBytes = std::size_t{256} << 20;
std::string read_result_text(const std::string& path);

// Checked before a run starts, so a bad --out costs no run: creates `dir` and proves a file can
// be created in it; throws std::runtime_error naming the directory and the reason.
void check_output_dir(const std::string& dir);
// The same for a single output file: its directory is writable and `path` is not a directory.
void check_output_file(const std::string& path);

// `base` is a path without extension ("out/sweep"): writes base.json, .csv, .md and .html.
std::vector<std::string> write_sweep_outputs(const SweepTable& table, const std::string& base);
// A sweep.json file, or DIR/sweep.json; throws std::runtime_error naming the file.
SweepTable read_sweep_table(const std::string& path_or_dir);

// The `schema` of a result or sweep file, or of DIR/result.json or DIR/sweep.json (the first
// that exists); throws std::runtime_error naming the file when it cannot be read.
std::string schema_of(const std::string& path_or_dir);

}  // namespace loadcast::reports
