// bagel-cli report: what the review changed, per model.

#include "cli.h"
#include "clicommon.h"

#include "catalog/classcatalog.h"
#include "project.h"
#include "report/htmlreport.h"
#include "report/report.h"

namespace bagel::cli {

namespace {

QString percent(const std::optional<double> &value)
{
    return value ? QStringLiteral("%1 %").arg(*value * 100.0, 0, 'f', 2) : QStringLiteral("–");
}

/** "x % of n items", or "–" when the figure cannot be computed. */
QString share(const std::optional<double> &value, qint64 items)
{
    return value ? QStringLiteral("%1 of %2 items").arg(percent(value)).arg(items) : QStringLiteral("–");
}

} // namespace

void addReportOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("model"), QStringLiteral("Only this model."), QStringLiteral("M")});
    p.addOption({QStringLiteral("html"), QStringLiteral("Also write the report, charts included, as one self-contained HTML file."), QStringLiteral("OUT")});
    p.addOption({QStringLiteral("charts"), QStringLiteral("Also write each model's charts (Table 2, confused pairs) into DIR as PNG and SVG."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("pairs"), QStringLiteral("How many confused class pairs to print (default 10)."), QStringLiteral("N")});
}

void runReport(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "report PROJECT [--model M] [--pairs N] [--json] [--html OUT] [--charts DIR]");
    auto project = openProject(args[0]);
    requireLead(*project, QStringLiteral("report"));
    ModelId model = 0;
    const QString modelName = ctx.parser.value(QStringLiteral("model"));
    if (!modelName.isEmpty()) {
        model = project->store().modelId(modelName, false);
        if (!model) {
            QStringList names;
            for (const ModelRecord &m : project->store().models())
                names << m.name;
            throw Error(QStringLiteral("no model '%1' in the project (models: %2)")
                            .arg(modelName, names.isEmpty() ? QStringLiteral("none") : names.join(QLatin1String(", "))));
        }
    }
    int pairs = 10;
    if (ctx.parser.isSet(QStringLiteral("pairs"))) {
        bool ok = false;
        pairs = ctx.parser.value(QStringLiteral("pairs")).toInt(&ok);
        if (!ok || pairs < 0)
            throw UsageError(QStringLiteral("--pairs needs a non-negative number"));
    }
    const bool html = ctx.parser.isSet(QStringLiteral("html"));
    const bool chartFiles = ctx.parser.isSet(QStringLiteral("charts"));
    // Charts come from the program (bagel_core draws none); without them the HTML has none.
    const bool canDraw = ctx.charts && ctx.charts->html && ctx.charts->save;
    if (chartFiles && !canDraw)
        throw Error(QStringLiteral("--charts: this program cannot draw charts"));
    const Report report = computeReport(*project, model, ctx.progress);
    if (chartFiles) {
        const QStringList files = ctx.charts->save(report, ctx.parser.value(QStringLiteral("charts")));
        if (!ctx.json) {
            for (const QString &file : files)
                ctx.out << "Wrote " << file << '\n';
        }
    }
    if (html) {
        const QString path = ctx.parser.value(QStringLiteral("html"));
        writeHtmlReport(*project, report, path, canDraw ? ctx.charts->html(report) : QVector<HtmlChart>{}, ctx.progress);
        if (!ctx.json)
            ctx.out << "Wrote " << path << '\n';
    }
    if ((html || chartFiles) && !ctx.json)
        ctx.out << '\n';
    if (ctx.json) {
        printJson(ctx.out, reportJson(report));
        return;
    }
    const ClassCatalog &catalog = project->catalog();
    QTextStream &out = ctx.out;
    if (report.models.isEmpty())
        out << "The project has no models: import predictions first.\n";
    for (const ModelReport &m : report.models) {
        out << "Model " << m.name << " (" << m.predictions << " predictions)\n";
        const auto figure = [&out](const char *name, const QString &value) {
            out << QStringLiteral("  %1 %2\n").arg(QLatin1String(name), -38).arg(value);
        };
        figure("Top-1 accuracy", share(m.top1, m.top1Items));
        figure("Top-1 accuracy after the review", share(m.top1After, m.top1AfterItems));
        figure("Multi-label accuracy, imported", share(m.mlaBefore, m.mlaItemsBefore));
        figure("Multi-label accuracy, reviewed", share(m.mlaAfter, m.mlaItemsAfter));
        figure("ReaL accuracy", m.real ? share(m.real, m.realItems) : QStringLiteral("– (no ReaL labels)"));
        figure("ImageNet-M mistakes", m.imagenetM ? QStringLiteral("%1/%2").arg(*m.imagenetM).arg(m.imagenetMTotal) : QStringLiteral("– (no ImageNet-M)"));
        figure("Mistakes after the review", mistakesText(m));
        out << "\n  Mistakes after the review (Table 2)        major   minor   total\n";
        for (const Table2Row &row : table2Rows(m)) {
            const SeverityCounts &r = row.counts;
            if (row.kind == Table2Row::Kind::Open)
                out << QStringLiteral("  %1 %2\n").arg(row.label, -40).arg(r.total, 23);
            else
                out << QStringLiteral("  %1 %2 %3 %4\n").arg(row.label, -40).arg(r.major, 7).arg(r.minor, 7).arg(r.total, 7);
        }
        if (m.mistakesUnreviewed)
            out << QStringLiteral("  %1 %2\n").arg(QStringLiteral("not reviewed yet"), -40).arg(m.mistakesUnreviewed, 23);
        out << QStringLiteral("\n  Apparent mistakes decided: %1; not mistakes after all: %2 (%3)\n")
                   .arg(m.apparentMistakesDecided)
                   .arg(m.notMistakes)
                   .arg(percent(m.notMistakesShare));
        if (!m.confusedPairs.isEmpty() && pairs > 0) {
            out << "\n  Most-confused classes (label → prediction): " << m.mistakesInPairs() << " mistakes in " << m.confusedPairs.size()
                << " pairs";
            if (m.mistakesOutsidePairs)
                out << " (" << m.mistakesOutsidePairs << " more without a known label or top-1)";
            out << '\n';
            for (const ConfusedPair &p : m.confusedPairs.mid(0, pairs)) {
                out << QStringLiteral("  %1  %2 → %3\n")
                           .arg(p.count, 5)
                           .arg(catalog.at(p.label).name(), catalog.at(p.prediction).name());
            }
        }
        out << '\n';
    }
}

} // namespace bagel::cli
