#include "importcontext.h"

#include "catalog/classcatalog.h"
#include "error.h"
#include "io/inputfile.h"
#include "io/utf8.h"
#include "io/delimitedreader.h"
#include "project.h"

#include <QFile>

#include <charconv>

namespace bagel {

namespace {

int resolveClassField(const ClassCatalog &catalog, std::string_view text, bool *ok)
{
    *ok = true;
    const int byWnid = catalog.indexOfWnid(text);
    if (byWnid >= 0)
        return byWnid;
    int index = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
    if (ec == std::errc() && ptr == text.data() + text.size() && catalog.contains(index))
        return index;
    *ok = false;
    return -1;
}

void checkFileName(const QString &name, const FailAt &fail)
{
    if (name.isEmpty())
        fail(QStringLiteral("empty file name"));
    if (name.size() > 1024)
        fail(QStringLiteral("file name longer than 1024 characters"));
    if (name.front().isSpace() || name.back().isSpace())
        fail(QStringLiteral("the file name '%1' starts or ends with white space").arg(name));
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            fail(QStringLiteral("file name contains a control or invisible format character (U+%1)")
                     .arg(c.unicode(), 4, 16, QLatin1Char('0')));
    }
    // The name is also the image's path under the images root (unless an ImageFolder import
    // gives one): it must not lead out of it, and must have one spelling.
    if (name.contains(QLatin1Char('\\')))
        fail(QStringLiteral("the file name '%1' contains a backslash (folders are separated by /)").arg(name));
    if (name.startsWith(QLatin1Char('/')))
        fail(QStringLiteral("the file name '%1' is an absolute path (image paths are relative to the images root)").arg(name));
    if (name.size() >= 2 && name[1] == QLatin1Char(':') && name[0].isLetter() && name[0].unicode() < 0x80)
        fail(QStringLiteral("the file name '%1' starts with a drive letter (image paths are relative to the images root)").arg(name));
    for (const QStringView part : QStringView(name).split(QLatin1Char('/'))) {
        if (part == QLatin1String(".."))
            fail(QStringLiteral("the file name '%1' has a '..' component, which leads out of the images root").arg(name));
        if (part.isEmpty() || part == QLatin1String("."))
            fail(QStringLiteral("the file name '%1' has an empty or '.' path component").arg(name));
    }
}

} // namespace

void readLabelsTable(const QString &path, const ClassCatalog &catalog, const std::function<void(const LabelRow &)> &visit,
                     Progress *progress)
{
    QFile file;
    openInputFile(file, path);
    const QByteArray peek = file.peek(4096);
    const std::string_view firstLine(peek.constData(), std::size_t(std::max<qsizetype>(0, peek.indexOf('\n'))));
    DelimitedReader reader(file, path, DelimitedReader::delimiterFor(path, firstLine));

    int fileColumn = 0;
    int wnidColumn = -1;
    int indexColumn = -1;
    int columns = 2;
    QHash<QString, qint64> seen;

    bool first = true;
    ReadProgress read(progress, file);
    while (reader.next()) {
        read.tick();
        if (first) {
            first = false;
            QStringList header;
            for (int i = 0; i < reader.fieldCount(); ++i)
                header << reader.qfield(i).trimmed().toLower();
            if (header.contains(QLatin1String("file_name")) || header.contains(QLatin1String("filename"))) {
                reader.requireUniqueColumns(header);
                if (header.contains(QLatin1String("file_name")) && header.contains(QLatin1String("filename")))
                    reader.fail(int(header.indexOf(QLatin1String("filename"))),
                                QStringLiteral("the header names both file_name and filename"));
                fileColumn = std::max(header.indexOf(QLatin1String("file_name")), header.indexOf(QLatin1String("filename")));
                wnidColumn = header.indexOf(QLatin1String("wnid"));
                indexColumn = header.indexOf(QLatin1String("index"));
                if (indexColumn < 0)
                    indexColumn = header.indexOf(QLatin1String("label"));
                if (wnidColumn < 0 && indexColumn < 0)
                    reader.fail(-1, QStringLiteral("the header names no class column (wnid, index or label)"));
                columns = int(header.size());
                reader.setColumnNames(header);
                continue;
            }
            // No header: file name, class (wnid or index).
            if (reader.fieldCount() < 2)
                reader.fail(-1, QStringLiteral("expected a header row with file_name and wnid or index, "
                                               "or two columns: file name and class"));
            columns = reader.fieldCount();
            reader.setColumnNames({QStringLiteral("file name"), QStringLiteral("class")});
            wnidColumn = 1;
        }
        if (reader.fieldCount() != columns)
            reader.fail(-1, QStringLiteral("expected %1 columns, found %2").arg(columns).arg(reader.fieldCount()));

        LabelRow row;
        row.line = reader.line();
        row.fileName = nfc(reader.qfield(fileColumn));
        checkFileName(row.fileName, [&](const QString &m) { reader.fail(fileColumn, m); });
        bool ok = false;
        if (wnidColumn >= 0) {
            row.classIndex = resolveClassField(catalog, reader.field(wnidColumn), &ok);
            if (!ok)
                reader.fail(wnidColumn, QStringLiteral("'%1' is not one of the %2 classes")
                                            .arg(reader.qfield(wnidColumn))
                                            .arg(catalog.size()));
        }
        if (indexColumn >= 0) {
            const int byIndex = resolveClassField(catalog, reader.field(indexColumn), &ok);
            if (!ok)
                reader.fail(indexColumn, QStringLiteral("'%1' is not a class index 0..%2")
                                             .arg(reader.qfield(indexColumn))
                                             .arg(catalog.size() - 1));
            if (row.classIndex >= 0 && row.classIndex != byIndex) {
                reader.fail(indexColumn, QStringLiteral("index %1 (%2) disagrees with wnid %3")
                                             .arg(byIndex)
                                             .arg(catalog.at(byIndex).wnid, reader.qfield(wnidColumn)));
            }
            row.classIndex = byIndex;
        }
        const auto previous = seen.constFind(row.fileName);
        if (previous != seen.constEnd())
            reader.fail(fileColumn, QStringLiteral("duplicate file %1 (first on line %2)").arg(row.fileName).arg(*previous));
        seen.insert(row.fileName, row.line);
        visit(row);
    }
    if (first) // nothing but blank lines, or no bytes at all
        throw Error(QStringLiteral("%1: the file is empty").arg(path));
    read.update();
}

