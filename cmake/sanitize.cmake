# Sanitizer and fuzzing instrumentation for every target of the project.
#
# Included by the top-level CMakeLists.txt before any target is defined, so the options added here reach
# the core library, both executables and the tests alike.
#
#   -DFASTLY_ACCOUNTS_SANITIZE=address,undefined   any list accepted by -fsanitize= (g++ or clang)
#   -DFASTLY_ACCOUNTS_FUZZ=ON                      clang only: instruments everything for libFuzzer
#                                                  (fuzzer-no-link plus address,undefined unless
#                                                  FASTLY_ACCOUNTS_SANITIZE names others) and builds
#                                                  the targets under tests/fuzz/
#
# UBSan errors are fatal (-fno-sanitize-recover=all): a test that triggers one fails instead of printing
# a line nobody reads.

set(_fa_sanitizers "${FASTLY_ACCOUNTS_SANITIZE}")

if(FASTLY_ACCOUNTS_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR
            "FASTLY_ACCOUNTS_FUZZ=ON needs clang (libFuzzer), but the C++ compiler is "
            "${CMAKE_CXX_COMPILER_ID} (${CMAKE_CXX_COMPILER}). Configure a separate build directory with "
            "CC=clang-14 CXX=clang++-14 (Debian packages clang-14 and libclang-rt-14-dev), "
            "or run scripts/fuzz.sh.")
    endif()
    if(_fa_sanitizers STREQUAL "")
        set(_fa_sanitizers "address,undefined")
    endif()
endif()

if(NOT _fa_sanitizers STREQUAL "")
    string(REPLACE ";" "," _fa_sanitizers "${_fa_sanitizers}")
    message(STATUS "fastly-accounts: building with -fsanitize=${_fa_sanitizers}")
    add_compile_options(-fsanitize=${_fa_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${_fa_sanitizers} -fno-sanitize-recover=all)
endif()

if(FASTLY_ACCOUNTS_FUZZ)
    # Coverage instrumentation without libFuzzer's main(); the fuzz executables link -fsanitize=fuzzer.
    add_compile_options(-fsanitize=fuzzer-no-link)
    message(STATUS "fastly-accounts: libFuzzer instrumentation on (-fsanitize=fuzzer-no-link)")
endif()

unset(_fa_sanitizers)
