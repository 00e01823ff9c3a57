// The `workload:` and `stations:` sections, and the steps of request classes.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>
#include <variant>

#include "scenarios/loader/problem_report.hpp"
#include "scenarios/loader/request_loader.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/yaml_reader.hpp"

namespace loadcast::scenario {

std::optional<CsvTable> read_csv(Context& ctx, const YAML::Node& node, const std::string& path, const std::string& file) {
  CsvTable table;
  table.file = file;
  if (!table.file.empty() && table.file.front() != '/') table.file = ctx.base_dir() + "/" + table.file;
  std::ifstream in(table.file);
  if (!in) {
    ctx.error(node, path, "cannot open CSV file '" + table.file + "'");
    return std::nullopt;
  }
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ss(line);
    while (std::getline(ss, cell, ',')) {
      while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
      while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
      cells.push_back(cell);
    }
    return cells;
  };
  std::string line;
  if (!std::getline(in, line)) {
    ctx.error(node, path, "CSV file '" + table.file + "' is empty");
    return std::nullopt;
  }
  table.header = split(line);
  while (std::getline(in, line)) {
    if (line.empty() || line == "\r") continue;
    table.rows.push_back(split(line));
  }
  return table;
}

namespace {

// "rate must be at most 100000000 requests per second" or "users must be at most 1000000".
std::string above_max(const std::string& value_key) {
  return value_key == "rate" ? "rate must be at most 100000000 requests per second (as load --rate)"
                             : value_key + " must be at most 1000000 (as load --connections)";
}

std::vector<workload::RatePoint> load_stages(Context& ctx, const YAML::Node& node, const std::string& path,
                                        const std::string& value_key) {
  const double max_value = value_key == "rate" ? workload::kMaxRate : workload::kMaxUsers;
  const std::string too_high = above_max(value_key);
  std::vector<workload::RatePoint> points;
  std::vector<YAML::Node> items;
  for_each_item(ctx, node, path, [&](const YAML::Node& item, const std::string& ipath) {
    items.push_back(item);
    MapReader m(ctx, item, ipath);
    const auto at = m.duration("at");
    const auto v = m.number(value_key);
    if (!m.has("at")) ctx.error(item, ipath, "needs 'at' (when this stage point applies, e.g. at: 10m)");
    if (!m.has(value_key)) ctx.error(item, ipath, "needs '" + value_key + "'");
    const bool in_range = v && *v >= 0 && *v <= max_value;
    if (v && *v < 0) ctx.error(m.get(value_key), m.child_path(value_key), value_key + " must be >= 0, found " + m.get(value_key).Scalar());
    if (v && *v > max_value) ctx.error(m.get(value_key), m.child_path(value_key), too_high + ", found " + m.get(value_key).Scalar());
    m.finish();
    // A rejected point is left out, so the order check below does not report it a second time.
    if (at && in_range) points.push_back({*at, *v});
  });
  if (node.IsDefined() && node.IsSequence() && node.size() == 0) ctx.error(node, path, "needs at least one stage");
  if (!points.empty() && points.size() == items.size()) {
    const std::string problem = workload::PiecewiseLinear::validate(points);
    if (!problem.empty()) {
      // Point at the first stage that breaks the order, when that is the problem.
      std::size_t bad = 0;
      for (std::size_t i = 1; i < points.size() && bad == 0; ++i) {
        if (points[i].at < points[i - 1].at) bad = i;
      }
      ctx.error(bad ? items[bad] : node, path, problem);
    }
  }
  return points;
}

std::vector<std::string> read_csv_column(Context& ctx, const YAML::Node& node, const std::string& path,
                                         const std::string& file, const std::string& column) {
  const auto table = read_csv(ctx, node, path, file);
  if (!table) return {};
  std::size_t col = 0;
  if (!column.empty()) {
    bool found = false;
    for (std::size_t i = 0; i < table->header.size(); ++i) {
      if (table->header[i] == column) {
        col = i;
        found = true;
      }
    }
    if (!found) {
      ctx.error(node, path, "CSV file '" + table->file + "' has no column '" + column + "' in its header line");
      return {};
    }
  }
  std::vector<std::string> values;
  for (const auto& cells : table->rows) {
    if (col < cells.size()) values.push_back(cells[col]);
  }
  if (values.empty()) ctx.error(node, path, "CSV file '" + table->file + "' has no values below its header");
  return values;
}

void load_params(Context& ctx, const YAML::Node& node, const std::string& path, workload::HttpSpec& http) {
  MapReader m(ctx, node, path);
  for (const auto& key : m.keys()) {
    const YAML::Node v = m.get(key);
    const std::string ppath = m.child_path(key);
    workload::TemplateParam p;
    p.name = key;
    if (v.IsScalar()) {
      p.distribution = read_distribution(ctx, v, ppath, sim::ValueKind::kPlain);
    } else {
      MapReader pm(ctx, v, ppath);
      const auto file = pm.str("csv");
      const auto column = pm.str("column");
      const auto order = pm.str("order");
      if (!file) ctx.error(v, ppath, "needs a distribution such as uniform_int(1, 10000) or { csv: FILE, column: NAME }");
      if (order && *order != "random" && *order != "sequential") {
        ctx.error(pm.get("order"), pm.child_path("order"), "must be random or sequential, found '" + *order + "'");
      }
      p.sequential = order && *order == "sequential";
      pm.finish();
      if (file) p.values = read_csv_column(ctx, v, ppath, *file, column.value_or(""));
    }
    http.params.push_back(std::move(p));
  }
  m.finish();
}

// Each {name} of a path that params does not define: an error, or with flows a name that a
// flow's extract or credentials may define, checked once the flows are read.
void check_placeholders(Context& ctx, const YAML::Node& node, const std::string& path, const std::string& text,
                        const workload::HttpSpec& http, RequestNames& names) {
  std::size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string::npos) {
    const auto end = text.find('}', pos);
    if (end == std::string::npos) break;
    const std::string name = text.substr(pos + 1, end - pos - 1);
    bool known = false;
    for (const auto& p : http.params) known = known || p.name == name;
    if (!known && !name.empty() && name.find_first_of(" \"':,") == std::string::npos) {
      if (names.flows) names.unresolved.push_back({node, path, name});
      else ctx.error(node, path, "uses {" + name + "} but params has no '" + name + "'");
    }
    pos = end + 1;
  }
}

