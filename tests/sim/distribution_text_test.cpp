#include <catch2/catch.hpp>

#include <string>

#include "sim/distribution_text.hpp"

using namespace loadcast::sim;

namespace {

Distribution parse_ok(const std::string& text, ValueKind kind = ValueKind::kDuration) {
  auto r = parse_distribution(text, {kind, ""});
  INFO(text << ": " << r.error);
  REQUIRE(r.value.has_value());
  return *r.value;
}

std::string parse_error(const std::string& text) {
  auto r = parse_distribution(text);
  REQUIRE_FALSE(r.value.has_value());
  return r.error;
}

}  // namespace

TEST_CASE("Distribution: scenario text parses into the intended sampler") {
  CHECK(parse_ok("exp(1ms)").mean() == Approx(0.001));
  CHECK(parse_ok("const(5ms)").mean() == Approx(0.005));
  CHECK(parse_ok("uniform(1ms, 5ms)").mean() == Approx(0.003));
  CHECK(parse_ok("lognormal(mean=20ms, p99=120ms)").mean() == Approx(0.020));
  CHECK(parse_ok("erlang(k=4, mean=2ms)").mean() == Approx(0.002));
  CHECK(parse_ok("erlang(4, 2ms)").scv() == Approx(0.25));
  CHECK(parse_ok("normal(mean=10ms, sd=2ms)").mean() == Approx(0.010));
  CHECK(parse_ok("gamma(shape=0.5, mean=2ms)").scv() == Approx(2.0));
  CHECK(parse_ok("pareto(alpha=1.5, min=1ms, max=1s)").mean() > 0.001);
  CHECK(parse_ok("uniform_int(1, 10000)", ValueKind::kPlain).mean() == Approx(5000.5));
  CHECK(parse_ok("exp(1ms)").describe() == "exp(1ms)");
  CHECK(parse_ok("uniform(250us, 1.5s)").describe() == "uniform(250us, 1.5s)");
}

TEST_CASE("Distribution: malformed text gets a sentence naming the problem") {
  CHECK_THAT(parse_error("exp(1)"), Catch::Contains("duration with a unit"));
  CHECK_THAT(parse_error("exp 1ms"), Catch::Contains("write name(arguments)"));
  CHECK_THAT(parse_error("poisson(1ms)"), Catch::Contains("unknown distribution 'poisson'"));
  CHECK_THAT(parse_error("uniform(5ms, 1ms)"), Catch::Contains("min <= max"));
  CHECK_THAT(parse_error("lognormal(mean=20ms, p99=10ms)"), Catch::Contains("p99 must exceed the mean"));
  CHECK_THAT(parse_error("erlang(k=0, mean=1ms)"), Catch::Contains("k must be"));
  CHECK_THAT(parse_error("exp(mean=1ms, rate=3)"), Catch::Contains("no argument 'rate'"));
  CHECK_THAT(parse_error("empirical(no-such-file.csv)"), Catch::Contains("cannot open empirical file"));
}

TEST_CASE("parse_quantity: white space around a value and its unit is ignored") {
  CHECK(parse_quantity(" 2ms\r\n", ValueKind::kDuration) == 0.002);
  CHECK(parse_quantity("\t12 ", ValueKind::kPlain) == 12.0);
  CHECK(parse_quantity("1.5 s", ValueKind::kDuration) == 1.5);
  CHECK_FALSE(parse_quantity("12", ValueKind::kDuration).has_value());
  CHECK(parse_ok(" exp( 1ms )\n").describe() == "exp(1ms)");
}
