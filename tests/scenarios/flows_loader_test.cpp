// workload.flows: the agreed syntax loads into FlowSpec exactly (every key, both engines' parts),
// and each malformed flow is one located error naming what is wrong.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <string>
#include <vector>

#include "scenarios/loader/scenario.hpp"
#include "sim/rng.hpp"
#include "tests/support/scenario_text.hpp"
#include "workload/flow_repeat.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// The shop of the agreed syntax: three request classes, one flow of two steps with a setup.
constexpr const char* kShop = R"(name: shop
duration: 10m
workload:
  arrivals: { rate: 5 }
  requests:
    - name: login
      method: POST
      path: /login
      body: '{"user":"{username}","password":"{password}"}'
      steps: [ { station: s1, service: exp(2ms) } ]
    - name: create-order
      method: POST
      path: /orders
      headers: { Authorization: 'Bearer {token}' }
      steps: [ { station: s1, service: exp(3ms) } ]
    - name: get-order
      method: GET
      path: /orders/{order_id}
      headers: { Authorization: 'Bearer {token}' }
      steps: [ { station: s1, service: exp(1ms) } ]
  flows:
    - name: buyer
      weight: 3
      cookies: true
      credentials: { csv: users.csv }
      setup:
        - request: login
          extract: { token: { json: /token } }
      steps:
        - name: create
          request: create-order
          think: exp(2s)
          repeat: 2
          extract:
            order_id: { json: /id }
            loc: { header: Location }
            n: { regex: 'id=([0-9]+)' }
            st: { status: true }
          checks:
            - { name: created, status: 201 }
            - { name: has-id, json: /id, exists: true }
            - { name: open, json: /state, equals: open }
            - { name: says-ok, body_contains: ok }
        - name: read
          request: get-order
          think: const(1s)
          next: [ { to: read, p: 0.5 }, { to: create, p: 0.2 } ]
          exit: 0.3
    - name: browser
      steps:
        - name: look
          request: { method: GET, path: /items, steps: [ { station: s1, service: const(1ms) } ] }
          repeat: 'uniform_int(1, 5)'
          exit: 0.25
        - request: get-order
stations:
  s1:
    servers: 2
)";

// A directory holding users.csv, and the path of a scenario file in it.
class ShopDir {
 public:
  ShopDir() : dir_(std::filesystem::temp_directory_path() / ("loadcast-flows-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "users.csv") << "username,password\nann,pw1\nbob,pw2\n";
  }
  ~ShopDir() { std::filesystem::remove_all(dir_); }
  std::string scenario() const { return (dir_ / "shop.yaml").string(); }

 private:
  std::filesystem::path dir_;
};

// `text` with the flow list replaced by `flows` (the lines after "  flows:\n" up to stations).
std::string with_flows(const std::string& flows, const std::string& text = kShop) {
  const auto from = text.find("  flows:\n");
  const auto to = text.find("stations:\n");
  REQUIRE(from != std::string::npos);
  return text.substr(0, from) + "  flows:\n" + flows + text.substr(to);
}

// A flow `f` of these steps on the shop's request classes, whose setup defines the variables the
// classes use.
// A flow that defines the variables the shop's classes use, beside the one a row breaks.
const std::string kVars = "    - name: vars\n      setup: [ { request: login, extract: { order_id: { json: /id } } } ]\n      steps: [ { request: login } ]\n";

std::string flow_of(const std::string& steps) {
  return with_flows("    - name: f\n      setup: [ { request: login, extract: { order_id: { json: /id } } } ]\n      steps:\n" + steps);
}

}  // namespace

