// loadcast calibrate --fit-wakeup with services.<name>.wakeup_cold_after: which of a run's
// counted wake-ups were cold, from a simulation of the run (app/calibrate.hpp).

#include "app/calibrate.hpp"
#include "app/exit_code.hpp"

namespace loadcast::app {

std::optional<double> cold_wakeup_share(const reports::Result& simulated, const std::string& service) {
  const auto& p = simulated.sections;
  if (!p.contains("services") || !p["services"].contains(service)) return std::nullopt;
  const auto& s = p["services"][service];
  if (!s.contains("cold_wakeups_per_s") || !s.contains("wakeups_per_s")) return std::nullopt;
  const double all = s["wakeups_per_s"].get<double>();
  if (!(all > 0.0)) return std::nullopt;
  return s["cold_wakeups_per_s"].get<double>() / all;
}

std::vector<double> cold_wakeup_shares(const scenario::Scenario& sc, const std::vector<scenario::Override>& overrides,
                                       const std::vector<CalibrationInput>& inputs, const std::string& service) {
  const models::ServiceConfig* svc = nullptr;
  for (const auto& s : sc.model.services) {
    if (service.empty() ? sc.model.services.size() == 1 : s.name == service) svc = &s;
  }
  if (svc == nullptr || svc->wakeup_cold_after <= 0) return {};
  if (!sc.workload.is_open()) {
    throw UsageError("services." + svc->name + ".wakeup_cold_after: --fit-wakeup simulates each run to find its cold wake-ups, which needs an open-model scenario (arrivals, not users)");
  }
  std::vector<double> shares;
  for (const auto& in : inputs) {
    const auto share = cold_wakeup_share(simulate_measured(sc, overrides, in, "--fit-wakeup", 300 * sim::kSecond).result, svc->name);
    // No wake-up in 300 s: the run had no request for this service; its count, if any, is not
    // the model's to charge.
    shares.push_back(share.value_or(0.0));
  }
  return shares;
}

}  // namespace loadcast::app
