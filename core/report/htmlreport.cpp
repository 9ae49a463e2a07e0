#include "htmlreport.h"

#include "audit/audit.h"
#include "catalog/classcatalog.h"
#include "error.h"
#include "export/outputfile.h"
#include "progress.h"
#include "project.h"

#include <QDateTime>
#include <QSet>
#include <QTextStream>
#include <QFileInfo>

namespace bagel {

QString htmlEscaped(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '&':
            out += QLatin1String("&amp;");
            break;
        case '<':
            out += QLatin1String("&lt;");
            break;
        case '>':
            out += QLatin1String("&gt;");
            break;
        case '"':
            out += QLatin1String("&quot;");
            break;
        case '\'':
            out += QLatin1String("&#39;");
            break;
        default:
            out += c;
        }
    }
    return out;
}

namespace {

QString percent(const std::optional<double> &value)
{
    return value ? QStringLiteral("%1&nbsp;%").arg(*value * 100.0, 0, 'f', 2) : QStringLiteral("–");
}

QString statistic(const agreement::Estimate &e)
{
    if (!e.value)
        return QStringLiteral("not defined");
    QString text = QString::number(*e.value, 'f', 3);
    if (e.ci95)
        text += QStringLiteral(" <span class=ci>[%1, %2]</span>").arg(e.ci95->low, 0, 'f', 3).arg(e.ci95->high, 0, 'f', 3);
    return text;
}

/**
 * An SVG document as an image: a data URI in an <img>, where a browser runs no script and
 * follows no link whatever the document holds, and its ids cannot clash with the page's.
 * Anything that is not an SVG document is escaped and shown as text.
 */
QString embedSvg(const QString &svg, const QString &title)
{
    if (!svg.contains(QLatin1String("<svg")))
        return QStringLiteral("<pre>%1</pre>").arg(htmlEscaped(svg));
    return QStringLiteral("<img alt=\"%1\" src=\"data:image/svg+xml;base64,%2\">")
        .arg(htmlEscaped(title), QString::fromLatin1(svg.toUtf8().toBase64()));
}

QString figure(const HtmlChart &chart)
{
    return QStringLiteral("<figure>\n%1\n<figcaption>%2</figcaption>\n</figure>\n").arg(embedSvg(chart.svg, chart.title), htmlEscaped(chart.title));
}

} // namespace