TEST_CASE("FlowsLoader: the agreed syntax loads every key") {
  ShopDir dir;
  const auto s = scenario::load_string(kShop, dir.scenario());
  const auto& w = s.workload;
  REQUIRE(w.flows.size() == 2);
  // The inline request is appended to the classes, named after its flow and step.
  REQUIRE(w.classes.size() == 4);
  CHECK(w.classes[3].name == "browser.look");
  CHECK(w.classes[3].http.path == "/items");
  REQUIRE(s.model.classes.size() == 4);
  CHECK(s.model.classes[3].steps.size() == 1);
  CHECK(s.class_paths[3] == "workload.flows[1].steps[0].request");

  const auto& buyer = w.flows[0];
  CHECK(buyer.name == "buyer");
  CHECK(buyer.weight == 3.0);
  CHECK(buyer.cookies);
  REQUIRE(buyer.credentials);
  CHECK(buyer.credentials->columns == std::vector<std::string>{"username", "password"});
  CHECK(buyer.credentials->rows == std::vector<std::vector<std::string>>{{"ann", "pw1"}, {"bob", "pw2"}});
  REQUIRE(buyer.setup.size() == 1);
  CHECK(buyer.setup[0].name == "login");
  CHECK(buyer.setup[0].request == 0);
  REQUIRE(buyer.setup[0].extract.size() == 1);
  CHECK(buyer.setup[0].extract[0].variable == "token");
  CHECK(buyer.setup[0].extract[0].expression == "/token");

  REQUIRE(buyer.steps.size() == 2);
  const auto& create = buyer.steps[0];
  CHECK(create.name == "create");
  CHECK(create.request == 1);
  REQUIRE(create.think);
  CHECK(create.think->describe() == "exp(2s)");
  REQUIRE(create.repeat);
  CHECK(create.repeat->describe() == "const(2)");
  REQUIRE(create.extract.size() == 4);
  CHECK(create.extract[0].source == workload::ExtractSource::kJsonPointer);
  CHECK(create.extract[1].source == workload::ExtractSource::kHeader);
  CHECK(create.extract[1].expression == "Location");
  CHECK(create.extract[2].source == workload::ExtractSource::kRegex);
  CHECK(create.extract[2].expression == "id=([0-9]+)");
  CHECK(create.extract[3].source == workload::ExtractSource::kStatus);
  REQUIRE(create.checks.size() == 4);
  CHECK(create.checks[0].kind == workload::CheckKind::kStatus);
  CHECK(create.checks[0].expected_status == 201);
  CHECK(create.checks[1].kind == workload::CheckKind::kJsonExists);
  CHECK(create.checks[1].exists);
  CHECK(create.checks[2].kind == workload::CheckKind::kJsonEquals);
  CHECK(create.checks[2].expression == "/state");
  CHECK(create.checks[2].expected == "open");
  CHECK(create.checks[3].kind == workload::CheckKind::kBodyContains);
  CHECK(create.checks[3].expected == "ok");
  CHECK(create.next.empty());
  CHECK(create.exit == 0.0);

  const auto& read = buyer.steps[1];
  CHECK(read.request == 2);
  REQUIRE(read.next.size() == 2);
  CHECK(read.next[0].to_index == 1);
  CHECK(read.next[0].p == 0.5);
  CHECK(read.next[1].to_index == 0);
  CHECK(read.exit == 0.3);

  const auto& browser = w.flows[1];
  CHECK(browser.weight == 1.0);
  CHECK_FALSE(browser.cookies);
  CHECK_FALSE(browser.credentials);
  REQUIRE(browser.steps.size() == 2);
  CHECK(browser.steps[0].name == "look");
  CHECK(browser.steps[0].exit == 0.25);
  // A step without a name is named after its request.
  CHECK(browser.steps[1].name == "get-order");
  CHECK(browser.steps[1].request == 2);
}

TEST_CASE("FlowsLoader: a repeat distribution draws whole numbers in its range") {
  ShopDir dir;
  const auto s = scenario::load_string(kShop, dir.scenario());
  const auto& repeat = s.workload.flows[1].steps[0].repeat;
  REQUIRE(repeat);
  sim::Rng rng(7);
  std::vector<int> seen(6, 0);
  for (int i = 0; i < 1000; ++i) {
    const auto n = workload::draw_repeat(repeat, rng);
    REQUIRE(n >= 1);
    REQUIRE(n <= 5);
    ++seen[static_cast<std::size_t>(n)];
  }
  for (int n = 1; n <= 5; ++n) CHECK(seen[static_cast<std::size_t>(n)] > 150);
  CHECK(workload::draw_repeat(std::nullopt, rng) == 1);
}

