#include "models/core/assumptions.hpp"

#include <map>
#include <utility>

#include "models/core/component.hpp"

namespace loadcast::models {

namespace {

// Sentences keyed by their text without the owners, so equal assumptions are listed once with
// every component they apply to, in the order first met.
class Grouped {
 public:
  void add(const std::string& head, const std::string& tail, const std::string& owner) {
    auto [it, inserted] = index_.try_emplace(head + '\x1f' + tail, items_.size());
    if (inserted) items_.push_back(Item{head, tail, {}});
    auto& owners = items_[it->second].owners;
    if (owners.empty() || owners.back() != owner) owners.push_back(owner);
  }
  void write(std::vector<std::string>& out) const {
    for (const auto& item : items_) {
      std::string who;
      for (const auto& o : item.owners) who += (who.empty() ? "" : ", ") + o;
      out.push_back(item.head + " (" + who + ")" + item.tail);
    }
  }

 private:
  struct Item {
    std::string head, tail;
    std::vector<std::string> owners;
  };
  std::map<std::string, std::size_t> index_;
  std::vector<Item> items_;
};

std::string seconds(sim::Time t) { return format_number(sim::to_seconds(t)) + " s"; }

void alarm_shapes(Grouped& g, const std::string& owner, const std::optional<AutoscalingConfig>& a, sim::Time period) {
  if (!a) return;
  for (const auto& p : a->policies) {
    const auto* tt = std::get_if<TargetTrackingConfig>(&p.spec);
    if (tt == nullptr) continue;
    const auto high = tt->high_alarm(period), low = tt->low_alarm(period);
    const std::string res = format_number(sim::to_seconds(period)) + "-s";
    if (high.assumed) {
      g.add("target tracking AlarmHigh on " + std::to_string(high.datapoints) + " of " + std::to_string(high.periods) + " " + res +
                " datapoints",
            period == 60 * sim::kSecond ? ": users' reading of the managed alarms, not documented by AWS (alarm_high)"
                                        : ": AWS documents no alarm shape for 20-s metrics; 3 datapoints fit its 86 s from load step to "
                                          "scale-out (alarm_high)",
            owner);
    }
    if (low.assumed) {
      g.add("target tracking AlarmLow on " + std::to_string(low.datapoints) + " of " + std::to_string(low.periods) + " " + res +
                " datapoints (15 minutes)",
            period == 60 * sim::kSecond ? ": users' reading of the managed alarms, not documented by AWS (alarm_low)"
                                        : ": AWS documents no alarm shape for 20-s metrics; 15 minutes as at 60 s, until it does "
                                          "(alarm_low)",
            owner);
    }
  }
}

void service(Grouped& g, const ServiceConfig& s, bool routed, const std::string& owner) {
  const sim::Time period = s.metrics.period;
  alarm_shapes(g, owner, s.autoscaling, period);
  if (s.autoscaling && !s.autoscaling->policies.empty()) {
    g.add("CloudWatch datapoints reach the alarms " + seconds(s.metrics.delay) + " after their " +
              format_number(sim::to_seconds(period)) + "-s period",
          ": calibrated to AWS's 363 s (60-s metrics) and 86 s (20-s) from load step to scale-out (metrics.delay)", owner);
  }
  if (s.uses_spot()) {
    g.add("Fargate Spot reclaims a RUNNING Spot task " + format_number(s.spot_interruptions_per_hour) + " times per task-hour",
          ": AWS publishes no interruption rate (spot_interruptions_per_hour)", owner);
  }
  if (routed && s.concurrency.pool() && !s.concurrency.backlog) {
    g.add("a task's " + std::string(to_string(s.concurrency.model)) + " keeps up to " + std::to_string(ConcurrencyConfig::kDefaultBacklog) +
              " requests waiting for a worker",
          ": gunicorn's default listen backlog; set your server's (concurrency.backlog)", owner);
  }
  if (routed) {
    g.add("a RUNNING task is registered with its target group " + seconds(s.target_group.registration_delay) + " later",
          ": AWS publishes no registration time (registration_delay)", owner);
  }
}

}  // namespace

std::vector<std::string> model_assumptions(const ModelConfig& config) {
  Grouped g;
  std::vector<bool> routed(config.services.size(), false);
  if (config.load_balancer) {
    for (const auto& rule : config.load_balancer->rules) routed[rule.service_index] = true;
    if (config.load_balancer->default_service) routed[*config.load_balancer->default_service] = true;
  }
  for (std::size_t i = 0; i < config.services.size(); ++i) service(g, config.services[i], routed[i], config.services[i].name);
  for (const auto& w : config.workers) service(g, w.service, false, w.service.name);
  if (config.replica_scaling) alarm_shapes(g, "database readers", config.replica_scaling->autoscaling, config.replica_scaling->metrics.period);
  std::vector<std::string> out;
  g.write(out);
  if (config.load_balancer && config.load_balancer->capacity.enabled) {
    const auto& c = config.load_balancer->capacity;
    out.push_back("the load balancer " + config.load_balancer->name + " serves up to its capacity, starting at " +
                  format_number(std::max(c.initial_lcu, c.reserved_lcu)) + " LCU and growing at most x2 per " +
                  sim::format_duration(c.doubling_time) + " while demand is above it: AWS publishes no scaling rate (load_balancer.capacity)");
  }
  return out;
}

}  // namespace loadcast::models
