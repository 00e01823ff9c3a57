// Configuration of a CloudWatch metric set (cloudwatch.hpp MetricPublisher): the period of its
// datapoints and how long after a period ends its datapoint is published. A service reads it
// from `metrics: { resolution, delay }`; Aurora replica auto scaling from `metrics_delay`.
//
// Period 60 s, or 20 s for ECS's high-resolution metrics ([doc]
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/target-tracking-faster-auto-scaling.html).
// assumption: the publication delay, which AWS does not publish: 150 s at 60 s resolution and
// 15 s at 20 s, calibrated to AWS's measured 363 s / 86 s from a load step to the scale-out
// trigger (https://github.com/aws/containers-roadmap/issues/2113).
#pragma once

#include "models/core/config_problem.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

struct MetricsConfig {
  sim::Time period = 60 * sim::kSecond;  // `resolution`: 60 s, or 20 s high resolution
  sim::Time delay = 150 * sim::kSecond;  // assumption (above); 15 s at 20 s resolution

  ConfigProblems validate() const {
    if (period == 60 * sim::kSecond || period == 20 * sim::kSecond) return {};
    return {{"resolution", "must be 60s (standard) or 20s (high resolution)"}};
  }
};

}  // namespace loadcast::models
