// The `faults:` section: scheduled failures (models/faults/faults.hpp), each an entry
// `{ at, type, ... }` with type db_failover (duration), kill_tasks (service, count) or
// worker_errors (service: a worker, failure_probability, duration).
#include "scenarios/loader/problem_report.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/yaml_reader.hpp"

namespace loadcast::scenario {

void load_faults(MapReader& top, Scenario& s) {
  Context& ctx = top.ctx();
  for_each_item(ctx, top.get("faults"), "faults", [&](const YAML::Node& node, const std::string& path) {
    MapReader m(ctx, node, path);
    if (!m.valid()) return;
    models::FaultConfig f;
    if (auto v = m.duration("at")) f.at = *v;
    else if (!m.has("at")) ctx.error(node, path, "needs 'at' (when the fault starts, e.g. at: 30m)");
    if (s.duration > 0 && f.at >= s.duration) ctx.error(m.get("at"), m.child_path("at"), "is not before the end of the run (" + sim::format_duration(s.duration) + ")");
    const auto type = m.str("type");
    if (!type) {
      // Its other keys depend on the type: no "unknown key" errors on top of this one.
      if (!m.has("type")) ctx.error(node, path, "needs 'type' (db_failover, kill_tasks or worker_errors)");
      return;
    }
    auto service = [&](bool workers_only) {
      const auto name = m.str("service");
      if (!name) {
        ctx.error(node, path, "a " + *type + " fault needs 'service'");
        return;
      }
      f.service = *name;
      for (std::size_t i = 0; i < s.model.workers.size(); ++i) {
        if (s.model.workers[i].service.name == *name) {
          f.service_index = i;
          f.worker = true;
          return;
        }
      }
      if (!workers_only) {
        for (std::size_t i = 0; i < s.model.services.size(); ++i) {
          if (s.model.services[i].name == *name) {
            f.service_index = i;
            return;
          }
        }
      }
      ctx.error(m.get("service"), m.child_path("service"), "unknown " + std::string(workers_only ? "worker" : "service or worker") + " '" + *name + "'");
    };
    auto duration = [&] {
      if (auto v = m.duration("duration")) f.duration = *v;
    };
    if (*type == "db_failover") {
      f.type = models::FaultType::kDbFailover;
      duration();
      if (!s.model.database) ctx.error(node, path, "a db_failover needs a database section");
    } else if (*type == "kill_tasks") {
      f.type = models::FaultType::kKillTasks;
      service(false);
      if (auto v = m.whole<int>("count")) f.count = *v;
    } else if (*type == "worker_errors") {
      f.type = models::FaultType::kWorkerErrors;
      service(true);
      duration();
      if (auto v = m.number("failure_probability")) {
        f.failure_probability = *v;
      } else {
        ctx.error(node, path, "a worker_errors fault needs 'failure_probability'");
      }
    } else {
      // The other keys depend on the type: one error, not also "unknown key" for each of them.
      ctx.error(m.get("type"), m.child_path("type"), "must be db_failover, kill_tasks or worker_errors (found '" + *type + "')");
      return;
    }
    ProblemReport(m).add(f.validate());
    m.finish();
    s.model.faults.push_back(f);
  });
}

}  // namespace loadcast::scenario
