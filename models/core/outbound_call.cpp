#include "models/core/outbound_call.hpp"

#include <algorithm>

#include "cost/usage.hpp"

namespace loadcast::models {

const char* to_string(EgressPath p) {
  switch (p) {
    case EgressPath::kNat: return "nat";
    case EgressPath::kInternet: return "internet";
    case EgressPath::kGatewayEndpoint: return "gateway_endpoint";
  }
  return "nat";
}

std::optional<EgressPath> egress_path_from(const std::string& name) {
  for (EgressPath p : {EgressPath::kNat, EgressPath::kInternet, EgressPath::kGatewayEndpoint}) {
    if (name == to_string(p)) return p;
  }
  return std::nullopt;
}

ConfigProblems OutboundCallConfig::validate() const {
  ConfigProblems out;
  if (sent_bytes.mean() < 0.0) out.push_back({"sent", "must be a size in bytes >= 0"});
  if (received_bytes.mean() < 0.0) out.push_back({"received", "must be a size in bytes >= 0"});
  return out;
}

void OutboundMeter::add(const OutboundCallConfig& call, sim::Rng& rng) {
  used_ = true;
  const double sent = std::max(0.0, call.sent_bytes.sample(rng));
  const double received = std::max(0.0, call.received_bytes.sample(rng));
  switch (call.via) {
    case EgressPath::kNat:
      nat_bytes_ += sent + received;
      internet_out_bytes_ += sent;
      break;
    case EgressPath::kInternet:
      internet_out_bytes_ += sent;
      break;
    case EgressPath::kGatewayEndpoint:
      break;
  }
}

void OutboundMeter::add_usage(cost::Usage& usage) const {
  if (nat_bytes_ > 0.0) usage.nat_gateway_for(kNatGatewayName).processed_bytes += nat_bytes_;
  usage.internet_out_bytes += internet_out_bytes_;
}

}  // namespace loadcast::models
