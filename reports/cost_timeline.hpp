// Cost over time: what each hour of a run cost, from its cost section and its time series.
//
// A result prices the whole run (`cost.lines`, each line's monthly figure divided by the
// projection factor is what the run metered); this spreads every metered line over the run's
// intervals in proportion to what drives it, then expresses each interval in USD per hour:
// a Fargate line by its service's RUNNING tasks, a Serverless v2 instance by its ACU, a
// provisioned instance by the intervals it was in service, ALB LCUs by the arrivals, an SQS
// queue by its calls (sent, deleted, empty receives), an SNS topic by its publishes; a line
// without such a series (ALB hours, RDS Proxy, ...) evenly. Fixed monthly costs add 1/730 of
// their month every hour. The per-line totals are exact; their spread is the apportioning
// above (an approximation the report says it is). Pure function; thread safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "reports/result.hpp"

namespace loadcast::reports {

// USD per hour in each interval of result.timeseries, per cost item ("fargate", "aurora", ...,
// "fixed" for the fixed monthly costs); empty when the result has no priced cost section or no
// time series.
std::map<std::string, std::vector<double>> cost_per_hour(const Result& result);

}  // namespace loadcast::reports
