// SQS and SNS in a Terraform plan (terraform_importer.hpp): FIFO queues with their redrive
// policies, topics with their SQS subscriptions, and schedules sending to a queue. Attribute names
// are the AWS provider's: [doc] https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/
// sqs_queue, sqs_queue_redrive_policy, sns_topic, sns_topic_subscription, scheduler_schedule,
// cloudwatch_event_rule, cloudwatch_event_target.
#include "scenarios/loader/import/schedule_expression.hpp"
#include "scenarios/loader/import/terraform_importer.hpp"

namespace loadcast::scenario {

void TerraformImporter::map_messaging() {
  const auto queues = plan_.of_type("aws_sqs_queue");
  for (const TfResource* q : queues) {
    handled(q);
    DraftQueue d;
    d.name = queue_key(*q);
    d.from = q->address;
    if (draft_.queue(d.name) != nullptr) {
      draft_.not_imported(q->address, "a second queue named " + d.name + ": loadcast needs distinct names");
      continue;
    }
    if (tf_bool(*q->values, {"fifo_queue"}) != std::optional<bool>(true)) {
      draft_.not_imported(q->address, "a standard queue: loadcast models SQS FIFO (imported as FIFO)");
    }
    if (auto v = tf_number(*q->values, {"visibility_timeout_seconds"})) d.visibility_timeout = sourced(tf_seconds(*v), q->address + " visibility_timeout_seconds");
    if (auto v = tf_number(*q->values, {"message_retention_seconds"})) d.retention = sourced(tf_seconds(*v), q->address + " message_retention_seconds");
    if (auto v = tf_number(*q->values, {"delay_seconds"}); v && *v > 0) {
      draft_.not_imported(q->address, "delay_seconds: a delay queue; loadcast delivers messages at once");
    }
    const auto scope = tf_string(*q->values, {"deduplication_scope"});
    const auto limit = tf_string(*q->values, {"fifo_throughput_limit"});
    if (scope == std::optional<std::string>("messageGroup") && limit == std::optional<std::string>("perMessageGroupId")) {
      d.high_throughput = sourced(true, q->address + " deduplication_scope, fifo_throughput_limit");
    } else if ((scope && *scope == "messageGroup") || (limit && *limit == "perMessageGroupId")) {
      draft_.not_imported(q->address, "deduplication_scope / fifo_throughput_limit: loadcast models the default FIFO mode or high throughput (both per message group)");
    }
    draft_.queues.push_back(d);
  }
  // Redrive policies: on the queue, or in an aws_sqs_queue_redrive_policy.
  auto redrive = [&](const TfResource& holder, const TfResource& queue) {
    DraftQueue* d = draft_.queue(queue_key(queue));
    if (d == nullptr) return;
    const TfResource* dlq = nullptr;
    std::optional<double> max_receive;
    if (auto text = tf_string(*holder.values, {"redrive_policy"}); text && !text->empty()) {
      try {
        const Json j = Json::parse(*text);
        if (auto arn = j.find("deadLetterTargetArn"); arn != j.end() && arn->is_string()) {
          for (const TfResource* q : queues) {
            if (tf_string(*q->values, {"arn"}) == arn->get<std::string>()) dlq = q;
          }
        }
        if (auto m = j.find("maxReceiveCount"); m != j.end()) {
          if (m->is_number()) max_receive = m->get<double>();
          else if (m->is_string()) max_receive = std::stod(m->get<std::string>());
        }
      } catch (const std::exception&) {
        throw ImportError({holder.file + ": " + holder.address + ": redrive_policy is not valid JSON"});
      }
    }
    if (dlq == nullptr) dlq = plan_.link(holder, {"redrive_policy"}, {"aws_sqs_queue"});
    if (dlq == nullptr) {
      if (!tf_string(*holder.values, {"redrive_policy"}).value_or("").empty()) draft_.not_imported(holder.address, "redrive_policy names a dead-letter queue that is not in the plan");
      return;
    }
    d->dead_letter_queue = sourced(queue_key(*dlq), holder.address + " redrive_policy");
    if (max_receive) {
      d->max_receive_count = sourced(static_cast<std::int64_t>(*max_receive), holder.address + " redrive_policy.maxReceiveCount");
    } else {
      d->max_receive_count = sourced(std::int64_t{5}, std::string("ASSUMPTION: maxReceiveCount is known only after apply"));
      draft_.fill_in.push_back("queues." + d->name + ".dead_letter.max_receive_count: the redrive policy's maxReceiveCount (known only after apply; now 5)");
    }
  };
  for (const TfResource* q : queues) redrive(*q, *q);
  for (const TfResource* r : plan_.of_type("aws_sqs_queue_redrive_policy")) {
    handled(r);
    const TfResource* q = plan_.link(*r, {"queue_url"}, {"aws_sqs_queue"});
    if (q == nullptr) {
      draft_.not_imported(r->address, "its queue is not in the plan");
      continue;
    }
    redrive(*r, *q);
  }
  for (const TfResource* t : plan_.of_type("aws_sns_topic")) {
    handled(t);
    DraftTopic d;
    d.name = topic_key(*t);
    d.from = t->address;
    if (draft_.queue(d.name) != nullptr) d.name += "-topic";
    if (tf_bool(*t->values, {"fifo_topic"}) != std::optional<bool>(true)) {
      draft_.not_imported(t->address, "a standard SNS topic: loadcast models SNS FIFO (imported as FIFO)");
    }
    if (tf_string(*t->values, {"fifo_throughput_scope"}) == std::optional<std::string>("MessageGroup")) {
      d.high_throughput = sourced(true, t->address + " fifo_throughput_scope");
    }
    for (const TfResource* s : plan_.of_type("aws_sns_topic_subscription")) {
      if (plan_.link(*s, {"topic_arn"}, {"aws_sns_topic"}) != t) continue;
      handled(s);
      const std::string protocol = tf_string(*s->values, {"protocol"}).value_or("");
      if (protocol != "sqs") {
        if (protocol == "email" || protocol == "email-json" || protocol == "sms") draft_.ignored(s->address, "a " + protocol + " subscription: notifications to people are outside the model");
        else draft_.not_imported(s->address, "a " + protocol + " subscription: loadcast delivers to SQS queues only");
        continue;
      }
      const TfResource* q = plan_.link(*s, {"endpoint"}, {"aws_sqs_queue"});
      if (q == nullptr) {
        draft_.not_imported(s->address, "its endpoint queue is not in the plan");
        continue;
      }
      if (auto fp = tf_string(*s->values, {"filter_policy"}); fp && !fp->empty()) {
        draft_.not_imported(s->address, "filter_policy: every message of the topic reaches the queue in loadcast");
      }
      d.subscriptions.push_back(queue_key(*q));
    }
    if (d.subscriptions.empty()) {
      draft_.not_imported(t->address, "a topic without an SQS subscription in the plan: publishing to it is not modelled");
      continue;
    }
    draft_.topics.push_back(d);
  }
  for (const TfResource* s : plan_.of_type("aws_sns_topic_subscription")) {
    if (handled_.count(s) == 0) {
      handled(s);
      draft_.not_imported(s->address, "its topic is not in the plan");
    }
  }
  // Schedules sending to a queue: EventBridge Scheduler, or a scheduled EventBridge rule.
  auto schedule_to = [&](const TfResource& from, const std::string& expr, const TfResource* queue) {
    DraftQueue* q = queue ? draft_.queue(queue_key(*queue)) : nullptr;
    if (q == nullptr) {
      draft_.not_imported(from.address, "a schedule whose target is not an SQS queue of the plan");
      return;
    }
    std::string why;
    const auto rec = parse_recurrence(expr, why);
    if (!rec) {
      draft_.not_imported(from.address, "schedule_expression: " + why);
      return;
    }
    if (!rec->approximation.empty()) draft_.not_imported(from.address, "schedule_expression '" + expr + "': " + rec->approximation);
    DraftSchedule s;
    s.from = from.address + " '" + expr + "'";
    s.every = rec->every;
    s.start = rec->start;
    q->schedules.push_back(s);
  };
  for (const TfResource* s : plan_.of_type("aws_scheduler_schedule")) {
    handled(s);
    if (tf_string(*s->values, {"state"}) == std::optional<std::string>("DISABLED")) {
      draft_.note(s->address, "state DISABLED: the schedule does not fire");
      continue;
    }
    schedule_to(*s, tf_string(*s->values, {"schedule_expression"}).value_or(""), plan_.link(*s, {"target", "arn"}, {"aws_sqs_queue"}));
  }
  for (const TfResource* rule : plan_.of_type("aws_cloudwatch_event_rule")) {
    handled(rule);
    const auto expr = tf_string(*rule->values, {"schedule_expression"});
    if (!expr || expr->empty()) {
      draft_.not_imported(rule->address, "an EventBridge rule on an event pattern: loadcast has no such events");
      continue;
    }
    for (const TfResource* target : plan_.of_type("aws_cloudwatch_event_target")) {
      if (plan_.link(*target, {"rule"}, {"aws_cloudwatch_event_rule"}) != rule) continue;
      handled(target);
      schedule_to(*target, *expr, plan_.link(*target, {"arn"}, {"aws_sqs_queue"}));
    }
  }
}

}  // namespace loadcast::scenario
