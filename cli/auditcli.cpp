// bagel-cli merge, agreement, disagreements and adjudicate: the leads' commands.

#include "clicommon.h"

#include "audit/audit.h"
#include "audit/merge.h"
#include "catalog/classcatalog.h"
#include "catalog/taxonomy.h"
#include "catalog/wordnet.h"
#include "io/utf8.h"
#include "project.h"

#include <QJsonArray>

namespace bagel::cli {

namespace {

QString formatValue(const std::optional<double> &value, int decimals = 3)
{
    return value ? QString::number(*value, 'f', decimals) : QStringLiteral("not defined");
}

QString formatEstimate(const agreement::Estimate &e)
{
    QString text = formatValue(e.value);
    if (e.ci95)
        text += QStringLiteral("  [%1, %2]").arg(e.ci95->low, 0, 'f', 3).arg(e.ci95->high, 0, 'f', 3);
    return text;
}

QJsonValue jsonNumber(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

ModelId modelOption(const Project &project, const QCommandLineParser &parser)
{
    const QString name = parser.value(QStringLiteral("model"));
    if (name.isEmpty())
        return 0;
    for (const ModelRecord &m : project.store().models()) {
        if (m.name == name)
            return m.id;
    }
    QStringList names;
    for (const ModelRecord &m : project.store().models())
        names << m.name;
    throw Error(QStringLiteral("no model '%1' in the project (models: %2)")
                    .arg(name, names.isEmpty() ? QStringLiteral("none") : names.join(QLatin1String(", "))));
}

AuditOptions auditOptions(const Project &project, const QCommandLineParser &parser)
{
    AuditOptions options;
    if (parser.isSet(QStringLiteral("field"))) {
        const auto field = parseAuditField(parser.value(QStringLiteral("field")));
        if (!field)
            throw UsageError(QStringLiteral("unknown field '%1' (one of: %2)")
                                 .arg(parser.value(QStringLiteral("field")), auditFieldNames().join(QLatin1String(", "))));
        options.field = *field;
    }
    options.foldBorderline = parser.isSet(QStringLiteral("fold-borderline"));
    options.model = modelOption(project, parser);
    return options;
}

/** Who may adjudicate, and while nobody is named a lead, how to name one. */
QString leadsLine(const Project &project, const QString &path)
{
    if (const QString problem = project.leadsProblem(); !problem.isEmpty())
        return QStringLiteral("\nThe list of leads cannot be read (%1): nobody may adjudicate until they are named again with: "
                              "bagel-cli leads %2 --add NAME\n")
            .arg(problem, path);
    const QStringList leads = project.leads();
    if (leads.isEmpty())
        return QStringLiteral("\nNo leads are named, so anyone may adjudicate. Name them with: bagel-cli leads %1 --add NAME\n").arg(path);
    return QStringLiteral("\nLeads (only they may adjudicate): %1\n").arg(leads.join(QLatin1String(", ")));
}

void addFieldOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("field"), QStringLiteral("verdict (default), category, severity or labels."), QStringLiteral("F")});
    p.addOption({QStringLiteral("model"), QStringLiteral("Only the units of this model."), QStringLiteral("M")});
    p.addOption({QStringLiteral("fold-borderline"), QStringLiteral("severity: count borderline as minor.")});
}

} // namespace

// ---------------------------------------------------------------------------------------------

void addMergeOptions(QCommandLineParser &)
{
}

void runMerge(Context &ctx)
{
    const QStringList args = atLeastPositionals(ctx.parser, 2, "merge TARGET SOURCE...");
    auto target = openProject(args[0]);
    requireLead(*target, QStringLiteral("merge reviews into the project"));
    QJsonArray reports;
    QStringList merged;
    for (const QString &source : args.mid(1)) {
        MergeReport report;
        try {
            report = mergeProject(*target, source, ctx.progress);
        } catch (const Error &e) {
            // Each source is merged in a transaction of its own: say which ones are in.
            if (merged.isEmpty())
                throw;
            throw Error(QStringLiteral("%1 (already merged and kept: %2)").arg(e.message(), merged.join(QLatin1String("; "))));
        }
        merged << QStringLiteral("%1, %2 reviews added").arg(source).arg(report.reviewsAdded);
        if (ctx.json)
            reports.append(report.toJson());
        else
            ctx.out << report.summary() << '\n';
    }
    if (ctx.json)
        printJson(ctx.out, {{QStringLiteral("target"), target->path()}, {QStringLiteral("merged"), reports}});
}

