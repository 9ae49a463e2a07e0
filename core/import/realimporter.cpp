// ImageNet ReaL `real.json`: a list of 50,000 lists of class indices; entry i belongs to
// ILSVRC2012_val_{i+1:08d}.JPEG, and an empty list means ReaL excluded the image.

#include "importcontext.h"
#include "importers.h"

#include "catalog/classcatalog.h"
#include "error.h"
#include "io/inputfile.h"
#include "io/jsonreader.h"
#include "storage/store.h"

#include <QFile>

#include <algorithm>

namespace bagel {

namespace {
constexpr qint64 kValidationImages = 50000;
}

void importReal(ImportContext &context, const QString &path)
{
    using Token = JsonReader::Token;
    QFile file;
    openInputFile(file, path);
    JsonReader reader(file, path);
    const FailAt fail = [&reader](const QString &message) { reader.fail(message); };

    reader.expect(Token::BeginArray, "a list with one list of class indices per validation image");
    qint64 row = 0;
    ReadProgress read(context.options.progress, file);
    for (Token t = reader.next(); t != Token::EndArray; t = reader.next(), ++row) {
        read.tick();
        if (row >= kValidationImages)
            reader.fail(QStringLiteral("more than %1 entries; ReaL has one per ILSVRC-2012 validation image").arg(kValidationImages));
        if (t != Token::BeginArray)
            reader.fail(QStringLiteral("expected a list of class indices, found %1").arg(QLatin1String(JsonReader::tokenName(t))));
        QVector<int> classes;
        for (Token c = reader.next(); c != Token::EndArray; c = reader.next()) {
            if (c != Token::Number)
                reader.fail(QStringLiteral("expected a class index, found %1").arg(QLatin1String(JsonReader::tokenName(c))));
            const qint64 index = reader.intValue();
            if (index < 0 || index >= context.catalog.size())
                reader.fail(QStringLiteral("class index %1 is out of range 0..%2").arg(index).arg(context.catalog.size() - 1));
            if (!classes.contains(int(index)))
                classes << int(index);
        }
        std::sort(classes.begin(), classes.end());

        const ItemId id = context.item(ImportContext::validationFileName(row), fail);
        if (!id)
            continue;
        const auto existing = context.store.realLabels(id);
        if (existing && *existing == classes) {
            context.report.same(QStringLiteral("ReaL label lists"));
            continue;
        }
        context.store.setRealLabels(id, classes);
        if (existing)
            context.report.update(QStringLiteral("ReaL label lists"));
        else
            context.report.add(QStringLiteral("ReaL label lists"));
    }
    // ReaL is positional: a shorter list would attach labels to the wrong images.
    if (row != kValidationImages)
        reader.fail(QStringLiteral("%1 entries; ReaL has exactly one per ILSVRC-2012 validation image (%2)")
                        .arg(row)
                        .arg(kValidationImages));
    reader.expect(Token::EndOfInput, "the end of the file");
    read.update();
}

} // namespace bagel
