// Price tables: the built-in region files are complete and embedded; a bad file is rejected with
// a location for every problem; the `cost:` scenario section reads fixed costs and price
// overrides strictly; a result whose pricing fails still gets a cost section saying why.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <string>

#include "cost/usage_json.hpp"
#include "scenarios/loader/pricing_loader.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using loadcast::testing::replace;

namespace {

const char* kMinimal = R"(region: test-1
currency: USD
prices:
  alb:
    hour:
      usd: 0.0243
      unit: ALB-hour
      source: https://example.com/alb
      date: 2026-11-22
      confidence: secondary
)";

std::string errors_of(const std::string& yaml) {
  try {
    scenario::parse_price_table(yaml, "t.yaml");
  } catch (const scenario::LoadError& e) {
    return e.what();
  }
  FAIL("expected a LoadError for:\n" << yaml);
  return {};
}

// The `cost:` section of `yaml` in a file "s.yaml", read as the scenario loader does.
scenario::CostSection read_cost_section(const char* yaml) { return scenario::parse_cost_section(yaml, "s.yaml"); }

}  // namespace

TEST_CASE("PricingLoader: both built-in tables are complete and carry the reference prices") {
  const auto regions = scenario::builtin_regions();
  CHECK(regions == std::vector<std::string>{"ap-northeast-1", "us-east-1"});
  const auto& tokyo = scenario::builtin_price_table("ap-northeast-1");
  const auto& virginia = scenario::builtin_price_table("us-east-1");
  CHECK(tokyo.validate().empty());
  CHECK(virginia.validate().empty());
  CHECK(tokyo.usd("fargate", "x86_vcpu_hour") == 0.05056);
  CHECK(tokyo.usd("fargate", "x86_gb_hour") == 0.00553);
  CHECK(tokyo.usd("aurora", "acu_hour_standard") == 0.20);
  CHECK(tokyo.usd("alb", "hour") == 0.0243);
  CHECK(tokyo.usd("nat_gateway", "hour") == 0.062);
  CHECK(virginia.usd("fargate", "x86_vcpu_hour") == 0.04048);
  CHECK(virginia.usd("aurora", "acu_hour_standard") == 0.12);
  CHECK(virginia.usd("alb", "hour") == 0.0225);
  // Tokyo ARM Fargate is x86 - 20 %, read from AWS's price list by a public source (issue #15).
  CHECK(tokyo.usd("fargate", "arm_vcpu_hour") == 0.04045);
  CHECK(tokyo.usd("fargate", "arm_gb_hour") == 0.00442);
  CHECK(tokyo.at("fargate", "arm_vcpu_hour").confidence == cost::PriceConfidence::kSecondary);
  CHECK(tokyo.at("fargate", "arm_gb_hour").confidence == cost::PriceConfidence::kSecondary);
  CHECK(tokyo.at("aurora_instance_standard", "db.r6g.large").usd == 0.313);
  for (const auto& key : tokyo.keys()) {
    const auto dot = key.find('.');
    const auto& e = tokyo.at(key.substr(0, dot), key.substr(dot + 1));
    INFO(key);
    CHECK(e.source.rfind("https://", 0) == 0);
    CHECK(e.date.size() == 10);
  }
  CHECK(tokyo.origin == "builtin:ap-northeast-1");
}

TEST_CASE("PricingLoader: the tables are compiled in and load from any working directory") {
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(std::filesystem::temp_directory_path());
  const double price = scenario::builtin_price_table("us-east-1").usd("sqs", "fifo_million_requests");
  std::filesystem::current_path(cwd);
  CHECK(price == 0.50);
}

TEST_CASE("PricingLoader: an unknown region names the built-in ones") {
  CHECK_THROWS_WITH(scenario::builtin_price_table("eu-west-9"),
                    Catch::Contains("region 'eu-west-9' has no built-in price table (built in: ap-northeast-1, us-east-1)"));
}

