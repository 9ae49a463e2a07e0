// bagel-bench --json [--filter REGEX]
// Generates its inputs in a temporary folder, measures, prints {"figures": [...]}.

#include "audit/agreement.h"
#include "audit/audit.h"
#include "export/exporter.h"
#include "report/report.h"
#include "catalog/classcatalog.h"
#include "catalog/classsearch.h"
#include "catalog/taxonomy.h"
#include "catalog/wordnet.h"
#include "generators.h"
#include "pgbench.h"
#include "image/thumbnailcache.h"
#include "windowbench.h"

#include "error.h"
#include "import/importer.h"
#include "logging.h"
#include "project.h"
#include "review/assignment.h"
#include "review/reviewqueue.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtConcurrent/QtConcurrentMap>
#include <QTextStream>

#include <random>

#include <sys/resource.h>

#include <cmath>
#include <functional>
#include <memory>

using namespace bagel;

namespace {

struct Figure
{
    QString name;
    double value;
    QString unit;
    double target; ///< the figure must not exceed it (or fall below it); NaN: reported without a target
    bool higherIsBetter = false;
};

struct Benchmark
{
    QStringList figures;
    std::function<QVector<Figure>(const QString &workDir)> run;
};

double peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // kilobytes on Linux
}

QVector<Figure> importPredictions(const QString &work)
{
    const QString labels = work + QStringLiteral("/labels.tsv");
    const QString csv = work + QStringLiteral("/predictions.csv");
    bench::writeLabels(labels, 50000);
    bench::writePredictionsCsv(csv, 50000, 2);
    const QString path = work + QStringLiteral("/predictions.bagel");
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(path + suffix);
    auto project = Project::create(path);
    importFile(*project, ImportFormat::Labels, labels);
    QElapsedTimer timer;
    timer.start();
    const ImportReport report = importFile(*project, ImportFormat::Predictions, csv);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    if (report.added.value(QStringLiteral("predictions")) != 100000)
        throw Error(QStringLiteral("the predictions import added %1 predictions, expected 100000")
                        .arg(report.added.value(QStringLiteral("predictions"))));
    return {{QStringLiteral("import_predictions_50k_ms"), ms, QStringLiteral("ms"), 1000}};
}

QVector<Figure> importTfds(const QString &work)
{
    const QString json = work + QStringLiteral("/multilabel.json");
    bench::writeTfdsJson(json, 50000, 200);
    const QString project = work + QStringLiteral("/tfds.bagel");
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(project + suffix);
    Project::create(project);
    // A separate process, so that the peak memory is the import's alone.
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--child-import-tfds"), project, json});
    if (!child.waitForFinished(600000) || child.exitCode() != 0)
        throw Error(QStringLiteral("the TFDS import child failed: %1").arg(QString::fromUtf8(child.readAllStandardError())));
    const QJsonObject result = QJsonDocument::fromJson(child.readAllStandardOutput()).object();
    return {{QStringLiteral("import_tfds_200mb_ms"), result.value(QStringLiteral("ms")).toDouble(), QStringLiteral("ms"), 2000},
            {QStringLiteral("import_tfds_200mb_peak_rss_mb"), result.value(QStringLiteral("peak_rss_mb")).toDouble(),
             QStringLiteral("MB"), 512}};
}

int childImportTfds(const QString &projectPath, const QString &json, QTextStream &out)
{
    auto project = Project::open(projectPath);
    QElapsedTimer timer;
    timer.start();
    const ImportReport report = importFile(*project, ImportFormat::TfdsMultilabel, json);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    if (report.added.value(QStringLiteral("items")) != 50000)
        throw Error(QStringLiteral("the TFDS import added %1 items, expected 50000").arg(report.added.value(QStringLiteral("items"))));
    out << QJsonDocument(QJsonObject{{QStringLiteral("ms"), ms}, {QStringLiteral("peak_rss_mb"), peakRssMb()},
                                     {QStringLiteral("file_mb"), double(QFileInfo(json).size()) / 1e6}})
               .toJson(QJsonDocument::Compact);
    return 0;
}

