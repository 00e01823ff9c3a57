// docs/tutorial.md runs as written: its ```bash blocks, joined in order into one script, run in a
// directory that looks like the repository root (docs/ and scenarios/ linked in) with the built
// loadcast first on PATH. A command whose line ends in `# exits N` must exit N, every other
// `loadcast` command 0. Every line of the tutorial's ```text blocks (the output it shows; a line
// `…` stands for lines left out) must appear in what the script printed, so the figures the
// tutorial quotes are the ones the program gives. Then the answers it builds on are checked in the
// results themselves.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/run_command.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kRoot = LOADCAST_SOURCE_DIR;

struct Blocks {
  std::vector<std::string> bash;  // logical lines (continuations joined)
  std::vector<std::string> text;  // lines of the shown output
};

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

Blocks blocks(const std::string& markdown) {
  Blocks out;
  std::istringstream in(markdown);
  std::string line, pending;
  enum { kNone, kBash, kText, kOther } in_block = kNone;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      if (in_block != kNone) {
        in_block = kNone;
      } else {
        in_block = line == "```bash" ? kBash : line == "```text" ? kText : kOther;
      }
      continue;
    }
    if (in_block == kBash) {
      if (!line.empty() && line.back() == '\\') {
        pending += line.substr(0, line.size() - 1);
        continue;
      }
      out.bash.push_back(pending + line);
      pending.clear();
    } else if (in_block == kText) {
      const std::string t = trim(line);
      if (!t.empty() && t != "…") out.text.push_back(t);
    }
  }
  return out;
}

// The exit code a line expects: N from a trailing `# exits N`, else 0.
int expected_exit(const std::string& line) {
  const auto at = line.rfind("# exits ");
  return at == std::string::npos ? 0 : std::stoi(line.substr(at + 8));
}

std::string single_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

TEST_CASE("Docs: the tutorial's commands run as written and print what it shows") {
  const auto doc = blocks(loadcast::testing::read_file((kRoot / "docs/tutorial.md").string()));
  REQUIRE(doc.bash.size() >= 6);
  REQUIRE(doc.text.size() >= 10);

  const std::string dir = loadcast::testing::temp_dir("tutorial");
  fs::create_directory_symlink(kRoot / "docs", fs::path(dir) / "docs");
  fs::create_directory_symlink(kRoot / "scenarios", fs::path(dir) / "scenarios");
  std::string script = "cd " + single_quoted(dir) + " || exit 1\nexport PATH=" +
                       single_quoted(fs::path(loadcast::testing::loadcast_binary()).parent_path().string()) + ":\"$PATH\"\n";
  int commands = 0;
  for (const auto& line : doc.bash) {
    const std::string t = trim(line);
    if (t.rfind("loadcast ", 0) != 0) {
      script += line + "\n";
      continue;
    }
    ++commands;
    const int want = expected_exit(t);
    script += t + "\nrc=$?; if [ $rc -ne " + std::to_string(want) + " ]; then echo " +
              single_quoted("tutorial: " + t.substr(0, 60) + "… exited ") + "$rc" + single_quoted(", expected " + std::to_string(want)) +
              " >&2; exit 1; fi\n";
  }
  REQUIRE(commands >= 6);
  loadcast::testing::write_file(dir + "/tutorial.sh", script);
  const auto r = loadcast::testing::run_command("bash " + single_quoted(dir + "/tutorial.sh"));
  const std::string printed = r.out + r.err;  // the summaries on stdout, the usage errors on stderr
  INFO(printed);
  REQUIRE(r.exit_code == 0);

  // The output the tutorial shows is the output the commands print.
  for (const auto& line : doc.text) {
    INFO(line);
    CHECK(printed.find(line) != std::string::npos);
  }

  // The first run: the findings the tutorial walks through.
  const json first = json::parse(loadcast::testing::read_file(dir + "/orders/result.json"));
  std::vector<std::string> rules;
  for (const auto& b : first["findings"]["bottlenecks"]) rules.push_back(b["rule"].get<std::string>() + " " + b["target"].get<std::string>());
  CHECK(rules.front() == "starts_overloaded orders-api");
  for (const char* expected : {"db_cpu writer", "queue_backlog orders", "flapping order-worker", "service_at_max order-worker"}) {
    CHECK(std::find(rules.begin(), rules.end(), expected) != rules.end());
  }
  // After the changes: no bottleneck, every request served, the queue keeps up.
  const json fixed = json::parse(loadcast::testing::read_file(dir + "/fixed/result.json"));
  CHECK(fixed["findings"]["bottlenecks"].empty());
  CHECK(fixed["requests"]["errors"] == 0);
  CHECK(fixed["findings"]["queues"]["orders"]["oldest_age_peak_s"].get<double>() < 60.0);
  CHECK(fixed["initial_capacity"]["services.orders-api.desired"]["from_auto"] == true);
  // The sweep's answer meets the constraint, and the gate passes it.
  const json sweep = json::parse(loadcast::testing::read_file(dir + "/sweep/sweep.json"));
  REQUIRE(sweep["answer"]["point"].is_number_integer());
  const json answer = json::parse(loadcast::testing::read_file(dir + "/sweep/points/" + std::to_string(sweep["answer"]["point"].get<int>()) + ".json"));
  CHECK(answer["latency_ms"]["p99"].get<double>() < 200.0);
  fs::remove_all(dir);
}
