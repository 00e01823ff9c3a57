#include "models/core/web_tier.hpp"

#include <algorithm>
#include <string>

#include "cost/billing.hpp"
#include "cost/usage.hpp"
#include "models/core/run_output.hpp"
#include "models/web/demand_factor.hpp"

namespace loadcast::models {

WebTier::WebTier(sim::Simulation& sim, EventLog& events, const ModelConfig& config, RequestSink& sink)
    : sim_(sim), bucket_(sim), routes_(config.classes.size()) {
  if (config.database) db_ = std::make_unique<DbCluster>(sim, events, *config.database, *this);
  const std::size_t n = config.services.size();
  if (config.load_balancer) {
    alb_refused_cause_ = "alb_capacity_exceeded:" + config.load_balancer->name;
    alb_refused_ = Failure{Failure::Kind::kError, 503, &alb_refused_cause_};
    alb_ = std::make_unique<Alb>(sim, events, *config.load_balancer, n);
    std::vector<bool> used(n, false);
    for (const auto& rule : config.load_balancer->rules) used[rule.service_index] = true;
    if (config.load_balancer->default_service) used[*config.load_balancer->default_service] = true;
    for (std::size_t i = 0; i < n; ++i) {
      if (used[i]) alb_->add_group(i, config.services[i].name, config.services[i].target_group);
    }
  }
  no_target_causes_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) no_target_causes_.push_back("no_registered_target:" + config.services[i].name);
  for (std::size_t i = 0; i < n; ++i) no_target_.push_back(Failure{Failure::Kind::kError, 503, &no_target_causes_[i]});
  const sim::Time idle = config.load_balancer ? config.load_balancer->idle_timeout : 0;
  for (std::size_t i = 0; i < n; ++i) {
    TargetGroup* group = alb_ ? alb_->group(i) : nullptr;
    services_.push_back(std::make_unique<EcsService>(sim, events, config.services[i], sink, db_.get(), bucket_, group,
                                                     group != nullptr ? idle : 0));
    cpu_factor_.push_back(cpu_demand_factor(sim, config.services[i]));
  }
  for (std::size_t c = 0; c < config.classes.size(); ++c) {
    if (!alb_ || !config.classes[c].service) continue;
    Route& route = routes_[c];
    route.service = *config.classes[c].service;
    route.rules = config.classes[c].rules_evaluated;
    route.response_bytes = std::max(0.0, config.load_balancer->response_bytes);
    if (config.classes[c].response_bytes) {
      route.response = &*config.classes[c].response_bytes;
      route.rng = sim.stream("alb.response_bytes." + std::to_string(c));
    }
  }
}

WebTier::~WebTier() = default;

void WebTier::start() {
  if (db_) db_->start();
  if (alb_) alb_->start();
  for (auto& s : services_) s->start();
}

void WebTier::on_warmup_end() {
  if (db_) db_->on_warmup_end();
  for (auto& s : services_) s->on_warmup_end();
}

void WebTier::sample(sim::Time start, sim::Time end, SeriesRow& row) {
  for (auto& s : services_) s->sample(start, end, row);
  if (alb_) alb_->sample(start, end, row);
  if (db_) db_->sample(start, end, row);
}

void WebTier::finish(RunOutput& out) {
  const sim::Time end = sim_.now();
  cost::Usage& usage = out.metered_usage(end);
  for (const auto& s : services_) s->add_usage(usage, end);
  if (alb_) alb_->add_usage(usage, end);
  if (db_) db_->add_usage(usage, end);
  if (db_ && db_->config().type == DbType::kRds) {
    // An RDS instance (not Aurora) exists the whole run: billed per second, 10-minute minimum.
    for (std::size_t i = 0; i < db_->instance_count(); ++i) {
      cost::RdsInstanceUsage& rds = usage.rds_instance_for(
          db_->instance(i).name(), db_->config().engine == DbEngine::kMysql ? "mysql" : "postgresql", db_->config().instance_class);
      rds.instance_seconds += static_cast<double>(cost::aurora_instance_billed_seconds(end));
      // database.volume: the gp3 storage each instance holds for the whole run.
      if (db_->config().volume.metered) rds.storage_gb_seconds += db_->config().volume.gb * sim::to_seconds(end);
    }
  }
  for (auto& s : services_) s->finish(out);
  if (alb_) alb_->finish(out);
  if (db_) db_->finish(out);
}

}  // namespace loadcast::models
