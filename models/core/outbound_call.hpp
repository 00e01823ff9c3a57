// OutboundCallConfig and OutboundMeter: the network side of a `delay` step that is a call out of the VPC (an external API,
// S3): the bytes it sends and receives, the path they take (`nat`: NAT gateway data both ways
// plus internet data out; `internet`: data out only; `gateway_endpoint`: nothing billed), and the
// meter that adds them to the run's bill (the NAT under the name `nat_gateway`). The delay itself
// stays the step's latency; this only meters. Sizes in bytes.
// [doc] https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-pricing.html
// [doc] https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
// [doc] https://aws.amazon.com/ec2/pricing/on-demand/ ("Data Transfer IN ... From Internet" is free)
// Facts: docs/cost.md#aws-pricing-pages-and-billing-rules
// Not thread safe: one meter per component.
#pragma once

#include <optional>
#include <string>

#include "models/core/config_problem.hpp"
#include "sim/distribution.hpp"
#include "sim/rng.hpp"

namespace loadcast::cost {
struct Usage;
}  // namespace loadcast::cost

namespace loadcast::models {

enum class EgressPath { kNat, kInternet, kGatewayEndpoint };

const char* to_string(EgressPath p);
std::optional<EgressPath> egress_path_from(const std::string& name);

inline constexpr const char* kNatGatewayName = "nat_gateway";

struct OutboundCallConfig {
  EgressPath via = EgressPath::kNat;
  sim::Distribution sent_bytes = sim::Distribution::constant(1024.0);      // request, headers included
  sim::Distribution received_bytes = sim::Distribution::constant(4096.0);  // response

  ConfigProblems validate() const;
};

class OutboundMeter {
 public:
  // One call: samples its sizes from `rng` (negative samples count as 0).
  void add(const OutboundCallConfig& call, sim::Rng& rng);
  // Adds what was metered: NAT data processed and data transfer out to the internet.
  void add_usage(cost::Usage& usage) const;
  bool used() const { return used_; }
  double nat_bytes() const { return nat_bytes_; }
  double internet_out_bytes() const { return internet_out_bytes_; }

 private:
  double nat_bytes_ = 0.0;
  double internet_out_bytes_ = 0.0;
  bool used_ = false;
};

}  // namespace loadcast::models
