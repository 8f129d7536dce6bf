# Shared by scripts/*.sh: install missing Debian packages, configure and build.
# Sourced, not executed.

# Debian packages the build and the test suite need.
FA_PACKAGES=(
    cmake g++ make pkg-config
    libyaml-cpp-dev libcurl4-openssl-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
    libcli11-dev doctest-dev libcpp-httplib-dev libssl-dev libicu-dev
    python3 python3-jsonschema python3-yaml openssl curl clang-format-14
)

# Debian packages scripts/package.sh needs beside those (and so does its test in the suite): help2man
# makes the man pages from --help; dpkg-dev has dpkg-shlibdeps, which CPack runs to find the dependencies.
FA_PACKAGE_PACKAGES=(help2man dpkg-dev)

fa_log() { printf '==> %s\n' "$*" >&2; }

# Installs the packages in "$@" that are not installed yet; a no-op (and quick) when none is missing.
fa_install_missing() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    fa_log "installing missing Debian packages: ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Configures (with any cmake arguments in the FA_CMAKE_ARGS array) and builds the targets named in "$@"
# (all targets when none is named) into $FA_BUILD_DIR, default build/.
fa_build() {
    FA_BUILD_DIR=${FA_BUILD_DIR:-build}
    cmake -S . -B "$FA_BUILD_DIR" -DCMAKE_BUILD_TYPE="${FA_BUILD_TYPE:-RelWithDebInfo}" ${FA_CMAKE_ARGS[@]+"${FA_CMAKE_ARGS[@]}"} >/dev/null
    local targets=()
    local target
    for target in "$@"; do
        targets+=(--target "$target")
    done
    cmake --build "$FA_BUILD_DIR" -j"$(nproc)" ${targets[@]+"${targets[@]}"}
}

# --- The checks build (issue 7): scripts/sanitize.sh, scripts/fuzz.sh, and the second half of test.sh. ---
# One clang build serves both the sanitizer run of the test suite and the fuzz targets: everything is
# compiled with -fsanitize=fuzzer-no-link,address,undefined (cmake/sanitize.cmake), the test executables
# run as usual and the fuzz executables link libFuzzer's main. -O1 with line tables only keeps reports
# symbolised (file:line) while building in about half the time of -O2 -g; assertions stay on (no NDEBUG).
FA_CHECK_PACKAGES=(clang-14 libclang-rt-14-dev)

# Configures and builds the targets named in "$@" (all when none) into $FA_CHECK_DIR, default build-check/,
# and leaves FA_BUILD_DIR set to it.
fa_build_check() {
    FA_BUILD_DIR=${FA_CHECK_DIR:-build-check}
    FA_BUILD_TYPE=Check
    FA_CMAKE_ARGS=(-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14
                   -DCMAKE_C_FLAGS_CHECK="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS_CHECK="-O1 -gline-tables-only"
                   -DCMAKE_UNITY_BUILD=ON -DFASTLY_ACCOUNTS_FUZZ=ON -DFASTLY_ACCOUNTS_SANITIZE="${FA_SANITIZERS:-address,undefined}")
    CC=clang-14 CXX=clang++-14 fa_build "$@"
}

# Sends the sanitizer reports of every process started from now on to files under $1 (emptied first), and
# makes a process with a report exit 86, an exit code the tool never uses: a test expecting "exit 1" must
# not mistake a sanitizer's abort for the tool's own error exit.
fa_sanitizer_reports_to() {
    rm -rf "$1"
    mkdir -p "$1"
    export ASAN_OPTIONS="exitcode=86:detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:log_path=$1/asan"
    export UBSAN_OPTIONS="exitcode=86:print_stacktrace=1:halt_on_error=1:log_path=$1/ubsan"
    export LSAN_OPTIONS="exitcode=86"
}

# Prints the head of every report under $1; fails when there is one.
fa_sanitizer_reports_check() {
    local reports report
    reports=$(find "$1" -type f | sort)
    [ -z "$reports" ] && return 0
    fa_log "sanitizer reports ($(echo "$reports" | wc -l) files):"
    for report in $reports; do
        printf '\n----- %s\n' "$report" >&2
        head -n 60 "$report" >&2
    done
    return 1
}

# The fuzz targets named in tests/fuzz/targets.cmake, one a line.
fa_fuzz_targets() {
    sed -n '/^set(FA_FUZZ_TARGETS/,/^)/{/^set(/d;/^)/d;s/^[[:space:]]*//;/^$/d;p}' tests/fuzz/targets.cmake
}
