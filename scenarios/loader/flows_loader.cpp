// `workload.flows`: user journeys, each a graph of steps (docs/scenarios.md#flows).
//
// Checks what both engines rely on: every step names a request class (listed or inline), step
// names are unique in their flow and every `next[].to` names one, branch probabilities and
// `exit` sum to 1, and every step a session can reach has a way to the end (a session ends with
// probability 1). The load generator's parts (extract, checks, setup, cookies, credentials) are
// read and checked here too, so a scenario fails at load time rather than mid-run.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <variant>

#include "scenarios/loader/request_loader.hpp"
#include "scenarios/loader/sections.hpp"
#include "workload/flow_repeat.hpp"

namespace loadcast::scenario {

namespace {

// Tolerance of "sum(p) + exit must be 1": decimal fractions such as 0.1 + 0.2 are not exact.
constexpr double kProbabilitySlack = 1e-9;

// A session variable's name, as {name} is written in a path, header or body.
bool variable_name(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
}

// An RFC 6901 JSON pointer: empty (the whole document) or '/'-separated tokens.
bool json_pointer(const std::string& text) { return text.empty() || text.front() == '/'; }

std::string pointer_hint(const std::string& text) {
  return "'" + text + "' is not a JSON pointer (RFC 6901: empty for the whole body, or /key/0/field)";
}

void load_extract(MapReader& step, workload::FlowStep& out, std::set<std::string>& variables) {
  Context& ctx = step.ctx();
  MapReader m(ctx, step.get("extract"), step.child_path("extract"));
  for (const auto& var : m.keys()) {
    const YAML::Node n = m.get(var);
    const std::string path = m.child_path(var);
    if (!variable_name(var)) {
      ctx.error(n, path, "'" + var + "' is not a variable name (letters, digits, _ - . only; used as {" + var + "})");
    }
    MapReader e(ctx, n, path);
    if (!e.valid()) continue;
    workload::ExtractSpec x;
    x.variable = var;
    // Keys given versus keys read: a value of the wrong type is reported once, by its reader.
    const auto keys = e.keys();
    const auto given = std::count_if(keys.begin(), keys.end(), [](const std::string& k) {
      return k == "json" || k == "header" || k == "regex" || k == "status";
    });
    std::ptrdiff_t sources = 0;
    if (auto v = e.str("json")) {
      ++sources;
      x.source = workload::ExtractSource::kJsonPointer;
      x.expression = *v;
      if (!json_pointer(*v)) ctx.error(e.get("json"), e.child_path("json"), pointer_hint(*v));
    }
    if (auto v = e.str("header")) {
      ++sources;
      x.source = workload::ExtractSource::kHeader;
      x.expression = *v;
      if (v->empty()) ctx.error(e.get("header"), e.child_path("header"), "needs a header name, e.g. Location");
    }
    if (auto v = e.str("regex")) {
      ++sources;
      x.source = workload::ExtractSource::kRegex;
      x.expression = *v;
      try {
        const std::regex re(*v, std::regex::ECMAScript);
      } catch (const std::regex_error& err) {
        ctx.error(e.get("regex"), e.child_path("regex"), "'" + *v + "' is not an ECMAScript regular expression (" + err.what() + ")");
      }
    }
    if (auto v = e.boolean("status")) {
      ++sources;
      x.source = workload::ExtractSource::kStatus;
      if (!*v) ctx.error(e.get("status"), e.child_path("status"), "status: true extracts the status code; leave it out otherwise");
    }
    if (sources != 1 && sources == given) {
      ctx.error(n, path, "needs exactly one of json (a JSON pointer), header, regex or status: true");
    }
    e.finish();
    variables.insert(var);
    out.extract.push_back(std::move(x));
  }
  m.finish();
}

void load_checks(MapReader& step, workload::FlowStep& out, std::set<std::string>& check_names) {
  Context& ctx = step.ctx();
  for_each_item(ctx, step.get("checks"), step.child_path("checks"), [&](const YAML::Node& n, const std::string& path) {
    MapReader c(ctx, n, path);
    if (!c.valid()) return;
    workload::CheckSpec spec;
    if (auto v = c.str("name")) {
      spec.name = *v;
      if (!check_names.insert(*v).second) ctx.error(c.get("name"), c.child_path("name"), "duplicate check name '" + *v + "' in this flow");
    } else if (!c.has("name")) {
      ctx.error(n, path, "needs a name (counted as checks.<flow>.<name>)");
    }
    const bool status = c.has("status");
    const bool json = c.has("json");
    const bool body = c.has("body_contains");
    if (static_cast<int>(status) + static_cast<int>(json) + static_cast<int>(body) != 1) {
      ctx.error(n, path, "needs exactly one of status (a code), json (a JSON pointer, with exists or equals) or body_contains");
    }
    if (status) {
      spec.kind = workload::CheckKind::kStatus;
      if (auto v = c.whole<int>("status", 100, 599)) spec.expected_status = *v;
    }
    if (json) {
      if (auto v = c.str("json")) {
        spec.expression = *v;
        if (!json_pointer(*v)) ctx.error(c.get("json"), c.child_path("json"), pointer_hint(*v));
      }
      if (c.has("exists") && c.has("equals")) ctx.error(n, path, "give exists or equals, not both");
      spec.kind = workload::CheckKind::kJsonExists;
      if (auto v = c.boolean("exists")) spec.exists = *v;
      if (auto v = c.str("equals")) {
        spec.kind = workload::CheckKind::kJsonEquals;
        spec.expected = *v;
      }
    } else {
      for (const char* key : {"exists", "equals"}) {
        if (c.has(key)) ctx.error(c.get(key), c.child_path(key), std::string(key) + " goes with json (a JSON pointer)");
      }
    }
    if (body) {
      spec.kind = workload::CheckKind::kBodyContains;
      if (auto v = c.str("body_contains")) spec.expected = *v;
    }
    c.finish();
    out.checks.push_back(std::move(spec));
  });
}

// `repeat`: a whole number >= 1, or a distribution of whole numbers >= 0 (a draw of 0 skips the
// step).
void load_repeat(MapReader& m, workload::FlowStep& out) {
  Context& ctx = m.ctx();
  const YAML::Node n = m.get("repeat");
  const std::string path = m.child_path("repeat");
  if (!n.IsDefined()) return;
  if (n.IsScalar() && !n.Scalar().empty() && (std::isdigit(static_cast<unsigned char>(n.Scalar().front())) || n.Scalar().front() == '-')) {
    if (auto v = m.whole<std::int64_t>("repeat")) {
      if (*v < 1) ctx.error(n, path, "repeat must be at least 1 (the step's request is sent that many times)");
      else if (*v > workload::kMaxRepeat) ctx.error(n, path, "repeat must be at most " + std::to_string(workload::kMaxRepeat));
      else {
        out.repeat = sim::Distribution::constant(static_cast<double>(*v));
        out.repeat->set_value_kind(sim::ValueKind::kPlain);
      }
    }
    return;
  }
  auto d = read_distribution(ctx, n, path, sim::ValueKind::kPlain);
  if (!d) return;
  const std::string problem = workload::repeat_problem(*d);
  if (!problem.empty()) ctx.error(n, path, problem);
  else out.repeat = *d;
}

// One step of `steps` or `setup`; returns false when the item is not a mapping.
bool load_flow_step(MapReader& m, Scenario& s, RequestNames& names, const std::string& flow, bool setup,
                    workload::FlowStep& step, std::set<std::string>& variables, std::set<std::string>& check_names) {
  Context& ctx = m.ctx();
  if (!m.valid()) return false;
  const auto given_name = m.str("name");
  if (!m.has("request")) {
    ctx.error(m.node(), m.path(), "needs 'request': a request class by name, or an inline request { method, path, steps }");
  }
  const YAML::Node rn = m.get("request");
  const std::string rpath = m.child_path("request");
  std::optional<std::size_t> cls;
  if (rn.IsDefined() && rn.IsMap()) {
    MapReader r(ctx, rn, rpath);
    if (!r.has("name") && !given_name) {
      ctx.error(rn, rpath, "an inline request needs a name: the step's (name:) or its own");
    } else {
      cls = load_request(r, s, names, given_name ? flow + "." + *given_name : "");
      if (cls && !given_name) step.name = s.workload.classes[*cls].name;
    }
  } else if (rn.IsDefined()) {
    if (auto v = read_string(ctx, rn, rpath)) {
      for (std::size_t c = 0; c < s.workload.classes.size() && !cls; ++c) {
        if (s.workload.classes[c].name == *v) cls = c;
      }
      if (!cls) {
        std::string known;
        for (const auto& c : s.workload.classes) known += (known.empty() ? "" : ", ") + c.name;
        ctx.error(rn, rpath, "unknown request '" + *v + "'" + (known.empty() ? " (workload.requests defines none)" : " (defined: " + known + ")"));
      }
      if (!given_name) step.name = *v;
    }
  }
  if (cls) step.request = *cls;
  if (given_name) step.name = *given_name;
  if (auto d = m.distribution("think")) step.think = *d;
  if (!setup) {
    load_repeat(m, step);
    if (auto v = m.number("exit")) {
      if (*v < 0.0 || *v > 1.0) ctx.error(m.get("exit"), m.child_path("exit"), "exit is a probability: between 0 and 1");
      else step.exit = *v;
    }
    for_each_item(ctx, m.get("next"), m.child_path("next"), [&](const YAML::Node& n, const std::string& path) {
      MapReader b(ctx, n, path);
      if (!b.valid()) return;
      workload::Branch branch;
      if (auto v = b.str("to")) branch.to = *v;
      else if (!b.has("to")) ctx.error(n, path, "needs 'to' (a step name of this flow)");
      if (auto v = b.number("p")) {
        if (!(*v > 0.0 && *v <= 1.0)) ctx.error(b.get("p"), b.child_path("p"), "p is a probability: above 0 and at most 1");
        else branch.p = *v;
      } else if (!b.has("p")) {
        ctx.error(n, path, "needs 'p' (the probability of going to this step)");
      }
      b.finish();
      step.next.push_back(std::move(branch));
    });
  }
  load_extract(m, step, variables);
  load_checks(m, step, check_names);
  m.finish();
  return true;
}

// The YAML nodes of a flow's steps, for errors found once the whole flow is read.
struct StepNodes {
  YAML::Node node;
  std::string path;
  YAML::Node next;
  YAML::Node exit;
};

// Resolves next[].to, checks the probabilities and that every reachable step can reach the end.
void link_flow(Context& ctx, workload::FlowSpec& flow, const std::vector<StepNodes>& nodes) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < flow.steps.size(); ++i) {
    if (flow.steps[i].name.empty()) continue;
    if (!index.emplace(flow.steps[i].name, i).second) {
      ctx.error(nodes[i].node, nodes[i].path, "duplicate step name '" + flow.steps[i].name +
                                                  "' in this flow (name the steps that send the same request)");
    }
  }
  bool linked = true;
  for (std::size_t i = 0; i < flow.steps.size(); ++i) {
    auto& step = flow.steps[i];
    double sum = step.exit;
    for (std::size_t b = 0; b < step.next.size(); ++b) {
      auto& branch = step.next[b];
      sum += branch.p;
      const auto it = index.find(branch.to);
      if (it != index.end()) {
        branch.to_index = it->second;
      } else if (!branch.to.empty()) {
        linked = false;
        std::string known;
        for (const auto& st : flow.steps) known += (known.empty() ? "" : ", ") + st.name;
        const YAML::Node bn = nodes[i].next.IsSequence() && b < nodes[i].next.size() ? nodes[i].next[b] : nodes[i].node;
        ctx.error(bn, index_path(nodes[i].path + ".next", b) + ".to",
                  "no step named '" + branch.to + "' in this flow (steps: " + known + ")");
      } else {
        linked = false;
      }
    }
    if (!step.next.empty() && std::abs(sum - 1.0) > kProbabilitySlack) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6g", sum);
      ctx.error(nodes[i].next, nodes[i].path + ".next",
                std::string("the branch probabilities plus exit sum to ") + buf + ": with next, sum(p) + exit must be 1");
      linked = false;
    }
  }
  if (!linked || flow.steps.empty()) return;
  // Edges of the behaviour graph; kEnd is the end of the session.
  const std::size_t n = flow.steps.size();
  const std::size_t end = n;
  std::vector<std::vector<std::size_t>> edges(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& step = flow.steps[i];
    if (step.exit > 0.0) edges[i].push_back(end);
    if (!step.next.empty()) {
      for (const auto& b : step.next) edges[i].push_back(b.to_index);
    } else if (step.exit < 1.0) {
      edges[i].push_back(i + 1 < n ? i + 1 : end);
    }
  }
  std::vector<bool> reached(n + 1, false);
  std::vector<std::size_t> stack{0};
  reached[0] = true;
  while (!stack.empty()) {
    const std::size_t i = stack.back();
    stack.pop_back();
    if (i == end) continue;
    for (const std::size_t j : edges[i]) {
      if (!reached[j]) {
        reached[j] = true;
        stack.push_back(j);
      }
    }
  }
  // Which steps can reach the end: a fixed point over the reversed edges.
  std::vector<bool> ends(n + 1, false);
  ends[end] = true;
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (ends[i]) continue;
      if (std::any_of(edges[i].begin(), edges[i].end(), [&](std::size_t j) { return ends[j]; })) {
        ends[i] = changed = true;
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (reached[i] && !ends[i]) {
      ctx.error(nodes[i].node, nodes[i].path,
                "a session at step '" + flow.steps[i].name +
                    "' can never end: no path from it reaches an exit (give a branch an exit probability, or go on to a step that ends)");
      return;
    }
  }
}

