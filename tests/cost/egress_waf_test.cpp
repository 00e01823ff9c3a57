// The meters of what leaves AWS and what AWS WAF inspects: every response the ALB sends is
// internet data out (a class's response_bytes, else lcu.response_bytes), the web ACL on the
// load balancer inspects every request it receives, and a delay step's call out of the VPC adds
// NAT gateway data (both directions) and data out (what it sends); a gateway endpoint costs
// nothing. Prices: Tokyo ($0.114/GB out, $0.062/GB NAT, WAF $5 + $1/rule a month + $0.60/M).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "app/simulate.hpp"
#include "cost/billing.hpp"
#include "cost/usage.hpp"
#include "tests/support/scenario_run.hpp"

using namespace loadcast;

namespace {

// 10 requests/s, evenly spaced, for 10 minutes: the k-th at k/10 s, so 5,999 requests (the 6,000th
// falls on the end), about half of each class.
std::string scenario_text(const std::string& cost_extra) {
  return R"(name: egress
region: ap-northeast-1
seed: 5
duration: 10m
workload:
  arrivals:
    process: uniform
    rate: 10
  requests:
    - name: api
      path: /api/x
      response_bytes: const(2000)
      steps:
        - cpu: exp(2ms)
        - { delay: 'const(20ms)', call: { via: nat, sent: const(1000), received: const(3000) } }
    - name: page
      path: /page
      steps:
        - cpu: exp(2ms)
        - { delay: 'const(5ms)', call: { via: gateway_endpoint, sent: const(500), received: const(9000) } }
load_balancer:
  type: alb
  waf: { rules: 3 }
  lcu: { response_bytes: 5000 }
  rules:
    - { path: "/*", service: web }
services:
  web:
    type: fargate
    cpu: 1024
    memory: 2048
    desired: 2
)" + cost_extra;
}

