#include "cli.hpp"

int main(int argc, char** argv) {
    return fastly_emulator::run_cli(argc, argv);
}
