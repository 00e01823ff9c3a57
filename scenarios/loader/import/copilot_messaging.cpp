// The messaging side of a Copilot workspace (copilot_importer.hpp): the topics services publish
// (`publish.topics`), each worker's queue and subscriptions (`subscribe`), a Scheduled Job's
// schedule as messages to a queue of its own, and the listener rules' order once every service is
// read. Copilot's facts used here: the dead-letter queue keeps messages 14 days
// (templates/workloads/partials/cf/subscribe.yml); [doc]
// https://aws.github.io/copilot-cli/docs/manifest/worker-service/#subscribe,
// https://aws.github.io/copilot-cli/docs/include/publish/, and
// https://aws.github.io/copilot-cli/docs/manifest/scheduled-job/#on-schedule.
#include <algorithm>

#include "scenarios/loader/import/copilot_importer.hpp"
#include "scenarios/loader/import/schedule_expression.hpp"

namespace loadcast::scenario {

void CopilotImporter::collect_topics() {
  for (auto& w : workloads_) {
    const YamlTree* publish = w.manifest.find("publish");
    if (publish == nullptr) continue;
    publish->touch();
    const YamlTree* list = publish->find("topics");
    if (list == nullptr) continue;
    list->touch();
    if (!list->is_sequence()) manifest_error(w.file, *list, "publish.topics must be a list of topics");
    for (const auto& item : list->items) {
      item.touch();
      const YamlTree* name = item.find("name");
      if (name == nullptr) manifest_error(w.file, item, "publish.topics: a topic needs a name");
      Topic t;
      t.service = w.name;
      t.name = manifest_string(w.file, *name, "publish.topics.name");
      t.from = location(w.file, item);
      if (const YamlTree* fifo = item.find("fifo")) {
        fifo->touch();
        t.fifo = fifo->is_map() || manifest_bool(w.file, *fifo, "publish.topics.fifo");
      }
      topics_.push_back(t);
    }
  }
  // The scenario's topic names: the manifest's name, or "<service>-<name>" where two services
  // publish topics of the same name (Copilot names them <app>-<env>-<service>-<name>).
  for (auto& t : topics_) {
    int same = 0;
    for (const auto& o : topics_) same += o.name == t.name ? 1 : 0;
    t.key = same > 1 ? t.service + "-" + t.name : t.name;
  }
}

void CopilotImporter::map_publish(Workload& w, DraftService& s) {
  for (const auto& t : topics_) {
    if (t.service == w.name) s.publish_topics.push_back(t.key);
  }
}

void CopilotImporter::map_subscribe(Workload& w) {
  DraftQueue q;
  q.name = w.name;
  const YamlTree* sub = w.manifest.find("subscribe");
  q.from = sub ? location(w.file, *sub) : w.file + " (the worker's queue)";
  bool fifo = false;
  if (sub != nullptr) {
    sub->touch();
    if (const YamlTree* qn = sub->find("queue")) {
      qn->touch();
      if (const YamlTree* v = qn->find("timeout")) q.visibility_timeout = sourced(manifest_duration(w.file, *v, "subscribe.queue.timeout"), location(w.file, *v));
      if (const YamlTree* v = qn->find("retention")) q.retention = sourced(manifest_duration(w.file, *v, "subscribe.queue.retention"), location(w.file, *v));
      if (const YamlTree* v = qn->find("delay")) {
        if (manifest_duration(w.file, *v, "subscribe.queue.delay") > 0) {
          draft_.not_imported(location(w.file, *v), "subscribe.queue.delay: a delay queue; loadcast delivers messages at once");
        }
      }
      if (const YamlTree* dl = qn->find("dead_letter")) {
        dl->touch();
        if (const YamlTree* tries = dl->find("tries")) {
          const std::string dlq = w.name + "-dlq";
          q.dead_letter_queue = sourced(dlq, location(w.file, *tries));
          q.max_receive_count = sourced(static_cast<std::int64_t>(manifest_integer(w.file, *tries, "dead_letter.tries")), location(w.file, *tries));
          DraftQueue d;
          d.name = dlq;
          d.from = location(w.file, *dl) + " (Copilot's dead-letter queue)";
          d.retention = sourced(14 * sim::kDay, std::string("Copilot's dead-letter queue keeps messages 14 days"));
          draft_.queues.push_back(d);
        }
      }
      if (const YamlTree* f = qn->find("fifo")) {
        f->touch();
        if (f->is_map()) {
          fifo = true;
          bool high = false;
          std::string scope, limit;
          if (const YamlTree* v = f->find("high_throughput")) high = manifest_bool(w.file, *v, "fifo.high_throughput");
          if (const YamlTree* v = f->find("deduplication_scope")) scope = manifest_string(w.file, *v, "fifo.deduplication_scope");
          if (const YamlTree* v = f->find("throughput_limit")) limit = manifest_string(w.file, *v, "fifo.throughput_limit");
          if (high || (scope == "messageGroup" && limit == "perMessageGroupId")) {
            q.high_throughput = sourced(true, location(w.file, *f));
          } else if (!scope.empty() || !limit.empty()) {
            draft_.not_imported(location(w.file, *f), "fifo: deduplication_scope '" + scope + "' with throughput_limit '" + limit +
                                                          "': loadcast models the default FIFO mode or high throughput (messageGroup with perMessageGroupId)");
          }
        } else {
          fifo = manifest_bool(w.file, *f, "subscribe.queue.fifo");
        }
      }
    }
    if (const YamlTree* topics = sub->find("topics")) {
      topics->touch();
      if (!topics->is_sequence()) manifest_error(w.file, *topics, "subscribe.topics must be a list");
      for (const auto& t : topics->items) {
        t.touch();
        const YamlTree* name = t.find("name");
        const YamlTree* svc = t.find("service");
        if (name == nullptr || svc == nullptr) manifest_error(w.file, t, "subscribe.topics: a subscription needs name and service");
        const std::string topic = manifest_string(w.file, *name, "subscribe.topics.name");
        const std::string publisher = manifest_string(w.file, *svc, "subscribe.topics.service");
        Topic* found = nullptr;
        for (auto& tp : topics_) {
          if (tp.name == topic && tp.service == publisher) found = &tp;
        }
        if (found == nullptr) {
          manifest_error(w.file, t, "subscribes to topic '" + topic + "' of service '" + publisher + "', which no manifest in the workspace publishes");
        }
        found->subscriptions.push_back(q.name);
        if (const YamlTree* own = t.find("queue")) {
          own->use();
          if (!(own->is_scalar() && as_bool(*own) == std::optional<bool>(false))) {
            draft_.not_imported(location(w.file, *own), "subscribe.topics.queue: a topic-specific queue; loadcast's worker consumes one queue, so topic " +
                                                            topic + " delivers to " + q.name + " instead");
          }
        }
      }
    }
  }
  if (!fifo) {
    draft_.not_imported(q.from, "the queue of " + w.name + " is a standard queue: loadcast models SQS FIFO (imported as FIFO)");
  }
  draft_.queues.insert(draft_.queues.begin() + static_cast<long>(draft_.queues.size() - (q.dead_letter_queue ? 1 : 0)), q);
}

void CopilotImporter::map_job(Workload& w, DraftService& s) {
  DraftQueue q;
  q.name = w.name;
  q.from = w.file + " (the job's schedule as messages)";
  const YamlTree* on = w.manifest.find("on");
  const YamlTree* schedule = on ? on->find("schedule") : nullptr;
  if (schedule == nullptr) manifest_error(w.file, on ? *on : w.manifest, "a Scheduled Job needs on.schedule");
  on->touch();
  const std::string expr = manifest_string(w.file, *schedule, "on.schedule");
  std::string why;
  if (const auto r = parse_recurrence(expr, why)) {
    DraftSchedule sc;
    sc.from = location(w.file, *schedule) + " '" + expr + "'";
    sc.every = r->every;
    sc.start = r->start;
    q.schedules.push_back(sc);
    if (!r->approximation.empty()) draft_.not_imported(location(w.file, *schedule), "on.schedule '" + expr + "': " + r->approximation);
  } else {
    draft_.not_imported(location(w.file, *schedule), "on.schedule: " + why + "; the job never runs in the scenario");
  }
  if (const YamlTree* t = w.manifest.find("timeout")) {
    q.visibility_timeout = sourced(manifest_duration(w.file, *t, "timeout"), location(w.file, *t) + " timeout (a run that takes longer runs again)");
  } else {
    q.visibility_timeout = sourced(12 * sim::kHour, std::string("ASSUMPTION: no timeout, so the longest visibility timeout"));
  }
  draft_.queues.push_back(q);
  s.queue = w.name;
  s.job = true;
  DraftAutoscaling a;
  a.from = w.file + " (a job runs a task per schedule: 0-1 tasks, started by a message)";
  a.min = 0;
  a.max = 1;
  DraftPolicy p;
  p.from = "ASSUMPTION: starts a task when the schedule's message waits";
  p.metric = "backlog_per_task";
  p.target = 1;
  a.policies.push_back(p);
  s.autoscaling = a;
  s.backlog_metric_math = copilot_backlog_math();
  draft_.note(w.file, "Scheduled Job " + w.name + ": modelled as a worker at 0-1 tasks fed one message per run; its task starts a few minutes after the schedule fires (the scale-out alarm) and stops 15 minutes after its queue empties");
}

void CopilotImporter::finish_topics() {
  for (const auto& t : topics_) {
    if (t.subscriptions.empty()) {
      draft_.not_imported(t.from, "topic " + t.name + " of " + t.service + " has no subscriber in the workspace; publishing to it is not modelled");
      for (auto& s : draft_.services) {
        std::erase(s.publish_topics, t.key);
      }
      continue;
    }
    if (!t.fifo) draft_.not_imported(t.from, "topic " + t.name + " is a standard SNS topic: loadcast models SNS FIFO (imported as FIFO)");
    DraftTopic d;
    d.name = t.key;
    d.from = t.from;
    d.subscriptions = t.subscriptions;
    draft_.topics.push_back(d);
  }
  // Listener rule priorities: Copilot assigns them in deployment order (not in the workspace);
  // the most specific (longest) path first keeps every rule reachable.
  if (draft_.load_balancer && !draft_.load_balancer->rules.empty()) {
    auto& rules = draft_.load_balancer->rules;
    std::stable_sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) { return a.paths.front().size() > b.paths.front().size(); });
    for (std::size_t i = 0; i < rules.size(); ++i) rules[i].priority = static_cast<int>(i + 1);
    if (rules.size() > 1) {
      draft_.note("load_balancer.rules", "Copilot gives listener rules priorities in deployment order; loadcast evaluates the longest path first");
    }
  }
}

}  // namespace loadcast::scenario
