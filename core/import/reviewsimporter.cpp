// Reviews from other tools: a CSV with the columns
// file_name,model,reviewer,verdict,category,severity,note,time (empty where absent).
// Each row becomes one review, validated as the review window validates its own. A review's
// uid is derived from the row, so importing the same file again adds nothing.

#include "importcontext.h"
#include "importers.h"

#include "error.h"
#include "io/utf8.h"
#include "io/inputfile.h"
#include "io/delimitedreader.h"
#include "project.h"
#include "storage/store.h"
#include "storage/uid.h"

#include <QFile>
#include <QRegularExpression>
#include <QTimeZone>

namespace bagel {

namespace {

const QStringList kColumns = {QStringLiteral("file_name"), QStringLiteral("model"),    QStringLiteral("reviewer"),
                              QStringLiteral("verdict"),   QStringLiteral("category"), QStringLiteral("severity"),
                              QStringLiteral("note"),      QStringLiteral("time")};

QString rowUid(const QStringList &fields)
{
    return derivedUid("bagel-reviews-csv", fields);
}

/** ISO 8601 date and time; without an offset it is taken as UTC (never the machine's zone). */
QDateTime parseTime(const QString &text)
{
    static const QRegularExpression offset(QStringLiteral("(Z|[+-]\\d\\d(:?\\d\\d)?)$"), QRegularExpression::CaseInsensitiveOption);
    if (text.size() == 10) { // a date alone: its midnight, UTC
        const QDate date = QDate::fromString(text, Qt::ISODate);
        return date.isValid() ? QDateTime(date, QTime(0, 0), QTimeZone::utc()) : QDateTime();
    }
    const bool hasOffset = text.size() > 10 && offset.match(text.mid(10)).hasMatch();
    const QString utc = hasOffset ? text : text + QLatin1Char('Z');
    QDateTime t = QDateTime::fromString(utc, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(utc, Qt::ISODate);
    return t.isValid() ? t.toUTC() : t;
}

} // namespace

void importReviews(ImportContext &context, const QString &path)
{
    QFile file;
    openInputFile(file, path);
    DelimitedReader reader(file, path, ',');
    if (!reader.next())
        throw Error(QStringLiteral("%1: the file is empty (expected the header %2)").arg(path, kColumns.join(QLatin1Char(','))));
    QStringList header;
    for (int i = 0; i < reader.fieldCount(); ++i)
        header << reader.qfield(i).trimmed().toLower();
    reader.requireUniqueColumns(header);
    QVector<int> column(kColumns.size(), -1);
    for (int i = 0; i < header.size(); ++i) {
        const int known = int(kColumns.indexOf(header[i]));
        if (known < 0)
            reader.fail(i, QStringLiteral("unknown column '%1' (the columns are %2)").arg(header[i], kColumns.join(QLatin1Char(','))));
        column[known] = i; // each name once: requireUniqueColumns()
    }
    for (int k = 0; k < kColumns.size(); ++k) {
        if (column[k] < 0)
            reader.fail(-1, QStringLiteral("the header lacks the column '%1' (the columns are %2)")
                                .arg(kColumns[k], kColumns.join(QLatin1Char(','))));
    }
    reader.setColumnNames(header);

    const QSet<QString> known = [&] {
        QSet<QString> uids;
        const QHash<QString, ReviewId> all = context.store.reviewUids();
        for (auto it = all.constBegin(); it != all.constEnd(); ++it)
            uids.insert(it.key());
        return uids;
    }();
    QSet<QString> inFile;
    const QDateTime importTime = QDateTime::currentDateTimeUtc();
    ReadProgress read(context.options.progress, file);
    while (reader.next()) {
        read.tick();
        if (reader.fieldCount() != header.size())
            reader.fail(-1, QStringLiteral("expected %1 columns, found %2").arg(header.size()).arg(reader.fieldCount()));
        QStringList fields;
        for (int k = 0; k < kColumns.size(); ++k)
            fields << reader.qfield(column[k]).trimmed();
        fields[0] = nfc(fields[0]);
        QString fileName = fields[0];
        ReviewInput in;
        in.fileName = fileName;
        in.model = fields[1];
        in.reviewer = fields[2];
        in.note = reader.qfield(column[6]);
        in.source = QStringLiteral("reviews-csv");
        if (fileName.isEmpty())
            reader.fail(column[0], QStringLiteral("the file name is empty"));
        if (!context.store.itemByFileName(fileName)) {
            // A project written before names were normalised may spell the name otherwise.
            const QString asWritten = reader.qfield(column[0]).trimmed();
            if (asWritten != fileName && context.store.itemByFileName(asWritten))
                fileName = asWritten;
        }
        if (!context.store.itemByFileName(fileName)) {
            if (context.options.onlyExisting) {
                context.report.skip(QStringLiteral("reviews of items not in the project"), fileName);
                continue;
            }
            reader.fail(column[0], QStringLiteral("no item '%1' in the project (--only-existing skips such rows)").arg(fileName));
        }
        auto parse = [&](int k, auto parser, const QStringList &names, auto &target) {
            if (fields[k].isEmpty())
                return;
            const auto value = parser(fields[k]);
            if (!value)
                reader.fail(column[k], QStringLiteral("'%1' is not a %2 (one of: %3)").arg(fields[k], kColumns[k], names.join(QLatin1String(", "))));
            target = *value;
        };
        parse(3, parseVerdict, verdictNames(), in.verdict);
        parse(4, parseCategory, categoryNames(), in.category);
        parse(5, parseSeverity, severityNames(), in.severity);
        if (!in.verdict)
            reader.fail(column[3], QStringLiteral("the verdict is empty"));
        if (!fields[7].isEmpty()) {
            in.time = parseTime(fields[7]);
            if (!in.time.isValid())
                reader.fail(column[7], QStringLiteral("'%1' is not an ISO 8601 date and time (2024-03-01T14:05:00Z)").arg(fields[7]));
        } else {
            in.time = importTime;
        }
        ReviewRecord review;
        try {
            review = context.project.prepareReview(in);
        } catch (const Error &e) {
            reader.fail(-1, e.message());
        }
        review.uid = rowUid(fields);
        if (known.contains(review.uid) || inFile.contains(review.uid)) {
            context.report.same(QStringLiteral("reviews"));
            continue;
        }
        inFile.insert(review.uid);
        const bool newReviewer = context.store.reviewerId(in.reviewer, false) == 0;
        review.reviewer = context.store.reviewerId(in.reviewer, true);
        if (newReviewer)
            context.report.add(QStringLiteral("reviewers"));
        context.store.appendReview(review);
        context.report.add(QStringLiteral("reviews"));
    }
    read.update();
}

} // namespace bagel
