#include "app/merge.hpp"

#include <filesystem>
#include <stdexcept>

#include "app/exit_code.hpp"
#include "reports/result.hpp"
#include "reports/run_outputs.hpp"
#include "reports/sweep_table.hpp"

namespace loadcast::app {

MergeKind merge_kind(const std::vector<std::string>& paths) {
  std::string schema;
  for (const auto& path : paths) {
    std::string s;
    try {
      s = reports::schema_of(path);
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
    if (s != reports::kResultSchema && s != reports::kSweepSchema) {
      throw UsageError(path + ": schema is '" + s + "'; loadcast merge takes " + reports::kResultSchema + " or " +
                       reports::kSweepSchema + " files");
    }
    if (!schema.empty() && s != schema) {
      throw UsageError(path + ": schema is " + s + " but " + paths.front() + " is " + schema +
                       "; merge the shards of one run or of one sweep");
    }
    schema = s;
  }
  return schema == reports::kSweepSchema ? MergeKind::kSweep : MergeKind::kLoad;
}

loadgen::MergeOutput merge_load_files(const std::vector<std::string>& paths) {
  std::vector<loadgen::NamedResult> inputs;
  for (const auto& path : paths) {
    const std::string file = std::filesystem::is_directory(path) ? path + "/result.json" : path;
    try {
      inputs.push_back({file, reports::load_result(file)});
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
  }
  try {
    return loadgen::merge_results(inputs);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

std::string sweep_output_base(const std::string& out) {
  const std::filesystem::path o(out);
  const bool file = o.extension() == ".json" && !std::filesystem::is_directory(o);
  return file ? (o.parent_path() / o.stem()).string() : (o / "sweep").string();
}

}  // namespace loadcast::app
