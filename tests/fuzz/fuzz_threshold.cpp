// libFuzzer harness: the threshold expression parser (`latency_ms.p(99.9) < 250`) on arbitrary
// text, and its evaluation against a small result. Anything but a verdict or a ThresholdError is
// a finding. Seed corpus: the thresholds of scenarios/*.yaml and docs/.
#include <cstddef>
#include <cstdint>
#include <string>

#include "reports/threshold.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const loadcast::reports::Json result = loadcast::reports::Json::parse(R"json({
    "requests": {"total": 10, "ok": 9, "errors": 1, "error_rate": 0.1},
    "latency_ms": {"mean": 12.5, "p50": 10, "p95": 30, "p99": 40, "p(99.9)": 50, "max": 60, "min": null},
    "cost": {"monthly_usd": {"total": 123.4}}})json");
  const std::string expr(reinterpret_cast<const char*>(data), size);
  try {
    (void)loadcast::reports::parse_threshold(expr);
    (void)loadcast::reports::evaluate_threshold(expr, result);
  } catch (const loadcast::reports::ThresholdError&) {
  }
  return 0;
}
