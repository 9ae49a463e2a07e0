#include "uid.h"

#include <QCryptographicHash>
#include <QUuid>

namespace bagel {

QString newUid()
{
    return QUuid::createUuid().toString(QUuid::Id128);
}

QString derivedUid(QByteArrayView domain, const QStringList &parts)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(domain);
    for (const QString &part : parts) {
        const QByteArray utf8 = part.toUtf8();
        hash.addData(QByteArray(QByteArray::number(utf8.size()) + ':'));
        hash.addData(utf8);
    }
    return QString::fromLatin1(hash.result().left(16).toHex());
}

} // namespace bagel
