#include "cost/usage_json.hpp"

#include <set>
#include <stdexcept>
#include <type_traits>

#include "cost/usage_fields.hpp"

namespace loadcast::cost {

namespace {

using fields::IsRecord;
using reports::Json;

// Reads one object strictly: every key must be read, numbers must be numbers.
class Obj {
 public:
  Obj(const Json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) throw std::runtime_error("usage: '" + path_ + "' must be an object");
  }
  const std::string& path() const { return path_; }
  double num(const char* key) {
    seen_.insert(key);
    if (!j_.contains(key)) return 0.0;
    if (!j_.at(key).is_number()) throw std::runtime_error("usage: '" + path_ + "." + key + "' must be a number");
    return j_.at(key).get<double>();
  }
  std::string str(const char* key) {
    seen_.insert(key);
    if (!j_.contains(key)) return {};
    if (!j_.at(key).is_string()) throw std::runtime_error("usage: '" + path_ + "." + key + "' must be a string");
    return j_.at(key).get<std::string>();
  }
  bool flag(const char* key, bool fallback) {
    seen_.insert(key);
    if (!j_.contains(key)) return fallback;
    if (!j_.at(key).is_boolean()) throw std::runtime_error("usage: '" + path_ + "." + key + "' must be true or false");
    return j_.at(key).get<bool>();
  }
  const Json* list(const char* key) {
    seen_.insert(key);
    if (!j_.contains(key)) return nullptr;
    if (!j_.at(key).is_array()) throw std::runtime_error("usage: '" + path_ + "." + key + "' must be a list");
    return &j_.at(key);
  }
  void finish() const {
    for (const auto& [k, v] : j_.items()) {
      if (!seen_.count(k)) throw std::runtime_error("usage: unknown key '" + path_ + "." + k + "'");
    }
  }

 private:
  const Json& j_;
  std::string path_;
  std::set<std::string> seen_;
};

// The values an enum field may take, by name (to_string). An empty name reads as the first
// value only where an older result may have left the field out (Aurora storage).
template <typename E>
struct EnumValues;
template <>
struct EnumValues<CpuArch> {
  static constexpr CpuArch all[] = {CpuArch::kX86, CpuArch::kArm};
  static constexpr bool empty_is_first = false;
};
template <>
struct EnumValues<CapacityType> {
  static constexpr CapacityType all[] = {CapacityType::kOnDemand, CapacityType::kSpot};
  static constexpr bool empty_is_first = false;
};
template <>
struct EnumValues<AuroraStorage> {
  static constexpr AuroraStorage all[] = {AuroraStorage::kStandard, AuroraStorage::kIoOptimized};
  static constexpr bool empty_is_first = true;
};

// `list` is the Usage list the record is in, for the message ("fargate arch must be ...").
template <typename E>
E enum_from(const std::string& name, const std::string& list, const char* key) {
  if (name.empty() && EnumValues<E>::empty_is_first) return EnumValues<E>::all[0];
  std::string choices;
  for (E v : EnumValues<E>::all) {
    if (name == to_string(v)) return v;
    choices += std::string(choices.empty() ? "" : " or ") + to_string(v);
  }
  throw std::runtime_error("usage: " + list + " " + key + " must be " + choices + ", found '" + name + "'");
}

template <IsRecord T>
void write_record(Json& j, const T& record);
template <IsRecord T>
void read_record(Obj& o, const std::string& list, T& record);

template <typename M>
void write_value(Json& j, const char* key, const M& v) {
  if constexpr (IsRecord<M>) {
    write_record(j, v);  // a nested record's fields sit inline
  } else if constexpr (std::is_enum_v<M>) {
    j[key] = to_string(v);
  } else if constexpr (requires { v.begin(); } && !std::is_same_v<M, std::string>) {
    Json a = Json::array();
    for (const auto& record : v) {
      Json o = Json::object();
      write_record(o, record);
      a.push_back(std::move(o));
    }
    j[key] = std::move(a);
  } else {
    j[key] = v;
  }
}

template <typename M>
void read_value(Obj& o, const std::string& list, const char* key, M& v) {
  if constexpr (IsRecord<M>) {
    read_record(o, list, v);
  } else if constexpr (std::is_enum_v<M>) {
    v = enum_from<M>(o.str(key), list, key);
  } else if constexpr (std::is_same_v<M, std::string>) {
    v = o.str(key);
  } else if constexpr (std::is_same_v<M, bool>) {
    v = o.flag(key, v);  // absent: the struct's default
  } else if constexpr (std::is_same_v<M, double>) {
    v = o.num(key);
  } else if constexpr (std::is_same_v<M, std::uint64_t>) {
    v = static_cast<std::uint64_t>(o.num(key));
  } else {
    const Json* items = o.list(key);
    if (items == nullptr) return;
    for (std::size_t i = 0; i < items->size(); ++i) {
      Obj item((*items)[i], std::string(key) + "[" + std::to_string(i) + "]");
      typename M::value_type record;
      read_record(item, key, record);
      item.finish();
      v.push_back(std::move(record));
    }
  }
}

template <IsRecord T>
void write_record(Json& j, const T& record) {
  fields::for_each_record_field<T>([&](const auto& f) { write_value(j, f.key, record.*f.member); });
}

template <IsRecord T>
void read_record(Obj& o, const std::string& list, T& record) {
  fields::for_each_record_field<T>([&](const auto& f) { read_value(o, list, f.key, record.*f.member); });
}

}  // namespace

Json usage_to_section(const Usage& u) {
  Json j;
  reports::for_each_field(fields::kUsageFields, [&](const auto& f) { write_value(j, f.key, u.*f.member); });
  return j;
}

Usage usage_from_section(const Json& j) {
  Usage u;
  Obj o(j, "usage");
  reports::for_each_field(fields::kUsageFields, [&](const auto& f) { read_value(o, o.path(), f.key, u.*f.member); });
  o.finish();
  return u;
}

void add_usage_section(reports::Result& result, const Usage& usage) {
  // Where simulated results have always had it: after the model's sections, before `cost`.
  Json sections = Json::object();
  for (auto& [key, value] : result.sections.items()) {
    if (key == "cost" && !sections.contains("usage")) sections["usage"] = usage_to_section(usage);
    if (key != "usage") sections[key] = std::move(value);
  }
  if (!sections.contains("usage")) sections["usage"] = usage_to_section(usage);
  result.sections = std::move(sections);
}

}  // namespace loadcast::cost
