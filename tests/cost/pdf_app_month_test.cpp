// pdf-app's month by hand (docs/cost.md, "pdf-app's month by hand"): a simulated day of the
// shipped scenario priced with its cost section equals, line by line, the figures computed from
// the day's request count and AWS's Tokyo prices, x 730 / 24.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "app/simulate.hpp"
#include "cost/billing.hpp"
#include "cost/usage.hpp"
#include "scenarios/loader/pricing_loader.hpp"
#include "tests/support/scenario_run.hpp"

using namespace loadcast;

namespace {

double cents(double usd) { return std::round(usd * 100.0) / 100.0; }

}  // namespace

TEST_CASE("PdfAppMonth: a simulated day of pdf-app is the hand calculation of its month") {
  const auto sc = scenario::load_file(std::string(LOADCAST_SOURCE_DIR) + "/scenarios/pdf-app.yaml");
  app::SimRun run = testing::simulate_one_thread(sc);
  REQUIRE(run.usage.has_value());
  reports::Result& r = run.result;
  REQUIRE(scenario::add_cost_section(r, run.usage, sc.region, sc.cost, sc.base_dir));
  const auto& items = r.sections["cost"]["monthly_usd"]["items"];
  const double month = 730.0 / 24.0;
  const double requests = static_cast<double>(r.requests.total);
  REQUIRE(requests == 277282.0);
  REQUIRE(run.usage->albs.size() == 1);

  // Every response is 16,384 bytes (lcu.response_bytes), sent to the internet at $0.114/GB.
  const double out_gb = requests * 16384.0 / cost::kBytesPerGb * month;
  CHECK(items["data_transfer"].get<double>() == Approx(out_gb * 0.114).epsilon(1e-6));
  // ALB: 730 hours, and LCUs from processed bytes (request 1,024 + response 16,384), the leading
  // dimension in every hour of this traffic.
  const double processed_gb = requests * (1024.0 + 16384.0) / cost::kBytesPerGb;
  CHECK(run.usage->albs[0].lcu_hours == Approx(processed_gb).epsilon(1e-6));
  CHECK(items["alb"].get<double>() == Approx(730.0 * 0.0243 + processed_gb * month * 0.008).epsilon(1e-6));
  // RDS for MySQL db.t3.small all month and its 20 GB gp3 volume.
  CHECK(items["rds"].get<double>() == Approx(730.0 * 0.052 + 20.0 * 0.138));
  // Fargate: one 0.5 vCPU / 2 GB task all month at least, plus what the scale-outs added.
  const auto& f = run.usage->fargate;
  REQUIRE(f.size() == 1);
  const double vcpu_h = f[0].vcpu_seconds / 3600.0 * month;
  const double gb_h = f[0].gb_seconds / 3600.0 * month;
  CHECK(vcpu_h >= 365.0);
  CHECK(gb_h == Approx(4.0 * vcpu_h));
  CHECK(items["fargate"].get<double>() == Approx(vcpu_h * 0.05056 + gb_h * 0.00553).epsilon(1e-6));
  // The document's fixed items.
  CHECK(cents(items["public_ipv4"].get<double>()) == 7.30);      // 2 x 730 h x $0.005
  CHECK(cents(items["s3"].get<double>()) == 0.25);               // 10 GB-month x $0.025
  CHECK(cents(items["cloudfront"].get<double>()) == 1.14);       // 10 GB x $0.114
  CHECK(cents(items["route53"].get<double>()) == 0.50);
  CHECK(cents(items["cloudwatch_logs"].get<double>()) == 1.59);  // 2 GB x $0.76 + 2 GB-month x $0.033
  CHECK(cents(r.sections["cost"]["monthly_usd"]["total"].get<double>()) == 112.62);
}