TEST_CASE("PricingLoader: every problem in a price file is reported with its location") {
  SECTION("an unknown key in a price") {
    const auto e = errors_of(replace(kMinimal, "      confidence: secondary", "      confidence: secondary\n      usdd: 1"));
    CHECK_THAT(e, Catch::Contains("t.yaml:11:7: prices.alb.hour.usdd: unknown key 'usdd'"));
  }
  SECTION("an unknown group and an unknown item") {
    auto text = replace(kMinimal, "  alb:\n", "  albb:\n    hour: 1\n  alb:\n");
    text = replace(text, "    hour:\n      usd", "    hours:\n      usd");
    const auto e = errors_of(text);
    CHECK_THAT(e, Catch::Contains("t.yaml:4:3: prices.albb: unknown price group 'albb'"));
    CHECK_THAT(e, Catch::Contains("t.yaml:7:5: prices.alb.hours: unknown price 'hours' (expected one of: hour, lcu_hour)"));
  }
  SECTION("a wrong unit, a bad date, a bad confidence and a missing source") {
    auto text = replace(kMinimal, "unit: ALB-hour", "unit: hour");
    text = replace(text, "date: 2026-11-22", "date: 22/11/2026");
    text = replace(text, "confidence: secondary", "confidence: sure");
    text = replace(text, "      source: https://example.com/alb\n", "");
    const auto e = errors_of(text);
    CHECK_THAT(e, Catch::Contains("t.yaml:7:13: prices.alb.hour.unit: must be 'ALB-hour', found 'hour'"));
    CHECK_THAT(e, Catch::Contains("t.yaml:8:13: prices.alb.hour.date: must be a date YYYY-MM-DD"));
    CHECK_THAT(e, Catch::Contains("prices.alb.hour.confidence: must be doc, secondary or unverified"));
    CHECK_THAT(e, Catch::Contains("t.yaml:6:7: prices.alb.hour: needs 'source'"));
  }
  SECTION("a table that lacks prices the calculator needs") {
    const auto e = errors_of(kMinimal);
    CHECK_THAT(e, Catch::Contains("t.yaml:4:3: prices: price table test-1: missing price alb.lcu_hour (LCU-hour)"));
    CHECK_THAT(e, Catch::Contains("missing price aurora_instance_standard.db.r8g.large"));
  }
  SECTION("not YAML at all") {
    CHECK_THAT(errors_of("region: [x"), Catch::StartsWith("t.yaml:1:"));
  }
}

TEST_CASE("PricingLoader: a pricing file replaces the built-in table") {
  const auto dir = std::filesystem::temp_directory_path() / "loadcast_pricing_loader_test";
  std::filesystem::create_directories(dir);
  std::ifstream in(std::string(LOADCAST_SOURCE_DIR) + "/cost/prices/ap-northeast-1.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text = replace(text, "usd: 0.0243", "usd: 0.03");
  {
    std::ofstream out(dir / "custom.yaml");
    out << text;
  }
  const auto t = scenario::price_table_for("ap-northeast-1", "custom.yaml", dir.string());
  CHECK(t.usd("alb", "hour") == 0.03);
  CHECK(t.origin == (dir / "custom.yaml").string());
  CHECK(scenario::price_table_for("ap-northeast-1", "", dir.string()).usd("alb", "hour") == 0.0243);
  CHECK_THROWS_WITH(scenario::price_table_for("ap-northeast-1", "missing.yaml", dir.string()),
                    Catch::Contains("missing.yaml: cannot open price table file"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("PricingLoader: the cost section reads fixed costs strictly with locations") {
  const char* yaml = R"(cost:
  period: 24h
  fixed_costs:
    - { name: route53, price: route53.hosted_zone_month, count: 1 }
    - { name: nat, price: nat_gateway.gb_processed, quantity: 100, note: 100 GB a month }
    - { name: datadog, usd_per_month: 62 }
    - { name: bad, usd_per_month: 5, count: 2, colour: red }
    - { name: half, price: waf.rule_month }
)";
  auto [cost, errors] = read_cost_section(yaml);
  REQUIRE(cost.fixed_costs.size() == 5);
  CHECK(cost.period_seconds == 86400.0);
  CHECK(cost.fixed_costs[0].count == 1.0);
  CHECK(cost.fixed_costs[1].quantity == 100.0);
  CHECK(cost.fixed_costs[1].note == "100 GB a month");
  CHECK(cost.fixed_costs[2].usd_per_month == 62.0);
  CHECK(cost.fixed_costs[0].location == "s.yaml:4:7");
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  CHECK_THAT(all, Catch::Contains("s.yaml:7:7: cost.fixed_costs[3]: quantity and count apply to price:"));
  CHECK_THAT(all, Catch::Contains("s.yaml:7:48: cost.fixed_costs[3].colour: unknown key 'colour'"));
  CHECK_THAT(all, Catch::Contains("s.yaml:8:7: cost.fixed_costs[4]: a priced item needs exactly one of quantity:"));
  CHECK(errors.size() == 3);

  cost.fixed_costs.resize(3);
  CHECK(scenario::check_cost_config(cost, "ap-northeast-1", ".").empty());
  cost.fixed_costs[1].price = "nat_gateway.gigabytes";
  const auto problems = scenario::check_cost_config(cost, "ap-northeast-1", ".");
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::StartsWith("s.yaml:5:7: fixed cost 'nat': price 'nat_gateway.gigabytes' is not in the "
                                            "ap-northeast-1 price table"));
}

TEST_CASE("PricingLoader: cost.prices replace single prices with their locations, bad ones are errors") {
  const char* yaml = R"(cost:
  prices:
    fargate.spot_discount: 0.55
    aurora_instance_standard.db.x2g.large: 1.2
    alb.minute: 1
    nat_gateway.hour: cheap
)";
  auto [cost, errors] = read_cost_section(yaml);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("s.yaml:6:23: cost.prices.nat_gateway.hour: "));
  REQUIRE(cost.prices.size() == 3);
  CHECK(cost.prices[0].key == "fargate.spot_discount");
  CHECK(cost.prices[0].location == "s.yaml:3:28");
  const auto problems = scenario::check_cost_config(cost, "ap-northeast-1", ".");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "s.yaml:5:17: cost.prices.alb.minute: is not a price of the ap-northeast-1 table (GROUP.ITEM, e.g. "
                       "fargate.spot_discount)");
  cost.prices.pop_back();
  const auto t = scenario::scenario_price_table(cost, "ap-northeast-1", ".");
  CHECK(t.usd("fargate", "spot_discount") == 0.55);
  CHECK(t.at("fargate", "spot_discount").confidence == cost::PriceConfidence::kScenario);
  CHECK(t.usd("aurora_instance_standard", "db.x2g.large") == 1.2);
  CHECK(t.usd("fargate", "x86_vcpu_hour") == 0.05056);  // the rest is the built-in table
}

