// What `loadcast merge` does: tell load results from sweep tables by their schema, refuse a mix,
// merge load shards from files or directories, and place a merged sweep.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "app/exit_code.hpp"
#include "app/merge.hpp"
#include "reports/run_outputs.hpp"
#include "reports/sweep_table.hpp"

using namespace loadcast;

namespace {

struct Dir {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("loadcast_merge_" + std::to_string(::getpid()));
  Dir() { std::filesystem::create_directories(path); }
  ~Dir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

}  // namespace

TEST_CASE("Merge: the schema decides what is merged, and a mix is refused") {
  Dir d;
  reports::Result r;
  r.kind = "load";
  reports::save_result(r, d / "a.json");
  std::filesystem::create_directories(d / "run");
  reports::save_result(r, d / "run/result.json");
  reports::SweepTable t;
  reports::write_sweep_outputs(t, d / "s");
  std::ofstream(d / "other.json") << R"({"schema": "something/v9"})";
  CHECK(app::merge_kind({d / "a.json", d / "run"}) == app::MergeKind::kLoad);
  CHECK(app::merge_kind({d / "s.json"}) == app::MergeKind::kSweep);
  CHECK_THROWS_WITH(app::merge_kind({d / "a.json", d / "s.json"}), Catch::Contains("merge the shards of one run or of one sweep"));
  CHECK_THROWS_WITH(app::merge_kind({d / "other.json"}), Catch::Contains("schema is 'something/v9'"));
  CHECK_THROWS_AS(app::merge_kind({d / "missing.json"}), app::UsageError);
}

TEST_CASE("Merge: load results that are not shards of one run are a usage error") {
  Dir d;
  reports::Result r;
  reports::save_result(r, d / "a.json");
  CHECK_THROWS_AS(app::merge_load_files({d / "a.json", d / "a.json"}), app::UsageError);
  CHECK_THROWS_AS(app::merge_load_files({d / "missing.json"}), app::UsageError);
}

TEST_CASE("Merge: a merged sweep goes beside OUT.json or into OUT/sweep") {
  Dir d;
  CHECK(app::sweep_output_base(d / "merged.json") == d / "merged");
  CHECK(app::sweep_output_base(d / "merged") == d / "merged/sweep");
  std::filesystem::create_directories(d / "dir.json");
  CHECK(app::sweep_output_base(d / "dir.json") == d / "dir.json/sweep");
}
