// bagel-cli check on a server project: what the server itself does not guarantee.

#include "projectcheck.h"

#include "error.h"
#include "pgconnection.h"
#include "pgschema.h"
#include "pgstore.h"

#include <QSet>
#include <QStringList>

namespace bagel {

CheckReport checkServerProject(const QString &uri)
{
    using Level = CheckFinding::Level;
    CheckReport report;
    auto add = [&report](const char *check, Level level, const QString &message) {
        report.findings << CheckFinding{QString::fromLatin1(check), level, message};
    };
    std::unique_ptr<PgStore> store;
    try {
        store = PgStore::open(uri, true);
        report.path = store->location();
        add("schema", Level::Ok, QStringLiteral("a Bagel project, server schema version %1").arg(pgschema::kCurrentVersion));
    } catch (const Error &e) {
        try {
            report.path = ServerLocation::parse(uri).display; // never with a password
        } catch (const Error &) {
            report.path = QStringLiteral("postgresql://(not shown)");
        }
        add("schema", Level::Error, e.message());
        return report;
    }
    if (const QString refusal = store->sessionRefusal(QStringLiteral("check the whole project")); !refusal.isEmpty()) {
        add("rights", Level::Error, refusal);
        return report;
    }
    const QString project = store->serverLocation().project;
    PgConnection &db = store->connection();
    try {
        // Every table of a project file is there.
        static const QStringList tables = {QStringLiteral("meta"), QStringLiteral("items"), QStringLiteral("judgements"), QStringLiteral("problematic"), QStringLiteral("models"), QStringLiteral("predictions"), QStringLiteral("reviewers"),
                                           QStringLiteral("reviews"), QStringLiteral("review_labels"), QStringLiteral("imagenet_m"), QStringLiteral("real_labels"), QStringLiteral("adjudications"), QStringLiteral("assignments")};
        const PgResult present = db.exec("SELECT c.relname, c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                         "WHERE n.nspname = $1 AND c.relkind = 'r'",
                                         PgParams().add(project), "read the schema");
        QSet<QString> found;
        QSet<QString> secured;
        for (int i = 0; i < present.rows(); ++i) {
            found.insert(present.text(i, 0));
            if (present.boolean(i, 1))
                secured.insert(present.text(i, 0));
        }
        QStringList missing;
        for (const QString &t : tables) {
            if (!found.contains(t))
                missing << t;
        }
        if (missing.isEmpty())
            add("tables", Level::Ok, QStringLiteral("all %1 tables").arg(tables.size()));
        else
            add("tables", Level::Error, QStringLiteral("missing: %1").arg(missing.join(QLatin1String(", "))));

        // The rules the server enforces are still in place.
        QStringList unsecured;
        for (const char *t : {"reviewers", "reviews", "review_labels", "adjudications"}) {
            if (!secured.contains(QLatin1String(t)))
                unsecured << QLatin1String(t);
        }
        if (unsecured.isEmpty())
            add("row-security", Level::Ok, QStringLiteral("row-level security on reviewers, reviews, review_labels and adjudications"));
        else
            add("row-security", Level::Error,
                QStringLiteral("row-level security is off on %1: blind review and own-name reviews are not enforced").arg(unsecured.join(QLatin1String(", "))));

        const PgResult triggers = db.exec(
            "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal",
            PgParams().add(project), "read the triggers");
        static const QSet<QString> ours = {QStringLiteral("reviews_append_only"), QStringLiteral("review_labels_append_only"), QStringLiteral("adjudications_append_only"), QStringLiteral("reviews_announce"),
                                           QStringLiteral("adjudications_announce"), QStringLiteral("assignments_announce"), QStringLiteral("meta_announce")};
        QStringList foreign;
        QStringList disabled;
        QSet<QString> appendOnly;
        for (int i = 0; i < triggers.rows(); ++i) {
            const QString name = triggers.text(i, 1);
            if (!ours.contains(name))
                foreign << QStringLiteral("%1 on %2").arg(name, triggers.text(i, 0));
            else if (triggers.utf8(i, 2) == "D")
                disabled << name;
            else if (name.endsWith(QLatin1String("_append_only")))
                appendOnly.insert(name);
        }
        if (appendOnly.size() == 3 && disabled.isEmpty())
            add("append-only", Level::Ok, QStringLiteral("reviews, review labels and adjudications cannot be changed or deleted"));
        else
            add("append-only", Level::Error,
                QStringLiteral("the append-only triggers are missing or disabled (%1)").arg(disabled.isEmpty() ? QStringLiteral("missing") : disabled.join(QLatin1String(", "))));
        if (foreign.isEmpty())
            add("triggers", Level::Ok, QStringLiteral("no trigger Bagel did not make"));
        else
            add("triggers", Level::Warning, QStringLiteral("trigger(s) Bagel did not make, which run with every change: %1").arg(foreign.join(QLatin1String(", "))));

        const PgResult roles = db.exec("SELECT count(*) FROM pg_roles WHERE rolname IN ($1, $2)",
                                       PgParams().add(pgschema::reviewerRole(project)).add(pgschema::leadRole(project)), "read the roles");
        if (roles.int64(0, 0) == 2)
            add("roles", Level::Ok, QStringLiteral("%1 and %2").arg(pgschema::reviewerRole(project), pgschema::leadRole(project)));
        else
            add("roles", Level::Error, QStringLiteral("the project's roles %1 and %2 are not both there").arg(pgschema::reviewerRole(project), pgschema::leadRole(project)));

        // Bagel's own rules, which no constraint states.
        const PgResult unjudged = db.exec(
            "SELECT count(*) FROM reviews r WHERE r.model_id IS NOT NULL AND r.verdict IS NOT NULL AND r.verdict <> 'problematic' "
            "AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.item_id = r.item_id AND p.model_id = r.model_id)",
            {}, "check the reviews");
        const PgResult retractions = db.exec(
            "SELECT count(*) FROM reviews r JOIN reviews o ON o.id = r.retracts WHERE o.item_id <> r.item_id OR o.reviewer_id <> r.reviewer_id",
            {}, "check the retractions");
        const qint64 bad = unjudged.int64(0, 0) + retractions.int64(0, 0);
        if (bad == 0)
            add("rules", Level::Ok, QStringLiteral("every verdict judges a prediction the project has; every undo undoes the same reviewer's review of the same item"));
        else
            add("rules", Level::Error,
                QStringLiteral("%1 verdicts judge a prediction the project does not have, %2 undos undo another item's or reviewer's review")
                    .arg(unjudged.int64(0, 0))
                    .arg(retractions.int64(0, 0)));
    } catch (const Error &e) {
        add("server", Level::Error, e.message());
    }
    return report;
}

} // namespace bagel
