#include <fastly_accounts/cli/cli.hpp>
#include <iostream>

int main(int argc, char** argv) {
    return fastly_accounts::cli::run(argc, argv, std::cout, std::cerr);
}