QVector<Figure> openProject(const QString &work)
{
    const QString labels = work + QStringLiteral("/labels.tsv");
    const QString csv = work + QStringLiteral("/predictions.csv");
    if (!QFileInfo::exists(csv)) {
        bench::writeLabels(labels, 50000);
        bench::writePredictionsCsv(csv, 50000, 2);
    }
    const QString path = work + QStringLiteral("/open.bagel");
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(path + suffix);
    {
        auto project = Project::create(path);
        importFile(*project, ImportFormat::Labels, labels);
        importFile(*project, ImportFormat::Predictions, csv);
    }
    // What the review window does before it can show the first item: open the file, build the
    // default queue (the first model's mistakes) and read the first queued item's facts.
    QElapsedTimer timer;
    timer.start();
    auto project = Project::open(path);
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
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    if (!item || predictions.size() != 2)
        throw Error(QStringLiteral("the first item has %1 predictions, expected 2").arg(predictions.size()));
    Q_UNUSED(labelsNow);
    Q_UNUSED(reviews);
    return {{QStringLiteral("open_project_50k_ms"), ms, QStringLiteral("ms"), 150}};
}

/** Runs one review-window measurement in a child process (offscreen, its own peak memory). */
QJsonObject windowChild(const QString &work, const QString &kind)
{
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--child-window"), kind, QStringLiteral("--work-dir"), work});
    if (!child.waitForFinished(1800000) || child.exitCode() != 0)
        throw Error(QStringLiteral("the review-window child (%1) failed: %2").arg(kind, QString::fromUtf8(child.readAllStandardError())));
    return QJsonDocument::fromJson(child.readAllStandardOutput()).object();
}

bench::WindowRun windowRun(const QString &kind)
{
    bench::WindowRun run;
    run.items = 200;
    if (kind.startsWith(QLatin1String("12mp"))) {
        run.imageSize = QSize(4000, 3000);
        run.items = 40;
    }
    if (kind == QLatin1String("rss")) {
        run.items = 1000;
        run.dwellMs = 0;
    }
    run.cold = kind.endsWith(QLatin1String("-cold"));
    return run;
}

QVector<Figure> nextImage(const QString &work, const char *size, double target, double coldTarget)
{
    const QString kind = QLatin1String(size);
    const QJsonObject warm = windowChild(work, kind);
    const QJsonObject cold = windowChild(work, kind + QStringLiteral("-cold"));
    return {{QStringLiteral("next_image_p99_ms_") + kind, warm.value(QStringLiteral("p99_ms")).toDouble(), QStringLiteral("ms"), target},
            {QStringLiteral("next_image_cold_p99_ms_") + kind, cold.value(QStringLiteral("p99_ms")).toDouble(), QStringLiteral("ms"), coldTarget}};
}

/** p99 of one search per keystroke, over queries typed letter by letter. */
double typingP99(const ClassSearch &search)
{
    static const char *const queries[] = {
        "labrador retriever", "golden retriever", "german shepherd", "tench", "crane", "sea snake", "jaguar",
        "espresso", "n02012849", "monitor", "labrdor", "hedgehog", "giraffe", "narwhal", "pliers", "polar bear",
        "ring-tailed lemur", "tabby cat", "coffee mug", "volleyball", "spotted feline", "wading bird", "dog",
        "great white shark", "mushroom", "pickup truck", "screwdriver", "maillot", "ski", "indri"};
    QVector<double> times;
    for (int round = 0; round < 3; ++round) {
        for (const char *query : queries) {
            const QString full = QString::fromLatin1(query);
            for (int n = 1; n <= full.size(); ++n) {
                QElapsedTimer timer;
                timer.start();
                const QVector<ClassHit> hits = search.search(full.left(n), 50);
                times << double(timer.nsecsElapsed()) / 1e6;
                Q_UNUSED(hits);
            }
        }
    }
    std::sort(times.begin(), times.end());
    return times[std::min<qsizetype>(times.size() - 1, qsizetype(std::ceil(0.99 * double(times.size()))) - 1)];
}

QVector<Figure> classSearch(const QString &)
{
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    const WordNet wordnet;
    if (!wordnet.isAvailable())
        throw Error(QStringLiteral("the class-search figures need WordNet (wordnet-base)"));
    const Taxonomy taxonomy(catalog, wordnet);
    const ClassSearch classes = ClassSearch::imagenet(catalog, &taxonomy);
    const ClassSearch nouns = ClassSearch::wordnet(catalog, wordnet);
    return {{QStringLiteral("class_search_p99_ms"), typingP99(classes), QStringLiteral("ms"), 2},
            {QStringLiteral("wordnet_search_p99_ms"), typingP99(nouns), QStringLiteral("ms"), 10}};
}

