// bagel-cli team: who may review and who may lead a project on a PostgreSQL server.

#include "clicommon.h"

#include "audit/transfer.h"
#include "project.h"
#include "storage/pglocation.h"
#include "storage/pgstore.h"

#include <QJsonArray>

namespace bagel::cli {

void addTeamOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("reviewer"), QStringLiteral("grant: the reviewers' rights (review, read the project).")});
    parser.addOption({QStringLiteral("lead"), QStringLiteral("grant: the leads' rights (also import, adjudicate, assign, export, audit).")});
}

void runTeam(Context &ctx)
{
    const QStringList args = atLeastPositionals(ctx.parser, 2, "team URI list | grant ROLE --reviewer|--lead | revoke ROLE");
    if (!ServerLocation::isServer(args[0])) {
        throw UsageError(QStringLiteral("%1: a team's rights are a server's roles: team takes a postgresql:// URI; "
                                        "in a project file anyone may review and `leads` names the leads")
                             .arg(args[0]));
    }
    const QString action = args[1];
    auto store = PgStore::open(args[0]);
    if (action == QLatin1String("list")) {
        if (args.size() != 2)
            throw UsageError(QStringLiteral("usage: team URI list [--json]"));
        const auto team = store->team();
        if (ctx.json) {
            QJsonArray members;
            for (const PgStore::Member &m : team) {
                members.append(QJsonObject{{QStringLiteral("role"), m.role},
                                           {QStringLiteral("rights"), m.lead ? QStringLiteral("lead") : QStringLiteral("reviewer")},
                                           {QStringLiteral("can_login"), m.canLogin}});
            }
            printJson(ctx.out, {{QStringLiteral("project"), store->location()}, {QStringLiteral("team"), members}});
            return;
        }
        if (team.isEmpty())
            ctx.out << "(nobody: `bagel-cli team URI grant ROLE --reviewer` adds someone)\n";
        for (const PgStore::Member &m : team)
            ctx.out << m.role << '\t' << (m.lead ? "lead" : "reviewer") << (m.canLogin ? "" : "\t(cannot log in)") << '\n';
        return;
    }
    if (args.size() != 3)
        throw UsageError(QStringLiteral("usage: team URI grant ROLE --reviewer|--lead, or team URI revoke ROLE"));
    const QString role = args[2];
    if (action == QLatin1String("grant")) {
        const bool lead = ctx.parser.isSet(QStringLiteral("lead"));
        if (lead == ctx.parser.isSet(QStringLiteral("reviewer")))
            throw UsageError(QStringLiteral("team grant needs exactly one of --reviewer and --lead"));
        store->grant(role, lead);
        if (ctx.json)
            printJson(ctx.out, {{QStringLiteral("role"), role}, {QStringLiteral("rights"), lead ? QStringLiteral("lead") : QStringLiteral("reviewer")}});
        else
            ctx.out << role << " may now " << (lead ? "lead" : "review") << ' ' << store->location() << '\n';
    } else if (action == QLatin1String("revoke")) {
        store->revoke(role);
        if (ctx.json)
            printJson(ctx.out, {{QStringLiteral("role"), role}, {QStringLiteral("rights"), QJsonValue()}});
        else
            ctx.out << role << " has no rights on " << store->location() << " any more (their reviews stay)\n";
    } else {
        throw UsageError(QStringLiteral("unknown team action '%1' (list, grant, revoke)").arg(action));
    }
}

void runPush(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 2, "push FILE URI");
    const TransferReport report = pushProject(args[0], args[1], ctx.progress);
    if (ctx.json)
        printJson(ctx.out, report.toJson());
    else
        ctx.out << report.summary() << '\n';
}

void runPull(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 2, "pull URI FILE");
    const TransferReport report = pullProject(args[0], args[1], ctx.progress);
    if (ctx.json)
        printJson(ctx.out, report.toJson());
    else
        ctx.out << report.summary() << '\n';
}

void requireLead(const Project &project, const QString &action)
{
    if (const QString refusal = project.store().sessionRefusal(action); !refusal.isEmpty())
        throw Error(refusal);
}

} // namespace bagel::cli