ImportContext::ImportContext(Project &project, const ImportOptions &options, ImportReport &report)
    : project(project)
    , store(project.store())
    , catalog(project.catalog())
    , options(options)
    , report(report)
    , m_items(store.itemIndex())
{
    // Names are looked up in NFC; a project written before names were normalised may hold
    // another spelling, which is then found under both.
    for (const QString &stored : m_items.keys()) {
        const QString normal = nfc(stored);
        if (normal != stored && !m_items.contains(normal))
            m_items.insert(normal, m_items.value(stored));
    }
    if (!options.labelsFile.isEmpty()) {
        readLabelsTable(options.labelsFile, catalog,
                        [this](const LabelRow &row) { m_labels.insert(row.fileName, row.classIndex); });
    }
}

ItemId ImportContext::item(const QString &name, const FailAt &fail, int label, const QString &imagePath)
{
    const QString fileName = nfc(name);
    auto it = m_items.find(fileName);
    if (it == m_items.end()) {
        checkFileName(fileName, fail);
        if (options.onlyExisting) {
            report.skip(QStringLiteral("entries for items not in the project"), fileName);
            return 0;
        }
        ItemRecord record;
        record.fileName = fileName;
        record.imagePath = imagePath.isEmpty() ? fileName : imagePath;
        record.originalLabel = label >= 0 ? label : m_labels.value(fileName, -1);
        record.id = store.addItem(record);
        m_items.insert(fileName, ItemKey{record.id, record.originalLabel, record.imagePath});
        m_touched.insert(record.id);
        report.add(QStringLiteral("items"));
        return record.id;
    }

    ItemKey &known = *it;
    bool changed = false;
    if (label < 0)
        label = m_labels.value(fileName, -1);
    if (label >= 0 && known.originalLabel != label) {
        if (known.originalLabel >= 0) {
            fail(QStringLiteral("%1 has the original label %2 (%3) in the project, the input says %4 (%5)")
                     .arg(fileName, catalog.at(known.originalLabel).wnid, catalog.at(known.originalLabel).name(),
                          catalog.at(label).wnid, catalog.at(label).name()));
        }
        store.setOriginalLabel(known.id, label);
        known.originalLabel = label;
        report.update(QStringLiteral("original labels"));
        changed = true;
    }
    if (!imagePath.isEmpty() && imagePath != known.imagePath) {
        store.setImagePath(known.id, imagePath);
        known.imagePath = imagePath;
        report.update(QStringLiteral("image paths"));
        changed = true;
    }
    if (!m_touched.contains(known.id)) {
        m_touched.insert(known.id);
        if (!changed)
            report.same(QStringLiteral("items"));
    }
    return known.id;
}

bool ImportContext::isValidationFile(std::string_view fileName)
{
    return fileName.rfind("ILSVRC2012_val_", 0) == 0;
}

QString ImportContext::validationFileName(qint64 row)
{
    return QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(row + 1, 8, 10, QLatin1Char('0'));
}

} // namespace bagel
