// TerraformImporter: `terraform show -json` output (terraform_plan.hpp) read into a Draft
// (draft.hpp). Mapped, by the AWS provider's attribute names:
// - aws_lb / aws_alb (application), aws_lb_listener, aws_lb_listener_rule (path patterns),
//   aws_lb_target_group (health check, deregistration delay, algorithm, slow start);
// - aws_ecs_service + aws_ecs_task_definition (cpu, memory, runtime platform, capacity
//   provider strategy, desired count, grace period, stopTimeout);
// - aws_appautoscaling_target + aws_appautoscaling_policy (target tracking on predefined metrics
//   and the customized metrics loadcast has meters for, step scaling with its
//   aws_cloudwatch_metric_alarm, cooldowns, disable_scale_in) + aws_appautoscaling_scheduled_action;
// - aws_rds_cluster + aws_rds_cluster_instance (Serverless v2 scaling, classes, readers, replica
//   auto scaling on rds:cluster:ReadReplicaCount), aws_db_instance, aws_db_proxy and its
//   default target group;
// - aws_sqs_queue (FIFO, visibility, retention, redrive policy, high throughput),
//   aws_sns_topic + aws_sns_topic_subscription (FIFO, SQS endpoints); an ECS service without a
//   target group that scales on, or is configured with, a queue is that queue's worker;
// - the AWS provider's region.
// [doc] https://registry.terraform.io/providers/hashicorp/aws/latest/docs (each resource's page;
// docs/import.md has the table). Every other managed resource is listed: ignored when it has no
// bearing on load, latency or the modelled cost (IAM, networking, logs...), otherwise not imported.
// Internal to scenarios/loader.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "scenarios/loader/import/draft.hpp"
#include "scenarios/loader/import/terraform_plan.hpp"

namespace loadcast::scenario {

class TerraformImporter {
 public:
  explicit TerraformImporter(TerraformImportOptions options);
  Draft run();

 private:
  // terraform_services.cpp
  void map_services();
  void map_task_definition(const TfResource& service, DraftService& s);
  void map_load_balancer();
  void map_target_group(const TfResource& tg, DraftService& s);

  // terraform_autoscaling.cpp
  void map_autoscaling();
  bool map_policy(const TfResource& policy, DraftService& s, DraftAutoscaling& a);
  bool map_step_policy(const TfResource& policy, DraftService& s, DraftAutoscaling& a);
  std::string metric_of(const Json& spec, const TfResource& at, DraftService& s, bool& ok);

  // terraform_messaging.cpp
  void map_messaging();

  // terraform_importer.cpp
  void map_database();
  void map_workers();
  // Billed resources loadcast does not simulate: the web ACL on the load balancer, NAT gateways,
  // Elastic IPs, interface endpoints and buckets as cost.fixed_costs (terraform_costs.cpp).
  void map_costs();
  void classify_rest();
  std::string queue_key(const TfResource& q) const;
  std::string topic_key(const TfResource& t) const;
  const TfResource* queue_named(const std::string& name) const;

  void handled(const TfResource* r) { handled_.insert(r); }
  DraftService* service_of(const TfResource* ecs);

  TerraformImportOptions options_;
  TerraformPlan plan_;
  Draft draft_;
  std::set<const TfResource*> handled_;
  std::map<const TfResource*, std::string> service_names_;  // aws_ecs_service -> scenario name
  std::map<const TfResource*, const TfResource*> task_defs_;  // aws_ecs_service -> its task definition
  std::set<const TfResource*> behind_alb_;                     // services a listener rule or default reaches
  std::map<std::string, std::string> worker_queue_hint_;      // service name -> queue key (from scaling metrics)
};

}  // namespace loadcast::scenario
