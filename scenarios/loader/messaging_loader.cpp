// The `queues:` and `topics:` sections and the `publish` step. Their ranges are checked by the
// configurations' validate() (models/messaging/queue_config.hpp, topic_config.hpp,
// publish_config.hpp give the sources); defaults that depend on the region and mode (API
// limits) are resolved here from the scenario's `region`.
#include <algorithm>
#include <set>

#include "models/messaging/fifo_queue.hpp"
#include "models/messaging/fifo_topic.hpp"
#include "scenarios/loader/problem_report.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/yaml_reader.hpp"
#include "sim/distribution_text.hpp"

namespace loadcast::scenario {

namespace {

std::string known_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none are defined" : "defined: " + out;
}

template <typename T>
std::optional<std::size_t> find_by_name(const std::vector<T>& items, const std::string& name) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].name == name) return i;
  }
  return std::nullopt;
}

template <typename T>
std::vector<std::string> names_of(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const auto& it : items) out.push_back(it.name);
  return out;
}

// `api_latency:` and `retry: { base, max, max_attempts }`.
void load_client(MapReader& m, models::ApiClientConfig& c) {
  if (auto d = m.distribution("api_latency")) c.latency = *d;
  if (m.has("retry")) {
    MapReader r(m.ctx(), m.get("retry"), m.child_path("retry"));
    if (auto v = r.duration("base")) c.retry_base = *v;
    if (auto v = r.duration("max")) c.retry_max = *v;
    if (auto v = r.whole<int>("max_attempts")) c.max_attempts = *v;
    r.finish();
  } else {
    m.get("retry");
  }
}

void load_feed(Context& ctx, const YAML::Node& node, const std::string& path, models::QueueConfig& q, ProblemReport& report) {
  MapReader m(ctx, node, path);
  if (!m.valid()) return;
  models::ScheduleFeedConfig f;
  if (!m.has("every")) ctx.error(node, path, "needs 'every' (how often the schedule fires, e.g. every: 5m)");
  if (auto v = m.duration("every")) f.every = *v;
  if (auto v = m.duration("start")) f.start = *v;
  if (auto v = m.whole<std::int64_t>("messages")) f.messages = *v;
  if (auto v = m.whole<std::int64_t>("groups")) f.groups = *v;
  if (auto v = m.whole<std::int64_t>("bytes")) f.bytes = *v;
  m.finish();
  // Items that are not mappings are skipped, and `schedule:` may be one feed instead of a list.
  report.rename(index_path(report.path_of("schedule"), q.schedules.size()), path);
  q.schedules.push_back(f);
}

void load_queue(Context& ctx, MapReader& queues, const std::string& name, Scenario& s,
                std::vector<YAML::Node>& dlq_nodes) {
  const std::string path = queues.child_path(name);
  MapReader m(ctx, queues.get(name), path);
  ProblemReport report(m);
  models::QueueConfig q;
  q.name = name;
  if (auto v = m.duration("visibility_timeout")) q.visibility_timeout = *v;
  if (auto v = m.duration("retention")) q.retention = *v;
  if (auto v = m.boolean("high_throughput")) q.high_throughput = *v;
  q.api_calls_per_s = models::fifo_api_limit(q.high_throughput, s.region);
  q.group_calls_per_s = q.high_throughput ? 300.0 : 0.0;
  if (auto v = m.number("api_calls_per_s")) q.api_calls_per_s = *v;
  if (auto v = m.number("group_calls_per_s")) q.group_calls_per_s = *v;
  if (auto v = m.duration("api_burst")) q.api_burst = *v;
  if (auto v = m.whole<std::int64_t>("in_flight_limit")) q.in_flight_limit = *v;
  if (auto v = m.whole<std::int64_t>("lookahead")) q.lookahead = *v;
  if (m.has("dead_letter")) {
    const YAML::Node dn = m.get("dead_letter");
    MapReader d(ctx, dn, m.child_path("dead_letter"));
    if (auto v = d.str("queue")) {
      q.dead_letter_queue = *v;
      dlq_nodes.push_back(d.get("queue"));
    } else if (!d.has("queue")) {
      ctx.error(dn, d.path(), "needs 'queue' (the dead-letter queue's name)");
    }
    if (!d.has("max_receive_count")) {
      ctx.error(dn, d.path(), "needs 'max_receive_count' (1-1000)");
      report.drop(d.child_path("max_receive_count"));
    }
    if (auto v = d.whole<std::int64_t>("max_receive_count")) q.max_receive_count = *v;
    d.finish();
  } else {
    m.get("dead_letter");
  }
  load_client(m, q.client);
  const YAML::Node sched = m.get("schedule");
  if (sched.IsDefined() && !sched.IsNull()) {
    if (sched.IsSequence()) {
      for_each_item(ctx, sched, m.child_path("schedule"), [&](const YAML::Node& n, const std::string& p) { load_feed(ctx, n, p, q, report); });
    } else {
      load_feed(ctx, sched, m.child_path("schedule"), q, report);
    }
  }
  report.add(q.validate());
  m.finish();
  s.model.queues.push_back(std::move(q));
}

}  // namespace