void load_credentials(MapReader& f, workload::FlowSpec& flow, std::set<std::string>& variables) {
  Context& ctx = f.ctx();
  MapReader c(ctx, f.get("credentials"), f.child_path("credentials"));
  if (!c.valid()) return;
  const auto file = c.str("csv");
  if (!file && !c.has("csv")) ctx.error(c.node(), c.path(), "needs csv: FILE (one row per virtual user; its header names the variables)");
  c.finish();
  if (!file) return;
  const auto table = read_csv(ctx, c.get("csv"), c.child_path("csv"), *file);
  if (!table) return;
  workload::CredentialsSpec spec;
  spec.csv_path = table->file;
  std::set<std::string> seen;
  for (const auto& column : table->header) {
    if (!variable_name(column)) {
      ctx.error(c.get("csv"), c.child_path("csv"), "CSV file '" + table->file + "': header cell '" + column +
                                                        "' is not a variable name (letters, digits, _ - . only)");
    } else if (!seen.insert(column).second) {
      ctx.error(c.get("csv"), c.child_path("csv"), "CSV file '" + table->file + "': column '" + column + "' appears twice");
    }
    variables.insert(column);
  }
  for (std::size_t r = 0; r < table->rows.size(); ++r) {
    if (table->rows[r].size() != table->header.size()) {
      ctx.error(c.get("csv"), c.child_path("csv"), "CSV file '" + table->file + "': row " + std::to_string(r + 1) + " has " +
                                                        std::to_string(table->rows[r].size()) + " cells, its header " +
                                                        std::to_string(table->header.size()));
      return;
    }
  }
  if (table->rows.empty()) ctx.error(c.get("csv"), c.child_path("csv"), "CSV file '" + table->file + "' has no rows below its header");
  spec.columns = table->header;
  spec.rows = table->rows;
  flow.credentials = std::move(spec);
}

}  // namespace

