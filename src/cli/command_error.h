// The one way a subcommand fails: throw. main.cpp's subcommand table turns exceptions into the
// message "mlglass <subcommand>: error: <what>" and the shared exit codes (1 bad data or failed
// output, 2 bad usage, with a pointer to --help).
#pragma once

#include <stdexcept>
#include <string>

namespace mlglass::cli {

// A failure with its exit code (1 or 2).
struct CommandError : std::runtime_error {
  int code;
  CommandError(int exit_code, const std::string &msg) : std::runtime_error(msg), code(exit_code) {}
};

}  // namespace mlglass::cli