void load_queues(MapReader& top, Scenario& s) {
  Context& ctx = top.ctx();
  MapReader queues(ctx, top.get("queues"), "queues");
  std::vector<YAML::Node> dlq_nodes;
  for (const auto& name : queues.keys()) load_queue(ctx, queues, name, s, dlq_nodes);
  queues.finish();
  // Resolve dead-letter queues now that every queue is known.
  std::size_t k = 0;
  std::vector<const YAML::Node*> dlq_node_of(s.model.queues.size(), nullptr);
  std::vector<bool> resolved(s.model.queues.size(), false);
  for (std::size_t qi = 0; qi < s.model.queues.size(); ++qi) {
    auto& q = s.model.queues[qi];
    if (q.dead_letter_queue.empty()) continue;
    const YAML::Node& node = dlq_nodes[k++];
    dlq_node_of[qi] = &node;
    const std::string path = "queues." + q.name + ".dead_letter.queue";
    if (auto i = find_by_name(s.model.queues, q.dead_letter_queue)) {
      if (s.model.queues[*i].name == q.name) {
        ctx.error(node, path, "a queue cannot be its own dead-letter queue");
      } else {
        q.dead_letter_index = *i;
        resolved[qi] = true;
      }
    } else {
      ctx.error(node, path, "unknown queue '" + q.dead_letter_queue + "' (" + known_names(names_of(s.model.queues)) + ")");
    }
  }
  // A cycle of redrives (a -> b -> a) would move a message around for ever: reported once, at
  // the queue of the cycle that comes first in the file.
  std::vector<bool> reported(s.model.queues.size(), false);
  for (std::size_t start = 0; start < s.model.queues.size(); ++start) {
    std::vector<std::size_t> chain;
    std::size_t at = start;
    while (resolved[at] && chain.size() <= s.model.queues.size()) {
      chain.push_back(at);
      at = s.model.queues[at].dead_letter_index;
      if (at == start) break;
    }
    if (at != start || chain.empty() || reported[start]) continue;
    std::string cycle;
    for (std::size_t c : chain) {
      cycle += s.model.queues[c].name + " -> ";
      reported[c] = true;
    }
    cycle += s.model.queues[start].name;
    ctx.error(*dlq_node_of[start], "queues." + s.model.queues[start].name + ".dead_letter.queue",
              "dead-letter queues form a cycle (" + cycle + "); a message would be moved around it for ever");
  }
}

