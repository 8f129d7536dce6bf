#pragma once

namespace fastly_emulator {

/// Runs the fastly-emulator command line: parses flags, loads the seed and state, serves until SIGINT or
/// SIGTERM. Returns the process exit code (0 on a clean stop, 1 on any start-up error).
int run_cli(int argc, char** argv);

}  // namespace fastly_emulator
