#include "scenarios/loader/import/scenario_writer.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "models/web/alb.hpp"
#include "scenarios/loader/pricing_loader.hpp"

namespace loadcast::scenario {

static bool plain_safe(const std::string& s) {
  if (s.empty()) return false;
  static const std::set<std::string> reserved = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n",
                                                 "True", "False", "Yes", "No", "On", "Off", "Null", "NULL", "TRUE", "FALSE"};
  if (reserved.count(s)) return false;
  const char f = s.front();
  if (!(std::isalpha(static_cast<unsigned char>(f)) || f == '/' || f == '_')) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/')) return false;
  }
  return true;
}

std::string yaml_scalar(const std::string& s) {
  if (plain_safe(s)) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

namespace {

constexpr std::size_t kCommentColumn = 48;

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string dur(sim::Time t) { return t == 0 ? "0s" : sim::format_duration(t); }

std::string str(const std::string& s) { return yaml_scalar(s); }

// Lines with their comment aligned; every line ends with '\n'.
class Lines {
 public:
  void add(int indent, const std::string& text, const std::string& comment = {}) {
    std::string l(static_cast<std::size_t>(indent) * 2, ' ');
    l += text;
    if (!comment.empty()) {
      if (l.size() < kCommentColumn) l.append(kCommentColumn - l.size(), ' ');
      else l += "  ";
      l += "# " + comment;
    }
    text_ += l + "\n";
  }
  void comment(const std::string& text) { text_ += text.empty() ? "#\n" : "# " + text + "\n"; }
  void blank() { text_ += "\n"; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

template <typename T>
void scalar_key(Lines& out, int indent, const std::string& key, const Maybe<T>& v, std::string (*fmt)(const T&)) {
  if (v) out.add(indent, key + ": " + fmt(v->value), v->from);
}

std::string fmt_int(const int& v) { return std::to_string(v); }
std::string fmt_num(const double& v) { return num(v); }
std::string fmt_dur(const sim::Time& v) { return dur(v); }
std::string fmt_str(const std::string& v) { return str(v); }
std::string fmt_bool(const bool& v) { return v ? "true" : "false"; }

std::string policy_flow(const DraftPolicy& p) {
  std::string s = "{ ";
  if (!p.step_scaling) {
    s += "type: target_tracking, metric: " + p.metric + ", target: " + num(p.target);
    if (p.scale_out_cooldown) s += ", scale_out_cooldown: " + dur(*p.scale_out_cooldown);
    if (p.scale_in_cooldown) s += ", scale_in_cooldown: " + dur(*p.scale_in_cooldown);
    if (p.disable_scale_in) s += ", disable_scale_in: true";
  } else {
    s += "type: step_scaling, metric: " + p.metric + ", comparison: \"" + p.comparison + "\", threshold: " + num(p.threshold);
    if (p.evaluation_periods) s += ", evaluation_periods: " + std::to_string(*p.evaluation_periods);
    if (p.datapoints_to_alarm) s += ", datapoints_to_alarm: " + std::to_string(*p.datapoints_to_alarm);
    if (!p.adjustment_type.empty()) s += ", adjustment_type: " + p.adjustment_type;
    if (p.min_adjustment_magnitude) s += ", min_adjustment_magnitude: " + std::to_string(*p.min_adjustment_magnitude);
    if (p.cooldown) s += ", cooldown: " + dur(*p.cooldown);
    if (!p.aggregation.empty()) s += ", aggregation: " + p.aggregation;
    s += ", steps: [";
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
      const auto& st = p.steps[i];
      s += std::string(i ? ", " : " ") + "{ ";
      if (st.lower) s += "lower: " + num(*st.lower) + ", ";
      if (st.upper) s += "upper: " + num(*st.upper) + ", ";
      s += "adjustment: " + num(st.adjustment) + " }";
    }
    s += " ]";
  }
  if (!p.name.empty()) s += ", name: " + str(p.name);
  return s + " }";
}

void write_target_group(Lines& out, int indent, const DraftTargetGroup& tg) {
  scalar_key(out, indent, "algorithm", tg.algorithm, fmt_str);
  scalar_key(out, indent, "slow_start", tg.slow_start, fmt_dur);
  scalar_key(out, indent, "deregistration_delay", tg.deregistration_delay, fmt_dur);
  if (tg.health_check.any()) {
    out.add(indent, "health_check:");
    scalar_key(out, indent + 1, "interval", tg.health_check.interval, fmt_dur);
    scalar_key(out, indent + 1, "timeout", tg.health_check.timeout, fmt_dur);
    scalar_key(out, indent + 1, "healthy_threshold", tg.health_check.healthy_threshold, fmt_int);
    scalar_key(out, indent + 1, "unhealthy_threshold", tg.health_check.unhealthy_threshold, fmt_int);
  }
}

void write_autoscaling(Lines& out, int indent, const DraftAutoscaling& a) {
  out.add(indent, "autoscaling:");
  out.add(indent + 1, "min: " + std::to_string(a.min), a.from);
  out.add(indent + 1, "max: " + std::to_string(a.max), a.from);
  if (!a.policies.empty()) {
    out.add(indent + 1, "policies:");
    for (const auto& p : a.policies) out.add(indent + 2, "- " + policy_flow(p), p.from);
  }
  if (!a.scheduled.empty()) {
    out.add(indent + 1, "scheduled:");
    for (const auto& s : a.scheduled) {
      std::string t = "- { at: " + dur(s.at);
      if (s.min) t += ", min: " + std::to_string(*s.min);
      if (s.max) t += ", max: " + std::to_string(*s.max);
      out.add(indent + 2, t + " }", s.from);
    }
  }
}

struct RoutedClass {
  std::string name;
  std::string path;
  const DraftService* service = nullptr;
};

// Listener rules in evaluation order, with the priorities the scenario gets: the input's, and
// after the highest of them, list order for rules the input left without one.
std::vector<DraftRule> ordered_rules(const DraftLoadBalancer& lb) {
  std::vector<DraftRule> rules = lb.rules;
  int next = 0;
  for (const auto& r : rules) next = std::max(next, r.priority.value_or(0));
  for (auto& r : rules) {
    if (!r.priority) r.priority = ++next;
  }
  std::stable_sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) { return *a.priority < *b.priority; });
  return rules;
}

std::optional<std::string> route(const std::vector<DraftRule>& rules, const std::optional<std::string>& fallback, const std::string& path) {
  for (const auto& r : rules) {
    for (const auto& p : r.paths) {
      if (models::alb_path_matches(p, path)) return r.service;
    }
  }
  return fallback;
}

std::vector<RoutedClass> plan_classes(const Draft& d, std::vector<std::string>& notes) {
  std::vector<RoutedClass> out;
  if (!d.load_balancer) return out;
  const auto rules = ordered_rules(*d.load_balancer);
  std::optional<std::string> fallback;
  if (d.load_balancer->default_service) fallback = d.load_balancer->default_service->value;
  std::vector<std::string> order;
  for (const auto& r : rules) {
    if (std::find(order.begin(), order.end(), r.service) == order.end()) order.push_back(r.service);
  }
  if (fallback && std::find(order.begin(), order.end(), *fallback) == order.end()) order.push_back(*fallback);
  for (const auto& name : order) {
    std::vector<std::string> candidates;
    for (const auto& r : rules) {
      if (r.service != name) continue;
      for (const auto& p : r.paths) candidates.push_back(example_path(p));
    }
    if (fallback && *fallback == name) {
      for (const char* c : {"/", "/index.html", "/loadcast-default"}) candidates.emplace_back(c);
    }
    std::optional<std::string> chosen;
    for (const auto& c : candidates) {
      if (route(rules, fallback, c) == name) {
        chosen = c;
        break;
      }
    }
    const DraftService* svc = nullptr;
    for (const auto& s : d.services) {
      if (s.name == name) svc = &s;
    }
    if (!chosen || svc == nullptr) {
      notes.push_back("service " + name + ": no request path reaches it through the listener rules (an earlier rule takes them all)");
      continue;
    }
    out.push_back(RoutedClass{name, *chosen, svc});
  }
  return out;
}

// A worker's own estimate of the time per message (Copilot's msg_processing_time) as the CPU
// work that takes that long on its task: time x min(1, vCPU), as if the message were CPU-bound.
std::optional<sim::Time> message_cpu(const DraftService& s) {
  if (!s.message_time) return std::nullopt;
  const double vcpu = s.cpu ? s.cpu->value / 1024.0 : 1.0;
  return static_cast<sim::Time>(std::llround(static_cast<double>(s.message_time->value) * std::min(1.0, vcpu)));
}

std::string default_steps_text(const Draft& d, const DraftService& s, bool message) {
  std::string t = "cpu " + std::string(s.job ? kAssumedJobCpu : message ? kAssumedMessageCpu : kAssumedRequestCpu);
  if (message && message_cpu(s)) t = "cpu exp(" + dur(*message_cpu(s)) + ")";
  if (d.database) t += s.job ? ", db 100 reads + 10 writes" : message ? ", db 1 read + 1 write" : ", db 2 reads + 1 write";
  for (const auto& topic : s.publish_topics) {
    if (d.topic(topic) != nullptr) t += ", publish to " + topic;
  }
  return t;
}

void write_steps(Lines& out, int indent, const Draft& d, const DraftService& s, bool message) {
  std::string cpu = s.job ? kAssumedJobCpu : message ? kAssumedMessageCpu : kAssumedRequestCpu;
  std::string why = "ASSUMPTION: CPU time per " + std::string(s.job ? "run" : message ? "message" : "request");
  if (message && message_cpu(s)) {
    cpu = "exp(" + dur(*message_cpu(s)) + ")";
    why = "ASSUMPTION: " + dur(s.message_time->value) + " per message (" + s.message_time->from + "), CPU-bound on " +
          num(s.cpu ? s.cpu->value / 1024.0 : 1.0) + " vCPU";
  }
  out.add(indent, "- cpu: " + cpu, why);
  if (d.database) {
    const char* db = s.job ? "{ reads: 100, writes: 10 }" : message ? "{ reads: 1, writes: 1 }" : "{ reads: 2, writes: 1 }";
    out.add(indent, std::string("- db: ") + db, "ASSUMPTION: queries");
  }
  for (const auto& topic : s.publish_topics) {
    if (d.topic(topic) == nullptr) continue;
    out.add(indent, "- publish: { topic: " + str(topic) + ", groups: " + std::to_string(kAssumedPublishGroups) + " }",
            "ASSUMPTION: one message per " + std::string(message ? "message" : "request"));
  }
}

void write_service_common(Lines& out, const DraftService& s) {
  scalar_key(out, 2, "cpu", s.cpu, fmt_int);
  scalar_key(out, 2, "memory", s.memory, fmt_int);
  out.add(2, "threads: 1", "ASSUMPTION: runnable threads per task (Node.js: 1)");
  scalar_key(out, 2, "desired", s.desired, fmt_int);
  if (s.arm64) out.add(2, std::string("architecture: ") + (s.arm64->value ? "arm64" : "x86_64"), s.arm64->from);
  if (s.spot) out.add(2, std::string("capacity: ") + (s.spot->value ? "spot" : "on_demand"), s.spot->from);
  scalar_key(out, 2, "health_check_grace_period", s.health_check_grace, fmt_dur);
  scalar_key(out, 2, "stop_timeout", s.stop_timeout, fmt_dur);
}

sim::Time latest_event(const Draft& d) {
  sim::Time t = 0;
  for (const auto& q : d.queues) {
    for (const auto& s : q.schedules) t = std::max(t, s.start);
  }
  for (const auto& s : d.services) {
    if (!s.autoscaling) continue;
    for (const auto& a : s.autoscaling->scheduled) t = std::max(t, a.at);
  }
  return t;
}

}  // namespace