// ---------------------------------------------------------------------------------------------

void addAgreementOptions(QCommandLineParser &p)
{
    addFieldOptions(p);
    p.addOption({QStringLiteral("by"), QStringLiteral("Also break the agreement down by model, class, superclass or category."), QStringLiteral("B")});
    p.addOption({QStringLiteral("confusion"), QStringLiteral("Also print the confusion matrix of two reviewers."), QStringLiteral("A,B")});
    p.addOption({QStringLiteral("bootstrap"), QStringLiteral("Bootstrap resamples for the 95% intervals (default 1000; 0: none)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the bootstrap (default 20221128)."), QStringLiteral("S")});
}

void runAgreement(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "agreement PROJECT [--field F] [--model M]");
    const QCommandLineParser &p = ctx.parser;
    auto project = openProject(args[0]); // read-write when it can be, so that an older file is upgraded
    requireLead(*project, QStringLiteral("compute the agreement"));
    AuditOptions options = auditOptions(*project, p);
    if (p.isSet(QStringLiteral("bootstrap"))) {
        bool ok = false;
        options.statistics.bootstrapResamples = p.value(QStringLiteral("bootstrap")).toInt(&ok);
        if (!ok || options.statistics.bootstrapResamples < 0 || options.statistics.bootstrapResamples > 100000)
            throw UsageError(QStringLiteral("--bootstrap needs a number from 0 to 100000"));
    }
    if (p.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        options.statistics.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok)
            throw UsageError(QStringLiteral("--seed needs a non-negative whole number"));
    }
    std::optional<Breakdown> by;
    if (p.isSet(QStringLiteral("by"))) {
        by = parseBreakdown(p.value(QStringLiteral("by")));
        if (!by)
            throw UsageError(QStringLiteral("--by is one of model, class, superclass, category"));
    }

    const AuditSnapshot snapshot = AuditSnapshot::load(*project, ctx.progress);
    const QVector<ReviewerRecord> &reviewers = snapshot.reviewers();
    std::optional<QPair<int, int>> confusionPair;
    if (p.isSet(QStringLiteral("confusion"))) {
        const QStringList names = p.value(QStringLiteral("confusion")).split(QLatin1Char(','));
        if (names.size() != 2)
            throw UsageError(QStringLiteral("--confusion needs two reviewer names: A,B"));
        int a = -1;
        int b = -1;
        for (int i = 0; i < reviewers.size(); ++i) {
            if (reviewers[i].name == names[0].trimmed())
                a = i;
            if (reviewers[i].name == names[1].trimmed())
                b = i;
        }
        if (a < 0 || b < 0) {
            QStringList known;
            for (const ReviewerRecord &r : reviewers)
                known << r.name;
            throw Error(QStringLiteral("no reviewer '%1' with verdicts (reviewers: %2)")
                            .arg(a < 0 ? names[0] : names[1], known.join(QLatin1String(", "))));
        }
        confusionPair = QPair<int, int>{a, b};
    }

    options.statistics.progress = ctx.progress; // the resamples drawn, on the progress line
    const agreement::Result result = snapshot.agreement(options);
    QJsonObject json = agreementJson(snapshot, options, result);

    QVector<BreakdownRow> rows;
    if (by) {
        std::unique_ptr<WordNet> wordnet;
        std::unique_ptr<Taxonomy> taxonomy;
        if (*by == Breakdown::Superclass) {
            wordnet = std::make_unique<WordNet>();
            taxonomy = std::make_unique<Taxonomy>(project->catalog(), *wordnet);
        }
        rows = snapshot.breakdown(*by, options, taxonomy.get());
        QJsonArray groups;
        for (const BreakdownRow &row : rows) {
            groups.append(QJsonObject{
                {QStringLiteral("group"), row.group},
                {QStringLiteral("units"), row.result.units},
                {QStringLiteral("units_in_group"), row.unitsInGroup},
                {QStringLiteral("percent_agreement"), jsonNumber(row.result.percentAgreement.value)},
                {QStringLiteral("fleiss_kappa"), jsonNumber(row.result.fleissKappa.value)},
                {QStringLiteral("krippendorff_alpha"), jsonNumber(row.result.krippendorffAlpha.value)},
            });
        }
        json.insert(QStringLiteral("breakdown"), QJsonObject{{QStringLiteral("by"), toString(*by)}, {QStringLiteral("groups"), groups}});
    }

    QStringList valueNames;
    std::vector<std::vector<qint64>> matrix;
    if (confusionPair) {
        const agreement::RatingTable table = snapshot.table(options.field, snapshot.unitsOf(options.model),
                                                            options.foldBorderline, &valueNames);
        matrix = agreement::confusion(table, confusionPair->first, confusionPair->second);
        QJsonArray rowsJson;
        for (const auto &row : matrix) {
            QJsonArray cells;
            for (const qint64 n : row)
                cells.append(n);
            rowsJson.append(cells);
        }
        json.insert(QStringLiteral("confusion"), QJsonObject{{QStringLiteral("a"), reviewers[confusionPair->first].name},
                                                             {QStringLiteral("b"), reviewers[confusionPair->second].name},
                                                             {QStringLiteral("values"), QJsonArray::fromStringList(valueNames)},
                                                             {QStringLiteral("counts"), rowsJson}});
    }

    const QVector<ReviewerStats> stats = snapshot.reviewerStats(options.model);
    QJsonArray statsJson;
    for (const ReviewerStats &st : stats) {
        QJsonObject verdicts;
        for (int v = 0; v < 4; ++v)
            verdicts.insert(toString(Verdict(v)), st.verdicts[std::size_t(v)]);
        statsJson.append(QJsonObject{{QStringLiteral("name"), st.name},
                                     {QStringLiteral("items"), st.items},
                                     {QStringLiteral("units"), st.units},
                                     {QStringLiteral("median_seconds_per_item"), jsonNumber(st.medianSecondsPerItem)},
                                     {QStringLiteral("verdicts"), verdicts},
                                     {QStringLiteral("gold_units"), st.goldUnits},
                                     {QStringLiteral("gold_accuracy"), jsonNumber(st.goldAccuracy)}});
    }
    json.insert(QStringLiteral("reviewer_stats"), statsJson);
    json.insert(QStringLiteral("leads"), QJsonArray::fromStringList(project->leads()));

    if (ctx.json) {
        printJson(ctx.out, json);
        return;
    }
    QTextStream &out = ctx.out;
    out << "Agreement on " << toString(options.field);
    if (options.model)
        out << " (model " << snapshot.modelName(options.model) << ")";
    out << ": " << result.units << " units rated by two or more of " << reviewers.size() << " reviewers, "
        << result.ratings << " ratings\n";
    if (options.statistics.bootstrapResamples > 0)
        out << "95% intervals: " << options.statistics.bootstrapResamples << " bootstrap resamples of the units, seed "
            << options.statistics.seed << "\n";
    out << "\n";
    out << QStringLiteral("  %1 %2\n").arg(QStringLiteral("Percent agreement"), -22).arg(formatEstimate(result.percentAgreement));
    out << QStringLiteral("  %1 %2\n").arg(QStringLiteral("Fleiss' kappa"), -22).arg(formatEstimate(result.fleissKappa));
    out << QStringLiteral("  %1 %2\n").arg(QStringLiteral("Krippendorff's alpha"), -22).arg(formatEstimate(result.krippendorffAlpha));
    if (!result.pairs.empty()) {
        out << "\nCohen's kappa per pair:\n";
        for (const agreement::PairAgreement &pair : result.pairs) {
            out << QStringLiteral("  %1 × %2  %3 units  kappa %4  agreement %5\n")
                       .arg(reviewers[pair.a].name, reviewers[pair.b].name)
                       .arg(pair.units)
                       .arg(formatEstimate(pair.cohenKappa), formatValue(pair.percentAgreement.value));
        }
    }
    if (by) {
        out << "\nBy " << toString(*by) << ":\n";
        for (const BreakdownRow &row : rows) {
            out << QStringLiteral("  %1 %2 units  agreement %3  Fleiss %4  alpha %5\n")
                       .arg(row.group, -40)
                       .arg(row.result.units, 6)
                       .arg(formatValue(row.result.percentAgreement.value), formatValue(row.result.fleissKappa.value),
                            formatValue(row.result.krippendorffAlpha.value));
        }
    }
    if (confusionPair) {
        out << "\nConfusion: rows " << reviewers[confusionPair->first].name << ", columns "
            << reviewers[confusionPair->second].name << "\n";
        for (std::size_t r = 0; r < matrix.size(); ++r) {
            out << QStringLiteral("  %1").arg(valueNames.value(int(r)), -24);
            for (const qint64 n : matrix[r])
                out << QStringLiteral("%1").arg(n, 7);
            out << "\n";
        }
    }
    out << "\nReviewers:\n";
    if (stats.isEmpty())
        out << "  none has given a verdict yet\n";
    for (const ReviewerStats &st : stats) {
        QStringList verdicts;
        for (int v = 0; v < 4; ++v)
            verdicts << QStringLiteral("%1 %2").arg(st.verdicts[std::size_t(v)]).arg(toString(Verdict(v)));
        out << QStringLiteral("  %1 %2 items, median %3 s per item; %4; gold %5\n")
                   .arg(st.name, -20)
                   .arg(st.items)
                   .arg(st.medianSecondsPerItem ? QString::number(*st.medianSecondsPerItem, 'f', 1) : QStringLiteral("–"),
                        verdicts.join(QLatin1String(", ")),
                        st.goldUnits ? QStringLiteral("%1% of %2").arg(*st.goldAccuracy * 100.0, 0, 'f', 1).arg(st.goldUnits)
                                     : QStringLiteral("none rated"));
    }
    out << leadsLine(*project, args[0]);
}

