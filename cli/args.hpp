// Command-line arguments for the subcommands: `--name value`, `--name=value`, short aliases
// (`-c 100`), repeated options, boolean switches and positionals. Every subcommand declares
// what it accepts; anything else is a usage error (exit 2) with a one-line reason.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/exit_code.hpp"

namespace loadcast::cli {

// Thrown for wrong usage, here and in app/; main() prints "loadcast <cmd>: <message>" and exits 2.
using app::UsageError;

struct OptionSpec {
  std::string name;        // long name without dashes, e.g. "seed"
  std::string alias;       // short form without dash, e.g. "c"; may be empty
  bool takes_value = true; // false: a switch
  bool repeatable = false;
  std::string help;        // "N  random seed" (shown by --help)
};

class Args {
 public:
  Args(std::string command, std::vector<OptionSpec> specs) : command_(std::move(command)), specs_(std::move(specs)) {}

  // Parses argv[first..argc). Throws UsageError.
  void parse(int argc, char** argv, int first);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> get_all(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  // Typed getters: throw UsageError naming the option when the value is malformed.
  std::optional<std::uint64_t> get_u64(const std::string& name) const;
  std::optional<double> get_double(const std::string& name) const;
  std::optional<std::int64_t> get_duration_ns(const std::string& name) const;

  std::string help() const;
  const std::string& command() const { return command_; }

 private:
  const OptionSpec* find(const std::string& name_or_alias, bool is_alias) const;
  std::string command_;
  std::vector<OptionSpec> specs_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

}  // namespace loadcast::cli