QVector<Figure> thumbnails(const QString &work)
{
    const QString dir = work + QStringLiteral("/thumbnail-sources");
    QDir().mkpath(dir);
    QStringList paths;
    for (int i = 0; i < 600; ++i) {
        const QString path = dir + QStringLiteral("/n%1.JPEG").arg(i, 5, 10, QLatin1Char('0'));
        if (!QFile::exists(path))
            bench::writePhoto(path, QSize(500, 375), i);
        paths << path;
    }
    QDir(work + QStringLiteral("/thumbnail-cache")).removeRecursively(); // cold
    const ThumbnailCache cache(work + QStringLiteral("/thumbnail-cache"));
    QElapsedTimer timer;
    timer.start();
    const QList<QImage> made = QtConcurrent::blockingMapped(paths, [&cache](const QString &path) { return cache.thumbnail(path); });
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    if (std::any_of(made.begin(), made.end(), [](const QImage &i) { return i.isNull(); }))
        throw Error(QStringLiteral("a thumbnail could not be made"));
    return {{QStringLiteral("thumbnails_per_s"), double(made.size()) / seconds, QStringLiteral("1/s"), 500, true}};
}

/** 50,000 units × 5 reviewers on the verdict (4 values): mostly agreeing, 10 % of ratings missing. */
agreement::RatingTable verdictTable()
{
    agreement::RatingTable t;
    t.raters = 5;
    t.values = 4;
    t.cells.resize(50000 * 5);
    std::mt19937_64 random(7);
    std::uniform_int_distribution<int> value(0, 3);
    std::uniform_real_distribution<double> chance(0.0, 1.0);
    for (std::size_t unit = 0; unit < 50000; ++unit) {
        const int truth = value(random);
        for (std::size_t r = 0; r < 5; ++r) {
            const double p = chance(random);
            t.cells[unit * 5 + r] = p < 0.1 ? agreement::kMissing : p < 0.75 ? truth : value(random);
        }
    }
    return t;
}

QVector<Figure> agreementFigures(const QString &)
{
    const agreement::RatingTable table = verdictTable();
    auto medianMs = [&table](int resamples, int runs) {
        std::vector<double> ms;
        agreement::Options options;
        options.bootstrapResamples = resamples;
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer timer;
            timer.start();
            const agreement::Result result = agreement::compute(table, options);
            ms.push_back(double(timer.nsecsElapsed()) / 1e6);
            if (!result.krippendorffAlpha.value || result.pairs.size() != 10)
                throw Error(QStringLiteral("the agreement benchmark computed nothing"));
        }
        std::sort(ms.begin(), ms.end());
        return ms[ms.size() / 2];
    };
    return {{QStringLiteral("agreement_50k_x5_ms"), medianMs(0, 9), QStringLiteral("ms"), 50},
            {QStringLiteral("agreement_bootstrap_1000_ms"), medianMs(1000, 5), QStringLiteral("ms"), 1000}};
}