// ---------------------------------------------------------------------------------------------

void addDisagreementsOptions(QCommandLineParser &p)
{
    addFieldOptions(p);
    p.addOption({QStringLiteral("limit"), QStringLiteral("At most N units (default 50; 0: all)."), QStringLiteral("N")});
}

void runDisagreements(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "disagreements PROJECT [--field F] [--model M]");
    auto project = openProject(args[0]);
    requireLead(*project, QStringLiteral("list the disagreements"));
    const AuditOptions options = auditOptions(*project, ctx.parser);
    int limit = 50;
    if (ctx.parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = ctx.parser.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 0)
            throw UsageError(QStringLiteral("--limit needs a non-negative number"));
    }
    const AuditSnapshot snapshot = AuditSnapshot::load(*project, ctx.progress);
    const QVector<Disagreement> queue = snapshot.disagreements(options);
    QJsonArray units;
    const int shown = limit == 0 ? int(queue.size()) : std::min(limit, int(queue.size()));
    for (int i = 0; i < shown; ++i) {
        const Disagreement &d = queue[i];
        const AuditSnapshot::Unit &u = snapshot.units()[std::size_t(d.unit)];
        const FinalState f = snapshot.finalState(d.unit);
        if (ctx.json) {
            QJsonArray answers;
            for (const auto &[rater, review] : u.latest) {
                answers.append(QJsonObject{
                    {QStringLiteral("reviewer"), snapshot.reviewers()[rater].name},
                    {QStringLiteral("verdict"), toString(*review.verdict)},
                    {QStringLiteral("category"), review.category ? QJsonValue(toString(*review.category)) : QJsonValue()},
                    {QStringLiteral("severity"), review.severity ? QJsonValue(toString(*review.severity)) : QJsonValue()},
                    {QStringLiteral("note"), review.note},
                    {QStringLiteral("time"), review.time.toString(Qt::ISODateWithMs)}});
            }
            units.append(QJsonObject{{QStringLiteral("item"), u.fileName},
                                     {QStringLiteral("model"), snapshot.modelName(u.model)},
                                     {QStringLiteral("dispute"), d.dispute},
                                     {QStringLiteral("reviewers"), d.raters},
                                     {QStringLiteral("final"), f.verdict ? QJsonValue(toString(*f.verdict)) : QJsonValue()},
                                     {QStringLiteral("final_source"), toString(f.source)},
                                     {QStringLiteral("answers"), answers}});
        } else {
            QStringList answers;
            for (const auto &[rater, review] : u.latest)
                answers << QStringLiteral("%1: %2").arg(snapshot.reviewers()[rater].name, answerText(review));
            ctx.out << QStringLiteral("%1  %2  dispute %3  final %4 (%5)\n    %6\n")
                           .arg(u.fileName, snapshot.modelName(u.model))
                           .arg(d.dispute, 0, 'f', 2)
                           .arg(f.verdict ? toString(*f.verdict) : QStringLiteral("open"), toString(f.source),
                                answers.join(QLatin1String("; ")));
        }
    }
    if (ctx.json) {
        printJson(ctx.out, {{QStringLiteral("field"), toString(options.field)},
                            {QStringLiteral("total"), queue.size()},
                            {QStringLiteral("units"), units}});
    } else {
        ctx.out << QStringLiteral("%1 of %2 disputed units on %3\n").arg(shown).arg(queue.size()).arg(toString(options.field));
        ctx.out << leadsLine(*project, args[0]);
    }
}

