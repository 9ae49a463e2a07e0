#pragma once

#include <string_view>

namespace bagel {

/** True when \a bytes is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF). */
bool isValidUtf8(std::string_view bytes);

/** The byte offset of the first byte that breaks UTF-8 well-formedness, or npos. */
std::size_t firstInvalidUtf8(std::string_view bytes);

} // namespace bagel