/** Reading the reviews of 50,000 units × 5 reviewers for the audit, and the audit's statistics on them. */
QVector<Figure> auditFigures(const QString &work)
{
    const QString labels = work + QStringLiteral("/labels.tsv");
    const QString csv = work + QStringLiteral("/predictions.csv");
    if (!QFileInfo::exists(csv)) {
        bench::writeLabels(labels, 50000);
        bench::writePredictionsCsv(csv, 50000, 2);
    }
    const QString path = work + QStringLiteral("/audit.bagel");
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(path + suffix);
    {
        auto project = Project::create(path);
        importFile(*project, ImportFormat::Labels, labels);
        importFile(*project, ImportFormat::Predictions, csv);
        bench::appendReviews(project->store(), project->store().models().value(0).id, 5, 11);
    }
    auto project = Project::open(path, true);
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::vector<double> loads;
    for (int i = 0; i < 2; ++i) { // the snapshot the statistics use is the third
        QElapsedTimer timer;
        timer.start();
        const AuditSnapshot warmup = AuditSnapshot::load(*project);
        loads.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    QElapsedTimer timer;
    timer.start();
    const AuditSnapshot snapshot = AuditSnapshot::load(*project);
    loads.push_back(double(timer.nsecsElapsed()) / 1e6);
    const double loadMs = median(loads);
    timer.restart();
    AuditOptions options;
    const agreement::Result result = snapshot.agreement(options);
    const QVector<Disagreement> queue = snapshot.disagreements(options);
    const double statsMs = double(timer.nsecsElapsed()) / 1e6;
    if (snapshot.units().size() != 50000 || result.units != 50000 || queue.isEmpty())
        throw Error(QStringLiteral("the audit benchmark read %1 units").arg(snapshot.units().size()));
    // The whole command as a lead runs it: a process that starts, opens the project, reads it
    // and computes every statistic with 1,000 bootstrap resamples, and prints them (median of 3).
    std::vector<double> cliMs;
    for (int i = 0; i < 3; ++i) {
        QProcess cli;
        QElapsedTimer wall;
        wall.start();
        cli.start(QCoreApplication::applicationDirPath() + QStringLiteral("/bagel-cli"),
                  {QStringLiteral("agreement"), path, QStringLiteral("--json")});
        if (!cli.waitForFinished(120000) || cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0)
            throw Error(QStringLiteral("bagel-cli agreement failed: %1").arg(QString::fromUtf8(cli.readAllStandardError())));
        cliMs.push_back(double(wall.nsecsElapsed()) / 1e6);
        const QJsonObject printed = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        if (printed.value(QStringLiteral("units")).toInt() != 50000)
            throw Error(QStringLiteral("bagel-cli agreement reported %1 units").arg(printed.value(QStringLiteral("units")).toInt()));
    }
    // A lead hands the 50,000 units to the five reviewers, two each (100,000 assignments), and
    // the assignments panel reads everyone's progress on them (median of 5).
    project.reset();
    auto writable = Project::open(path);
    AssignmentRequest request;
    for (int r = 0; r < 5; ++r)
        request.reviewers << QStringLiteral("reviewer-%1").arg(r);
    request.perUnit = 2;
    request.allItems = true;
    request.model = writable->store().models().value(0).name;
    timer.restart();
    const AssignmentSummary assigned = assignReviewers(*writable, request);
    const double assignMs = double(timer.nsecsElapsed()) / 1e6;
    std::vector<double> progressMs;
    for (int i = 0; i < 5; ++i) {
        timer.restart();
        const QVector<AssignmentProgress> progress = assignmentProgress(*writable, writable->store().modelId(request.model, false));
        progressMs.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (assigned.units != 50000 || progress.size() != 5 || progress[0].done != progress[0].assigned)
            throw Error(QStringLiteral("the assignment benchmark handed out %1 units").arg(assigned.units));
    }
    return {{QStringLiteral("audit_load_50k_x5_ms"), loadMs, QStringLiteral("ms"), 250},
            {QStringLiteral("audit_statistics_50k_x5_ms"), statsMs, QStringLiteral("ms"), qQNaN()},
            {QStringLiteral("cli_agreement_50k_x5_ms"), median(cliMs), QStringLiteral("ms"), 600},
            {QStringLiteral("assign_50k_x5_ms"), assignMs, QStringLiteral("ms"), qQNaN()},
            {QStringLiteral("assignment_progress_50k_x5_ms"), median(progressMs), QStringLiteral("ms"), qQNaN()}};
}

/** The report and the tfds-multilabel export of a reviewed 50,000-item project with two models. */
QVector<Figure> reportFigures(const QString &work)
{
    const QString labels = work + QStringLiteral("/labels.tsv");
    const QString csv = work + QStringLiteral("/predictions.csv");
    if (!QFileInfo::exists(csv)) {
        bench::writeLabels(labels, 50000);
        bench::writePredictionsCsv(csv, 50000, 2);
    }
    const QString multilabel = work + QStringLiteral("/multilabel-20k.json");
    if (!QFileInfo::exists(multilabel))
        bench::writeTfdsJson(multilabel, 20000, 8);
    const QString path = work + QStringLiteral("/report.bagel");
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(path + suffix);
    {
        auto project = Project::create(path);
        importFile(*project, ImportFormat::Labels, labels);
        importFile(*project, ImportFormat::Predictions, csv);
        ImportOptions existing;
        existing.onlyExisting = true;
        importFile(*project, ImportFormat::TfdsMultilabel, multilabel, existing);
        // 5,000 units reviewed by two reviewers each.
        Store &store = project->store();
        Transaction tx(store);
        const QVector<ModelRecord> models = store.models();
        const ReviewerId a = store.reviewerId(QStringLiteral("ann"), true);
        const ReviewerId b = store.reviewerId(QStringLiteral("bo"), true);
        std::mt19937_64 random(5);
        int n = 0;
        const QDateTime start = QDateTime::currentDateTimeUtc();
        store.forEachItem([&](const ItemRecord &item) {
            if (n >= 5000)
                return;
            for (const ReviewerId reviewer : {a, b}) {
                ReviewRecord review;
                review.item = item.id;
                review.model = models[n % 2].id;
                review.reviewer = reviewer;
                review.time = start.addMSecs(n * 2 + (reviewer == b));
                review.verdict = Verdict(random() % 3);
                if (review.verdict == Verdict::Wrong) {
                    review.category = Category(random() % 5);
                    review.severity = Severity(random() % 3);
                }
                store.appendReview(review);
            }
            ++n;
        });
        tx.commit();
    }
    auto project = Project::open(path, true);
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::vector<double> reportMs;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        const Report report = computeReport(*project);
        reportMs.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (report.models.size() != 2 || !report.models[0].mlaAfter)
            throw Error(QStringLiteral("the report benchmark computed nothing"));
    }
    std::vector<double> exportMs;
    const QString out = work + QStringLiteral("/export.json");
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        const ExportReport written = exportFile(*project, ExportFormat::TfdsMultilabel, out);
        exportMs.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (written.items < 20000)
            throw Error(QStringLiteral("the export benchmark wrote %1 items").arg(written.items));
    }
    return {{QStringLiteral("report_50k_ms"), median(reportMs), QStringLiteral("ms"), 250},
            {QStringLiteral("export_tfds_20k_ms"), median(exportMs), QStringLiteral("ms"), 300}};
}

