// OutboundCall: the network side of a `delay` step that is a call out of the VPC (an external API,
// S3): the bytes it sends and receives and the path they take, and the meter that adds them to
// the run's bill. The delay itself stays the step's latency; this only meters.
//
// Paths and what AWS bills for them:
// - nat: a task in a private subnet reaches the internet through a NAT gateway, which bills every
//   GB it processes in both directions; what leaves AWS is also data transfer out to the
//   internet ([doc] https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-pricing.html ,
//   https://aws.amazon.com/vpc/pricing/).
// - internet: a task with a public address sends straight out: data transfer out only.
// - gateway_endpoint: S3 or DynamoDB in the same Region through a gateway VPC endpoint, which has
//   no charge for the endpoint or its data ([doc]
//   https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html): nothing billed.
// Data transfer into AWS from the internet is free (https://aws.amazon.com/ec2/pricing/on-demand/,
// "Data Transfer IN To Amazon EC2 From Internet"), so received bytes cost only through a NAT.
// The NAT gateway is metered under the name `nat_gateway` (the item its hours have in the
// shipped scenarios' cost.fixed_costs). Sizes in bytes. Not thread safe: one meter per component.
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
