// The `workers:` section: worker services (models/messaging/worker_service.hpp). Each worker has every key
// of a service (task size, desired, lifecycle, db_pool, metrics, autoscaling — read by the
// services loader's read_service, with backlog_per_task and oldest_message_age as extra
// autoscaling metrics) plus the queue it consumes and how it polls, and its own steps.
#include <set>

#include "scenarios/loader/problem_report.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/web_loader_util.hpp"

namespace loadcast::scenario {

void load_workers(MapReader& top, Scenario& s) {
  Context& ctx = top.ctx();
  MapReader workers(ctx, top.get("workers"), "workers");
  std::set<std::string> service_names;
  for (const auto& svc : s.model.services) service_names.insert(svc.name);
  for (const auto& name : workers.keys()) {
    const std::string path = workers.child_path(name);
    const YAML::Node node = workers.get(name);
    MapReader m(ctx, node, path);
    if (!m.valid()) continue;
    if (service_names.count(name)) ctx.error(node, path, "'" + name + "' is already a service name; workers and services need distinct names");
    models::WorkerConfig w;
    w.service.name = name;
    ProblemReport report(m);
    // A worker polls with its threads: one poller per thread unless `pollers` says otherwise.
    read_service(m, w.service, false, report, {"backlog_per_task", "oldest_message_age"});
    w.pollers = w.service.threads;
    if (!m.has("pollers")) report.drop(m.child_path("pollers"));  // taken from threads, reported there
    // At min 0 from the desired count (no `min`), the worker's autoscaling section is the place.
    const std::string min_path = m.child_path("autoscaling") + ".min";
    if (!report.find(min_path).IsDefined()) report.place(min_path, m.get("autoscaling"), min_path);
    if (auto q = m.str("queue")) {
      w.queue = *q;
      bool found = false;
      for (std::size_t i = 0; i < s.model.queues.size(); ++i) {
        if (s.model.queues[i].name == *q) {
          w.queue_index = i;
          found = true;
        }
      }
      if (!found) {
        std::string known;
        for (const auto& qc : s.model.queues) known += (known.empty() ? "" : ", ") + qc.name;
        ctx.error(m.get("queue"), m.child_path("queue"), "unknown queue '" + *q + "' (" + (known.empty() ? "no queues are defined" : "defined: " + known) + ")");
      }
    } else {
      ctx.error(node, path, "needs 'queue' (the SQS FIFO queue it consumes)");
    }
    if (auto v = m.whole<int>("pollers")) w.pollers = *v;
    if (auto v = m.whole<std::int64_t>("batch_size")) w.batch_size = *v;
    if (auto v = m.duration("wait_time")) w.wait_time = *v;
    if (auto v = m.str("delete")) {
      if (*v == "batch") w.delete_batch = true;
      else if (*v != "each") ctx.error(m.get("delete"), m.child_path("delete"), "must be each (DeleteMessage per message) or batch (DeleteMessageBatch), found '" + *v + "'");
    }
    if (auto v = m.number("failure_probability")) w.failure_probability = *v;
    if (auto v = m.str("backlog_metric_math")) {
      if (auto math = models::parse_backlog_math(*v)) w.backlog_math = *math;
      else ctx.error(m.get("backlog_metric_math"), m.child_path("backlog_metric_math"),
                     std::string("must be '") + models::kBacklogDivide + "' or '" + models::kBacklogGuarded + "' (found '" + *v + "')");
    }
    if (!m.has("steps")) ctx.error(node, path, "needs 'steps' (what processing one message does: cpu, db, publish, delay)");
    for_each_item(ctx, m.get("steps"), m.child_path("steps"), [&](const YAML::Node& step, const std::string& spath) {
      const std::size_t before = w.steps.size();
      MapReader sm(ctx, step, spath);
      load_step(sm, s, w.steps);
      if (w.steps.size() == before) return;
      const models::StepKind k = w.steps.back().kind;
      if (k == models::StepKind::kStation) ctx.error(step, spath, "a worker's steps are cpu, db, publish or delay (stations serve request classes)");
      if (k == models::StepKind::kDb && !s.model.database) ctx.error(step, spath, "has a db step but the scenario has no database section");
    });
    report.add(w.validate());
    m.finish();
    s.model.workers.push_back(std::move(w));
  }
  workers.finish();
}

}  // namespace loadcast::scenario