// ---------------------------------------------------------------------------------------------

void addAdjudicateOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("item"), QStringLiteral("The item's file name."), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("model"), QStringLiteral("The model whose top-1 prediction is judged."), QStringLiteral("M")});
    p.addOption({QStringLiteral("verdict"), QStringLiteral("correct, wrong, unclear or problematic."), QStringLiteral("V")});
    p.addOption({QStringLiteral("category"), QStringLiteral("The mistake's category (verdict wrong)."), QStringLiteral("C")});
    p.addOption({QStringLiteral("severity"), QStringLiteral("major, minor or borderline (verdict wrong)."), QStringLiteral("S")});
    p.addOption({QStringLiteral("reviewer"), QStringLiteral("The lead who decides."), QStringLiteral("LEAD")});
    p.addOption({QStringLiteral("reason"), QStringLiteral("Why (required)."), QStringLiteral("TEXT")});
    p.addOption({QStringLiteral("gold"), QStringLiteral("Make the unit a gold unit: reviewers are scored against this verdict.")});
    p.addOption({QStringLiteral("withdraw"), QStringLiteral("Withdraw the unit's adjudication (back to the majority rule).")});
}

void runAdjudicate(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "adjudicate PROJECT --item FILE --model M --verdict V --reviewer LEAD --reason TEXT");
    const QCommandLineParser &p = ctx.parser;
    AdjudicationInput in;
    in.fileName = nfc(requireValue(p, "item"));
    in.lead = requireValue(p, "reviewer");
    in.reason = requireValue(p, "reason");
    in.model = p.value(QStringLiteral("model"));
    in.gold = p.isSet(QStringLiteral("gold"));
    const bool withdraw = p.isSet(QStringLiteral("withdraw"));
    if (withdraw == p.isSet(QStringLiteral("verdict")))
        throw UsageError(QStringLiteral("give either --verdict or --withdraw"));
    if (!withdraw) {
        in.verdict = parseVerdict(p.value(QStringLiteral("verdict")));
        if (!in.verdict)
            throw UsageError(QStringLiteral("unknown verdict '%1' (one of: %2)")
                                 .arg(p.value(QStringLiteral("verdict")), verdictNames().join(QLatin1String(", "))));
    }
    if (p.isSet(QStringLiteral("category"))) {
        in.category = parseCategory(p.value(QStringLiteral("category")));
        if (!in.category)
            throw UsageError(QStringLiteral("unknown category '%1' (one of: %2)")
                                 .arg(p.value(QStringLiteral("category")), categoryNames().join(QLatin1String(", "))));
    }
    if (p.isSet(QStringLiteral("severity"))) {
        in.severity = parseSeverity(p.value(QStringLiteral("severity")));
        if (!in.severity)
            throw UsageError(QStringLiteral("unknown severity '%1' (one of: %2)")
                                 .arg(p.value(QStringLiteral("severity")), severityNames().join(QLatin1String(", "))));
    }
    auto project = openProject(args[0]);
    requireLead(*project, QStringLiteral("adjudicate"));
    if (in.verdict && project->adjudicationRefusal(in.lead).isEmpty()) { // a refusal is the one line said
        if (const auto own = project->ownVerdict(in.fileName, in.model, in.lead)) {
            QTextStream(stderr) << QStringLiteral("bagel-cli adjudicate: warning: %1 rated this unit as a reviewer (%2); "
                                                  "the adjudication decides it over their own verdict\n")
                                       .arg(in.lead, toString(*own));
        }
    }
    const qint64 id = project->adjudicate(in);
    if (ctx.json) {
        printJson(ctx.out, {{QStringLiteral("adjudication_id"), id},
                            {QStringLiteral("item"), in.fileName},
                            {QStringLiteral("verdict"), in.verdict ? QJsonValue(toString(*in.verdict)) : QJsonValue()},
                            {QStringLiteral("gold"), in.gold}});
    } else if (withdraw) {
        ctx.out << QStringLiteral("Withdrew the adjudication of %1; the majority rule applies again\n").arg(in.fileName);
    } else {
        ctx.out << QStringLiteral("Adjudicated %1: %2%3\n").arg(in.fileName, toString(*in.verdict),
                                                              in.gold ? QStringLiteral(" (gold)") : QString());
    }
}

