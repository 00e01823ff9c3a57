#include "models/messaging/api_client_config.hpp"

namespace loadcast::models {

ConfigProblems ApiClientConfig::validate() const {
  ConfigProblems out;
  const bool base_ok = retry_base >= sim::kMillisecond && retry_base <= sim::kMinute;
  const bool max_ok = retry_max >= sim::kMillisecond && retry_max <= sim::kHour;
  if (!base_ok) out.push_back({"retry.base", between_durations(sim::kMillisecond, sim::kMinute, retry_base)});
  if (!max_ok) out.push_back({"retry.max", between_durations(sim::kMillisecond, sim::kHour, retry_max)});
  const ApiClientConfig defaults;
  if ((max_ok ? retry_max : defaults.retry_max) < (base_ok ? retry_base : defaults.retry_base)) out.push_back({"retry", "max must be >= base"});
  if (max_attempts < 1 || max_attempts > 100) out.push_back({"retry.max_attempts", between(1, 100, max_attempts)});
  return out;
}

}  // namespace loadcast::models
