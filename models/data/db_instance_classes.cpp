#include "models/data/db_instance_classes.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace loadcast::models {

namespace {

constexpr std::array<DbInstanceClass, 36> kClasses{{
    {"db.t3.micro", 2, 1, 0, false},       {"db.t3.small", 2, 2, 45, false},
    {"db.t3.medium", 2, 4, 90, true},      {"db.t3.large", 2, 8, 135, true},
    {"db.t4g.micro", 2, 1, 0, false},      {"db.t4g.small", 2, 2, 0, false},
    {"db.t4g.medium", 2, 4, 90, true},     {"db.t4g.large", 2, 8, 135, true},
    {"db.m5.large", 2, 8, 0, false},       {"db.m5.xlarge", 4, 16, 0, false},
    {"db.m5.2xlarge", 8, 32, 0, false},    {"db.m6g.large", 2, 8, 0, false},
    {"db.m6g.xlarge", 4, 16, 0, false},    {"db.m7g.large", 2, 8, 0, false},
    {"db.m7g.xlarge", 4, 16, 0, false},    {"db.r5.large", 2, 16, 1000, true},
    {"db.r5.xlarge", 4, 32, 2000, true},   {"db.r5.2xlarge", 8, 64, 3000, true},
    {"db.r5.4xlarge", 16, 128, 4000, true},{"db.r5.8xlarge", 32, 256, 5000, true},
    {"db.r6g.large", 2, 16, 1000, true},   {"db.r6g.xlarge", 4, 32, 2000, true},
    {"db.r6g.2xlarge", 8, 64, 3000, true}, {"db.r6g.4xlarge", 16, 128, 4000, true},
    {"db.r6g.8xlarge", 32, 256, 5000, true},{"db.r6i.large", 2, 16, 1000, true},
    {"db.r6i.xlarge", 4, 32, 2000, true},  {"db.r6i.2xlarge", 8, 64, 3000, true},
    {"db.r7g.large", 2, 16, 1000, true},   {"db.r7g.xlarge", 4, 32, 2000, true},
    {"db.r7g.2xlarge", 8, 64, 3000, true}, {"db.r7g.4xlarge", 16, 128, 4000, true},
    {"db.r8g.large", 2, 16, 1000, true},   {"db.r8g.xlarge", 4, 32, 2000, true},
    {"db.r8g.2xlarge", 8, 64, 3000, true}, {"db.r8g.4xlarge", 16, 128, 4000, true},
}};

struct Row {
  double max_acu;
  int mysql;
  int postgresql;
};
constexpr std::array<Row, 8> kServerless{{
    {1, 90, 189}, {4, 135, 823}, {8, 1000, 1669}, {16, 2000, 3360},
    {32, 3000, 5000}, {64, 4000, 5000}, {128, 5000, 5000}, {256, 6000, 5000},
}};

constexpr double kGib = 1073741824.0;

}  // namespace

const DbInstanceClass* find_db_instance_class(const std::string& name) {
  for (const auto& c : kClasses) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

std::vector<std::string> db_instance_class_names(bool aurora_only) {
  std::vector<std::string> out;
  for (const auto& c : kClasses) {
    if (!aurora_only || c.aurora) out.emplace_back(c.name);
  }
  return out;
}

int provisioned_max_connections(DbType type, DbEngine engine, const DbInstanceClass& cls) {
  const double memory = cls.memory_gib * kGib;
  if (engine == DbEngine::kPostgresql) return static_cast<int>(std::min(5000.0, std::floor(memory / 9531392.0)));
  if (type == DbType::kAuroraProvisioned && cls.aurora_mysql_max_connections > 0) return cls.aurora_mysql_max_connections;
  return static_cast<int>(std::floor(memory / 12582880.0));
}

int serverless_max_connections(DbEngine engine, double min_acu, double max_acu) {
  auto value = [engine](const Row& r) { return static_cast<double>(engine == DbEngine::kMysql ? r.mysql : r.postgresql); };
  double v = value(kServerless.front());
  if (max_acu >= kServerless.back().max_acu) {
    v = value(kServerless.back());
  } else {
    for (std::size_t i = 1; i < kServerless.size(); ++i) {
      const Row& lo = kServerless[i - 1];
      const Row& hi = kServerless[i];
      if (max_acu <= hi.max_acu && max_acu >= lo.max_acu) {
        const double f = (max_acu - lo.max_acu) / (hi.max_acu - lo.max_acu);
        v = value(lo) + f * (value(hi) - value(lo));
        break;
      }
    }
  }
  if (engine == DbEngine::kPostgresql && min_acu <= 0.5) v = std::min(v, 2000.0);
  return static_cast<int>(std::floor(v));
}

double serverless_connection_floor_acu(DbEngine engine, int connections) {
  auto value = [engine](const Row& r) { return static_cast<double>(engine == DbEngine::kMysql ? r.mysql : r.postgresql); };
  const double n = static_cast<double>(connections);
  if (n <= value(kServerless.front())) return 0.0;
  for (std::size_t i = 1; i < kServerless.size(); ++i) {
    const Row& lo = kServerless[i - 1];
    const Row& hi = kServerless[i];
    if (n <= value(hi)) return lo.max_acu + (n - value(lo)) / (value(hi) - value(lo)) * (hi.max_acu - lo.max_acu);
  }
  return kServerless.back().max_acu;
}

}  // namespace loadcast::models
