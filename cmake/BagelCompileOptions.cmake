# One INTERFACE target carrying the compile options every Bagel target shares.
add_library(bagel_options INTERFACE)
add_library(Bagel::options ALIAS bagel_options)

target_compile_features(bagel_options INTERFACE cxx_std_20)
target_compile_options(bagel_options INTERFACE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic>)
target_compile_definitions(bagel_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_NO_KEYWORDS
    BAGEL_VERSION="${PROJECT_VERSION}")

option(BAGEL_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(BAGEL_SANITIZE)
    target_compile_options(bagel_options INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(bagel_options INTERFACE -fsanitize=address,undefined)
endif()

# The fuzz targets (the `fuzz` preset, clang only): every library instrumented for libFuzzer's
# coverage and checked by ASan and UBSan; the fuzz executables add -fsanitize=fuzzer.
option(BAGEL_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
if(BAGEL_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "BAGEL_FUZZ needs clang (cmake --preset fuzz)")
    endif()
    target_compile_options(bagel_options INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(bagel_options INTERFACE -fsanitize=address,undefined)
endif()
