#include <filesystem>

#include "reports/threshold.hpp"
#include "scenarios/loader/pricing_loader.hpp"
#include "scenarios/loader/scenario.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/yaml_document.hpp"
#include "scenarios/loader/yaml_reader.hpp"
#include "sim/input_file.hpp"
#include "sim/text.hpp"

namespace loadcast::scenario {

namespace {

std::string join_errors(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) out += (out.empty() ? "" : "\n") + e;
  return out;
}

// Splits "a.b[2].c" into {"a", "b", "[2]", "c"}.
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '.') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else if (c == '[') {
      if (!cur.empty()) parts.push_back(cur);
      cur = "[";
    } else if (c == ']') {
      cur += ']';
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

void apply_override(YAML::Node root, const Override& o, Context& ctx) {
  const auto parts = split_path(o.path);
  if (parts.empty()) throw LoadError({"--set " + o.path + ": empty path"});
  YAML::Node value;
  {
    // The value is a YAML document of its own: scanned like the file (aliases, depth, keys).
    Context value_ctx("--set " + o.path + "=" + o.value, ctx.base_dir());
    value = parse_document(value_ctx, o.value);
    if (!value_ctx.ok()) throw LoadError(value_ctx.errors());
  }
  YAML::Node node = root;
  std::string walked;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    if (part.front() == '[') {
      std::size_t index = 0;
      try {
        index = std::stoul(part.substr(1, part.size() - 2));
      } catch (const std::exception&) {
        throw LoadError({"--set " + o.path + ": '" + part + "' is not a list index"});
      }
      if (!node.IsSequence() || index >= node.size()) {
        throw LoadError({"--set " + o.path + ": " + (walked.empty() ? "(top level)" : walked) + " has no element " + part});
      }
      walked += part;
      if (last) {
        node[index] = value;
      } else {
        node.reset(node[index]);
      }
    } else {
      if (node.IsDefined() && !node.IsNull() && !node.IsMap()) {
        throw LoadError({"--set " + o.path + ": " + walked + " is not a mapping"});
      }
      walked = join_path(walked, part);
      if (last) {
        node[part] = value;
      } else {
        if (!node[part].IsDefined() || node[part].IsNull()) node[part] = YAML::Node(YAML::NodeType::Map);
        YAML::Node child = node[part];
        node.reset(child);
      }
    }
  }
  ctx.mark_overridden(o.path);
}

Scenario load_text(const std::string& text, const std::string& path, const std::vector<Override>& overrides) {
  const std::filesystem::path p(path);
  Context ctx(path, p.has_parent_path() ? p.parent_path().string() : std::string("."));
  YAML::Node root = parse_document(ctx, text);
  for (const auto& o : overrides) apply_override(root, o, ctx);
  Scenario s;
  s.path = path;
  s.base_dir = ctx.base_dir();
  s.name = sim::to_valid_utf8(p.stem().string());
  MapReader top(ctx, root, "");
  if (!root.IsMap()) {
    // An empty file has no node to point at: its first line is where the mapping should start.
    const YAML::Mark start = root.IsDefined() && root.Mark().line >= 0 ? root.Mark() : YAML::Mark();
    if (top.valid()) ctx.error_at(start, "", "a scenario must be a mapping with at least duration and workload");
    throw LoadError(ctx.errors());
  }
  if (auto v = top.str("name")) s.name = *v;
  top.str("description");
  if (auto v = top.whole<std::uint64_t>("seed")) s.seed = *v;
  if (auto v = top.duration("duration")) {
    if (*v <= 0) ctx.error(top.get("duration"), "duration", "must be longer than 0s");
    s.duration = *v;
  } else if (!top.has("duration")) {
    ctx.error(root, "duration", "is required (how much time to simulate or load, e.g. duration: 30m)");
  }
  if (auto v = top.duration("warmup")) s.warmup = *v;
  if (s.duration > 0 && s.warmup >= s.duration) {
    ctx.error(top.get("warmup"), "warmup", "(" + sim::format_duration(s.warmup) + ") must be shorter than duration (" +
                                               sim::format_duration(s.duration) + ")");
  }
  if (auto v = top.duration("report_interval")) {
    if (*v < sim::kSecond) ctx.error(top.get("report_interval"), "report_interval", "must be at least 1s");
    else s.interval = *v;
  }
  bool region_ok = true;
  if (auto v = top.str("region")) {
    if (aws_region_name(*v)) {
      s.region = *v;
    } else {
      ctx.error(top.get("region"), "region",
                "'" + *v + "' is not an AWS region code (a code like us-east-1 or ap-northeast-1; built-in prices: " +
                    builtin_region_list() + ")");
      region_ok = false;
    }
  } else if (top.has("region")) {
    region_ok = false;  // not a string: already reported
  }
  for_each_item(ctx, top.get("thresholds"), "thresholds", [&](const YAML::Node& n, const std::string& ipath) {
    auto t = read_string(ctx, n, ipath);
    if (!t) return;
    try {
      reports::parse_threshold(*t);
      s.thresholds.push_back(*t);
      s.threshold_locations.push_back(ctx.where(n, ipath));
    } catch (const reports::ThresholdError& e) {
      ctx.error(n, ipath, e.what());
    }
  });
  load_cost_section(top, s.cost);
  // Without cost.pricing the region picks a built-in price table: one it lacks is the region's
  // error, reported where region: is written (or where it would be: the top of the file).
  if (region_ok && s.cost.pricing_file.empty() && !has_builtin_prices(s.region)) {
    ctx.error(top.has("region") ? top.get("region") : root, "region",
              "'" + s.region + "' has no built-in price table (built in: " + builtin_region_list() +
                  "); give one with cost.pricing: FILE");
    region_ok = false;
  }

  load_stations(top, s);
  load_database(top, s);
  load_services(top, s);
  load_load_balancer(top, s);
  load_queues(top, s);
  load_topics(top, s);
  load_workload(top, s);
  link_web_tier(top, s);
  load_workers(top, s);
  load_faults(top, s);
  top.finish();
  if (ctx.ok()) resolve_initial_capacity(s);
  s.cost.coverage = cost_coverage(s);
  std::vector<std::string> errors = ctx.errors();
  if (region_ok) {
    for (auto& e : check_cost_config(s.cost, s.region, s.base_dir)) errors.push_back(std::move(e));
  }
  if (!errors.empty()) throw LoadError(errors);
  return s;
}

}  // namespace

LoadError::LoadError(std::vector<std::string> errors) : std::runtime_error(join_errors(errors)), errors_(std::move(errors)) {}

Override parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw std::invalid_argument("'" + text + "' is not path=value (e.g. services.web.autoscaling.min=2)");
  }
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

Scenario load_file(const std::string& path, const std::vector<Override>& overrides) {
  std::string text;
  try {
    text = sim::read_input_file(path, kMaxYamlBytes, "scenario file");
  } catch (const sim::InputFileError& e) {
    throw LoadError({e.what()});
  }
  return load_string(text, path, overrides);
}

Scenario load_string(const std::string& yaml_text, const std::string& virtual_path, const std::vector<Override>& overrides) {
  return load_text(yaml_text, virtual_path, overrides);
}

}  // namespace loadcast::scenario
