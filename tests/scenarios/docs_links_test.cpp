// The documentation's relative links must lead somewhere: every link in README.md and
// docs/**/*.md that is not a URL names an existing file or directory of the repository, and a
// `#fragment` names a heading of the Markdown file it points to (GitHub's anchors). Pages move
// between README and docs/ often; this catches the link left behind. The documentation also
// never points outside the repository (the developers' notes are not part of the product).
#include <catch2/catch.hpp>

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_command.hpp"
#include "tests/scenarios/doc_files.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kRoot = LOADCAST_SOURCE_DIR;

// The lines of a Markdown file outside fenced code blocks, with their line numbers.
std::vector<std::pair<int, std::string>> prose_lines(const std::string& text) {
  std::vector<std::pair<int, std::string>> out;
  std::istringstream in(text);
  std::string line;
  bool fenced = false;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos && line.compare(first, 3, "```") == 0) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) out.emplace_back(n, line);
  }
  return out;
}

// `line` without its inline code spans (a run of N backticks up to the next run of N).
std::string without_code_spans(const std::string& line) {
  std::string out;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] != '`') {
      out += line[i++];
      continue;
    }
    std::size_t run = 0;
    while (i + run < line.size() && line[i + run] == '`') ++run;
    const std::string fence(run, '`');
    const auto close = line.find(fence, i + run);
    if (close == std::string::npos) {
      out += fence;
      i += run;
    } else {
      i = close + run;
    }
  }
  return out;
}

// Decodes one UTF-8 code point at `i` (advancing it); invalid bytes come back as themselves.
std::uint32_t next_code_point(const std::string& s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
  std::uint32_t cp = extra == 0 ? std::uint32_t{b} : (std::uint32_t{b} & (0x3Fu >> extra));
  ++i;
  while (extra-- > 0 && i < s.size()) cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3Fu);
  return cp;
}

// GitHub's anchor for a heading: lower case, punctuation and symbols dropped, spaces to hyphens
// (letters, digits, '-' and '_' stay). Non-ASCII letters stay; Latin-1 punctuation, × and ÷,
// and the symbol blocks U+2000–U+2BFF (dashes, quotes, arrows, maths) and U+3000–U+303F go.
std::string github_anchor(const std::string& heading) {
  std::string out;
  for (std::size_t i = 0; i < heading.size();) {
    const std::size_t start = i;
    const std::uint32_t cp = next_code_point(heading, i);
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') out += c;
      else if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
      else if (c == ' ') out += '-';
      continue;
    }
    const bool symbol = (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
                        (cp >= 0x3000 && cp <= 0x303F);
    if (!symbol) out += heading.substr(start, i - start);
  }
  return out;
}

// Every anchor a Markdown file offers: one per heading, duplicates numbered -1, -2, … as GitHub does.
std::set<std::string> anchors_of(const fs::path& file) {
  std::set<std::string> anchors;
  std::map<std::string, int> seen;
  for (const auto& [n, line] : prose_lines(loadcast::testing::read_file(file.string()))) {
    std::size_t level = 0;
    while (level < line.size() && line[level] == '#') ++level;
    if (level == 0 || level > 6 || level >= line.size() || line[level] != ' ') continue;
    const std::string base = github_anchor(line.substr(level + 1));
    const int count = seen[base]++;
    anchors.insert(count == 0 ? base : base + "-" + std::to_string(count));
  }
  return anchors;
}

struct Link {
  std::string file;
  int line = 0;
  std::string target;
};

std::vector<Link> relative_links(const std::string& file) {
  std::vector<Link> links;
  for (const auto& [n, raw] : prose_lines(loadcast::testing::read_file((kRoot / file).string()))) {
    const std::string line = without_code_spans(raw);
    for (auto at = line.find("]("); at != std::string::npos; at = line.find("](", at + 2)) {
      const auto end = line.find(')', at + 2);
      if (end == std::string::npos) break;
      std::string target = line.substr(at + 2, end - at - 2);
      if (const auto space = target.find(' '); space != std::string::npos) target.resize(space);  // [x](url "title")
      if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0 || target.rfind("mailto:", 0) == 0) continue;
      links.push_back(Link{file, n, target});
    }
  }
  return links;
}