TEST_CASE("PricingLoader: a result whose pricing fails still gets a cost section, with the reason") {
  cost::Usage u;
  u.metered_seconds = 3600;
  u.aurora_provisioned_for("writer", "db", "db.x9.large", cost::AuroraStorage::kStandard).instance_seconds = 3600;
  reports::Result r;
  CHECK(scenario::add_cost_section(r, u, "ap-northeast-1", cost::CostConfig{}, "."));
  const auto error = cost::cost_error(r);
  REQUIRE(error.has_value());
  CHECK_THAT(*error, Catch::Contains("price table ap-northeast-1 has no price 'aurora_instance_standard.db.x9.large'"));
  CHECK(r.sections["cost"]["region"] == "ap-northeast-1");
  // A bad stored usage section is rejected where it is read; an unknown region is reported like
  // a missing price, never thrown.
  auto stored = cost::usage_to_section(u);
  stored["colour"] = "red";
  CHECK_THROWS_WITH(cost::usage_from_section(stored), Catch::Contains("unknown key 'usage.colour'"));
  CHECK(scenario::add_cost_section(r, u, "mars-1", cost::CostConfig{}, "."));
  CHECK_THAT(*cost::cost_error(r), Catch::Contains("region 'mars-1' has no built-in price table"));
  // Neither usage nor a fixed cost: no section.
  CHECK_FALSE(scenario::add_cost_section(r, std::nullopt, "ap-northeast-1", cost::CostConfig{}, "."));
}

TEST_CASE("PricingLoader: the common provisioned classes are priced in both regions with their sources") {
  const auto& virginia = scenario::builtin_price_table("us-east-1");
  const auto& tokyo = scenario::builtin_price_table("ap-northeast-1");
  // us-east-1 Aurora Standard rates from AWS's own static table (aws/agent-toolkit-for-aws).
  CHECK(virginia.usd("aurora_instance_standard", "db.r6g.2xlarge") == 1.038);
  CHECK(virginia.usd("aurora_instance_standard", "db.r7g.4xlarge") == 2.211);
  CHECK(virginia.usd("aurora_instance_standard", "db.t3.medium") == 0.082);
  CHECK(virginia.at("aurora_instance_standard", "db.r8g.xlarge").confidence == cost::PriceConfidence::kSecondary);
  CHECK(virginia.usd("aurora_instance_io_optimized", "db.r6g.2xlarge") == Approx(1.038 * 1.3));
  // Tokyo: in proportion to the family's priced size, marked unverified.
  CHECK(tokyo.usd("aurora_instance_standard", "db.r6g.4xlarge") == Approx(0.313 * 8));
  CHECK(tokyo.at("aurora_instance_standard", "db.r6g.4xlarge").confidence == cost::PriceConfidence::kUnverified);
  CHECK(tokyo.usd("aurora_instance_standard", "db.r6g.large") == 0.313);
  for (const char* cls : {"db.t3.medium", "db.t3.large", "db.t4g.large", "db.m5.large", "db.r5.large", "db.r6g.large"}) {
    for (const char* group : {"rds_instance_mysql", "rds_instance_postgresql"}) {
      INFO(group << " " << cls);
      CHECK(virginia.has(group, cls));
      CHECK(tokyo.has(group, cls));
    }
  }
}

