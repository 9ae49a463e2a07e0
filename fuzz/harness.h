#pragma once

// What each fuzz target does with one input: the same code runs under libFuzzer (fuzz_*.cpp,
// the `fuzz` preset) and in the regression test that replays the inputs checked in under
// fuzz/regressions/ (fuzz_replay, part of every ctest run).

#include <QString>
#include <QStringList>

#include <cstddef>
#include <cstdint>

namespace bagel::fuzz {

/** The fuzz targets: one per importer and layout, and image decoding. */
QStringList targets();

/**
 * Feeds \a data to \a target: written to a file of the right name and imported into a scratch
 * project (all-or-nothing, errors expected and ignored), or decoded as an image. Anything but
 * a clean success or a clean Error — a crash, a sanitizer report, a hang — is a finding.
 * Returns false for an unknown target.
 */
bool run(const QString &target, const std::uint8_t *data, std::size_t size);

} // namespace bagel::fuzz
