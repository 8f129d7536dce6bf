# The fuzz targets, shared by tests/fuzz/CMakeLists.txt (libFuzzer executables, clang only) and by
# tests/security/CMakeLists.txt (replay executables that run the corpus and the regressions under ctest).
# Each NAME has fuzz_NAME.cpp here, a seed corpus in corpus/NAME/ and crash inputs in regressions/NAME/.
set(FA_FUZZ_TARGETS
    yaml_loader
    json_bare_array
    json_iam_page
    json_jsonapi_page
    json_cursor_page
    json_error_body
    json_objects
    answer_description
)
set(FA_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
