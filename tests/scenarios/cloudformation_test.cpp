// CloudFormation evaluation for Copilot addons: parameters, mappings, conditions and the
// intrinsic functions in their short (!Ref) and long ({Ref: X}) forms; references to what the
// template does not define fail at their location.
#include <catch2/catch.hpp>

#include "scenarios/loader/import/cloudformation.hpp"

using namespace loadcast;
using scenario::CfnTemplate;
using scenario::YamlTree;

namespace {

const char* kTemplate = R"(Parameters:
  App: { Type: String }
  Env: { Type: String }
  Size: { Type: String, Default: small }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Mappings:
  Capacity:
    prod: { Max: 8 }
    test: { Max: 2 }
Resources:
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties:
      DBClusterIdentifier: !Sub '${App}-${Env}-db'
      Name2: { 'Fn::Sub': ['${A}-x', { A: !Ref Size }] }
      Literal: !Sub '${!NotAVariable} in ${AWS::Region}'
      Max: !FindInMap [Capacity, !Ref Env, Max]
      Backup: !If [IsProd, 30, 7]
      Maybe: !If [NotProd, yes, !Ref 'AWS::NoValue']
      Joined: !Join ['-', [a, !Select [1, !Split [',', 'x,y,z']]]]
      Long: { Ref: Size }
      Arn: !GetAtt Cluster.Arn
      Self: !Ref Cluster
      Import: !ImportValue shared-vpc
  ProdOnly:
    Type: AWS::RDS::DBInstance
    Condition: IsProd
    Properties:
      DBClusterIdentifier: !Ref Cluster
)";

CfnTemplate make(const std::string& env, const std::string& text = kTemplate) {
  std::map<std::string, YamlTree> params{{"App", YamlTree::make_scalar("shop")}, {"Env", YamlTree::make_scalar(env)}};
  return CfnTemplate(scenario::parse_yaml(text, "db.yml"), "db.yml", params, "eu-west-1");
}

std::string str(const CfnTemplate& t, const std::string& key) {
  const auto v = t.property(*t.resource("Cluster"), key);
  REQUIRE(v);
  const auto s = scenario::cfn_string(*v);
  REQUIRE(s);
  return *s;
}

}  // namespace

TEST_CASE("CloudFormation: intrinsic functions evaluate for one environment") {
  const auto t = make("prod");
  CHECK(str(t, "DBClusterIdentifier") == "shop-prod-db");
  CHECK(str(t, "Name2") == "small-x");
  CHECK(str(t, "Literal") == "${NotAVariable} in eu-west-1");
  CHECK(scenario::cfn_number(*t.property(*t.resource("Cluster"), "Max")) == 8);
  CHECK(scenario::cfn_number(*t.property(*t.resource("Cluster"), "Backup")) == 30);
  CHECK_FALSE(t.property(*t.resource("Cluster"), "Maybe"));  // AWS::NoValue removes it
  CHECK(str(t, "Joined") == "a-y");
  CHECK(str(t, "Long") == "small");
  CHECK(scenario::cfn_referenced_id(*t.property(*t.resource("Cluster"), "Arn")) == "Cluster");
  CHECK(scenario::cfn_referenced_id(*t.property(*t.resource("Cluster"), "Self")) == "Cluster");
  const auto imported = t.property(*t.resource("Cluster"), "Import");
  CHECK_FALSE(scenario::cfn_string(*imported));  // known only once deployed
  CHECK(t.resource("ProdOnly") != nullptr);
}

TEST_CASE("CloudFormation: a false Condition leaves the resource out") {
  const auto t = make("test");
  CHECK(t.resource("ProdOnly") == nullptr);
  REQUIRE(t.skipped().size() == 1);
  CHECK(t.skipped()[0] == std::pair<std::string, std::string>{"ProdOnly", "IsProd"});
  CHECK(scenario::cfn_number(*t.property(*t.resource("Cluster"), "Max")) == 2);
  CHECK(str(t, "Maybe") == "yes");
}

TEST_CASE("CloudFormation: a reference to what the template does not define fails at its location") {
  auto error_of = [](const std::string& text) {
    try {
      const auto t = make("prod", text);
      for (const auto& r : t.resources()) {
        for (const auto& e : r.properties->entries) (void)t.property(r, e.key);
      }
    } catch (const scenario::ImportError& e) {
      return e.errors().at(0);
    }
    return std::string();
  };
  CHECK(error_of("Resources:\n  A:\n    Type: X\n    Properties:\n      P: !Ref Missing\n") ==
        "db.yml:5:10: Ref Missing: no parameter or resource of that name in this template");
  CHECK(error_of("Resources:\n  A:\n    Type: X\n    Properties:\n      P: !GetAtt Missing.Arn\n") ==
        "db.yml:5:10: Fn::GetAtt Missing.Arn: no resource Missing in this template");
  CHECK(error_of("Resources:\n  A:\n    Type: X\n    Properties:\n      P: !FindInMap [Nope, a, b]\n") ==
        "db.yml:5:10: Fn::FindInMap: no mapping Nope in Mappings");
  CHECK(error_of("Resources:\n  A:\n    Type: X\n    Condition: Nope\n") == "db.yml:4:16: condition Nope is not defined in Conditions");
}
