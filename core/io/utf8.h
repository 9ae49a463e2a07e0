#pragma once

#include <QString>

#include <string_view>

namespace bagel {

/** True when \a bytes is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF). */
bool isValidUtf8(std::string_view bytes);

/** The byte offset of the first byte that breaks UTF-8 well-formedness, or npos. */
std::size_t firstInvalidUtf8(std::string_view bytes);

/**
 * \a name in Unicode normalisation form C. Item names are compared as NFC: `café.jpg` typed
 * with a precomposed é and with e + U+0301 (as macOS file systems spell it) is one item.
 * ASCII names come back as they are, at no cost.
 */
QString nfc(const QString &name);

} // namespace bagel
