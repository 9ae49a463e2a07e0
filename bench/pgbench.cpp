#include "pgbench.h"

#include "audit/audit.h"
#include "error.h"
#include "generators.h"
#include "import/importer.h"
#include "project.h"
#include "review/reviewqueue.h"
#include "storage/pgconnection.h"
#include "storage/pgschema.h"
#include "storage/pgstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QtNumeric>

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

using namespace bagel;

namespace bagel::bench {

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

/** A project on the server named by the environment (libpq's defaults: PGHOST, PGPORT, PGUSER, …). */
QString serverUri(const QString &name)
{
    return QStringLiteral("postgresql://?project=%1_%2").arg(name).arg(QCoreApplication::applicationPid());
}

/** Drops the project's schema and roles when the benchmark is done. */
struct Dropped
{
    QString uri;
    ~Dropped()
    {
        try {
            const ServerLocation location = ServerLocation::parse(uri);
            PgConnection db(location.conninfo, location.display);
            db.run("DROP SCHEMA IF EXISTS " + db.identifier(location.project) + " CASCADE");
            db.run("DROP ROLE IF EXISTS " + db.identifier(pgschema::leadRole(location.project)));
            db.run("DROP ROLE IF EXISTS " + db.identifier(pgschema::reviewerRole(location.project)));
        } catch (const Error &) {
        }
    }
};

} // namespace

QVector<ServerFigure> serverFigures(const QString &work, QString *why)
{
    try {
        PgConnection probe(QStringLiteral("postgresql://"), QStringLiteral("the server the PG* variables name"));
    } catch (const Error &e) {
        *why = e.message();
        return {};
    }
    QVector<ServerFigure> out;
    const QString labels = work + QStringLiteral("/labels.tsv");
    const QString csv = work + QStringLiteral("/predictions.csv");
    if (!QFileInfo::exists(csv)) {
        bench::writeLabels(labels, 50000);
        bench::writePredictionsCsv(csv, 50000, 2);
    }
    const QString uri = serverUri(QStringLiteral("bench"));
    const Dropped drop{uri};

    // Importing 50,000 × 2 predictions into a server project holding the 50,000 items.
    {
        auto project = Project::create(uri);
        importFile(*project, ImportFormat::Labels, labels);
        QElapsedTimer timer;
        timer.start();
        const ImportReport report = importFile(*project, ImportFormat::Predictions, csv);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        if (report.added.value(QStringLiteral("predictions")) != 100000)
            throw Error(QStringLiteral("the server import added %1 predictions, expected 100000").arg(report.added.value(QStringLiteral("predictions"))));
        out.append({QStringLiteral("pg_import_predictions_50k_ms"), ms, 3000});
    }

    // Opening it as the window does: connect, the default queue, the first item's facts.
    {
        std::vector<double> ms;
        for (int i = 0; i < 3; ++i) {
            QElapsedTimer timer;
            timer.start();
            auto project = Project::open(uri);
            const ModelId model = project->store().models().value(0).id;
            const QVector<QueueRow> rows = loadQueue(*project, model, 0);
            const QVector<int> queue = arrangeQueue(rows, QueueFilter{});
            if (queue.isEmpty())
                throw Error(QStringLiteral("the default queue is empty"));
            const ItemId first = rows[queue.first()].item;
            const auto item = project->store().item(first);
            const auto predictions = project->store().predictions(first);
            const auto labelsNow = project->currentLabels(first);
            const auto reviews = project->latestReviews(first);
            ms.push_back(double(timer.nsecsElapsed()) / 1e6);
            if (!item || predictions.size() != 2)
                throw Error(QStringLiteral("the first item has %1 predictions, expected 2").arg(predictions.size()));
        }
        out.append({QStringLiteral("pg_open_project_50k_ms"), median(ms), 300});
    }

    // Eight reviewers recording verdicts at once, each on a connection of their own: the time
    // from asking to the commit's return, for every verdict.
    {
        constexpr int kWriters = 8;
        constexpr int kEach = 150;
        std::vector<std::vector<double>> times(kWriters);
        std::vector<QString> errors(kWriters);
        std::vector<std::thread> threads;
        for (int w = 0; w < kWriters; ++w) {
            threads.emplace_back([&, w] {
                try {
                    auto project = Project::open(uri);
                    const QString me = project->store().sessionUser();
                    for (int i = 0; i < kEach; ++i) {
                        ReviewInput in;
                        in.fileName = QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(w * kEach + i + 1, 8, 10, QLatin1Char('0'));
                        in.reviewer = me;
                        in.model = QStringLiteral("model0");
                        in.verdict = Verdict::Correct;
                        QElapsedTimer timer;
                        timer.start();
                        project->recordReview(in);
                        times[std::size_t(w)].push_back(double(timer.nsecsElapsed()) / 1e6);
                    }
                } catch (const Error &e) {
                    errors[std::size_t(w)] = e.message();
                }
            });
        }
        for (std::thread &t : threads)
            t.join();
        std::vector<double> all;
        for (int w = 0; w < kWriters; ++w) {
            if (!errors[std::size_t(w)].isEmpty())
                throw Error(QStringLiteral("writer %1: %2").arg(w).arg(errors[std::size_t(w)]));
            all.insert(all.end(), times[std::size_t(w)].begin(), times[std::size_t(w)].end());
        }
        std::sort(all.begin(), all.end());
        out.append({QStringLiteral("pg_review_commit_p99_ms"), all[std::size_t(double(all.size()) * 0.99)], 20});
        out.append({QStringLiteral("pg_review_commit_p50_ms"), all[all.size() / 2], qQNaN()});
    }

    // The lead's audit reading 250,000 reviews (50,000 units × 5 reviewers).
    {
        const QString auditUri = serverUri(QStringLiteral("bench_audit"));
        const Dropped dropAudit{auditUri};
        auto project = Project::create(auditUri);
        importFile(*project, ImportFormat::Labels, labels);
        importFile(*project, ImportFormat::Predictions, csv);
        bench::appendReviews(project->store(), project->store().models().value(0).id, 5, 11);
        std::vector<double> ms;
        for (int i = 0; i < 3; ++i) {
            QElapsedTimer timer;
            timer.start();
            const AuditSnapshot snapshot = AuditSnapshot::load(*project);
            ms.push_back(double(timer.nsecsElapsed()) / 1e6);
            if (snapshot.units().size() != 50000)
                throw Error(QStringLiteral("the server audit read %1 units").arg(snapshot.units().size()));
        }
        out.append({QStringLiteral("pg_agreement_load_50k_x5_ms"), median(ms), 1500});
    }
    return out;
}

} // namespace bagel::bench
