// loadcast report RESULT [--format html|md|text] [--out FILE]: re-renders a stored result.
#include <cstdio>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/scenario_file.hpp"
#include "reports/html_report.hpp"
#include "reports/result.hpp"
#include "reports/run_outputs.hpp"
#include "reports/summary_report.hpp"

namespace loadcast::cli {

ExitCode run_report(int argc, char** argv) {
  Args args("report", {
                          {"format", "f", true, false, "FORMAT  html, md or text (default text)"},
                          {"out", "o", true, false, "FILE  write to FILE instead of standard output"},
                          {"help", "h", false, false, "show this help"},
                      });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast report RESULT [--format html|md|text] [--out FILE]\n\nRenders a stored result.json "
                "(from loadcast sim or loadcast load) as a self-contained HTML page, Markdown or text.\n\n%s",
                args.help().c_str());
    return ExitCode::kOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expected exactly one result file (result.json)");
  const std::string format = args.get("format").value_or("text");
  if (format != "html" && format != "md" && format != "text") {
    throw UsageError("--format must be html, md or text, got '" + format + "'");
  }
  if (auto out = args.get("out")) check_output(*out, true);
  reports::Result result;
  try {
    result = reports::load_result(args.positionals()[0]);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "loadcast report: %s\n", e.what());
    return ExitCode::kUsage;
  }
  const std::string text = format == "html" ? reports::render_html(result)
                           : format == "md" ? reports::render_markdown(result)
                                            : reports::render_text(result);
  if (auto out = args.get("out")) {
    reports::write_text_file(*out, text);
  } else {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return ExitCode::kOk;
}

}  // namespace loadcast::cli
