# SPECMOE_FUZZ: the libFuzzer targets of tests/fuzz (docs/development.md, "Fuzzing").
# Every object of the build is instrumented for coverage (fuzzer-no-link), ASan and UBSan,
# so the core libraries the targets link see the same checks as the targets themselves.
# UBSan findings abort (no recovery), so libFuzzer records them as crashes.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SPECMOE_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=address,undefined)