const QVector<Benchmark> &benchmarks()
{
    static const QVector<Benchmark> list = {
        {{QStringLiteral("import_predictions_50k_ms")}, importPredictions},
        {{QStringLiteral("import_tfds_200mb_ms"), QStringLiteral("import_tfds_200mb_peak_rss_mb")}, importTfds},
        {{QStringLiteral("open_project_50k_ms")}, openProject},
        {{QStringLiteral("class_search_p99_ms"), QStringLiteral("wordnet_search_p99_ms")}, classSearch},
        {{QStringLiteral("thumbnails_per_s")}, thumbnails},
        {{QStringLiteral("agreement_50k_x5_ms"), QStringLiteral("agreement_bootstrap_1000_ms")}, agreementFigures},
        {{QStringLiteral("audit_load_50k_x5_ms"), QStringLiteral("audit_statistics_50k_x5_ms"), QStringLiteral("cli_agreement_50k_x5_ms"),
          QStringLiteral("assign_50k_x5_ms"), QStringLiteral("assignment_progress_50k_x5_ms")},
         auditFigures},
        {{QStringLiteral("report_50k_ms"), QStringLiteral("export_tfds_20k_ms")}, reportFigures},
        {{QStringLiteral("next_image_p99_ms_imagenet"), QStringLiteral("next_image_cold_p99_ms_imagenet")},
         [](const QString &work) { return nextImage(work, "imagenet", 16, 25); }},
        {{QStringLiteral("next_image_p99_ms_12mp"), QStringLiteral("next_image_cold_p99_ms_12mp")},
         [](const QString &work) { return nextImage(work, "12mp", 33, qQNaN()); }},
        {{QStringLiteral("queue_filter_50k_ms")},
         [](const QString &work) -> QVector<Figure> {
             const QJsonObject r = windowChild(work, QStringLiteral("queue-filter"));
             return {{QStringLiteral("queue_filter_50k_ms"), r.value(QStringLiteral("p99_ms")).toDouble(), QStringLiteral("ms"), 50}};
         }},
        {{QStringLiteral("gui_import_200mb_max_stall_ms"), QStringLiteral("gui_import_200mb_reload_ms")},
         [](const QString &work) -> QVector<Figure> {
             const QJsonObject r = windowChild(work, QStringLiteral("gui-import"));
             return {{QStringLiteral("gui_import_200mb_max_stall_ms"), r.value(QStringLiteral("max_stall_ms")).toDouble(),
                      QStringLiteral("ms"), 50},
                     {QStringLiteral("gui_import_200mb_reload_ms"), r.value(QStringLiteral("reload_ms")).toDouble(), QStringLiteral("ms"), qQNaN()}};
         }},
        {{QStringLiteral("pg_import_predictions_50k_ms"), QStringLiteral("pg_open_project_50k_ms"), QStringLiteral("pg_review_commit_p99_ms"),
          QStringLiteral("pg_review_commit_p50_ms"), QStringLiteral("pg_agreement_load_50k_x5_ms")},
         [](const QString &work) -> QVector<Figure> {
             QString why;
             QVector<Figure> figures;
             for (const bench::ServerFigure &f : bench::serverFigures(work, &why))
                 figures.append({f.name, f.value, QStringLiteral("ms"), f.target});
             if (!why.isEmpty()) {
                 QTextStream(stderr) << "bagel-bench: the pg_* figures need a PostgreSQL server (" << why
                                     << "); run tests/pg/with-server.sh build/release/bin/bagel-bench --filter pg_\n";
             }
             return figures;
         }},
        {{QStringLiteral("review_peak_rss_mb")},
         [](const QString &work) -> QVector<Figure> {
             const QJsonObject r = windowChild(work, QStringLiteral("rss"));
             return {{QStringLiteral("review_peak_rss_mb"), r.value(QStringLiteral("peak_rss_mb")).toDouble(), QStringLiteral("MB"), 400}};
         }},
    };
    return list;
}

} // namespace

