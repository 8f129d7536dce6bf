# Shared by scripts/*.sh: install missing Debian packages, configure and build.
# Sourced, not executed.

# Debian packages the build and the test suite need.
FA_PACKAGES=(
    cmake g++ make pkg-config
    libyaml-cpp-dev libcurl4-openssl-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
    libcli11-dev doctest-dev libcpp-httplib-dev libssl-dev
    python3 python3-jsonschema python3-yaml openssl curl
)

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

# --- Sanitizer and fuzz builds (issue 7): scripts/sanitize.sh, scripts/fuzz.sh. -------------------------
# clang and its runtime libraries (ASan, UBSan, libFuzzer) for the fuzz build; g++ covers the sanitizer build.
FA_FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)

# The fuzz targets named in tests/fuzz/targets.cmake, one a line.
fa_fuzz_targets() {
    sed -n '/^set(FA_FUZZ_TARGETS/,/^)/{/^set(/d;/^)/d;s/^[[:space:]]*//;/^$/d;p}' tests/fuzz/targets.cmake
}