TEST_CASE("FlowsLoader: the weighted request classes without flows load as before") {
  const auto s = scenario::load_string(kOneStationScenario, "ok.yaml");
  CHECK(s.workload.flows.empty());
  CHECK(s.class_paths == std::vector<std::string>{"workload.requests[0]"});
}

TEST_CASE("FlowsLoader: requests may be left out when every flow's requests are inline") {
  const std::string yaml = R"(duration: 10m
workload:
  users: { count: 3, think_time: exp(1s) }
  flows:
    - name: only
      steps:
        - { name: a, request: { path: /a, steps: [ { delay: const(1ms) } ] } }
)";
  const auto s = scenario::load_string(yaml, "inline.yaml");
  REQUIRE(s.workload.classes.size() == 1);
  CHECK(s.workload.classes[0].name == "only.a");
}

TEST_CASE("FlowsLoader: each malformed flow is one located error naming what is wrong") {
  const std::string two = "        - { name: a, request: get-order }\n        - { name: b, request: create-order }\n";
  check_load_errors({
      {"a request weight with flows", replace(flow_of(two), "    - name: login\n", "    - name: login\n      weight: 2\n"),
       {"bad.yaml:7:15: workload.requests[0].weight: weight picks among flows when workload.flows is given"}, true},
      {"an unknown request", flow_of("        - { name: a, request: nope }\n"),
       {"workload.flows[0].steps[0].request: unknown request 'nope' (defined: login, create-order, get-order)"}, true},
      {"a branch to an unknown step",
       flow_of("        - { name: a, request: get-order, next: [ { to: c, p: 1 } ] }\n        - { name: b, request: create-order }\n"),
       {"workload.flows[0].steps[0].next[0].to: no step named 'c' in this flow (steps: a, b)"}, true},
      {"branch probabilities and exit that do not sum to 1",
       flow_of("        - { name: a, request: get-order, next: [ { to: b, p: 0.5 } ], exit: 0.3 }\n        - { name: b, request: create-order }\n"),
       {"workload.flows[0].steps[0].next: the branch probabilities plus exit sum to 0.8: with next, sum(p) + exit must be 1"}, true},
      {"a graph with no way out",
       flow_of("        - { name: a, request: get-order }\n        - { name: b, request: create-order, next: [ { to: a, p: 1 } ] }\n"),
       {"bad.yaml:25:11: workload.flows[0].steps[0]: a session at step 'a' can never end"}, true},
      {"a duplicate step name", flow_of("        - { request: get-order }\n        - { request: get-order }\n"),
       {"workload.flows[0].steps[1]: duplicate step name 'get-order' in this flow"}, true},
      {"an inline request without a name", flow_of("        - { request: { path: /x } }\n"),
       {"workload.flows[0].steps[0].request: an inline request needs a name"}, true},
      {"a weight on an inline request", flow_of("        - { name: x, request: { path: /x, weight: 2 } }\n"),
       {"workload.flows[0].steps[0].request.weight: weight picks among flows"}, true},
      {"a repeat of zero", flow_of("        - { name: a, request: get-order, repeat: 0 }\n"),
       {"workload.flows[0].steps[0].repeat: repeat must be at least 1"}, true},
      {"a repeat of durations", flow_of("        - { name: a, request: get-order, repeat: 'uniform(1, 3)' }\n"),
       {"repeat must be a count (e.g. 3) or a distribution of whole numbers"}, true},
      {"a repeat that never sends", flow_of("        - { name: a, request: get-order, repeat: 'uniform_int(0, 0)' }\n"),
       {"repeat never sends the step's request"}, true},
      {"a repeat that may draw negative counts", flow_of("        - { name: a, request: get-order, repeat: 'uniform_int(-1, 3)' }\n"),
       {"repeat draws must be >= 0 (0 skips the step)"}, true},
      {"an exit above 1", flow_of("        - { name: a, request: get-order, exit: 1.5 }\n"),
       {"workload.flows[0].steps[0].exit: exit is a probability: between 0 and 1"}, true},
      {"a branch without p", flow_of("        - { name: a, request: get-order, next: [ { to: a } ], exit: 1 }\n"),
       {"workload.flows[0].steps[0].next[0]: needs 'p'"}},
      {"an extraction from two sources", flow_of("        - { name: a, request: get-order, extract: { id: { json: /id, header: X } } }\n"),
       {"workload.flows[0].steps[0].extract.id: needs exactly one of json (a JSON pointer), header, regex or status: true"}, true},
      {"a malformed regex", flow_of("        - { name: a, request: get-order, extract: { id: { regex: 'a(' } } }\n"),
       {"workload.flows[0].steps[0].extract.id.regex: 'a(' is not an ECMAScript regular expression"}, true},
      {"a JSON pointer without a slash", flow_of("        - { name: a, request: get-order, extract: { id: { json: id } } }\n"),
       {"workload.flows[0].steps[0].extract.id.json: 'id' is not a JSON pointer"}, true},
      {"a check without a name", flow_of("        - { name: a, request: get-order, checks: [ { status: 200 } ] }\n"),
       {"workload.flows[0].steps[0].checks[0]: needs a name"}, true},
      {"a check of two kinds", flow_of("        - { name: a, request: get-order, checks: [ { name: c, status: 200, body_contains: x } ] }\n"),
       {"workload.flows[0].steps[0].checks[0]: needs exactly one of status"}, true},
      {"two checks of one name",
       flow_of("        - { name: a, request: get-order, checks: [ { name: c, status: 200 }, { name: c, status: 201 } ] }\n"),
       {"workload.flows[0].steps[0].checks[1].name: duplicate check name 'c' in this flow"}, true},
      {"a variable no flow defines", with_flows("    - name: f\n      steps:\n" + two),
       {"workload.requests[2].path: uses {order_id} but neither params nor a flow's extract or credentials define 'order_id'"}, true},
      {"a credentials file that is missing",
       with_flows("    - name: f\n      credentials: { csv: nobody.csv }\n      steps:\n        - { request: login }\n"),
       {"workload.flows[0].credentials.csv: cannot open CSV file './nobody.csv'"}},
      {"next in a setup step",
       with_flows("    - name: f\n      setup: [ { request: login, next: [ { to: x, p: 1 } ] } ]\n      steps: [ { request: login } ]\n"),
       {"workload.flows[0].setup[0].next: unknown key 'next'"}},
      {"a flow without steps", with_flows(kVars + "    - name: f\n"), {"workload.flows[1]: needs steps"}, true},
      {"an empty flow list", with_flows("    []\n"), {"workload.flows: needs at least one flow"}, true},
      {"two flows of one name", with_flows(kVars + "    - { name: f, steps: [ { request: login } ] }\n    - { name: f, steps: [ { request: login } ] }\n"),
       {"workload.flows[2].name: duplicate flow name 'f'"}, true},
      {"a closed-model flow that takes no time",
       "duration: 10m\nworkload:\n  users: { count: 2 }\n  flows:\n    - name: f\n      steps: [ { name: a, request: { path: /a } } ]\n",
       {"bad.yaml:5:7: workload.flows[0]: takes no simulated time and workload.users has no think_time"}, true},
  });
}

TEST_CASE("FlowsLoader: a closed-model flow with a think time in a step loads") {
  const std::string yaml =
      "duration: 10m\nworkload:\n  users: { count: 2 }\n  flows:\n    - name: f\n      steps: [ { name: a, think: exp(1s), request: { path: /a } } ]\n";
  const auto s = scenario::load_string(yaml, "ok.yaml");
  REQUIRE(s.workload.flows.size() == 1);
  CHECK(s.workload.flows[0].steps[0].think->describe() == "exp(1s)");
}
