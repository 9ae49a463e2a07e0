// One libFuzzer target (BAGEL_FUZZ_TARGET names it); built by the `fuzz` preset with clang.

#include "harness.h"

#include <QCoreApplication>

#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv); // Qt's SQL drivers need one
    spdlog::set_level(spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    bagel::fuzz::run(QStringLiteral(BAGEL_FUZZ_TARGET), data, size);
    return 0;
}
