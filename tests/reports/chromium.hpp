// Headless Chromium (Debian's `chromium`) for the report tests: renders a page to its DOM or to
// a PNG screenshot, with a private profile in `dir` and no network services. Test-only helper.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace loadcast::testing {

inline constexpr const char* kChromium = "/usr/bin/chromium";

// Runs chromium with `args`, stdout to `out`, stderr to dir/chromium.log; the exit status.
inline int run_chromium(const std::filesystem::path& dir, const std::string& args, const std::filesystem::path& out) {
  const std::string cmd = std::string("timeout 120 ") + kChromium +
                          " --headless --no-sandbox --disable-gpu --disable-background-networking"
                          " --disable-component-update --disable-sync --no-first-run --user-data-dir=" +
                          (dir / "profile").string() + " " + args + " > " + out.string() + " 2> " +
                          (dir / "chromium.log").string();
  return std::system(cmd.c_str());
}

}  // namespace loadcast::testing