void writeHtmlReport(const Project &project, const Report &report, const QString &path, const QVector<HtmlChart> &charts,
                     Progress *progress)
{
    // Steps: the models' sections, reading the reviews, the agreement, the disputed units.
    progressStart(progress, QStringLiteral("Writing %1").arg(QFileInfo(path).fileName()), 4);
    OutputFile file(path, project.path()); // refuses the project itself, its journal, a folder, …
    const ClassCatalog &catalog = project.catalog();
    QString html;
    QTextStream out(&html);
    const QString title = QStringLiteral("Bagel report — %1").arg(QFileInfo(project.path()).fileName());
    out << "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<title>" << htmlEscaped(title) << "</title>\n"
        << "<style>\nbody{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;color:#222}"
           "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
           "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}.ci{color:#777}"
           "h2{border-bottom:2px solid #e6b86a;padding-bottom:.2em}.note{color:#555;font-style:italic}"
           "figure{margin:1em 0 2em}figure img{max-width:100%;height:auto}figcaption{color:#555}\n</style>\n</head>\n<body>\n";
    out << "<h1>" << htmlEscaped(title) << "</h1>\n<p>" << htmlEscaped(project.path()) << " — "
        << QDateTime::currentDateTimeUtc().toString(Qt::ISODate) << "</p>\n";

    for (const ModelReport &m : report.models) {
        const auto figureRow = [&out](const char *name, const QString &value, const QString &items) {
            out << "<tr><th>" << name << "</th><td class=n>" << value << "</td><td class=n>" << items << "</td></tr>\n";
        };
        const auto items = [](qint64 n) { return QStringLiteral("%1 items").arg(n); };
        out << "<h2>Model " << htmlEscaped(m.name) << "</h2>\n<table>\n";
        figureRow("Top-1 accuracy", percent(m.top1), items(m.top1Items));
        figureRow("Top-1 accuracy after the review", percent(m.top1After), items(m.top1AfterItems));
        figureRow("Multi-label accuracy, imported", percent(m.mlaBefore), m.mlaBefore ? items(m.mlaItemsBefore) : QString());
        figureRow("Multi-label accuracy, reviewed", percent(m.mlaAfter), m.mlaAfter ? items(m.mlaItemsAfter) : QString());
        figureRow("ReaL accuracy", percent(m.real), m.real ? items(m.realItems) : QString());
        figureRow("ImageNet-M mistakes", m.imagenetM ? QStringLiteral("%1/%2").arg(*m.imagenetM).arg(m.imagenetMTotal) : QStringLiteral("–"), QString());
        figureRow("Mistakes after the review", QString::number(m.mistakes()),
                  QStringLiteral("%1 wrong, %2 open, %3 not reviewed").arg(m.table2Total.total).arg(m.mistakesOpen).arg(m.mistakesUnreviewed));
        out << "</table>\n";
        out << "<h3>Mistakes after the review (Table 2)</h3>\n<table>\n<tr><th>category</th><th>major</th><th>minor</th><th>total</th></tr>\n";
        for (const Table2Row &row : table2Rows(m)) {
            const SeverityCounts &r = row.counts;
            if (row.kind == Table2Row::Kind::Total) {
                out << "<tr><th>" << htmlEscaped(row.label) << "</th><th class=n>" << r.major << "</th><th class=n>" << r.minor
                    << "</th><th class=n>" << r.total << "</th></tr>\n";
            } else if (row.kind == Table2Row::Kind::Open) {
                out << "<tr><td>" << htmlEscaped(row.label) << "</td><td></td><td></td><td class=n>" << r.total << "</td></tr>\n";
            } else {
                out << "<tr><td>" << htmlEscaped(row.label) << "</td><td class=n>" << r.major << "</td><td class=n>" << r.minor
                    << "</td><td class=n>" << r.total << "</td></tr>\n";
            }
        }
        out << "</table>\n";
        if (m.mistakesUnreviewed)
            out << "<p>Not reviewed yet: " << m.mistakesUnreviewed << " apparent mistakes.</p>\n";
        out << "<p>Apparent mistakes decided: " << m.apparentMistakesDecided << "; not mistakes after all: " << m.notMistakes
            << " (" << percent(m.notMistakesShare) << ").</p>\n";
        if (!m.confusedPairs.isEmpty()) {
            out << "<h3>Most-confused classes: " << m.mistakesInPairs() << " mistakes in " << m.confusedPairs.size() << " pairs";
            if (m.mistakesOutsidePairs)
                out << " (" << m.mistakesOutsidePairs << " more without a known label or top-1)";
            out << "</h3>\n<table>\n<tr><th>count</th><th>label</th><th>prediction</th></tr>\n";
            for (const ConfusedPair &p : m.confusedPairs.mid(0, 25)) {
                out << "<tr><td class=n>" << p.count << "</td><td>" << htmlEscaped(catalog.at(p.label).name()) << "</td><td>"
                    << htmlEscaped(catalog.at(p.prediction).name()) << "</td></tr>\n";
            }
            out << "</table>\n";
        }
        for (const HtmlChart &chart : charts) {
            if (chart.model == m.name)
                out << figure(chart);
        }
    }

    QSet<QString> models;
    for (const ModelReport &m : report.models)
        models.insert(m.name);
    for (const HtmlChart &chart : charts) {
        if (!models.contains(chart.model))
            out << figure(chart);
    }

    // Agreement and the disputed units, with every answer and note.
    progressSetDone(progress, 1);
    progressCheck(progress);
    const AuditSnapshot snapshot = AuditSnapshot::load(project);
    progressSetDone(progress, 2);
    progressCheck(progress);
    AuditOptions options;
    const agreement::Result agreement = snapshot.agreement(options);
    progressSetDone(progress, 3);
    progressCheck(progress);
    out << "<h2>Agreement between reviewers (verdict)</h2>\n<table>\n"
        << "<tr><th>Units rated by two or more</th><td class=n>" << agreement.units << "</td></tr>\n"
        << "<tr><th>Percent agreement</th><td>" << statistic(agreement.percentAgreement) << "</td></tr>\n"
        << "<tr><th>Fleiss' κ</th><td>" << statistic(agreement.fleissKappa) << "</td></tr>\n"
        << "<tr><th>Krippendorff's α</th><td>" << statistic(agreement.krippendorffAlpha) << "</td></tr>\n</table>\n";
    if (!agreement.pairs.empty()) {
        out << "<table>\n<tr><th>reviewers</th><th>units</th><th>Cohen's κ</th></tr>\n";
        for (const agreement::PairAgreement &p : agreement.pairs) {
            out << "<tr><td>" << htmlEscaped(snapshot.reviewers()[p.a].name) << " × " << htmlEscaped(snapshot.reviewers()[p.b].name)
                << "</td><td class=n>" << p.units << "</td><td>" << statistic(p.cohenKappa) << "</td></tr>\n";
        }
        out << "</table>\n";
    }
    const QVector<Disagreement> disputed = snapshot.disagreements(options);
    if (!disputed.isEmpty()) {
        out << "<h3>Disputed units</h3>\n<table>\n<tr><th>item</th><th>model</th><th>answers</th><th>final</th></tr>\n";
        for (const Disagreement &d : disputed.mid(0, 200)) {
            const AuditSnapshot::Unit &u = snapshot.units()[std::size_t(d.unit)];
            const FinalState f = snapshot.finalState(d.unit);
            out << "<tr><td>" << htmlEscaped(u.fileName) << "</td><td>" << htmlEscaped(snapshot.modelName(u.model)) << "</td><td>";
            for (const auto &[rater, review] : u.latest) {
                out << htmlEscaped(snapshot.reviewers()[rater].name) << ": " << htmlEscaped(toString(*review.verdict));
                if (!review.note.isEmpty())
                    out << " <span class=note>" << htmlEscaped(review.note) << "</span>";
                out << "<br>";
            }
            out << "</td><td>" << htmlEscaped(f.verdict ? toString(*f.verdict) : QStringLiteral("open")) << " ("
                << htmlEscaped(toString(f.source)) << ")";
            if (!f.reason.isEmpty())
                out << "<br><span class=note>" << htmlEscaped(f.reason) << "</span>";
            out << "</td></tr>\n";
        }
        out << "</table>\n";
    }
    out << "</body>\n</html>\n";
    out.flush();

    progressSetDone(progress, 4);
    progressCheck(progress);
    file.write(html.toUtf8());
    file.commit();
}

} // namespace bagel
