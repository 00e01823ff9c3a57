// The product's documentation, for the tests that read it: README.md and every docs/**/*.md, in a
// stable (sorted) order, as paths relative to the repository root. Test-only helper.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace loadcast::testing {

inline std::vector<std::string> documentation_files(const std::filesystem::path& root) {
  std::vector<std::string> files{"README.md"};
  const auto docs = root / "docs";
  if (std::filesystem::is_directory(docs)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(docs)) {
      if (entry.is_regular_file() && entry.path().extension() == ".md") {
        files.push_back(entry.path().lexically_relative(root).generic_string());
      }
    }
  }
  std::sort(files.begin() + 1, files.end());
  return files;
}

}  // namespace loadcast::testing
