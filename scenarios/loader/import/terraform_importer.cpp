#include "scenarios/loader/import/import.hpp"

namespace loadcast::scenario {

ImportResult import_terraform(const TerraformImportOptions& options) {
  (void)options;
  throw ImportError({"not yet"});
}

}  // namespace loadcast::scenario
