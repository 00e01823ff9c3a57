// TerraformPlan: the resources of one or more `terraform show -json` outputs — a plan
// (`planned_values`, with `configuration`) or a state (`values`) — flattened over child modules,
// with what the importer needs to follow one resource to another. In a plan, attributes known only
// after apply (every ARN of a new resource) are absent from the values, so a link is found by
// value when it is known (an ARN, id, name or URL equal to the target's) and otherwise through the
// configuration's `references` of that attribute, resolved in the resource's own module (an
// instance key such as [0] or ["web"] pairs instances of the same key). A reference the
// configuration names but the plan does not hold is an ImportError at the resource's address.
// [doc] https://developer.hashicorp.com/terraform/internals/json-format
// Internal to scenarios/loader. Not thread safe.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/loader/import/import.hpp"
#include "sim/time.hpp"

namespace loadcast::scenario {

using Json = nlohmann::json;

struct TfResource {
  std::string address;  // "module.compute.aws_ecs_service.web"
  std::string module;   // "module.compute" (instance keys kept), "" for the root module
  std::string type;
  std::string name;
  std::string index;    // the instance key as written in the address ("0", "\"web\""), empty when none
  bool data = false;    // a data source
  const Json* values = nullptr;  // never null (an empty object when absent)
  const Json* config = nullptr;  // the configuration's `expressions`, or null
  std::string file;     // the input it came from
};

class TerraformPlan {
 public:
  // Reads one file; throws ImportError "file:line:col: not valid JSON: ..." or naming what is
  // missing ("neither planned_values nor values").
  void add_file(const std::string& path, const std::string& shown);

  const std::vector<TfResource>& resources() const { return resources_; }
  std::vector<const TfResource*> of_type(const std::string& type) const;
  std::vector<const TfResource*> of_types(const std::vector<std::string>& types) const;

  // The resources of `types` that attribute `path` of `from` refers to (see the header). `path`
  // walks objects and one-element block lists: {"load_balancer", "target_group_arn"} reads
  // values.load_balancer[*].target_group_arn and expressions.load_balancer[*].target_group_arn.
  std::vector<const TfResource*> links(const TfResource& from, const std::vector<std::string>& path,
                                       const std::vector<std::string>& types) const;
  const TfResource* link(const TfResource& from, const std::vector<std::string>& path, const std::vector<std::string>& types) const;

  // Whether `from`'s configuration (any attribute) refers to `to`.
  bool config_refers(const TfResource& from, const TfResource& to) const;

  // The AWS provider's region: its configuration's constant, a root variable's value, or the
  // region of the first ARN in the values. Sets `from` to where it was found.
  std::optional<std::string> region(std::string& from) const;

 private:
  struct Doc {
    std::string shown;
    Json json;
  };
  void add_module(const Json& module, const Doc& doc, const std::map<std::string, const Json*>& config);
  const TfResource* resolve_reference(const TfResource& from, const std::string& ref) const;

  std::deque<Doc> docs_;
  std::vector<TfResource> resources_;
};

// Value helpers: `at(v, {"health_check", "interval"})` walks objects and the first element of
// block lists; nullptr when absent or null.
const Json* tf_at(const Json& v, const std::vector<std::string>& path);
std::optional<std::string> tf_string(const Json& v, const std::vector<std::string>& path);
// Numbers may be JSON numbers or numeric strings (deregistration_delay is a string in the provider).
std::optional<double> tf_number(const Json& v, const std::vector<std::string>& path);
std::optional<bool> tf_bool(const Json& v, const std::vector<std::string>& path);
// Every element of a block list (or the single object) at `path`.
std::vector<const Json*> tf_blocks(const Json& v, const std::vector<std::string>& path);
// The provider's durations are whole seconds.
sim::Time tf_seconds(double s);

}  // namespace loadcast::scenario