void load_flows(MapReader& w, Scenario& s, RequestNames& names) {
  Context& ctx = w.ctx();
  const YAML::Node flows = w.get("flows");
  std::set<std::string> flow_names;
  std::set<std::string> variables;  // every flow's: a request class may serve several flows
  const auto* closed = std::get_if<workload::ClosedWorkload>(&s.workload.model);
  for_each_item(ctx, flows, "workload.flows", [&](const YAML::Node& item, const std::string& path) {
    MapReader f(ctx, item, path);
    if (!f.valid()) return;
    workload::FlowSpec flow;
    if (auto v = f.str("name")) {
      flow.name = *v;
      if (!flow_names.insert(*v).second) ctx.error(f.get("name"), f.child_path("name"), "duplicate flow name '" + *v + "'");
    } else if (!f.has("name")) {
      ctx.error(item, path, "needs a name");
    }
    if (auto v = f.number("weight")) {
      if (*v <= 0) ctx.error(f.get("weight"), f.child_path("weight"), "weight must be > 0");
      else flow.weight = *v;
    }
    if (auto v = f.boolean("cookies")) flow.cookies = *v;
    if (f.has("credentials")) load_credentials(f, flow, variables);
    std::set<std::string> check_names;
    std::set<std::string> setup_names;
    for_each_item(ctx, f.get("setup"), f.child_path("setup"), [&](const YAML::Node& n, const std::string& spath) {
      MapReader m(ctx, n, spath);
      workload::FlowStep step;
      if (!load_flow_step(m, s, names, flow.name, true, step, variables, check_names)) return;
      if (!step.name.empty() && !setup_names.insert(step.name).second) {
        ctx.error(n, spath, "duplicate setup step name '" + step.name + "' in this flow");
      }
      flow.setup.push_back(std::move(step));
    });
    std::vector<StepNodes> nodes;
    for_each_item(ctx, f.get("steps"), f.child_path("steps"), [&](const YAML::Node& n, const std::string& spath) {
      MapReader m(ctx, n, spath);
      workload::FlowStep step;
      if (!load_flow_step(m, s, names, flow.name, false, step, variables, check_names)) return;
      const YAML::Node& map = n;
      nodes.push_back({n, spath, map["next"], map["exit"]});
      flow.steps.push_back(std::move(step));
    });
    const YAML::Node steps = f.get("steps");
    if (!f.has("steps")) ctx.error(item, path, "needs steps (at least one: each a request, with think, repeat, next, exit)");
    else if (steps.IsSequence() && steps.size() == 0) ctx.error(steps, f.child_path("steps"), "needs at least one step");
    // A partly read list would shift the step indices the branches resolve to.
    if (steps.IsSequence() && nodes.size() == steps.size()) link_flow(ctx, flow, nodes);
    if (closed && !(closed->think_time.mean() > 0.0) && !flow.steps.empty() &&
        std::none_of(flow.steps.begin(), flow.steps.end(), [&](const workload::FlowStep& st) {
          return (st.think && st.think->mean() > 0.0) || (st.request < s.model.classes.size() && request_takes_time(s.model.classes[st.request]));
        })) {
      ctx.error(item, path, "takes no simulated time and workload.users has no think_time: the users would loop at one instant; "
                            "give think_time (e.g. exp(1s)), a step a think time, or a request a step that takes time");
    }
    f.finish();
    s.workload.flows.push_back(std::move(flow));
  });
  if (flows.IsDefined() && flows.IsSequence() && flows.size() == 0) ctx.error(flows, "workload.flows", "needs at least one flow");
  // Without a flow read, its variables are unknown: the flows' own errors say why.
  if (s.workload.flows.empty()) return;
  for (const auto& p : names.unresolved) {
    if (!variables.count(p.name)) {
      ctx.error(p.node, p.path, "uses {" + p.name + "} but neither params nor a flow's extract or credentials define '" + p.name + "'");
    }
  }
}

}  // namespace loadcast::scenario