// RFC 9110 token characters: what a method and a header name may contain.
bool http_token(const std::string& text) {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool iequals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// A step that can take simulated time (db queries and publishes always do: they have a latency).
bool step_takes_time(const models::StepConfig& step) {
  switch (step.kind) {
    case models::StepKind::kStation:
    case models::StepKind::kDelay:
    case models::StepKind::kCpu: return step.service.mean() > 0.0;
    default: return true;
  }
}

}  // namespace

bool request_takes_time(const models::ClassConfig& c) { return std::any_of(c.steps.begin(), c.steps.end(), step_takes_time); }

void load_stations(MapReader& top, Scenario& s) {
  Context& ctx = top.ctx();
  MapReader stations(ctx, top.get("stations"), "stations");
  for (const auto& name : stations.keys()) {
    const std::string path = stations.child_path(name);
    MapReader m(ctx, stations.get(name), path);
    models::StationConfig c;
    c.name = name;
    if (auto v = m.whole<int>("servers")) {
      if (*v < 1) ctx.error(m.get("servers"), m.child_path("servers"), "servers (" + std::to_string(*v) + ") must be at least 1");
      else c.servers = *v;
    } else if (!m.has("servers")) {
      ctx.error(m.node(), path, "needs 'servers' (how many requests it serves at once)");
    }
    if (auto v = m.str("discipline")) {
      if (*v == "fcfs") c.discipline = models::Discipline::kFcfs;
      else if (*v == "ps") c.discipline = models::Discipline::kPs;
      else ctx.error(m.get("discipline"), m.child_path("discipline"), "must be fcfs or ps, found '" + *v + "'");
    }
    if (auto v = m.whole<int>("queue_limit")) {
      if (*v < 0) ctx.error(m.get("queue_limit"), m.child_path("queue_limit"), "must be >= 0");
      else c.queue_limit = *v;
    }
    m.finish();
    s.model.stations.push_back(c);
  }
  stations.finish();
}