void load_topics(MapReader& top, Scenario& s) {
  Context& ctx = top.ctx();
  MapReader topics(ctx, top.get("topics"), "topics");
  for (const auto& name : topics.keys()) {
    const std::string path = topics.child_path(name);
    const YAML::Node node = topics.get(name);
    MapReader m(ctx, node, path);
    models::TopicConfig t;
    t.name = name;
    if (find_by_name(s.model.queues, name)) ctx.error(node, path, "'" + name + "' is already a queue name; topics and queues need distinct names");
    if (!m.has("subscriptions")) ctx.error(node, path, "needs 'subscriptions' (the queues it fans out to)");
    std::set<std::string> seen;
    for_each_item(ctx, m.get("subscriptions"), m.child_path("subscriptions"), [&](const YAML::Node& n, const std::string& p) {
      auto q = read_string(ctx, n, p);
      if (!q) return;
      if (!seen.insert(*q).second) ctx.error(n, p, "queue '" + *q + "' is subscribed twice");
      if (auto i = find_by_name(s.model.queues, *q)) {
        t.subscriptions.push_back(*q);
        t.subscription_indices.push_back(*i);
      } else {
        ctx.error(n, p, "unknown queue '" + *q + "' (" + known_names(names_of(s.model.queues)) + ")");
      }
    });
    if (auto v = m.boolean("high_throughput")) t.high_throughput = *v;
    t.messages_per_s = models::fifo_publish_limit(t.high_throughput, s.region);
    if (auto v = m.number("messages_per_s")) t.messages_per_s = *v;
    if (auto v = m.str("publish_quota_scope")) {
      if (*v == "region") t.publish_quota_scope = models::PublishQuotaScope::kRegion;
      else if (*v == "topic") t.publish_quota_scope = models::PublishQuotaScope::kTopic;
      else ctx.error(m.get("publish_quota_scope"), m.child_path("publish_quota_scope"), "must be region or topic (found '" + *v + "')");
    }
    if (auto v = m.number("group_messages_per_s")) t.group_messages_per_s = *v;
    if (auto v = m.number("bytes_per_s")) t.bytes_per_s = *v;
    if (auto v = m.duration("api_burst")) t.api_burst = *v;
    if (auto d = m.distribution("delivery_latency")) t.delivery_latency = *d;
    load_client(m, t.client);
    ProblemReport(m).add(t.validate());
    // Topics in one regional pool (same mode) share one messages/s bucket: it needs one rate and
    // one depth, so each must agree with the first topic of its pool.
    if (t.publish_quota_scope == models::PublishQuotaScope::kRegion) {
      for (const auto& other : s.model.topics) {
        if (other.publish_quota_scope != models::PublishQuotaScope::kRegion || other.high_throughput != t.high_throughput) continue;
        const char* key = other.messages_per_s != t.messages_per_s ? "messages_per_s" : other.api_burst != t.api_burst ? "api_burst" : nullptr;
        if (key != nullptr) {
          ctx.error(m.has(key) ? m.get(key) : node, m.has(key) ? m.child_path(key) : path,
                    std::string("differs from topic '") + other.name + "', which shares the region's publish quota with it (publish_quota_scope: region); set the same " +
                        key + " or publish_quota_scope: topic");
        }
        break;
      }
    }
    m.finish();
    s.model.topics.push_back(std::move(t));
  }
  topics.finish();
}

bool load_publish_step(MapReader& step, const Scenario& s, models::StepConfig& out) {
  if (!step.has("publish")) return false;
  Context& ctx = step.ctx();
  const YAML::Node node = step.get("publish");
  const std::string path = step.child_path("publish");
  MapReader m(ctx, node, path);
  models::PublishConfig p;
  const bool topic = m.has("topic");
  const bool queue = m.has("queue");
  if (topic == queue) ctx.error(node, path, "needs exactly one of 'topic' (SNS FIFO) or 'queue' (SQS FIFO)");
  if (topic) {
    if (auto name = m.str("topic")) {
      p.to_topic = true;
      p.target = *name;
      if (auto i = find_by_name(s.model.topics, *name)) p.target_index = *i;
      else ctx.error(m.get("topic"), m.child_path("topic"), "unknown topic '" + *name + "' (" + known_names(names_of(s.model.topics)) + ")");
    }
  } else if (queue) {
    if (auto name = m.str("queue")) {
      p.to_topic = false;
      p.target = *name;
      if (auto i = find_by_name(s.model.queues, *name)) p.target_index = *i;
      else ctx.error(m.get("queue"), m.child_path("queue"), "unknown queue '" + *name + "' (" + known_names(names_of(s.model.queues)) + ")");
    }
  }
  if (auto v = m.whole<std::int64_t>("groups")) p.groups = *v;
  if (auto v = m.whole<std::int64_t>("bytes")) p.bytes = *v;
  const models::ConfigProblems problems = p.validate();
  ProblemReport(m).add(problems);
  if (auto text = m.str("skew")) {
    // zipf(S) or zipf(s=S): the exponent; the ranks are the groups.
    std::string inner;
    if (text->rfind("zipf(", 0) == 0 && text->back() == ')') inner = text->substr(5, text->size() - 6);
    if (inner.rfind("s=", 0) == 0) inner = inner.substr(2);
    const auto exponent = sim::parse_quantity(inner, sim::ValueKind::kPlain);
    if (!exponent || *exponent <= 0) {
      ctx.error(m.get("skew"), m.child_path("skew"), "must be zipf(S) with an exponent S > 0 (e.g. zipf(1.1)), found '" + *text + "'");
    } else if (problems.empty()) {  // zipf over the groups: a table as long as they are many
      p.skew = sim::Distribution::zipf(*exponent, p.groups);
    }
  }
  m.finish();
  out.kind = models::StepKind::kPublish;
  out.target = p.target;
  out.publish = std::move(p);
  return true;
}

}  // namespace loadcast::scenario
