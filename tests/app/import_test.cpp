// What `loadcast import` does: import, check the scenario loads as `loadcast check` loads it,
// write it whole (through a temporary file), and decide the exit code — 0 complete, 3 partial,
// 2 invalid input (ImportError, located) — writing a scenario that would not load all the same.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "app/import.hpp"
#include "scenarios/loader/scenario.hpp"

using namespace loadcast;

namespace {

struct Dir {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("loadcast_import_" + std::to_string(::getpid()));
  Dir() { std::filesystem::create_directories(path); }
  ~Dir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

std::string source(const std::string& rel) { return std::string(LOADCAST_SOURCE_DIR) + "/" + rel; }

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("Import: a complete import exits 0 and writes a scenario loadcast check accepts") {
  Dir d;
  app::ImportRequest req;
  req.source = app::ImportSource::kTerraform;
  req.inputs = {source("tests/scenarios/import/terraform-shop-state/state.json")};
  req.out = d / "out/shop.yaml";
  const auto o = app::run_import(req);
  CHECK(o.exit == app::ExitCode::kOk);
  CHECK(o.written == *req.out);
  CHECK(read(*req.out) == o.result.yaml);
  CHECK_FALSE(std::filesystem::exists(*req.out + ".tmp"));
  CHECK_NOTHROW(scenario::load_file(*req.out));
}

TEST_CASE("Import: a partial import exits 3 and still writes the scenario") {
  Dir d;
  app::ImportRequest req;
  req.source = app::ImportSource::kCopilot;
  req.inputs = {source("tests/scenarios/import/copilot-pos")};
  req.env = "production";
  req.out = d / "pos.yaml";
  const auto o = app::run_import(req);
  CHECK(o.exit == app::ExitCode::kPartial);
  CHECK(static_cast<int>(app::ExitCode::kPartial) == 3);
  CHECK(app::import_exit_code(o.result) == app::ExitCode::kPartial);
  CHECK_NOTHROW(scenario::load_file(*req.out));
}

TEST_CASE("Import: a scenario that would not load is written, and its errors name the input line") {
  Dir d;
  // An Aurora instance class the price table does not have: the loader refuses it.
  std::ifstream in(source("tests/scenarios/import/terraform-shop-state/state.json"));
  std::stringstream text;
  text << in.rdbuf();
  std::string json = text.str();
  for (std::size_t p; (p = json.find("db.r6g.large")) != std::string::npos;) json.replace(p, 12, "db.x2g.large");
  std::ofstream(d / "state.json") << json;
  app::ImportRequest req;
  req.source = app::ImportSource::kTerraform;
  req.inputs = {d / "state.json"};
  req.out = d / "shop.yaml";
  try {
    (void)app::run_import(req);
    FAIL("expected ImportError");
  } catch (const scenario::ImportError& e) {
    const auto& errors = e.errors();
    REQUIRE(errors.size() >= 2);
    CHECK(errors[0].find("the imported scenario does not load: " + *req.out + ":") == 0);
    CHECK(errors[0].find("db.x2g.large") != std::string::npos);
    CHECK(errors[0].find("[from aws_rds_cluster_instance.db[0] instance_class]") != std::string::npos);
    CHECK(errors.back() == *req.out + ": written; fix the keys above, then run loadcast check " + *req.out);
  }
  CHECK(std::filesystem::exists(*req.out));
}

TEST_CASE("Import: wrong usage is a UsageError") {
  app::ImportRequest req;
  req.source = app::ImportSource::kTerraform;
  CHECK_THROWS_AS(app::run_import(req), app::UsageError);
  req.inputs = {"a.json"};
  req.env = "production";
  CHECK_THROWS_AS(app::run_import(req), app::UsageError);
  app::ImportRequest two;
  two.source = app::ImportSource::kCopilot;
  two.inputs = {"a", "b"};
  CHECK_THROWS_AS(app::run_import(two), app::UsageError);
}