int main(int argc, char *argv[])
{
    // The review-window measurements need a GUI application; everything else does not.
    bool windowChildMode = false;
    for (int i = 1; i < argc; ++i)
        windowChildMode = windowChildMode || qstrcmp(argv[i], "--child-window") == 0;
    std::unique_ptr<QCoreApplication> application =
        windowChildMode ? std::make_unique<QApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication &app = *application;
    QCoreApplication::setApplicationName(QStringLiteral("bagel-bench"));
    QTextStream out(stdout);
    QTextStream err(stderr);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Measures Bagel's performance figures on generated inputs."));
    parser.addHelpOption();
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print the figures as JSON (the default)."));
    const QCommandLineOption filter(QStringLiteral("filter"), QStringLiteral("Only figures whose name matches REGEX."), QStringLiteral("REGEX"));
    const QCommandLineOption child(QStringLiteral("child-import-tfds"), QStringLiteral("Internal: one measured TFDS import."));
    const QCommandLineOption workDir(QStringLiteral("work-dir"), QStringLiteral("Generate the inputs in DIR and keep them."), QStringLiteral("DIR"));
    const QCommandLineOption windowChildOption(QStringLiteral("child-window"), QStringLiteral("Internal: one review-window run."), QStringLiteral("KIND"));
    parser.addOptions({json, filter, child, workDir, windowChildOption});
    parser.process(app);

    initLogging(LoggingOptions{QDir::temp().filePath(QStringLiteral("bagel-bench.log")), false});
    try {
        if (parser.isSet(windowChildOption)) {
            QTemporaryDir temporary;
            const QString work = parser.isSet(workDir) ? parser.value(workDir) : temporary.path();
            const QString kind = parser.value(windowChildOption);
            const QJsonObject result = kind == QLatin1String("queue-filter") ? bench::runQueueFilter(work)
                                       : kind == QLatin1String("gui-import") ? bench::runGuiImport(work)
                                                                             : bench::runReviewWindow(work, windowRun(kind));
            out << QJsonDocument(result).toJson(QJsonDocument::Compact);
            return 0;
        }
        if (parser.isSet(child)) {
            const QStringList args = parser.positionalArguments();
            return childImportTfds(args.value(0), args.value(1), out);
        }
        const QRegularExpression pattern(parser.value(filter));
        if (!pattern.isValid()) {
            err << "bagel-bench: invalid --filter: " << pattern.errorString() << '\n';
            return 2;
        }
        QTemporaryDir temporary;
        const QString work = parser.isSet(workDir) ? parser.value(workDir) : temporary.path();
        QDir().mkpath(work);
        QJsonArray figures;
        for (const Benchmark &b : benchmarks()) {
            if (!std::any_of(b.figures.begin(), b.figures.end(), [&](const QString &n) { return pattern.match(n).hasMatch(); }))
                continue;
            for (const Figure &f : b.run(work)) {
                if (!pattern.match(f.name).hasMatch())
                    continue;
                figures.append(QJsonObject{{QStringLiteral("name"), f.name},
                                           {QStringLiteral("value"), qRound64(f.value * 10) / 10.0},
                                           {QStringLiteral("unit"), f.unit},
                                           {QStringLiteral("target"), std::isnan(f.target) ? QJsonValue() : QJsonValue(f.target)},
                                           {QStringLiteral("better"), f.higherIsBetter ? QStringLiteral("higher") : QStringLiteral("lower")}});
                err << f.name << ": " << f.value << ' ' << f.unit << " (target " << (f.higherIsBetter ? "≥ " : "≤ ") << f.target << ")\n";
                err.flush();
            }
        }
        out << QJsonDocument(QJsonObject{{QStringLiteral("figures"), figures}}).toJson(QJsonDocument::Indented);
        return 0;
    } catch (const std::exception &e) {
        err << "bagel-bench: " << e.what() << '\n';
        return 1;
    }
}
