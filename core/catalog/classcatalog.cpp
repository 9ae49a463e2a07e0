#include "classcatalog.h"

#include "error.h"

#include <QFile>
#include <QTextStream>

namespace bagel {

bool parseWnid(std::string_view wnid, quint32 *offset)
{
    if (wnid.size() != 9 || wnid[0] != 'n')
        return false;
    quint32 value = 0;
    for (std::size_t i = 1; i < wnid.size(); ++i) {
        const char c = wnid[i];
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + quint32(c - '0');
    }
    *offset = value;
    return true;
}

QString wnidFromOffset(quint32 offset)
{
    return QStringLiteral("n%1").arg(offset, 8, 10, QLatin1Char('0'));
}

const ClassCatalog &ClassCatalog::imagenet1k()
{
    static const ClassCatalog catalog = [] {
        QFile file(QStringLiteral(":/bagel/imagenet/classes.tsv"));
        if (!file.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("The bundled class table is missing from this build"));
        return fromTsv(file, QStringLiteral("classes.tsv"));
    }();
    return catalog;
}

ClassCatalog ClassCatalog::fromTsv(QIODevice &device, const QString &sourceName)
{
    ClassCatalog catalog;
    QTextStream in(&device);
    in.setEncoding(QStringConverter::Utf8);
    int lineNumber = 0;
    QString line;
    while (in.readLineInto(&line)) {
        ++lineNumber;
        if (lineNumber == 1 && line.startsWith(QLatin1String("index\t")))
            continue;
        if (line.isEmpty())
            continue;
        const auto fail = [&](const QString &what) {
            throw Error(QStringLiteral("%1:%2: %3").arg(sourceName).arg(lineNumber).arg(what));
        };
        const QStringList fields = line.split(QLatin1Char('\t'));
        if (fields.size() != 4)
            fail(QStringLiteral("expected 4 tab-separated fields, found %1").arg(fields.size()));
        bool ok = false;
        const int index = fields[0].toInt(&ok);
        if (!ok || index != catalog.size())
            fail(QStringLiteral("expected class index %1, found '%2'").arg(catalog.size()).arg(fields[0]));
        quint32 offset = 0;
        const QByteArray wnidBytes = fields[1].toLatin1();
        if (!parseWnid(std::string_view(wnidBytes.constData(), std::size_t(wnidBytes.size())), &offset))
            fail(QStringLiteral("'%1' is not a wnid (n + 8 digits)").arg(fields[1]));
        if (catalog.m_byWnidNumber.count(offset))
            fail(QStringLiteral("wnid %1 appears twice").arg(fields[1]));

        ImageNetClass cls;
        cls.index = index;
        cls.wnid = fields[1];
        for (const QString &name : fields[2].split(QLatin1Char(','))) {
            const QString trimmed = name.trimmed();
            if (!trimmed.isEmpty())
                cls.names << trimmed;
        }
        if (cls.names.isEmpty())
            fail(QStringLiteral("class %1 has no name").arg(fields[1]));
        cls.gloss = fields[3].trimmed();

        catalog.m_byWnidNumber.emplace(offset, index);
        for (const QString &name : std::as_const(cls.names)) {
            QVector<int> &list = catalog.m_byName[name.toLower()];
            if (!list.contains(index))
                list << index;
        }
        catalog.m_classes << cls;
    }
    if (catalog.m_classes.isEmpty())
        throw Error(QStringLiteral("%1: no classes").arg(sourceName));
    return catalog;
}

int ClassCatalog::indexOfWnid(std::string_view wnid) const
{
    quint32 offset = 0;
    if (!parseWnid(wnid, &offset))
        return -1;
    const auto it = m_byWnidNumber.find(offset);
    return it == m_byWnidNumber.end() ? -1 : it->second;
}

int ClassCatalog::indexOfWnid(const QString &wnid) const
{
    const QByteArray bytes = wnid.toLatin1();
    return indexOfWnid(std::string_view(bytes.constData(), std::size_t(bytes.size())));
}

QVector<int> ClassCatalog::indicesOfName(const QString &name) const
{
    return m_byName.value(name.simplified().toLower());
}

const ImageNetClass &ClassCatalog::resolve(const QString &spec) const
{
    const QString s = spec.trimmed();
    if (s.isEmpty())
        throw Error(QStringLiteral("empty class name"));

    bool isNumber = false;
    const int index = s.toInt(&isNumber);
    if (isNumber) {
        if (!contains(index))
            throw Error(QStringLiteral("class index %1 is out of range 0..%2").arg(s).arg(size() - 1));
        return at(index);
    }

    quint32 offset = 0;
    const QByteArray latin = s.toLatin1();
    if (parseWnid(std::string_view(latin.constData(), std::size_t(latin.size())), &offset)) {
        const int found = indexOfWnid(s);
        if (found < 0)
            throw Error(QStringLiteral("%1 is not one of the %2 classes").arg(s).arg(size()));
        return at(found);
    }

    const QVector<int> candidates = indicesOfName(s);
    if (candidates.isEmpty())
        throw Error(QStringLiteral("no class is named '%1' (give a wnid, an index or a class name)").arg(s));
    if (candidates.size() > 1) {
        QStringList lines;
        for (int i : candidates) {
            const ImageNetClass &c = at(i);
            lines << QStringLiteral("%1 (%2, index %3: %4)").arg(c.name(), c.wnid).arg(c.index).arg(c.gloss);
        }
        throw Error(QStringLiteral("'%1' is ambiguous; it names %2 classes: %3")
                        .arg(s)
                        .arg(candidates.size())
                        .arg(lines.join(QLatin1String("; "))));
    }
    return at(candidates.first());
}

} // namespace bagel