namespace {

// A delay step's `call: { via, sent, received }`: the bytes of a call out of the VPC.
std::optional<models::OutboundCallConfig> load_outbound_call(MapReader& step) {
  Context& ctx = step.ctx();
  MapReader c(ctx, step.get("call"), step.child_path("call"));
  if (!c.valid()) return std::nullopt;
  models::OutboundCallConfig call;
  bool ok = true;
  if (auto v = c.str("via")) {
    if (auto p = models::egress_path_from(*v)) call.via = *p;
    else {
      ctx.error(c.get("via"), c.child_path("via"), "must be nat, internet or gateway_endpoint (found '" + *v + "')");
      ok = false;
    }
  } else {
    ctx.error(c.node(), c.path(), "needs 'via': nat (through a NAT gateway), internet (a task's public address) or "
                                  "gateway_endpoint (S3 or DynamoDB through a gateway endpoint)");
    ok = false;
  }
  if (auto d = c.distribution("sent", sim::ValueKind::kPlain)) call.sent_bytes = *d;
  else ok = ok && !c.has("sent");
  if (auto d = c.distribution("received", sim::ValueKind::kPlain)) call.received_bytes = *d;
  else ok = ok && !c.has("received");
  ProblemReport(c).add(call.validate());
  c.finish();
  if (!ok) return std::nullopt;
  return call;
}

}  // namespace

void load_step(MapReader& m, const Scenario& s, std::vector<models::StepConfig>& steps) {
  if (!m.valid()) return;
  Context& ctx = m.ctx();
  const YAML::Node& node = m.node();
  const std::string& path = m.path();
  models::StepConfig step;
  if (m.has("station")) {
    step.kind = models::StepKind::kStation;
    if (auto name = m.str("station")) {
      step.target = *name;
      bool found = false;
      for (std::size_t i = 0; i < s.model.stations.size(); ++i) {
        if (s.model.stations[i].name == *name) {
          step.target_index = i;
          found = true;
        }
      }
      if (!found) {
        std::string known;
        for (const auto& st : s.model.stations) known += (known.empty() ? "" : ", ") + st.name;
        ctx.error(m.get("station"), m.child_path("station"),
                  "unknown station '" + *name + "'" + (known.empty() ? " (no stations are defined)" : " (defined: " + known + ")"));
      }
    }
    if (auto d = m.distribution("service")) step.service = *d;
    else if (!m.has("service")) ctx.error(node, path, "a station step needs 'service' (its service time, e.g. exp(1ms))");
  } else if (m.has("delay")) {
    step.kind = models::StepKind::kDelay;
    if (auto d = m.distribution("delay")) step.service = *d;
    if (m.has("call")) step.call = load_outbound_call(m);
  } else if (!load_publish_step(m, s, step) && !load_web_step(m, s, step)) {
    ctx.error(node, path, "unknown step: expected station (with service), delay, cpu, db or publish");
    return;
  }
  m.finish();
  steps.push_back(std::move(step));
}

