// Billed resources of a Terraform plan that loadcast prices but does not simulate
// (terraform_importer.hpp): a regional AWS WAF web ACL becomes the load balancer's `waf` (its
// requests are metered from the simulated traffic), and NAT gateways, Elastic IPs, interface VPC
// endpoints and S3 buckets become `cost.fixed_costs` items of the region's prices. A gateway
// endpoint has no charge ([doc] https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html).
// Attribute names are the AWS provider's: [doc]
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ wafv2_web_acl,
// nat_gateway, eip, vpc_endpoint, s3_bucket.
#include "scenarios/loader/import/terraform_importer.hpp"

namespace loadcast::scenario {

namespace {

// Assumption written for a bucket: the plan does not say how much it stores.
constexpr double kAssumedBucketGb = 10.0;

}  // namespace

void TerraformImporter::map_costs() {
  for (const TfResource* acl : plan_.of_type("aws_wafv2_web_acl")) {
    handled(acl);
    if (tf_string(*acl->values, {"scope"}) == std::optional<std::string>("CLOUDFRONT")) {
      draft_.not_imported(acl->address, "a CloudFront web ACL: loadcast has no CloudFront distribution to meter its requests");
      continue;
    }
    if (!draft_.load_balancer) {
      draft_.not_imported(acl->address, "a web ACL with no load balancer in the scenario to inspect requests of");
      continue;
    }
    if (draft_.load_balancer->waf_rules) {
      draft_.not_imported(acl->address, "a second web ACL: the load balancer has one (" + draft_.load_balancer->waf_rules->from + ")");
      continue;
    }
    const int rules = static_cast<int>(tf_blocks(*acl->values, {"rule"}).size());
    draft_.load_balancer->waf_rules = sourced(rules, acl->address);
  }
  for (const TfResource* nat : plan_.of_type("aws_nat_gateway")) {
    handled(nat);
    draft_.fixed_costs.push_back({nat->address, "nat_gateway", "nat_gateway.hour", 1.0, 0.0,
                                  "NAT gateway hours; its data is metered from delay steps with call: { via: nat }"});
  }
  for (const TfResource* eip : plan_.of_type("aws_eip")) {
    handled(eip);
    draft_.fixed_costs.push_back({eip->address, "public_ipv4", "public_ipv4.ip_hour", 1.0, 0.0, "Elastic IP: a public IPv4 address"});
  }
  for (const TfResource* ep : plan_.of_type("aws_vpc_endpoint")) {
    handled(ep);
    // The provider's default endpoint type is Gateway.
    const std::string type = tf_string(*ep->values, {"vpc_endpoint_type"}).value_or("Gateway");
    const std::string service = tf_string(*ep->values, {"service_name"}).value_or("?");
    if (type == "Gateway") {
      draft_.ignored(ep->address, "aws_vpc_endpoint (a gateway endpoint to " + service + ": no charge)");
      continue;
    }
    if (type != "Interface") {
      draft_.not_imported(ep->address, "a " + type + " VPC endpoint: the price table has interface endpoints only");
      continue;
    }
    const Json& v = *ep->values;
    const bool known = v.contains("subnet_ids") && v["subnet_ids"].is_array() && !v["subnet_ids"].empty();
    const double azs = known ? static_cast<double>(v["subnet_ids"].size()) : 1.0;
    if (!known) {
      draft_.fill_in.push_back("cost.fixed_costs vpc_endpoint (" + ep->address +
                               "): the Availability Zones of the interface endpoint, one billed ENI each (subnet_ids unknown in the plan; now 1)");
    }
    draft_.fixed_costs.push_back({ep->address, "vpc_endpoint", "vpc_endpoint.interface_az_hour", azs, 0.0,
                                  "interface endpoint to " + service + (known ? "" : " (ASSUMPTION: 1 AZ)")});
  }
  for (const TfResource* b : plan_.of_type("aws_s3_bucket")) {
    handled(b);
    const std::string name = tf_string(*b->values, {"bucket"}).value_or(b->name);
    draft_.fill_in.push_back("cost.fixed_costs s3 (" + b->address + "): the GB bucket " + name + " stores (now " +
                             std::to_string(static_cast<int>(kAssumedBucketGb)) + ")");
    draft_.fixed_costs.push_back({b->address, "s3", "s3.standard_gb_month", 0.0, kAssumedBucketGb,
                                  "ASSUMPTION: bucket " + name + " stores 10 GB in S3 Standard; its requests are not priced"});
  }
}

}  // namespace loadcast::scenario
