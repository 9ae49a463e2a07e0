#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringList>

namespace bagel {

/** A new random uid for a review or adjudication: 32 hex digits. */
QString newUid();

/**
 * A uid derived from \a parts (each length-prefixed, so no two lists collide by concatenation)
 * under \a domain: the same record imported into two project files gets the same uid there, so
 * merging the files later keeps one. 32 hex digits of SHA-256.
 */
QString derivedUid(QByteArrayView domain, const QStringList &parts);

} // namespace bagel