std::optional<std::size_t> load_request(MapReader& m, Scenario& s, RequestNames& names, const std::string& default_name) {
  if (!m.valid()) return std::nullopt;
  Context& ctx = m.ctx();
  const YAML::Node& item = m.node();
  const std::string& path = m.path();
  workload::RequestClass rc;
  models::ClassConfig cc;
  if (auto n = m.str("name")) {
    rc.name = *n;
  } else if (!m.has("name") && !default_name.empty()) {
    rc.name = default_name;
  } else if (!m.has("name")) {
    ctx.error(item, path, "needs a name");
  }
  if (!rc.name.empty() && !names.names.insert(rc.name).second) {
    ctx.error(m.has("name") ? m.get("name") : item, m.has("name") ? m.child_path("name") : path,
              "duplicate request class name '" + rc.name + "'");
  }
  if (auto v = m.number("weight")) {
    if (names.flows) ctx.error(m.get("weight"), m.child_path("weight"), "weight picks among flows when workload.flows is given");
    else if (*v <= 0) ctx.error(m.get("weight"), m.child_path("weight"), "weight must be > 0");
    else rc.weight = *v;
  }
  if (auto v = m.str("method")) {
    if (!http_token(*v)) ctx.error(m.get("method"), m.child_path("method"), "'" + *v + "' is not an HTTP method (a token such as GET or POST)");
    rc.http.method = *v;
  }
  if (auto v = m.str("path")) {
    if (v->empty() || v->front() != '/') ctx.error(m.get("path"), m.child_path("path"), "must start with '/'");
    else if (std::any_of(v->begin(), v->end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
      ctx.error(m.get("path"), m.child_path("path"), "must not contain spaces or control characters (percent-encode them, e.g. %20)");
    }
    rc.http.path = *v;
  }
  if (m.has("params")) load_params(ctx, m.get("params"), m.child_path("params"), rc.http);
  else m.get("params");
  MapReader headers(ctx, m.get("headers"), m.child_path("headers"));
  for (const auto& key : headers.keys()) {
    const YAML::Node hn = headers.get(key);
    const std::string hpath = headers.child_path(key);
    auto hv = read_string(ctx, hn, hpath);
    if (!hv) continue;
    if (!http_token(key)) {
      ctx.error(hn, hpath, "'" + key + "' is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only)");
    } else if (iequals(key, "content-length") || iequals(key, "transfer-encoding")) {
      ctx.error(hn, hpath, "is set by the load generator from the body; leave it out");
    } else if (hv->find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
      ctx.error(hn, hpath, "a header value must not contain a line break or NUL");
    }
    rc.http.headers.emplace_back(key, *hv);
  }
  headers.finish();
  if (auto v = m.str("body")) rc.http.body = *v;
  if (auto v = m.whole<int>("expect_status", 100, 599)) rc.http.expect_status = *v;
  check_placeholders(ctx, m.get("path"), m.child_path("path"), rc.http.path, rc.http, names);
  if (auto d = m.distribution("response_bytes", sim::ValueKind::kPlain)) {
    if (d->mean() < 0.0) ctx.error(m.get("response_bytes"), m.child_path("response_bytes"), "must be a size in bytes >= 0");
    else cc.response_bytes = *d;
  }
  for_each_item(ctx, m.get("steps"), m.child_path("steps"), [&](const YAML::Node& step, const std::string& spath) {
    MapReader sm(ctx, step, spath);
    load_step(sm, s, cc.steps);
  });
  m.finish();
  s.workload.classes.push_back(std::move(rc));
  s.model.classes.push_back(std::move(cc));
  s.class_paths.push_back(path);
  return s.workload.classes.size() - 1;
}

void load_workload(MapReader& top, Scenario& s) {
  Context& ctx = top.ctx();
  if (!top.has("workload")) {
    ctx.error(top.node(), "workload", "is required (arrivals or users, and requests)");
    top.get("workload");
    return;
  }
  MapReader w(ctx, top.get("workload"), "workload");
  const bool open = w.has("arrivals");
  const bool closed = w.has("users");
  if (open && closed) ctx.error(w.node(), "workload", "has both arrivals (open model) and users (closed model): choose one");
  if (!open && !closed) ctx.error(w.node(), "workload", "needs arrivals (open model) or users (closed model)");
  if (open) {
    MapReader a(ctx, w.get("arrivals"), "workload.arrivals");
    workload::OpenWorkload ow;
    if (auto p = a.str("process")) {
      if (*p == "poisson") ow.process = workload::ArrivalProcess::kPoisson;
      else if (*p == "uniform") ow.process = workload::ArrivalProcess::kUniform;
      else ctx.error(a.get("process"), a.child_path("process"), "must be poisson or uniform, found '" + *p + "'");
    }
    if (auto b = a.integer("batch")) {
      if (*b < 1 || *b > workload::kMaxBatch) {
        ctx.error(a.get("batch"), a.child_path("batch"), "must be 1 to " + std::to_string(workload::kMaxBatch) + " requests per batch, found " + a.get("batch").Scalar());
      } else {
        ow.batch = static_cast<std::uint32_t>(*b);
      }
    }
    const bool has_rate = a.has("rate");
    const bool has_stages = a.has("stages");
    if (has_rate && has_stages) ctx.error(a.node(), a.path(), "give rate or stages, not both");
    if (!has_rate && !has_stages) ctx.error(a.node(), a.path(), "needs rate (requests per second) or stages");
    std::vector<workload::RatePoint> points;
    if (has_rate) {
      if (auto r = a.number("rate")) {
        if (*r <= 0) ctx.error(a.get("rate"), a.child_path("rate"), "rate must be > 0 requests per second, found " + a.get("rate").Scalar());
        else if (*r > workload::kMaxRate) ctx.error(a.get("rate"), a.child_path("rate"), above_max("rate") + ", found " + a.get("rate").Scalar());
        else points.push_back({0, *r});
      }
    }
    if (has_stages) points = load_stages(ctx, a.get("stages"), a.child_path("stages"), "rate");
    a.finish();
    ow.rate = workload::RateSchedule(points);
    s.workload.model = ow;
  } else if (closed) {
    const YAML::Node un = w.get("users");
    workload::ClosedWorkload cw;
    MapReader u(ctx, un, "workload.users");
    std::vector<workload::RatePoint> points;
    const bool has_count = u.has("count");
    const bool has_stages = u.has("stages");
    if (has_count && has_stages) ctx.error(un, u.path(), "give count or stages, not both");
    if (!has_count && !has_stages) ctx.error(un, u.path(), "needs count (concurrent users) or stages");
    if (has_count) {
      if (auto c = u.whole<std::int64_t>("count")) {
        if (*c < 1) ctx.error(u.get("count"), u.child_path("count"), "count must be at least 1");
        else if (static_cast<double>(*c) > workload::kMaxUsers) ctx.error(u.get("count"), u.child_path("count"), above_max("users") + ", found " + std::to_string(*c));
        else points.push_back({0, static_cast<double>(*c)});
      }
    }
    if (has_stages) points = load_stages(ctx, u.get("stages"), u.child_path("stages"), "users");
    if (auto t = u.distribution("think_time")) cw.think_time = *t;
    u.finish();
    cw.users = workload::UserSchedule(points);
    s.workload.model = cw;
  }
  RequestNames names;
  names.flows = w.has("flows");
  if (!w.has("requests") && !names.flows) ctx.error(w.node(), "workload.requests", "is required: at least one request class");
  for_each_item(ctx, w.get("requests"), "workload.requests", [&](const YAML::Node& item, const std::string& path) {
    MapReader m(ctx, item, path);
    load_request(m, s, names, "");
  });
  const YAML::Node requests = w.get("requests");
  if (requests.IsDefined() && requests.IsSequence() && requests.size() == 0 && !names.flows) {
    ctx.error(requests, "workload.requests", "needs at least one request class");
  }
  if (names.flows) load_flows(w, s, names);
  // A closed-model user with no think time whose request takes no simulated time would send
  // request after request at one instant forever (flows check this per flow).
  if (const auto* cw = std::get_if<workload::ClosedWorkload>(&s.workload.model); cw && !names.flows && !(cw->think_time.mean() > 0.0)) {
    for (std::size_t c = 0; c < s.model.classes.size(); ++c) {
      if (!request_takes_time(s.model.classes[c])) {
        ctx.error(requests.IsDefined() && requests.IsSequence() && c < requests.size() ? requests[c] : w.node(), index_path("workload.requests", c),
                  "takes no simulated time and workload.users has no think_time: the users would loop at one instant; "
                  "give think_time (e.g. exp(1s)) or a step that takes time");
      }
    }
  }
  w.finish();
}

}  // namespace loadcast::scenario
