// bagel-cli assign and assignments: handing out a model's units to reviewers, K per unit.

#include "clicommon.h"

#include "io/utf8.h"
#include "project.h"
#include "review/assignment.h"

#include <QJsonArray>

#include <algorithm>

namespace bagel::cli {

void addAssignOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("reviewers"), QStringLiteral("The reviewers to hand the units to, separated by commas."),
                 QStringLiteral("A,B,C")});
    p.addOption({QStringLiteral("per-unit"), QStringLiteral("How many distinct reviewers each unit gets."), QStringLiteral("K")});
    p.addOption({QStringLiteral("model"), QStringLiteral("The model whose units to assign (needed when the project has several)."),
                 QStringLiteral("M")});
    p.addOption({QStringLiteral("all-items"), QStringLiteral("Assign every item the model has a prediction for, not only its mistakes.")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the shuffle (default 0): the same seed gives the same assignments."),
                 QStringLiteral("S")});
    p.addOption({QStringLiteral("lead"), QStringLiteral("The lead who assigns (required once the project names leads)."),
                 QStringLiteral("NAME")});
}

void runAssign(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "assign PROJECT --reviewers A,B,C --per-unit K");
    const QCommandLineParser &p = ctx.parser;
    AssignmentRequest request;
    // Names are split at commas; spaces around a comma are not part of a name.
    for (const QString &list : p.values(QStringLiteral("reviewers"))) {
        for (const QString &name : list.split(QLatin1Char(',')))
            request.reviewers << name.trimmed();
    }
    if (request.reviewers.isEmpty())
        throw UsageError(QStringLiteral("--reviewers is required"));
    bool ok = false;
    request.perUnit = requireValue(p, "per-unit").toInt(&ok);
    if (!ok || request.perUnit < 1)
        throw UsageError(QStringLiteral("--per-unit needs a whole number of at least 1, not '%1'").arg(p.value(QStringLiteral("per-unit"))));
    if (p.isSet(QStringLiteral("seed"))) {
        // Up to 2^53 - 1, so that JSON (a double) carries it exactly.
        constexpr quint64 kMaxSeed = (quint64(1) << 53) - 1;
        request.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok || request.seed > kMaxSeed)
            throw UsageError(QStringLiteral("--seed needs a whole number from 0 to %1, not '%2'")
                                 .arg(kMaxSeed)
                                 .arg(p.value(QStringLiteral("seed"))));
    }
    request.model = p.value(QStringLiteral("model"));
    request.allItems = p.isSet(QStringLiteral("all-items"));
    request.lead = p.value(QStringLiteral("lead"));

    auto project = openProject(args[0]);
    requireLead(*project, QStringLiteral("assign"));
    if (const QString role = project->store().sessionUser(); !role.isEmpty()) {
        // On a server the lead who assigns is the connected role.
        if (request.lead.isEmpty())
            request.lead = role;
        project->checkSessionUser(request.lead, "assign");
    }
    if (request.lead.isEmpty() && project->leadsProblem().isEmpty() && !project->leads().isEmpty()) {
        throw Error(QStringLiteral("only a lead may assign reviewers to units, and the project names leads (%1): give --lead NAME")
                        .arg(project->leads().join(QLatin1String(", "))));
    }
    const AssignmentSummary summary = assignReviewers(*project, request);

    if (ctx.json) {
        QJsonArray loads;
        for (const AssignmentSummary::Load &load : summary.loads)
            loads.append(QJsonObject{{QStringLiteral("reviewer"), load.reviewer}, {QStringLiteral("units"), load.units}});
        printJson(ctx.out, {{QStringLiteral("project"), project->path()},
                            {QStringLiteral("model"), summary.model},
                            {QStringLiteral("units"), summary.units},
                            {QStringLiteral("all_items"), summary.allItems},
                            {QStringLiteral("per_unit"), summary.perUnit},
                            {QStringLiteral("seed"), double(summary.seed)},
                            {QStringLiteral("replaced"), summary.replaced},
                            {QStringLiteral("reviewers"), loads}});
        return;
    }
    ctx.out << QStringLiteral("Assigned %1 %2 of %3 to %4 reviewers, %5 per unit (seed %6)\n")
                   .arg(summary.units)
                   .arg(summary.allItems ? QStringLiteral("items") : QStringLiteral("mistakes"), summary.model)
                   .arg(summary.loads.size())
                   .arg(summary.perUnit)
                   .arg(summary.seed);
    if (summary.replaced)
        ctx.out << QStringLiteral("Replaced the model's %1 earlier assignments\n").arg(summary.replaced);
    int width = 0;
    for (const AssignmentSummary::Load &load : summary.loads)
        width = std::max(width, int(load.reviewer.size()));
    for (const AssignmentSummary::Load &load : summary.loads)
        ctx.out << QStringLiteral("  %1  %2 units\n").arg(load.reviewer, -width).arg(load.units);
}

// ---------------------------------------------------------------------------------------------

void addAssignmentsOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("reviewer"), QStringLiteral("Only the units assigned to R."), QStringLiteral("R")});
    p.addOption({QStringLiteral("model"), QStringLiteral("Only the units of model M."), QStringLiteral("M")});
}

void runAssignments(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "assignments PROJECT [--reviewer R] [--model M]");
    const QString reviewer = ctx.parser.value(QStringLiteral("reviewer"));
    if (ctx.parser.isSet(QStringLiteral("reviewer")))
        Project::checkName(reviewer, "reviewer");
    const QString model = ctx.parser.value(QStringLiteral("model"));
    if (ctx.parser.isSet(QStringLiteral("model")))
        Project::checkName(model, "model");
    auto project = openProject(args[0]);
    const QVector<AssignmentEntry> entries = listAssignments(*project, model, reviewer);
    if (ctx.json) {
        QJsonArray list;
        for (const AssignmentEntry &e : entries) {
            list.append(QJsonObject{{QStringLiteral("item"), e.item},
                                    {QStringLiteral("model"), e.model},
                                    {QStringLiteral("reviewer"), e.reviewer}});
        }
        printJson(ctx.out, {{QStringLiteral("project"), project->path()}, {QStringLiteral("assignments"), list}});
        return;
    }
    for (const AssignmentEntry &e : entries)
        ctx.out << e.item << '\t' << e.model << '\t' << e.reviewer << '\n';
}

} // namespace bagel::cli