const reports::Json* line(const reports::Json& cost, const std::string& item, const std::string& component) {
  for (const auto& l : cost["lines"]) {
    if (l["item"] == item && l["component"] == component) return &l;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("Egress and WAF: responses, outbound calls and inspected requests are metered exactly and priced") {
  const app::SimRun sim = testing::simulate_text(scenario_text(""), "egress.yaml");
  const reports::Result& r = sim.result;
  REQUIRE(sim.usage.has_value());
  const cost::Usage& u = *sim.usage;
  REQUIRE(r.requests.total == 5999);
  REQUIRE(r.requests.ok + r.requests.in_flight == 5999);
  const auto api = r.classes.at("api").requests;
  const auto page = r.classes.at("page").requests;
  REQUIRE(api.total + page.total == 5999);
  REQUIRE(u.albs.size() == 1);
  const cost::AlbUsage& alb = u.albs[0];
  // Every request the ALB routed: its class's response size, or the load balancer's default.
  CHECK(alb.response_bytes == Approx(2000.0 * static_cast<double>(api.total) + 5000.0 * static_cast<double>(page.total)));
  CHECK(alb.waf_requests == 5999.0);
  CHECK(alb.waf_acl_seconds == Approx(600.0));
  CHECK(alb.waf_rule_seconds == Approx(3 * 600.0));
  // Calls out through the NAT: both directions processed, the sent bytes leave AWS; the gateway
  // endpoint's calls are free. Calls happen when a request reaches its delay step.
  REQUIRE(u.nat_gateways.size() == 1);
  CHECK(u.nat_gateways[0].name == "nat_gateway");
  const double nat_calls = u.nat_gateways[0].processed_bytes / 4000.0;
  CHECK(nat_calls == Approx(std::round(nat_calls)));
  CHECK(nat_calls >= static_cast<double>(api.ok));
  CHECK(nat_calls <= static_cast<double>(api.total));
  CHECK(u.internet_out_bytes == Approx(alb.response_bytes + 1000.0 * nat_calls));

  const auto& cost = r.sections["cost"];
  const double factor = 730.0 * 3600.0 / 600.0;
  const auto* out = line(cost, "data_transfer", "GB");
  REQUIRE(out != nullptr);
  CHECK((*out)["quantity"].get<double>() == Approx(u.internet_out_bytes * factor / cost::kBytesPerGb).epsilon(1e-6));
  CHECK((*out)["usd"].get<double>() == Approx(u.internet_out_bytes * factor / cost::kBytesPerGb * 0.114).epsilon(1e-6));
  const auto* waf_acl = line(cost, "waf", "web ACL");
  const auto* waf_rules = line(cost, "waf", "rules");
  const auto* waf_req = line(cost, "waf", "requests inspected");
  REQUIRE(waf_acl != nullptr);
  REQUIRE(waf_rules != nullptr);
  REQUIRE(waf_req != nullptr);
  CHECK((*waf_acl)["usd"].get<double>() == Approx(5.0));   // one web ACL all month
  CHECK((*waf_rules)["usd"].get<double>() == Approx(3.0)); // three rules all month
  CHECK((*waf_req)["quantity"].get<double>() == Approx(5999.0 * factor / 1e6));
  CHECK((*waf_req)["usd"].get<double>() == Approx(5999.0 * factor / 1e6 * 0.60));
  const auto* nat = line(cost, "nat_gateway", "data processed");
  REQUIRE(nat != nullptr);
  CHECK((*nat)["usd"].get<double>() == Approx(4000.0 * nat_calls * factor / cost::kBytesPerGb * 0.062).epsilon(1e-6));
  // No NAT hours, logs or IPv4 declared: the result says what it leaves out.
  bool logs = false, ipv4 = false, insights = false;
  for (const auto& n : cost["not_priced"]) {
    const std::string s = n.get<std::string>();
    logs = logs || s.rfind("CloudWatch Logs", 0) == 0;
    ipv4 = ipv4 || s.rfind("public IPv4 addresses of the internet-facing load balancer", 0) == 0;
    insights = insights || s.rfind("CloudWatch Container Insights", 0) == 0;
  }
  CHECK(logs);
  CHECK(ipv4);
  CHECK(insights);
}

TEST_CASE("Egress and WAF: the free internet allowance is taken off the month only when the scenario asks") {
  const app::SimRun paid = testing::simulate_text(scenario_text(""), "egress.yaml");
  const app::SimRun free = testing::simulate_text(scenario_text("cost:\n  free_internet_out_gb: 10\n"), "egress.yaml");
  const auto* a = line(paid.result.sections["cost"], "data_transfer", "GB");
  const auto* b = line(free.result.sections["cost"], "data_transfer", "GB");
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK((*b)["quantity"].get<double>() == Approx((*a)["quantity"].get<double>() - 10.0));
  CHECK((*b)["resource"] == "internet out, after 10 GB free");
  bool said = false;
  for (const auto& s : free.result.sections["cost"]["assumptions"]) {
    said = said || s.get<std::string>().rfind("the first 10 GB of data transfer out to the internet each month are free", 0) == 0;
  }
  CHECK(said);
}

TEST_CASE("Egress and WAF: a worker's call to the internet from a public address is data out only") {
  // Every request publishes one message; the worker calls an external API for each with 700
  // bytes out and 9,000 in. Data in is free, and without a NAT nothing is processed.
  const std::string text = R"(name: worker-egress
region: ap-northeast-1
seed: 3
duration: 10m
workload:
  arrivals:
    process: uniform
    rate: 5
  requests:
    - name: order
      path: /orders
      response_bytes: const(1000)
      steps:
        - cpu: exp(2ms)
        - publish: { queue: jobs, groups: 50 }
load_balancer:
  type: alb
  rules:
    - { path: "/*", service: web }
services:
  web:
    type: fargate
    cpu: 1024
    memory: 2048
    desired: 1
queues:
  jobs: {}
workers:
  notifier:
    cpu: 256
    memory: 512
    queue: jobs
    steps: [ { cpu: exp(5ms) }, { delay: 'const(30ms)', call: { via: internet, sent: const(700), received: const(9000) } } ]
)";
  const app::SimRun sim = testing::simulate_text(text, "worker-egress.yaml");
  REQUIRE(sim.usage.has_value());
  const cost::Usage& u = *sim.usage;
  REQUIRE(u.albs.size() == 1);
  CHECK(u.nat_gateways.empty());
  const double responses = u.albs[0].response_bytes;
  CHECK(responses == Approx(1000.0 * static_cast<double>(sim.result.requests.total)));
  // 5 requests/s for 10 minutes: 2,999 requests, messages and calls (every message was processed
  // and deleted by the end), 700 bytes out each.
  CHECK(sim.result.requests.total == 2999);
  const auto& jobs = sim.result.sections["queues"]["jobs"];
  CHECK(jobs["deleted"].get<double>() == 2999.0);
  CHECK(jobs["in_flight"].get<double>() == 0.0);
  CHECK(u.internet_out_bytes - responses == Approx(700.0 * 2999.0));
}
