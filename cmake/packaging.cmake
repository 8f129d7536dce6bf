# Installation (`cmake --install`) and the Debian package that scripts/package.sh makes with CPack.
# Included from the top CMakeLists.txt after both executables are defined.
include(GNUInstallDirs)

# One version for both programs' --version and for the package: the project's. A source property, so that
# only the two command-line files are rebuilt when it changes (a unity build leaves such files out).
set_source_files_properties(src/cli/cli.cpp PROPERTIES
    COMPILE_DEFINITIONS "FASTLY_ACCOUNTS_VERSION=\"${PROJECT_VERSION}\"")
set_source_files_properties(src/emulator/cli.cpp TARGET_DIRECTORY fastly_emulator_core PROPERTIES
    COMPILE_DEFINITIONS "FASTLY_ACCOUNTS_VERSION=\"${PROJECT_VERSION}\"")

install(TARGETS fastly-accounts fastly-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES schemas/fastly-accounts.schema.json DESTINATION ${CMAKE_INSTALL_DATADIR}/fastly-accounts/schemas)
set(FA_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/fastly-accounts)   # Debian's name, not the project's
install(FILES README.md DESTINATION ${FA_DOC_DIR})
install(FILES src/emulator/README.md DESTINATION ${FA_DOC_DIR} RENAME README.emulator.md)
install(DIRECTORY examples/ci/ DESTINATION ${FA_DOC_DIR}/examples/ci)

# The man pages (help2man, from each command's --help) and the bash completion (from the CLI definition,
# `fastly-accounts completion bash`) are made from the built programs when they are installed, so that
# they describe exactly the binaries in the package.
set(FA_PACKAGE_DOCS ${CMAKE_BINARY_DIR}/package-docs)
install(CODE "execute_process(
    COMMAND \"${PROJECT_SOURCE_DIR}/scripts/package-docs.sh\" \"$<TARGET_FILE:fastly-accounts>\"
            \"$<TARGET_FILE:fastly-emulator>\" \"${FA_PACKAGE_DOCS}\"
    COMMAND_ERROR_IS_FATAL ANY)")
install(DIRECTORY ${FA_PACKAGE_DOCS}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${FA_PACKAGE_DOCS}/completion/fastly-accounts
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# --- The Debian package. ----------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME fastly-accounts)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "fastly-accounts")
set(CPACK_PACKAGE_CONTACT "fastly-accounts maintainers <maintainers@users.noreply.h-seed-337cb0b3.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Fastly account access as code: plan, apply and drift, plus an API emulator")
# One string (several would make a CMake list): dpkg shows it folded under the summary.
set(CPACK_PACKAGE_DESCRIPTION "fastly-accounts manages the users, invitations, IAM roles, user groups and \
service groups of a Fastly account from YAML files kept in git: validate offline, plan a change for review, \
apply exactly the plan that was reviewed, and report drift made by hand. fastly-emulator is a local emulator \
of the Fastly Account and IAM API, for tests and CI without production credentials.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # fastly-accounts_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The runtime libraries (libyaml-cpp, libcurl4, libicu, libfmt, libspdlog, libssl, libstdc++, ...) found
# by dpkg-shlibdeps from what the binaries really link, with the versions they need.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS bash-completion)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
