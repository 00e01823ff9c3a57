// The `workers:` section: worker services (models/worker_service.hpp). Each worker has every key
// of a service (task size, desired, lifecycle, db_pool, metrics, autoscaling — read by the
// services loader's read_service, with backlog_per_task and oldest_message_age as extra
// autoscaling metrics) plus the queue it consumes and how it polls, and its own steps.
#include <set>
#include <variant>

#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/web_loader_util.hpp"

namespace loadcast::scenario {

namespace {

// Whether a policy can take a worker from zero tasks to one: only the queue's own metrics have
// datapoints then (cpu and memory need a RUNNING task), and target tracking scales from zero only
// on backlog_per_task (its formula uses max(RUNNING, 1); on oldest_message_age it is
// ceil(0 x age / target) = 0). A step policy on a queue metric adds tasks unless it adjusts by a
// percentage (a percentage of 0 tasks).
bool scales_from_zero(const models::ScalingPolicyConfig& p) {
  if (const auto* tt = std::get_if<models::TargetTrackingConfig>(&p.spec)) return tt->metric == "backlog_per_task";
  const auto& st = std::get<models::StepScalingConfig>(p.spec);
  const bool queue_metric = st.metric == "backlog_per_task" || st.metric == "oldest_message_age";
  return queue_metric && st.adjustment_type != models::AdjustmentType::kPercentChangeInCapacity;
}

// An error, not a warning: a worker at min 0 that no policy can bring back from zero tasks stops
// consuming its queue for good the first time it scales in to zero, which no one means to set.
void check_scale_from_zero(Context& ctx, MapReader& m, const models::ServiceConfig& c) {
  if (!c.autoscaling || c.autoscaling->min != 0) return;
  for (const auto& p : c.autoscaling->policies) {
    if (scales_from_zero(p)) return;
  }
  for (const auto& a : c.autoscaling->scheduled) {
    if (a.min && *a.min > 0) return;  // a scheduled action raises the floor again
  }
  const YAML::Node autoscaling = m.get("autoscaling");
  const YAML::Node min = autoscaling["min"];
  ctx.error(min.IsDefined() ? min : autoscaling, m.child_path("autoscaling") + ".min",
            "is 0 but no policy can scale the worker out from zero tasks (cpu and memory have no datapoint without a "
            "RUNNING task): add a backlog_per_task target tracking policy or set min to 1");
}

}  // namespace

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
    // A worker polls with its threads: one poller per thread unless `pollers` says otherwise.
    read_service(m, w.service, false, {"backlog_per_task", "oldest_message_age"});
    check_scale_from_zero(ctx, m, w.service);
    w.pollers = w.service.threads;
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
    if (auto v = m.integer("pollers")) {
      if (*v < 1 || *v > 1000) ctx.error(m.get("pollers"), m.child_path("pollers"), "must be between 1 and 1000");
      else w.pollers = static_cast<int>(*v);
    }
    if (auto v = m.integer("batch_size")) {
      if (*v < 1 || *v > 10) ctx.error(m.get("batch_size"), m.child_path("batch_size"), "must be between 1 and 10 (ReceiveMessage MaxNumberOfMessages)");
      else w.batch_size = *v;
    }
    if (auto v = m.duration("wait_time")) {
      if (*v > 20 * sim::kSecond) ctx.error(m.get("wait_time"), m.child_path("wait_time"), "must be between 0s and 20s (WaitTimeSeconds)");
      else w.wait_time = *v;
    }
    if (auto v = m.str("delete")) {
      if (*v == "batch") w.delete_batch = true;
      else if (*v != "each") ctx.error(m.get("delete"), m.child_path("delete"), "must be each (DeleteMessage per message) or batch (DeleteMessageBatch), found '" + *v + "'");
    }
    if (auto v = m.number("failure_probability")) {
      if (*v < 0 || *v > 1) ctx.error(m.get("failure_probability"), m.child_path("failure_probability"), "must be between 0 and 1");
      else w.failure_probability = *v;
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
    m.finish();
    s.model.workers.push_back(std::move(w));
  }
  workers.finish();
}

}  // namespace loadcast::scenario
