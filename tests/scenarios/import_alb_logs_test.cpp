// ALB access logs: the entry parser (fields as AWS documents them, gzip and plain files, every bad
// field located) and the workload importer (classification, rate stages, the scenario it writes),
// down to a synthetic day replayed in the simulator.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "app/simulate.hpp"
#include "scenarios/loader/import/alb_log.hpp"
#include "scenarios/loader/import/alb_log_importer.hpp"
#include "scenarios/loader/scenario.hpp"

using namespace loadcast;
using scenario::AlbLogEntry;

namespace {

// AWS's documented HTTP entry (load-balancer-access-logs.html, "Example HTTP entry"), in the
// full current field list.
const std::string kHttpEntry =
    "http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
    "\"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - "
    "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "
    "\"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 2018-07-02T22:22:48.364000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\" "
    "TID_1234abcd5678ef90";

// An HTTP/2 entry over TLS, with two fields more than this release knows (AWS appends new ones).
const std::string kH2Entry =
    "h2 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 10.0.1.252:48160 10.0.0.66:9000 0.000 0.002 0.000 200 200 5 257 "
    "\"GET https://10.0.2.105:773/api/items/7?page=2 HTTP/2.0\" \"curl/7.46.0\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
    "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "
    "\"Root=1-58337327-72bd00b0343d75b906739c42\" \"-\" \"-\" 1 2018-07-02T22:22:48.364000Z \"redirect\" \"https://example.com:80/\" \"-\" "
    "\"10.0.0.66:9000\" \"200\" \"-\" \"-\" TID_5678 future-field \"another future field\"";

// The target never answered: -1 processing times, target status "-", a 502 from the load balancer.
const std::string kNoTargetEntry =
    "https 2018-07-02T22:24:01.500000Z app/my-loadbalancer/50dc6c495c0c9188 10.0.1.252:48160 - -1 -1 -1 502 - 34 366 "
    "\"POST https://www.example.com:443/api/orders HTTP/1.1\" \"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\" - - - \"-\" \"-\" \"-\" 1 "
    "2018-07-02T22:24:00.750000Z \"forward\" \"-\" \"TargetConnectionError\" \"-\" \"-\" \"-\" \"-\" -";

std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("loadcast-alb-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

void write_plain(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

void write_gzip(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

AlbLogEntry parse(const std::string& line) {
  auto p = scenario::parse_alb_log_line(line);
  INFO(p.error.name << ": " << p.error.what);
  REQUIRE(p.entry);
  return *p.entry;
}

std::string error_of(const std::string& line) {
  const auto p = scenario::parse_alb_log_line(line);
  REQUIRE_FALSE(p.entry);
  return "field " + std::to_string(p.error.field) + " (" + p.error.name + ") " + p.error.what;
}

// One synthetic line: a request of `method path` arriving at `arrival` (epoch s), answered by the
// target in `target_s`.
std::string line_at(double arrival, const std::string& method, const std::string& path, double target_s, int bytes) {
  auto iso = [](double t) {
    const auto secs = static_cast<long long>(t);
    const auto micros = static_cast<long long>(std::llround((t - static_cast<double>(secs)) * 1e6));
    // 2026-12-05T00:00:00Z is 1796428800
    const long long since = secs - 1796428800;
    const long long in_day = since % 86400;
    char buf[64];
    std::snprintf(buf, sizeof buf, "2026-12-%02lldT%02lld:%02lld:%02lld.%06lldZ", 5 + since / 86400, in_day / 3600, in_day / 60 % 60, in_day % 60, micros);
    return std::string(buf);
  };
  char times[64];
  std::snprintf(times, sizeof times, "0.000 %.3f 0.000", target_s);
  return "https " + iso(arrival + target_s) + " app/shop/1 203.0.113.9:5000 10.0.0.1:8080 " + times + " 200 200 120 " + std::to_string(bytes) +
         " \"" + method + " https://shop.example.com:443" + path + " HTTP/1.1\" \"k6\" - - "
         "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1 \"Root=1\" \"-\" \"-\" 0 " +
         iso(arrival) + " \"forward\" \"-\" \"-\" \"10.0.0.1:8080\" \"200\" \"-\" \"-\" -\n";
}

constexpr double kDayStart = 1796428800.0;  // 2026-12-05T00:00:00Z

}  // namespace

TEST_CASE("AlbLog: AWS's documented HTTP entry parses field by field") {
  const auto e = parse(kHttpEntry);
  CHECK(e.type == "http");
  CHECK(e.time_s == Approx(1530570180.186641).epsilon(1e-15));
  CHECK(e.elb == "app/my-loadbalancer/50dc6c495c0c9188");
  CHECK(e.client == "192.168.131.39:2817");
  CHECK(e.target == "10.0.0.1:80");
  CHECK(*e.request_processing_s == 0.0);
  CHECK(*e.target_processing_s == 0.001);
  CHECK(*e.response_processing_s == 0.0);
  CHECK(*e.elb_status == 200);
  CHECK(*e.target_status == 200);
  CHECK(e.received_bytes == 34);
  CHECK(e.sent_bytes == 366);
  CHECK(e.method == "GET");
  CHECK(e.url == "http://www.example.com:80/");
  CHECK(e.protocol == "HTTP/1.1");
  CHECK(e.path() == "/");
  CHECK(e.user_agent == "curl/7.46.0");
  CHECK(e.target_group_arn == "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067");
  REQUIRE(e.request_creation_s);
  CHECK(*e.request_creation_s == Approx(1530570168.364).epsilon(1e-15));
  CHECK(e.arrival_s() == *e.request_creation_s);
}

TEST_CASE("AlbLog: an HTTP/2 entry with fields newer than this release parses, its path without the query string") {
  const auto e = parse(kH2Entry);
  CHECK(e.type == "h2");
  CHECK(e.protocol == "HTTP/2.0");
  CHECK(e.url == "https://10.0.2.105:773/api/items/7?page=2");
  CHECK(e.path() == "/api/items/7");
  CHECK(*e.target_processing_s == 0.002);
  CHECK(e.sent_bytes == 257);
}

TEST_CASE("AlbLog: -1 processing times and a target status of - are missing values, and quoted fields keep their spaces") {
  const auto e = parse(kNoTargetEntry);
  CHECK_FALSE(e.request_processing_s);
  CHECK_FALSE(e.target_processing_s);
  CHECK_FALSE(e.response_processing_s);
  CHECK(*e.elb_status == 502);
  CHECK_FALSE(e.target_status);
  CHECK(e.target == "-");
  CHECK(e.user_agent == "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0");
  CHECK(e.method == "POST");
  SECTION("without request_creation_time the arrival is the response time less the known processing times") {
    const auto old = parse(
        "http 2018-07-02T22:23:00.500000Z app/lb/1 192.168.131.39:2817 10.0.0.1:80 0.100 0.250 -1 200 200 34 366 \"GET http://x:80/ HTTP/1.1\" "
        "\"curl\"");
    CHECK(old.arrival_s() == Approx(1530570180.15).epsilon(1e-15));
  }
  SECTION("a request line of dashes (the client sent no complete request) has no path") {
    const auto dash = parse("http 2018-07-02T22:23:00.500000Z app/lb/1 192.168.131.39:2817 - -1 -1 -1 400 - 0 0 \"- - - \" \"-\"");
    CHECK(dash.method == "-");
    CHECK(dash.path().empty());
  }
}

TEST_CASE("AlbLog: each bad field is named by its number and documented name") {
  const std::string head = "http 2018-07-02T22:23:00.186641Z app/lb/1 1.2.3.4:5 10.0.0.1:80 ";
  CHECK(error_of("http 2018-07-02 app/lb/1 1.2.3.4:5 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 \"GET http://x/ HTTP/1.1\" \"ua\"") == "field 2 (time) '2018-07-02' is not an ISO 8601 UTC time such as 2018-07-02T22:23:00.186641Z");
  CHECK(error_of(head + "0.000 abc 0.000 200 200 34 366 \"GET http://x/ HTTP/1.1\" \"ua\"") ==
        "field 7 (target_processing_time) 'abc' is not a time in seconds (or -1)");
  CHECK(error_of(head + "0.000 -2 0.000 200 200 34 366 \"GET http://x/ HTTP/1.1\" \"ua\"") ==
        "field 7 (target_processing_time) '-2' is not a time in seconds (or -1)");
  CHECK(error_of(head + "0.000 0.001 0.000 2000 200 34 366 \"GET http://x/ HTTP/1.1\" \"ua\"") ==
        "field 9 (elb_status_code) '2000' is not an HTTP status code (or -)");
  CHECK(error_of(head + "0.000 0.001 0.000 200 200 34 -5 \"GET http://x/ HTTP/1.1\" \"ua\"") == "field 12 (sent_bytes) '-5' is not a byte count");
  CHECK(error_of(head + "0.000 0.001 0.000 200 200 34 366 GET http://x/ HTTP/1.1 \"ua\"") ==
        "field 13 (request) must be quoted: \"METHOD URL PROTOCOL\"");
  CHECK(error_of(head + "0.000 0.001 0.000 200 200 34 366 \"GET http://x/\" \"ua\"") == "field 13 (request) \"GET http://x/\" is not \"METHOD URL PROTOCOL\"");
  CHECK(error_of(head + "0.000 0.001 0.000 200 200 34 366 \"GET http://x/ HTTP/1.1\" \"ua") == "field 14 (user_agent) the quoted field has no closing '\"'");
  CHECK(error_of(head + "0.000 0.001 0.000 200 200 34 366 \"GET http://x/ HTTP/1.1\"") ==
        "field 14 (user_agent) missing: the entry has 13 fields, an ALB access log entry at least 14 (through \"user_agent\")");
  CHECK(error_of(head + "0.000 0.001 0.000 200 200 34 366 \"GET http://x/ HTTP/1.1\" \"ua\" - - - \"-\" \"-\" \"-\" 0 yesterday") ==
        "field 22 (request_creation_time) 'yesterday' is not an ISO 8601 UTC time such as 2018-07-02T22:22:48.364000Z");
}

TEST_CASE("AlbLog: gzip and plain files give the same entries, and a bad line names file and line") {
  const std::string dir = temp_dir("read");
  const std::string text = kHttpEntry + "\n\n" + kH2Entry + "\r\n" + kNoTargetEntry;  // a blank line, CRLF, no final newline
  write_plain(dir + "/a.log", text);
  write_gzip(dir + "/a.log.gz", text);
  for (const auto* file : {"/a.log", "/a.log.gz"}) {
    std::vector<std::string> paths;
    const auto stats = scenario::read_alb_log(
        dir + file, [&](const AlbLogEntry& e) { paths.push_back(e.path()); }, [](const std::string&) { return false; });
    CHECK(stats.lines == 3);
    CHECK(stats.entries == 3);
    CHECK(paths == std::vector<std::string>{"/", "/api/items/7", "/api/orders"});
  }
  write_gzip(dir + "/bad.log.gz", kHttpEntry + "\n" + kHttpEntry + "\nhttp nonsense\n");
  std::vector<std::string> bad;
  const auto stats = scenario::read_alb_log(
      dir + "/bad.log.gz", [](const AlbLogEntry&) {}, [&](const std::string& m) {
        bad.push_back(m);
        return true;
      });
  CHECK(stats.entries == 2);
  CHECK(bad == std::vector<std::string>{dir + "/bad.log.gz:3: field 2 (time) 'nonsense' is not an ISO 8601 UTC time such as 2018-07-02T22:23:00.186641Z"});
  CHECK_THROWS_WITH(scenario::read_alb_log(dir + "/missing.log", [](const AlbLogEntry&) {}, [](const std::string&) { return true; }),
                    dir + "/missing.log: cannot open access log (No such file or directory)");
  CHECK_THROWS_WITH(scenario::read_alb_log(dir, [](const AlbLogEntry&) {}, [](const std::string&) { return true; }),
                    dir + ": the access log is a directory, not a regular file");
  CHECK_THROWS_WITH(scenario::read_alb_log("/dev/zero", [](const AlbLogEntry&) {}, [](const std::string&) { return true; }),
                    "/dev/zero: the access log is a character device, not a regular file");
  std::filesystem::remove_all(dir);
}

TEST_CASE("AlbLogImport: numeric ids, UUIDs and hex tokens become {id}, the query string is dropped") {
  CHECK(scenario::path_template("/api/bookmarks/123") == "/api/bookmarks/{id}");
  CHECK(scenario::path_template("/api/users/550e8400-e29b-41d4-a716-446655440000/avatar") == "/api/users/{id}/avatar");
  CHECK(scenario::path_template("/files/9f86d081884c7d65/raw") == "/files/{id}/raw");
  CHECK(scenario::path_template("/api/v2/items") == "/api/v2/items");       // 'v2' is a word, not an id
  CHECK(scenario::path_template("/static/deadbeef") == "/static/deadbeef");  // hex letters without a digit: a word
  CHECK(scenario::path_template("/static/deadbeef42") == "/static/{id}");
  CHECK(scenario::path_template("/") == "/");
}

TEST_CASE("AlbLogImport: clustering keeps the busiest templates and merges the rest into other") {
  const std::string dir = temp_dir("cluster");
  std::string text;
  for (int i = 0; i < 6; ++i) text += line_at(kDayStart + i, "GET", "/api/bookmarks/" + std::to_string(100 + i) + "?full=1", 0.010, 500);
  for (int i = 0; i < 4; ++i) text += line_at(kDayStart + i, "GET", "/api/bookmarks", 0.020, 2000);
  for (int i = 0; i < 2; ++i) text += line_at(kDayStart + i, "POST", "/api/bookmarks", 0.030, 100);
  text += line_at(kDayStart + 5, "DELETE", "/api/bookmarks/550e8400-e29b-41d4-a716-446655440000", 0.040, 0);
  write_plain(dir + "/day.log", text);
  scenario::AlbLogImportOptions o;
  o.files = {dir + "/day.log"};
  o.max_classes = 2;
  const auto r = scenario::import_alb_logs(o);
  REQUIRE(r.classes.size() == 3);
  CHECK(r.classes[0].name == "get-api-bookmarks-id");
  CHECK(r.classes[0].pattern == "/api/bookmarks/{id}");
  CHECK(r.classes[0].path == "/api/bookmarks/100");
  CHECK(r.classes[0].requests == 6);
  CHECK(r.classes[1].name == "get-api-bookmarks");
  CHECK(r.classes[1].requests == 4);
  CHECK(r.classes[2].name == "other");
  CHECK(r.classes[2].requests == 3);  // POST /api/bookmarks and DELETE /api/bookmarks/{id}
  CHECK(r.classes[2].pattern == "2 other templates");
  CHECK(*r.classes[0].target_ms_p50 == Approx(10.0));
  CHECK(*r.classes[1].target_ms_p99 == Approx(20.0));
  CHECK(r.classes[1].response_bytes_mean == 2000.0);
  CHECK_THAT(r.result.yaml, Catch::Contains("      response_bytes: 'const(2000)'"));
  CHECK_THAT(r.result.yaml, Catch::Contains("    - name: get-api-bookmarks-id") && Catch::Contains("      weight: 6 "));
  CHECK_THAT(r.result.yaml, Catch::Contains("region: us-east-1                                       # target_group_arn"));
  CHECK_NOTHROW(scenario::load_string(r.result.yaml, "alb.yaml"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("AlbLogImport: the user's classes match in order on method and path, and what none matches is other") {
  const std::string dir = temp_dir("rules");
  std::string text;
  text += line_at(kDayStart, "GET", "/api/bookmarks", 0.010, 500);
  text += line_at(kDayStart, "GET", "/api/bookmarks/7", 0.010, 500);
  text += line_at(kDayStart, "POST", "/api/bookmarks", 0.010, 500);
  text += line_at(kDayStart, "GET", "/health", 0.001, 2);
  write_plain(dir + "/day.log", text);
  scenario::AlbLogImportOptions o;
  o.files = {dir + "/day.log"};
  o.classes = {scenario::parse_alb_class_rule("list=GET:^/api/bookmarks$"), scenario::parse_alb_class_rule("write=*:^/api/bookmarks"),
               scenario::parse_alb_class_rule("never=PUT:.")};
  const auto r = scenario::import_alb_logs(o);
  REQUIRE(r.classes.size() == 3);  // "never" matched nothing: no class of zero weight
  CHECK(r.classes[0].name == "list");
  CHECK(r.classes[0].requests == 1);
  CHECK(r.classes[1].name == "write");
  CHECK(r.classes[1].requests == 2);  // GET /api/bookmarks/7 and POST /api/bookmarks
  CHECK(r.classes[1].path_method == "GET");  // the first request of the class: its method is written with its path
  CHECK_THAT(r.result.yaml, Catch::Contains("    - name: write                                       # * ^/api/bookmarks\n"
                                            "      weight: 2                                         # requests in the logs (50.00 %)\n"
                                            "      method: GET\n"
                                            "      path: /api/bookmarks/7                            # logged in the class\n"));
  CHECK(r.classes[2].name == "other");
  CHECK(r.classes[2].path == "/health");
  CHECK(r.classes[2].pattern == "no --class rule matches");
  CHECK_THROWS_WITH(scenario::parse_alb_class_rule("list=GET"), Catch::StartsWith("--class list=GET: expected NAME=METHOD:REGEX"));
  CHECK_THROWS_WITH(scenario::parse_alb_class_rule("x=GET:(["), Catch::StartsWith("--class x=GET:([: '([' is not a regular expression"));
  CHECK_THROWS_WITH(scenario::parse_alb_class_rule("other=GET:/"), Catch::Contains("'other' is the class of what no rule matches"));
  o.classes.push_back(scenario::parse_alb_class_rule("list=POST:^/"));
  CHECK_THROWS_WITH(scenario::import_alb_logs(o), "--class list: two rules have this name; give each class one rule");
  std::filesystem::remove_all(dir);
}

TEST_CASE("AlbLogImport: the rate stages give every interval its logged count") {
  const std::string dir = temp_dir("stages");
  // 5 one-minute intervals with 3, 3, 0, 7 and 1 arrivals; the last interval is partial.
  const std::vector<int> counts = {3, 3, 0, 7, 1};
  std::string text;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    for (int i = 0; i < counts[k]; ++i) text += line_at(kDayStart + 60.0 * static_cast<double>(k) + 5.0 * i, "GET", "/a", 0.01, 10);
  }
  write_plain(dir + "/day.log", text);
  scenario::AlbLogImportOptions o;
  o.files = {dir + "/day.log"};
  const auto r = scenario::import_alb_logs(o);
  CHECK(r.per_interval == std::vector<std::int64_t>{3, 3, 0, 7, 1});
  CHECK(r.origin_s == kDayStart);
  CHECK_THAT(r.result.yaml, Catch::Contains("duration: 5m "));
  CHECK_THAT(r.result.yaml, Catch::Contains("      - { at: 0s, rate: 0.05 }\n"
                                            "      - { at: 2m, rate: 0.05 }\n"
                                            "      - { at: 2m, rate: 0 }\n"
                                            "      - { at: 3m, rate: 0 }\n"
                                            "      - { at: 3m, rate: 0.1166666667 }\n"
                                            "      - { at: 4m, rate: 0.1166666667 }\n"
                                            "      - { at: 4m, rate: 0.01666666667 }\n"
                                            "      - { at: 5m, rate: 0.01666666667 }\n"));
  const auto sc = scenario::load_string(r.result.yaml, "alb.yaml");
  // The integral of the loaded rate over each interval is its count.
  const auto& rate = std::get<workload::OpenWorkload>(sc.workload.model).rate;
  CHECK(rate.points().size() == 8);
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const double n = rate.integral(static_cast<sim::Time>(k + 1) * sim::kMinute) - rate.integral(static_cast<sim::Time>(k) * sim::kMinute);
    CHECK(n == Approx(counts[k]).margin(1e-6));
  }
  SECTION("a span of more than 100,000 intervals asks for a longer one") {
    write_plain(dir + "/long.log", line_at(kDayStart, "GET", "/a", 0.01, 10) + line_at(kDayStart + 100000.0, "GET", "/a", 0.01, 10));
    o.files = {dir + "/long.log"};
    o.interval = sim::kSecond;
    CHECK_THROWS_WITH(scenario::import_alb_logs(o), Catch::StartsWith("the logs span 100001 intervals of 1s (from 2026-12-05T00:00:00Z to "
                                                                      "2026-12-06T03:46:40Z), more than 100000; give a longer --interval"));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("AlbLogImport: --skip-bad allows that many bad lines, each reported, and one more is an error") {
  const std::string dir = temp_dir("skip");
  write_plain(dir + "/day.log", line_at(kDayStart, "GET", "/a", 0.01, 10) + "garbage\n" + line_at(kDayStart + 1, "GET", "/a", 0.01, 10) +
                                    "http 2018-07-02T22:23:00Z\n");
  scenario::AlbLogImportOptions o;
  o.files = {dir + "/day.log"};
  o.skip_bad = 2;
  const auto r = scenario::import_alb_logs(o);
  CHECK(r.entries == 2);
  CHECK(r.lines == 4);
  REQUIRE(r.skipped.size() == 2);
  CHECK(r.skipped[0] == dir + "/day.log:2: field 2 (time) missing: the entry has 1 fields, an ALB access log entry at least 14 (through \"user_agent\")");
  CHECK_FALSE(r.result.complete());  // skipped lines make the import partial (exit 3)
  o.skip_bad = 1;
  try {
    (void)scenario::import_alb_logs(o);
    FAIL("expected an ImportError");
  } catch (const scenario::ImportError& e) {
    REQUIRE(e.errors().size() == 2);
    CHECK(e.errors()[0] == dir + "/day.log:4: field 3 (elb) missing: the entry has 2 fields, an ALB access log entry at least 14 (through \"user_agent\")");
    CHECK(e.errors()[1] == "more than 1 bad lines (--skip-bad 1); nothing imported");
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("AlbLogImport: a synthetic day replayed in the simulator gives every class and hour its logged count") {
  const std::string dir = temp_dir("day");
  // A day's shape, each hour compressed into 5 minutes: requests per interval.
  const std::vector<int> per_hour = {120, 80, 60, 50, 50, 70, 150, 300, 500, 600, 650, 700, 720, 700, 650, 600, 550, 500, 450, 400, 350, 300, 220, 160};
  std::string text;
  std::map<std::string, std::int64_t> logged;
  int n = 0;
  for (std::size_t h = 0; h < per_hour.size(); ++h) {
    for (int i = 0; i < per_hour[h]; ++i, ++n) {
      const double t = kDayStart + 300.0 * static_cast<double>(h) + 300.0 * (i + 0.5) / per_hour[h];
      if (n % 10 < 5) {
        text += line_at(t, "GET", "/api/bookmarks", 0.012, 4000);
        ++logged["get-api-bookmarks"];
      } else if (n % 10 < 8) {
        text += line_at(t, "GET", "/api/bookmarks/" + std::to_string(1000 + n), 0.004, 800);
        ++logged["get-api-bookmarks-id"];
      } else {
        text += line_at(t, "POST", "/api/bookmarks", 0.030, 200);
        ++logged["post-api-bookmarks"];
      }
    }
  }
  write_gzip(dir + "/day.log.gz", text);
  scenario::AlbLogImportOptions o;
  o.files = {dir + "/day.log.gz"};
  o.interval = 5 * sim::kMinute;
  const auto imported = scenario::import_alb_logs(o);
  REQUIRE(imported.classes.size() == 3);
  const auto sc = scenario::load_string(imported.result.yaml, "day.yaml");
  CHECK(sc.duration == 2 * sim::kHour);
  app::SimOptions so;
  so.threads = 1;
  const auto result = app::simulate(sc, so).to_result();
  // Each class's simulated count is Poisson with the logged count as its mean: within 4 sd.
  for (const auto& [name, count] : logged) {
    INFO(name);
    REQUIRE(result.classes.count(name) == 1);
    const auto simulated = static_cast<double>(result.classes.at(name).requests.total);
    CHECK(std::abs(simulated - static_cast<double>(count)) <= 4.0 * std::sqrt(static_cast<double>(count)));
  }
  CHECK(result.requests.errors == 0);
  // And each compressed hour's arrivals (the per-minute series summed over its 5 minutes).
  const auto& ts = result.timeseries;
  REQUIRE(ts.interval_s == 60.0);
  const auto& arrivals = ts.series.at("arrivals_per_s");
  REQUIRE(arrivals.size() >= 5 * per_hour.size());
  for (std::size_t h = 0; h < per_hour.size(); ++h) {
    double sum = 0.0;
    for (std::size_t m = 0; m < 5; ++m) sum += arrivals[5 * h + m] * 60.0;
    INFO("hour " << h);
    CHECK(std::abs(sum - per_hour[h]) <= 4.0 * std::sqrt(static_cast<double>(per_hour[h])));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("AlbLogImport: a method that is not an HTTP token is left out and counted, and a path's other bytes are percent-encoded") {
  const std::string dir = temp_dir("odd");
  write_plain(dir + "/day.log", line_at(kDayStart, "G@T", "/a", 0.01, 10) + line_at(kDayStart + 1, "GET", "/caf\xC3\xA9/menu", 0.01, 10));
  scenario::AlbLogImportOptions o;
  o.files = {dir + "/day.log"};
  const auto r = scenario::import_alb_logs(o);
  CHECK(r.without_request == 1);
  REQUIRE(r.classes.size() == 1);
  CHECK(r.classes[0].path == "/caf%C3%A9/menu");
  CHECK_NOTHROW(scenario::load_string(r.result.yaml, "alb.yaml"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("AlbLogImport: a mix that changes between hours is noted with each drifting class's range") {
  const std::string dir = temp_dir("drift");
  std::string text;
  // Hour 0: 150 lists and 50 creates (75 %/25 %); hour 1: 50 lists and 150 creates (25 %/75 %).
  for (int h = 0; h < 2; ++h) {
    for (int i = 0; i < 200; ++i) {
      const bool list = h == 0 ? i % 4 != 0 : i % 4 == 0;
      text += line_at(kDayStart + 3600.0 * h + 18.0 * i, list ? "GET" : "POST", "/api/bookmarks", 0.01, 100);
    }
  }
  write_plain(dir + "/day.log", text);
  scenario::AlbLogImportOptions o;
  o.files = {dir + "/day.log"};
  const auto r = scenario::import_alb_logs(o);
  CHECK_THAT(r.result.yaml, Catch::Contains("#   - workload.requests: the logged mix changes over the span, which the scenario's one mix does not: "
                                            "get-api-bookmarks 25.0-75.0 %, post-api-bookmarks 25.0-75.0 % of an hour's requests\n"));
  SECTION("a steady mix is not noted") {
    o.classes = {scenario::parse_alb_class_rule("all=*:.")};
    CHECK_THAT(scenario::import_alb_logs(o).result.yaml, !Catch::Contains("the logged mix changes"));
  }
  std::filesystem::remove_all(dir);
}
