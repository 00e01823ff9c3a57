// libFuzzer harness: the scenario loader on arbitrary text. Any input must load or throw
// LoadError; a crash, a sanitizer report, a leak, a hang (-timeout) or an allocation beyond
// -rss_limit_mb is a finding. Seed corpus: scenarios/*.yaml.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scenarios/loader/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    // A directory of its own: an empirical(file) the input names is resolved against it.
    (void)loadcast::scenario::load_string(text, "/nonexistent/fuzz.yaml");
  } catch (const loadcast::scenario::LoadError&) {
  }
  return 0;
}