std::string example_path(const std::string& pattern) {
  std::string out;
  for (char c : pattern) {
    if (c == '*') continue;
    out += c == '?' ? 'x' : c;
  }
  if (out.empty() || out.front() != '/') out.insert(out.begin(), '/');
  return out;
}

ImportResult write_scenario(const Draft& input) {
  Draft d = input;
  // A region without a built-in price table would not load: price it as loadcast's default and say so.
  if (d.region) {
    const auto regions = builtin_regions();
    if (std::find(regions.begin(), regions.end(), d.region->value) == regions.end()) {
      std::string known;
      for (const auto& r : regions) known += (known.empty() ? "" : ", ") + r;
      d.not_imported(d.region->from, "region " + d.region->value + ": loadcast has no built-in price table for it (built in: " + known +
                                         "); priced as us-east-1 (give cost.pricing a table of yours)");
      d.region.reset();
    }
  }
  ImportResult result;
  result.name = d.name;
  result.findings = d.findings;
  std::vector<std::string> routing_notes;
  const auto classes = plan_classes(d, routing_notes);
  for (const auto& n : routing_notes) result.findings.push_back({ImportFinding::Kind::kNote, "load_balancer", n});
  auto& fill = result.fill_in;

  // ---- the assumptions, listed once for the header and for the command's output
  const bool long_run = latest_event(d) >= sim::kHour;
  const std::string duration = long_run ? "24h" : kAssumedDuration;
  fill.push_back("workload: the traffic — now an open Poisson arrival process of " + num(kAssumedRate) +
                 " requests/s for the whole run — and each class's weight (now equal)");
  for (const auto& c : classes) {
    fill.push_back("workload.requests " + c.name + ": its path (now " + c.path + ") and steps (now " + default_steps_text(d, *c.service, false) +
                   "): CPU time and queries per request");
  }
  if (classes.empty()) fill.push_back("workload.requests: no service is behind a load balancer; the one class only waits (delay exp(10ms))");
  for (const auto& s : d.services) {
    if (!s.queue) continue;
    fill.push_back("workers." + s.name + ".steps: the work of one " + std::string(s.job ? "run" : "message") + " (now " +
                   default_steps_text(d, s, true) + ")");
  }
  for (const auto& s : d.services) {
    if (s.queue) continue;
    bool routed = false;
    for (const auto& c : classes) routed = routed || c.name == s.name;
    if (!routed) {
      fill.push_back("services." + s.name + ": gets no traffic in this scenario (no listener rule reaches it); add a request class routed to it, or remove it");
    }
  }
  for (const auto& f : d.fill_in) fill.push_back(f);
  fill.push_back("threads: runnable threads of each service's and worker's application (now 1, as Node.js)");
  if (d.database) fill.push_back("database.query: vCPU time of one read and one write query (now " + std::string(kAssumedQueryRead) + " / " + kAssumedQueryWrite + ")");
  if (!d.region) fill.push_back("region: the input does not say it (now loadcast's default, us-east-1); it selects the price table");
  fill.push_back("duration: how long to simulate (now " + duration + ")");

  Lines out;
  out.comment(d.name + ": imported by `" + d.command + "`.");
  if (!d.description.empty()) out.comment(d.description);
  out.comment("");
  out.comment("Keys without \"ASSUMPTION\" come from the input (the comment says where); keys left out take");
  out.comment("loadcast's defaults (docs/scenarios.md). What infrastructure cannot say is an assumption; fill in:");
  for (std::size_t i = 0; i < fill.size(); ++i) out.comment("  " + std::to_string(i + 1) + ". " + fill[i]);
  out.comment("How to fill them from a measured run: docs/import.md#fill-in-the-assumptions.");
  bool header = false;
  for (const auto& f : result.findings) {
    if (f.kind != ImportFinding::Kind::kNotImported) continue;
    if (!header) {
      out.comment("");
      out.comment("Not imported (loadcast cannot model these; the import is partial):");
      header = true;
    }
    out.comment("  - " + f.where + ": " + f.what);
  }
  header = false;
  for (const auto& f : result.findings) {
    if (f.kind != ImportFinding::Kind::kNote) continue;
    if (!header) {
      out.comment("");
      out.comment("Notes:");
      header = true;
    }
    out.comment("  - " + f.where + ": " + f.what);
  }
  std::map<std::string, std::vector<std::string>> ignored;
  for (const auto& f : result.findings) {
    if (f.kind == ImportFinding::Kind::kIgnored) ignored[f.what].push_back(f.where);
  }
  if (!ignored.empty()) {
    out.comment("");
    out.comment("Ignored (outside what loadcast models):");
    for (const auto& [what, wheres] : ignored) {
      std::string list;
      for (const auto& w : wheres) list += (list.empty() ? "" : ", ") + w;
      out.comment("  - " + what + ": " + list);
    }
  }
  out.add(0, "name: " + str(d.name));
  if (!d.description.empty()) out.add(0, "description: " + str(d.description));
  if (d.region) out.add(0, "region: " + str(d.region->value), d.region->from);
  else out.add(0, "region: us-east-1", "ASSUMPTION: the input does not give the region");
  out.add(0, "duration: " + duration, "ASSUMPTION");

  out.blank();
  out.add(0, "workload:");
  out.add(1, "arrivals: { process: poisson, rate: " + num(kAssumedRate) + " }", "ASSUMPTION: requests/s");
  out.add(1, "requests:");
  if (classes.empty()) {
    out.add(2, "- name: request", "ASSUMPTION: no service is behind a load balancer");
    out.add(3, "path: /");
    out.add(3, "steps: [ { delay: exp(10ms) } ]", "ASSUMPTION");
  }
  for (const auto& c : classes) {
    out.add(2, "- name: " + str(c.name), "ASSUMPTION: one class per routed service");
    out.add(3, "weight: 1", "ASSUMPTION");
    out.add(3, "path: " + str(c.path), "reaches " + c.name + " through the listener rules");
    out.add(3, "steps:");
    write_steps(out, 4, d, *c.service, false);
  }

  if (d.load_balancer) {
    const auto& lb = *d.load_balancer;
    out.blank();
    out.add(0, "load_balancer:", lb.from);
    out.add(1, "type: alb");
    scalar_key(out, 1, "name", lb.name, fmt_str);
    scalar_key(out, 1, "idle_timeout", lb.idle_timeout, fmt_dur);
    write_target_group(out, 1, lb.target_group);
    const auto rules = ordered_rules(lb);
    if (!rules.empty()) {
      out.add(1, "rules:");
      for (const auto& r : rules) {
        std::string paths;
        for (const auto& p : r.paths) paths += (paths.empty() ? "" : ", ") + std::string("\"") + p + "\"";
        if (r.paths.size() != 1) paths = "[" + paths + "]";
        out.add(2, "- { path: " + paths + ", service: " + str(r.service) + ", priority: " + std::to_string(*r.priority) + " }", r.from);
      }
    }
    if (lb.default_service) out.add(1, "default: " + str(lb.default_service->value), lb.default_service->from);
    if (lb.waf_rules) out.add(1, "waf: { rules: " + std::to_string(lb.waf_rules->value) + " }", lb.waf_rules->from);
  }

  bool any_service = false;
  for (const auto& s : d.services) {
    if (s.queue) continue;
    if (!any_service) {
      out.blank();
      out.add(0, "services:");
      any_service = true;
    }
    out.add(1, str(s.name) + ":", s.kind + ", " + s.from);
    write_service_common(out, s);
    if (d.load_balancer && s.target_group.any()) {
      out.add(2, "target_group:");
      write_target_group(out, 3, s.target_group);
    }
    if (s.autoscaling) write_autoscaling(out, 2, *s.autoscaling);
  }

  if (d.database) {
    const auto& db = *d.database;
    out.blank();
    out.add(0, "database:", db.from);
    scalar_key(out, 1, "name", db.name, fmt_str);
    out.add(1, "type: " + db.type.value, db.type.from);
    out.add(1, "engine: " + db.engine.value, db.engine.from);
    scalar_key(out, 1, "min_acu", db.min_acu, fmt_num);
    scalar_key(out, 1, "max_acu", db.max_acu, fmt_num);
    scalar_key(out, 1, "auto_pause", db.auto_pause, fmt_dur);
    scalar_key(out, 1, "instance_class", db.instance_class, fmt_str);
    scalar_key(out, 1, "reader_instance_class", db.reader_instance_class, fmt_str);
    scalar_key(out, 1, "readers", db.readers, fmt_int);
    scalar_key(out, 1, "reader_tier", db.reader_tier, fmt_int);
    if (db.io_optimized) out.add(1, std::string("storage: ") + (db.io_optimized->value ? "io_optimized" : "standard"), db.io_optimized->from);
    out.add(1, std::string("query: { read: ") + kAssumedQueryRead + ", write: " + kAssumedQueryWrite + " }",
            "ASSUMPTION: vCPU time per query");
    if (db.proxy) {
      const auto& p = *db.proxy;
      out.add(1, "proxy:", p.from);
      if (!p.name && !p.max_connections_percent && !p.max_idle_connections_percent && !p.borrow_timeout) out.add(2, "{}");
      scalar_key(out, 2, "name", p.name, fmt_str);
      scalar_key(out, 2, "max_connections_percent", p.max_connections_percent, fmt_num);
      scalar_key(out, 2, "max_idle_connections_percent", p.max_idle_connections_percent, fmt_num);
      scalar_key(out, 2, "borrow_timeout", p.borrow_timeout, fmt_dur);
    }
    if (db.replica_autoscaling) {
      const auto& r = *db.replica_autoscaling;
      std::string t = "replica_autoscaling: { min: " + std::to_string(r.min) + ", max: " + std::to_string(r.max) + ", metric: " + r.metric +
                      ", target: " + num(r.target);
      if (r.scale_out_cooldown) t += ", scale_out_cooldown: " + dur(*r.scale_out_cooldown);
      if (r.scale_in_cooldown) t += ", scale_in_cooldown: " + dur(*r.scale_in_cooldown);
      if (r.disable_scale_in) t += ", disable_scale_in: true";
      out.add(1, t + " }", r.from);
    }
  }

  if (!d.topics.empty()) {
    out.blank();
    out.add(0, "topics:");
    for (const auto& t : d.topics) {
      std::string subs;
      for (const auto& s : t.subscriptions) subs += (subs.empty() ? "" : ", ") + str(s);
      std::string text = str(t.name) + ": { subscriptions: [" + subs + "]";
      if (t.high_throughput) text += std::string(", high_throughput: ") + fmt_bool(t.high_throughput->value);
      out.add(1, text + " }", t.from);
    }
  }

  if (!d.queues.empty()) {
    out.blank();
    out.add(0, "queues:");
    for (const auto& q : d.queues) {
      const bool empty = !q.visibility_timeout && !q.retention && !q.high_throughput && !q.dead_letter_queue && q.schedules.empty();
      out.add(1, str(q.name) + ":" + (empty ? " {}" : ""), q.from);
      scalar_key(out, 2, "visibility_timeout", q.visibility_timeout, fmt_dur);
      scalar_key(out, 2, "retention", q.retention, fmt_dur);
      scalar_key(out, 2, "high_throughput", q.high_throughput, fmt_bool);
      if (q.dead_letter_queue) {
        std::string t = "dead_letter: { queue: " + str(q.dead_letter_queue->value);
        if (q.max_receive_count) t += ", max_receive_count: " + std::to_string(q.max_receive_count->value);
        out.add(2, t + " }", q.dead_letter_queue->from);
      }
      if (!q.schedules.empty()) {
        out.add(2, "schedule:");
        for (const auto& s : q.schedules) {
          out.add(3, "- { every: " + dur(s.every) + ", start: " + dur(s.start) + ", messages: " + std::to_string(s.messages) +
                         ", groups: " + std::to_string(s.groups) + " }",
                  s.from);
        }
      }
    }
  }

  bool any_worker = false;
  for (const auto& s : d.services) {
    if (!s.queue) continue;
    if (!any_worker) {
      out.blank();
      out.add(0, "workers:");
      any_worker = true;
    }
    out.add(1, str(s.name) + ":", s.kind + ", " + s.from);
    write_service_common(out, s);
    out.add(2, "queue: " + str(*s.queue));
    if (s.backlog_metric_math) out.add(2, "backlog_metric_math: '" + s.backlog_metric_math->value + "'", s.backlog_metric_math->from);
    out.add(2, "steps:");
    write_steps(out, 3, d, s, true);
    if (s.autoscaling) write_autoscaling(out, 2, *s.autoscaling);
  }
  if (!d.fixed_costs.empty()) {
    out.blank();
    out.add(0, "cost:");
    out.add(1, "fixed_costs:", "billed, not simulated: priced from the region's table");
    for (const auto& f : d.fixed_costs) {
      const std::string amount = f.count > 0.0 ? "count: " + num(f.count) : "quantity: " + num(f.quantity);
      out.add(2, "- { name: " + str(f.name) + ", price: " + f.price + ", " + amount + ", note: " + str(f.note) + " }", f.from);
    }
  }
  result.yaml = out.text();
  return result;
}

}  // namespace loadcast::scenario