// ---------------------------------------------------------------------------------------------

void addLeadsOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("add"), QStringLiteral("Name NAME a lead (repeatable)."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("remove"), QStringLiteral("NAME is no longer a lead (repeatable)."), QStringLiteral("NAME")});
}

void runLeads(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "leads PROJECT [--add NAME] [--remove NAME]");
    const QStringList add = ctx.parser.values(QStringLiteral("add"));
    const QStringList remove = ctx.parser.values(QStringLiteral("remove"));
    const bool changing = !add.isEmpty() || !remove.isEmpty();
    auto project = openProject(args[0], !changing);
    QStringList added;
    QStringList already;
    for (const QString &name : remove)
        project->removeLead(nfc(name));
    for (const QString &name : add) {
        if (project->addLead(nfc(name)))
            added << nfc(name);
        else
            already << nfc(name);
    }
    // A damaged list refuses every adjudication: never show it as "anyone may".
    if (const QString problem = project->leadsProblem(); !problem.isEmpty())
        throw Error(QStringLiteral("%1: the list of leads cannot be read (%2), so nobody may adjudicate; name the leads again "
                                   "with --add")
                        .arg(project->path(), problem));
    const QStringList leads = project->leads();
    if (ctx.json) {
        printJson(ctx.out, {{QStringLiteral("project"), project->path()}, {QStringLiteral("leads"), QJsonArray::fromStringList(leads)}});
        return;
    }
    for (const QString &name : already)
        ctx.out << QStringLiteral("%1 already is a lead\n").arg(name);
    if (leads.isEmpty())
        ctx.out << QStringLiteral("No leads: anyone may adjudicate. Name one with: bagel-cli leads %1 --add NAME\n").arg(args[0]);
    else
        ctx.out << QStringLiteral("Leads (only they may adjudicate): %1\n").arg(leads.join(QLatin1String(", ")));
}

} // namespace bagel::cli