TEST_CASE("PricingLoader: the Fargate Spot discount is a measured value of each region's table, with its source") {
  const auto& tokyo = scenario::builtin_price_table("ap-northeast-1");
  const auto& virginia = scenario::builtin_price_table("us-east-1");
  // Both from the Spot price feed of AWS's Fargate pricing page, copied on 2026-09-29: the
  // discount reproduces the measured Spot price of vCPU and memory alike.
  const auto& t = tokyo.at("fargate", "spot_discount");
  CHECK(t.usd == 0.690759);
  CHECK(t.confidence == cost::PriceConfidence::kSecondary);
  CHECK(t.date == "2026-09-29");
  CHECK(t.source.find("github.com/theuves/fgcalc") != std::string::npos);
  CHECK(tokyo.usd("fargate", "x86_vcpu_hour") * (1.0 - t.usd) == Approx(0.01563522).epsilon(1e-6));
  CHECK(tokyo.usd("fargate", "x86_gb_hour") * (1.0 - t.usd) == Approx(0.0017101).epsilon(1e-5));
  const auto& v = virginia.at("fargate", "spot_discount");
  CHECK(v.usd == 0.68168);
  CHECK(v.confidence == cost::PriceConfidence::kSecondary);
  CHECK(virginia.usd("fargate", "x86_vcpu_hour") * (1.0 - v.usd) == Approx(0.01288561).epsilon(1e-5));
  CHECK(virginia.usd("fargate", "x86_gb_hour") * (1.0 - v.usd) == Approx(0.00141493).epsilon(1e-5));
  // Not AWS's "up to 70 %" any more in either region.
  CHECK(t.usd < 0.70);
  CHECK(v.usd < 0.70);
}

TEST_CASE("PricingLoader: Aurora instance prices are consistent within a family and across the storage configurations") {
  // Instance-hours of a family double with each size, and I/O-Optimized instances cost 30 %
  // more than Aurora Standard ones (AWS's Aurora pricing page; the us-east-1 rates of AWS's own
  // static table follow both rules to the tenth of a cent).
  const std::vector<std::pair<std::string, double>> sizes = {{"small", 0.25}, {"medium", 0.5}, {"large", 1},
                                                             {"xlarge", 2},   {"2xlarge", 4},  {"4xlarge", 8},
                                                             {"8xlarge", 16}};
  for (const char* region : {"ap-northeast-1", "us-east-1"}) {
    const auto& table = scenario::builtin_price_table(region);
    std::map<std::string, double> per_large;  // family -> price of its first size, scaled to .large
    for (const auto& cls : table.instance_classes("aurora_instance_standard")) {
      const auto dot = cls.rfind('.');
      const std::string family = cls.substr(0, dot);
      const std::string size = cls.substr(dot + 1);
      const auto it = std::find_if(sizes.begin(), sizes.end(), [&](const auto& s) { return s.first == size; });
      INFO(region << " " << cls);
      REQUIRE(it != sizes.end());
      const double standard = table.usd("aurora_instance_standard", cls);
      const double scaled = standard / it->second;
      if (!per_large.count(family)) per_large[family] = scaled;
      CHECK(scaled == Approx(per_large[family]).epsilon(0.005));
      REQUIRE(table.has("aurora_instance_io_optimized", cls));
      CHECK(table.usd("aurora_instance_io_optimized", cls) / standard == Approx(1.3).epsilon(0.002));
    }
  }
  // Tokyo db.r7g/r8g have no source: us-east-1's 0.276 at the Tokyo/us-east-1 ratio of db.r6g.large.
  const auto& tokyo = scenario::builtin_price_table("ap-northeast-1");
  const auto& virginia = scenario::builtin_price_table("us-east-1");
  const double ratio = tokyo.usd("aurora_instance_standard", "db.r6g.large") /
                       virginia.usd("aurora_instance_standard", "db.r6g.large");
  for (const char* cls : {"db.r7g.large", "db.r8g.large"}) {
    INFO(cls);
    CHECK(tokyo.usd("aurora_instance_standard", cls) == Approx(virginia.usd("aurora_instance_standard", cls) * ratio).epsilon(0.001));
    CHECK(tokyo.at("aurora_instance_standard", cls).confidence == cost::PriceConfidence::kUnverified);
    CHECK(tokyo.at("aurora_instance_standard", cls).note.find("0.313 / 0.26") != std::string::npos);
  }
}
