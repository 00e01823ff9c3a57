// Aurora storage and I/O meters (`database.volume`) and the price check of provisioned instance
// classes: the stored GB and the I/O requests of every query reach the bill exactly, nothing is
// metered without the section, bad keys are located errors, and a class the price table lacks is
// an error before the run instead of a failure after it.
#include <catch2/catch.hpp>

#include <string>

#include "app/simulate.hpp"
#include "cost/usage.hpp"
#include "models/data/db_instance_classes.hpp"
#include "scenarios/loader/pricing_loader.hpp"
#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;

namespace {

// One class at 20 req/s, each request 2 reads and 1 write, on one writer; no warm-up, so the
// meters and the request counts cover the same span.
std::string scenario_text(const std::string& database_extra, const std::string& type = "aurora_serverless_v2") {
  std::string db = "database:\n  type: " + type + "\n  engine: postgresql\n";
  db += type == "aurora_serverless_v2" ? "  max_acu: 2\n" : "  instance_class: db.r6g.large\n";
  db += "  query: { read: exp(1ms), write: exp(2ms) }\n" + database_extra;
  return R"(name: volume
region: ap-northeast-1
seed: 9
duration: 30m
workload:
  arrivals:
    process: poisson
    rate: 20
  requests:
    - name: rw
      path: /rw
      steps:
        - cpu: exp(5ms)
        - db: { reads: 2, writes: 1 }
load_balancer:
  type: alb
  rules:
    - { path: "/*", service: api }
services:
  api:
    type: fargate
    cpu: 1024
    memory: 2048
    desired: 2
)" + db;
}

app::SimRun run(const std::string& text) { return testing::simulate_text(text, "volume.yaml"); }

std::string load_errors(const std::string& text) { return testing::load_error(text, "volume.yaml"); }