// Why `link` does not resolve, or "" when it does.
std::string problem(const Link& link) {
  const auto hash = link.target.find('#');
  const std::string path = link.target.substr(0, hash);
  const std::string fragment = hash == std::string::npos ? "" : link.target.substr(hash + 1);
  const fs::path from = (kRoot / link.file).parent_path();
  const fs::path target = path.empty() ? kRoot / link.file : (from / path).lexically_normal();
  const std::string inside = target.lexically_relative(kRoot).generic_string();
  if (inside.empty() || inside.rfind("..", 0) == 0) return "points outside the repository";
  if (!fs::exists(target)) return "no such file: " + inside;
  if (!fragment.empty() && target.extension() == ".md" && anchors_of(target).count(fragment) == 0) {
    return "no heading with the anchor #" + fragment + " in " + inside;
  }
  return "";
}

}  // namespace

TEST_CASE("Docs: every relative link of README.md and docs/ leads to a file and heading that exist") {
  const auto files = loadcast::testing::documentation_files(kRoot);
  REQUIRE(files.size() > 1);
  int checked = 0;
  std::vector<std::string> broken;
  for (const auto& file : files) {
    for (const auto& link : relative_links(file)) {
      ++checked;
      if (const auto p = problem(link); !p.empty()) {
        broken.push_back(link.file + ":" + std::to_string(link.line) + ": (" + link.target + ") " + p);
      }
    }
  }
  CHECK(broken == std::vector<std::string>{});
  CHECK(checked >= 50);
}

TEST_CASE("Docs: GitHub's anchors, as the link check computes them") {
  CHECK(github_anchor("The web tier (ALB → ECS Fargate → Aurora)") == "the-web-tier-alb--ecs-fargate--aurora");
  CHECK(github_anchor("Fixed costs and price overrides: the `cost:` scenario section") ==
        "fixed-costs-and-price-overrides-the-cost-scenario-section");
  CHECK(github_anchor("What-if sweeps: `loadcast sweep`") == "what-if-sweeps-loadcast-sweep");
  CHECK(github_anchor("Load generator, side by side (`tests/bench/loadgen_bench.sh`)") ==
        "load-generator-side-by-side-testsbenchloadgen_benchsh");
  CHECK(github_anchor("Seed 002's cost table, checked") == "seed-002s-cost-table-checked");
}

TEST_CASE("Docs: README.md and docs/ do not send readers to the developers' notes") {
  // The product's documentation stands alone: AWS facts are written out with AWS's own URLs.
  for (const auto& file : loadcast::testing::documentation_files(kRoot)) {
    const std::string text = loadcast::testing::read_file((kRoot / file).string());
    INFO(file);
    CHECK(text.find("../shared") == std::string::npos);
    CHECK(text.find("shared/reference") == std::string::npos);
  }
}

TEST_CASE("Docs: the docs pages that source comments point to have the headings they name") {
  // Headers keep one paragraph and point to the docs page with the facts
  // ("Facts and assumptions: docs/models/web.md#application-load-balancer"); a heading renamed
  // in docs/ must not leave such a pointer behind.
  int checked = 0;
  std::vector<std::string> broken;
  for (const char* folder : {"models", "cost", "sim", "workload", "loadgen", "reports", "app"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kRoot / folder)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".hpp" && ext != ".cpp")) continue;
      const std::string file = entry.path().lexically_relative(kRoot).generic_string();
      std::istringstream in(loadcast::testing::read_file(entry.path().string()));
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        const auto comment = line.find("//");
        if (comment == std::string::npos) continue;
        for (auto at = line.find("docs/", comment); at != std::string::npos; at = line.find("docs/", at + 5)) {
          auto end = line.find(".md", at);
          if (end == std::string::npos) break;
          end += 3;
          std::string target = line.substr(at, end - at);
          if (end < line.size() && line[end] == '#') {
            auto stop = end + 1;
            while (stop < line.size() && (std::isalnum(static_cast<unsigned char>(line[stop])) != 0 ||
                                          line[stop] == '-' || line[stop] == '_')) {
              ++stop;
            }
            target += line.substr(end, stop - end);
          }
          ++checked;
          // A pointer reads from the repository root: resolve it as a link of a root file.
          if (const auto p = problem(Link{"README.md", n, target}); !p.empty()) {
            broken.push_back(file + ":" + std::to_string(n) + ": " + target + " " + p);
          }
        }
      }
    }
  }
  CHECK(broken == std::vector<std::string>{});
  CHECK(checked >= 40);
}
