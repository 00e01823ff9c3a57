// CfnTemplate: a CloudFormation template in YAML (a Copilot addon) with its intrinsic functions
// evaluated the way CloudFormation would for one deployment: `Parameters` take the values given
// (Copilot passes App, Env and Name, and addons.parameters.yml more) or their Default;
// `Mappings`, `Conditions` and a resource's `Condition` are resolved; `Ref`, `Fn::Sub`,
// `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::If`, `Fn::Equals`, `Fn::Not`,
// `Fn::And`, `Fn::Or` are evaluated in both the short (`!Ref`) and the long (`{Ref: X}`) form.
// [doc] https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
// What only exists once deployed stays symbolic: a reference to a resource evaluates to a scalar
// tagged "!Ref" (its logical id) or "!GetAtt" ("Id.Attribute"); what cannot be known here
// (`Fn::ImportValue`, `AWS::AccountId`...) to a scalar tagged "!Unresolved" saying why.
// A reference to a parameter, mapping key, condition or resource the template does not define
// throws ImportError at its file:line:col. Not thread safe (values are marked used).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/loader/import/yaml_tree.hpp"

namespace loadcast::scenario {

struct CfnResource {
  std::string id;    // logical id
  std::string type;  // "AWS::RDS::DBCluster"
  const YamlTree* node = nullptr;        // the resource's mapping
  const YamlTree* properties = nullptr;  // may be null
  int line = 0;
  int column = 0;
};

class CfnTemplate {
 public:
  // `parameters`: values by name (scalars or evaluated trees); `region` may be empty (unknown).
  CfnTemplate(YamlTree doc, std::string file, std::map<std::string, YamlTree> parameters, std::string region);

  const std::string& file() const { return file_; }
  // Resources whose Condition holds, in file order.
  const std::vector<CfnResource>& resources() const { return resources_; }
  // Resources left out by a false Condition (id, condition name).
  const std::vector<std::pair<std::string, std::string>>& skipped() const { return skipped_; }
  const CfnResource* resource(const std::string& id) const;

  // The evaluated value of an expression (see the header).
  YamlTree eval(const YamlTree& node) const;
  // A property of a resource, evaluated; nullopt when absent (or AWS::NoValue).
  std::optional<YamlTree> property(const CfnResource& r, const std::string& key) const;
  std::string where(const YamlTree& node) const { return location(file_, node); }
  std::string where(const CfnResource& r) const;

 private:
  YamlTree eval_function(const std::string& fn, const YamlTree& arg, const YamlTree& at) const;
  std::optional<bool> condition(const std::string& name, const YamlTree& at) const;
  std::optional<bool> eval_condition(const YamlTree& node) const;
  YamlTree ref(const std::string& name, const YamlTree& at) const;
  std::string sub(const std::string& text, const std::map<std::string, YamlTree>& vars, const YamlTree& at) const;
  [[noreturn]] void fail(const YamlTree& at, const std::string& message) const;

  YamlTree doc_;
  std::string file_;
  std::map<std::string, YamlTree> parameters_;
  std::string region_;
  std::vector<CfnResource> resources_;
  std::vector<std::pair<std::string, std::string>> skipped_;
  mutable std::map<std::string, std::optional<bool>> conditions_;
  mutable std::vector<std::string> evaluating_;  // conditions being evaluated (cycle check)
};

// Scalar views of an evaluated value: nullopt for containers, references and unresolved values.
std::optional<std::string> cfn_string(const YamlTree& value);
std::optional<double> cfn_number(const YamlTree& value);
std::optional<bool> cfn_bool(const YamlTree& value);
// The logical id a value refers to ("!Ref X" or "!GetAtt X.Attr"), if it is such a reference.
std::optional<std::string> cfn_referenced_id(const YamlTree& value);

}  // namespace loadcast::scenario