const reports::Json* line(const reports::Json& cost, const std::string& component) {
  for (const auto& l : cost["lines"]) {
    if (l["item"] == "aurora" && l["component"] == component) return &l;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("DatabaseVolume: stored GB and the I/O of every query are metered and priced") {
  const app::SimRun sim = run(scenario_text("  volume: { gb: 40, io_per_read: 0.25, io_per_write: 2, backup_gb: 5 }\n"));
  const reports::Result& r = sim.result;
  REQUIRE(sim.usage.has_value());
  const cost::Usage& u = *sim.usage;
  REQUIRE(u.aurora_clusters.size() == 1);
  const auto& c = u.aurora_clusters[0];
  CHECK(c.storage_gb_seconds == Approx(40.0 * 1800));
  CHECK(c.backup_gb_seconds == Approx(5.0 * 1800));
  // Every request that reached its db step ran 2 reads, then 1 write; the finished ones all did.
  const double done = static_cast<double>(r.requests.ok);
  const double all = static_cast<double>(r.requests.total);
  CHECK(r.requests.errors == 0);
  CHECK(c.read_io_requests >= 0.25 * 2 * done);
  CHECK(c.read_io_requests <= 0.25 * 2 * all);
  CHECK(c.write_io_requests >= 2.0 * done);
  CHECK(c.write_io_requests <= 2.0 * all);
  CHECK(c.io_requests == Approx(c.read_io_requests + c.write_io_requests));

  // Priced at Tokyo's Aurora Standard rates, projected 730 h / 30 min.
  const auto& cost = r.sections["cost"];
  const double factor = 730.0 * 3600.0 / 1800.0;
  const auto* storage = line(cost, "storage");
  REQUIRE(storage != nullptr);
  CHECK((*storage)["quantity"].get<double>() == Approx(40.0));  // GB-month: a constant 40 GB all month
  CHECK((*storage)["usd"].get<double>() == Approx(40.0 * 0.12));
  const auto* io = line(cost, "I/O");
  REQUIRE(io != nullptr);
  CHECK((*io)["quantity"].get<double>() == Approx(c.io_requests * factor / 1e6).epsilon(1e-6));
  CHECK((*io)["usd"].get<double>() == Approx(c.io_requests * factor / 1e6 * 0.24).epsilon(1e-5));
  REQUIRE(line(cost, "backup storage") != nullptr);
  for (const auto& a : cost["assumptions"]) CHECK_THAT(a.get<std::string>(), !Catch::Contains("not metered"));
}

TEST_CASE("DatabaseVolume: without the section nothing is metered and the cost says so") {
  const app::SimRun sim = run(scenario_text(""));
  const reports::Result& r = sim.result;
  REQUIRE(sim.usage.has_value());
  const cost::Usage& u = *sim.usage;
  REQUIRE(u.aurora_clusters.size() == 1);
  CHECK(u.aurora_clusters[0].storage_gb_seconds == 0.0);
  CHECK(u.aurora_clusters[0].io_requests == 0.0);
  CHECK(line(r.sections["cost"], "I/O") == nullptr);
  bool said = false;
  for (const auto& a : r.sections["cost"]["not_priced"]) said = said || a == "Aurora cluster db: storage and I/O (give database.volume to price them)";
  CHECK(said);
}

TEST_CASE("DatabaseVolume: I/O-Optimized has no I/O line, and RDS meters gp3 storage per instance") {
  const reports::Result io_opt = run(scenario_text("  storage: io_optimized\n  volume: { gb: 10 }\n")).result;
  CHECK(line(io_opt.sections["cost"], "I/O") == nullptr);
  REQUIRE(line(io_opt.sections["cost"], "storage") != nullptr);
  CHECK((*line(io_opt.sections["cost"], "storage"))["price"] == "aurora.storage_gb_month_io_optimized");

  std::string rds = scenario_text("  volume: { gb: 20 }\n", "rds");
  rds.replace(rds.find("db.r6g.large"), 12, "db.t3.small");
  const auto u = run(rds).usage;
  REQUIRE(u.has_value());
  REQUIRE(u->rds_instances.size() == 1);
  CHECK(u->rds_instances[0].storage_gb_seconds == Approx(20.0 * 1800));
}

TEST_CASE("DatabaseVolume: bad keys are located errors") {
  std::string e = load_errors(scenario_text("  volume: { gb: -1, io_per_write: two, colour: red }\n"));
  CHECK_THAT(e, Catch::Contains("volume.yaml:30:17: database.volume.gb: must be >= 0"));
  CHECK_THAT(e, Catch::Contains("database.volume.io_per_write: "));
  CHECK_THAT(e, Catch::Contains("database.volume.colour: unknown key 'colour'"));
  std::string rds = scenario_text("  volume: { gb: 20, io_per_read: 1 }\n", "rds");
  rds.replace(rds.find("db.r6g.large"), 12, "db.t3.small");
  CHECK_THAT(load_errors(rds), Catch::Contains("database.volume.io_per_read: applies to Aurora only"));
}

TEST_CASE("DatabaseVolume: an instance class the price table lacks is an error before the run") {
  // db.m7g.large is an RDS class the simulator knows but neither built-in table prices.
  std::string rds = scenario_text("", "rds");
  rds.replace(rds.find("db.r6g.large"), 12, "db.m7g.large");
  const std::string e = load_errors(rds);
  CHECK_THAT(e, Catch::Contains("volume.yaml:28:19: database.instance_class: db.m7g.large has no price in "
                                "rds_instance_postgresql of the ap-northeast-1 price table"));
  CHECK_THAT(e, Catch::Contains("cost.prices: { rds_instance_postgresql.db.m7g.large: USD_PER_HOUR }"));
  // The scenario may price it itself; the line then says the price is the scenario's.
  rds += "cost:\n  prices:\n    rds_instance_postgresql.db.m7g.large: 0.25\n";
  const reports::Result r = run(rds).result;
  bool priced = false;
  for (const auto& l : r.sections["cost"]["lines"]) {
    if (l["item"] == "rds" && l["component"] == "db.m7g.large") {
      priced = true;
      CHECK(l["unit_usd"] == 0.25);
      CHECK(l["confidence"] == "scenario");
    }
  }
  CHECK(priced);
  // Every Aurora class the simulator knows is priced in both built-in tables.
  for (const char* region : {"ap-northeast-1", "us-east-1"}) {
    const auto& t = scenario::builtin_price_table(region);
    for (const auto& cls : models::db_instance_class_names(true)) {
      INFO(region << " " << cls);
      CHECK(t.has("aurora_instance_standard", cls));
      CHECK(t.has("aurora_instance_io_optimized", cls));
    }
  }
}
