// libFuzzer harness: the result/shard reader (loadcast.result/v1 JSON → Result) on arbitrary
// bytes, and the exact merge of two such shards (`loadcast merge`). Anything but a Result or a
// std::runtime_error (std::invalid_argument for JSON that nlohmann refuses) is a finding. Seed
// corpus: tests/golden results and the result files under tests/.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "loadgen/merge.hpp"
#include "reports/result.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  loadcast::reports::Json j;
  try {
    j = loadcast::reports::Json::parse(text);
  } catch (const loadcast::reports::Json::exception&) {
    return 0;
  }
  try {
    const loadcast::reports::Result r = loadcast::reports::Result::from_json(j);
    (void)r.to_json().dump();
    // Two shards of the same run: merging must add up or refuse with a message.
    std::vector<loadcast::loadgen::NamedResult> shards = {{"a.json", r}, {"b.json", r}};
    (void)loadcast::loadgen::merge_results(shards);
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  } catch (const loadcast::reports::Json::exception&) {
  }
  return 0;
}
