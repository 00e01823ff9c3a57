// The run's assumptions: the behaviours of the model that AWS does not document and that this
// scenario relies on with loadcast's defaults (each a parameter the scenario may set), listed in
// the result as `assumptions` and shown by every report, so a reader sees what a figure rests on.
//
// One sentence per assumption, naming the components it applies to, its value and the key that
// changes it: target-tracking alarm shapes left at their defaults (3 of 3 / 15 of 15 datapoints
// at 60 s are users' reading of the managed alarms; AWS documents no shape at 20 s), the metric
// publication delay, the target registration delay, the Fargate Spot interruption rate, the ALB
// capacity model. An alarm shape the scenario sets is its own choice and is not listed; the
// other values are listed with the value in force, set or not (each still an assumption about
// AWS).
// Pure function of the configuration; thread safe.
#pragma once

#include <string>
#include <vector>

#include "models/core/config.hpp"

namespace loadcast::models {

std::vector<std::string> model_assumptions(const ModelConfig& config);

}  // namespace loadcast::models
