// Field-by-field comparison of an imported scenario with a hand-written one, on the parsed model
// configuration (both loaded by the scenario loader): the keys infrastructure determines — task
// sizes, capacity, autoscaling bounds and policies, routing, queues, topics, the database. The
// tests say, next to each call, where the two legitimately differ. Test-only helper.
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <variant>

#include "models/web/alb.hpp"
#include "scenarios/loader/import/import.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::testing {

inline scenario::Scenario load_imported(const scenario::ImportResult& r) { return scenario::load_string(r.yaml, r.name + ".yaml"); }

inline scenario::Scenario load_shipped(const std::string& file) { return scenario::load_file(std::string(LOADCAST_SOURCE_DIR) + "/" + file); }

// A service or a worker's service by name.
inline const models::ServiceConfig* find_service(const models::ModelConfig& m, const std::string& name) {
  for (const auto& s : m.services) {
    if (s.name == name) return &s;
  }
  for (const auto& w : m.workers) {
    if (w.service.name == name) return &w.service;
  }
  return nullptr;
}

inline const models::WorkerConfig* find_worker(const models::ModelConfig& m, const std::string& name) {
  for (const auto& w : m.workers) {
    if (w.service.name == name) return &w;
  }
  return nullptr;
}

inline const models::QueueConfig* find_queue(const models::ModelConfig& m, const std::string& name) {
  for (const auto& q : m.queues) {
    if (q.name == name) return &q;
  }
  return nullptr;
}

inline const models::TopicConfig* find_topic(const models::ModelConfig& m, const std::string& name) {
  for (const auto& t : m.topics) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

// The service the ALB's listener rules (then its default) send `path` to.
inline std::string route(const models::ModelConfig& m, std::string path) {
  REQUIRE(m.load_balancer);
  if (const auto q = path.find('?'); q != std::string::npos) path.resize(q);
  for (const auto& rule : m.load_balancer->rules) {
    for (const auto& p : rule.paths) {
      if (models::alb_path_matches(p, path)) return m.services[rule.service_index].name;
    }
  }
  if (m.load_balancer->default_service) return m.services[*m.load_balancer->default_service].name;
  return "(none)";
}

// cpu, memory, architecture and capacity.
inline void check_task_size(const models::ServiceConfig& imported, const models::ServiceConfig& hand) {
  INFO("service " << hand.name);
  CHECK(imported.cpu_units == hand.cpu_units);
  CHECK(imported.memory_mib == hand.memory_mib);
  CHECK(imported.arm64 == hand.arm64);
  CHECK(imported.uses_spot() == hand.uses_spot());
}

inline const models::ScalingPolicyConfig* policy_on(const models::AutoscalingConfig& a, const std::string& metric) {
  for (const auto& p : a.policies) {
    const std::string m = std::holds_alternative<models::TargetTrackingConfig>(p.spec) ? std::get<models::TargetTrackingConfig>(p.spec).metric
                                                                                      : std::get<models::StepScalingConfig>(p.spec).metric;
    if (m == metric) return &p;
  }
  return nullptr;
}

// Bounds, and every target tracking policy of the hand scenario with the same metric, target,
// cooldowns and scale-in setting.
inline void check_autoscaling(const models::ServiceConfig& imported, const models::ServiceConfig& hand) {
  INFO("service " << hand.name);
  REQUIRE(imported.autoscaling.has_value() == hand.autoscaling.has_value());
  CHECK(imported.desired == hand.desired);
  if (!hand.autoscaling) return;
  const auto& a = *imported.autoscaling;
  const auto& h = *hand.autoscaling;
  CHECK(a.min == h.min);
  CHECK(a.max == h.max);
  CHECK(a.policies.size() == h.policies.size());
  for (const auto& hp : h.policies) {
    const auto& ht = std::get<models::TargetTrackingConfig>(hp.spec);
    INFO("policy on " << ht.metric);
    const auto* ip = policy_on(a, ht.metric);
    REQUIRE(ip != nullptr);
    REQUIRE(std::holds_alternative<models::TargetTrackingConfig>(ip->spec));
    const auto& it = std::get<models::TargetTrackingConfig>(ip->spec);
    CHECK(it.target == ht.target);
    CHECK(it.scale_out_cooldown == ht.scale_out_cooldown);
    CHECK(it.scale_in_cooldown == ht.scale_in_cooldown);
    CHECK(it.disable_scale_in == ht.disable_scale_in);
  }
}

inline bool listed(const scenario::ImportResult& r, scenario::ImportFinding::Kind kind, const std::string& where_prefix,
                   const std::string& what_part) {
  for (const auto& f : r.findings) {
    if (f.kind == kind && f.where.rfind(where_prefix, 0) == 0 && f.what.find(what_part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace loadcast::testing
