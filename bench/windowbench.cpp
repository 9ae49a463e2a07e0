#include "windowbench.h"

#include "error.h"
#include "generators.h"
#include "imageview.h"
#include "import/importer.h"
#include "mainwindow.h"
#include "queuepanel.h"
#include "review/queuelistmodel.h"
#include "project.h"
#include "settings.h"
#include "storage/store.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace bagel::bench {

namespace {

double peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

/** The nearest-rank percentile \a p of sorted \a values. */
double percentileOf(const QVector<double> &values, double p)
{
    if (values.isEmpty())
        return 0.0;
    const auto rank = qsizetype(std::ceil(p * double(values.size())));
    return values[std::clamp<qsizetype>(rank - 1, 0, values.size() - 1)];
}

/** Sees the paint events of one widget go by. */
class PaintWatch final : public QObject
{
public:
    bool painted = false;
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            painted = true;
        return QObject::eventFilter(watched, event);
    }
};

/** Removes the settings file in \a dir and returns its path: every run starts from defaults. */
QString freshSettings(const QString &dir)
{
    const QString path = dir + QStringLiteral("/bagel.ini");
    QFile::remove(path);
    return path;
}

/** The real review window on fresh settings in a work folder, 1280 × 800, shown and active. */
struct BenchWindow
{
    explicit BenchWindow(const QString &dir)
        : settings(freshSettings(dir))
        , window(settings)
    {
        settings.setReviewer(QStringLiteral("bench")); // read when the project opens
        window.resize(1280, 800);
        window.show();
        window.activateWindow();
        if (!QTest::qWaitForWindowActive(&window))
            throw Error(QStringLiteral("the window did not become active"));
    }

    void open(const QString &projectPath)
    {
        if (!window.openProject(projectPath))
            throw Error(QStringLiteral("cannot open %1").arg(projectPath));
    }

    Settings settings;
    MainWindow window;
};

} // namespace

QJsonObject runQueueFilter(const QString &workDir)
{
    constexpr int kItems = 50000;
    const QString dir = workDir + QStringLiteral("/queue-filter");
    QDir().mkpath(dir + QStringLiteral("/images"));
    const QString labels = dir + QStringLiteral("/labels.tsv");
    const QString predictions = dir + QStringLiteral("/predictions.csv");
    if (!QFileInfo::exists(predictions)) {
        writeLabels(labels, kItems);
        writePredictionsCsv(predictions, kItems, 2);
    }
    // Every item has an image: one photo under 50,000 names (hard links, no disk to speak of).
    const QString photo = dir + QStringLiteral("/photo.jpg");
    if (!QFile::exists(photo))
        writePhoto(photo, QSize(500, 375), 1);
    for (int i = 0; i < kItems; ++i) {
        const QByteArray name = (dir + QStringLiteral("/images/") + validationName(i)).toLocal8Bit();
        if (::access(name.constData(), F_OK) != 0 && ::link(photo.toLocal8Bit().constData(), name.constData()) != 0)
            throw Error(QStringLiteral("cannot link %1").arg(QString::fromLocal8Bit(name)));
    }
    const QString projectPath = dir + QStringLiteral("/queue.bagel");
    if (!QFile::exists(projectPath)) {
        auto project = Project::create(projectPath, dir + QStringLiteral("/images"));
        importFile(*project, ImportFormat::Labels, labels);
        importFile(*project, ImportFormat::Predictions, predictions);
    }

    BenchWindow bench(dir);
    MainWindow &window = bench.window;
    bench.open(projectPath);
    QTest::qWait(200);
    const int rows = window.queueModel()->rowCount();
    if (rows < kItems / 2)
        throw Error(QStringLiteral("the queue has %1 rows, expected most of %2").arg(rows).arg(kItems));

    QLineEdit *search = window.queuePanel()->searchBox();
    QWidget *list = window.queuePanel()->table()->viewport();
    PaintWatch watch;
    list->installEventFilter(&watch);
    search->setFocus();
    QVector<double> latencies;
    // One key press on the search box: a character typed, or (0) one erased.
    const auto edit = [&](char typed) {
        watch.painted = false;
        QElapsedTimer timer;
        timer.start();
        if (typed)
            QTest::keyClick(search, typed);
        else
            QTest::keyClick(search, Qt::Key_Backspace);
        while (!watch.painted) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
            if (timer.elapsed() > 20000)
                throw Error(QStringLiteral("the queue was never repainted"));
        }
        latencies << double(timer.nsecsElapsed()) / 1e6;
        if (qEnvironmentVariableIsSet("BAGEL_BENCH_TRACE"))
            fprintf(stderr, "%.1f ms, %d rows\n", latencies.last(), window.queueModel()->rowCount());
    };
    // Narrowing a character at a time, then widening again, through several digit strings.
    static const char *const typed[] = {"491", "07", "3358", "9", "120", "66", "8a", "15", "702", "44"};
    for (int round = 0; round < 3; ++round) {
        for (const char *text : typed) {
            for (const char *c = text; *c; ++c)
                edit(*c);
            for (const char *c = text; *c; ++c)
                edit(0);
        }
    }
    std::sort(latencies.begin(), latencies.end());
    return QJsonObject{{QStringLiteral("p50_ms"), percentileOf(latencies, 0.50)},
                       {QStringLiteral("p99_ms"), percentileOf(latencies, 0.99)},
                       {QStringLiteral("max_ms"), latencies.isEmpty() ? 0.0 : latencies.last()},
                       {QStringLiteral("edits"), int(latencies.size())},
                       {QStringLiteral("rows"), rows}};
}

QJsonObject runReviewWindow(const QString &workDir, const WindowRun &run)
{
    const QString dir = QStringLiteral("%1/window-%2x%3-%4").arg(workDir).arg(run.imageSize.width()).arg(run.imageSize.height()).arg(run.items);
    QDir().mkpath(dir + QStringLiteral("/images"));
    // Every item is a mistake of the model (top-1 ≠ label), so all of them are in the default queue.
    QFile labels(dir + QStringLiteral("/labels.tsv"));
    QFile predictions(dir + QStringLiteral("/predictions.csv"));
    if (!labels.open(QIODevice::WriteOnly) || !predictions.open(QIODevice::WriteOnly))
        throw Error(QStringLiteral("cannot write in %1").arg(dir));
    labels.write("file_name\tindex\n");
    predictions.write("file_name,model,rank,class,score\n");
    for (int i = 0; i < run.items; ++i) {
        const QString name = QStringLiteral("img%1.jpg").arg(i, 5, 10, QLatin1Char('0'));
        const QString path = dir + QStringLiteral("/images/") + name;
        if (!QFile::exists(path))
            writePhoto(path, run.imageSize, i);
        labels.write(QStringLiteral("%1\t%2\n").arg(name).arg(i % 1000).toUtf8());
        for (int r = 1; r <= 5; ++r)
            predictions.write(QStringLiteral("%1,bench,%2,%3,%4\n").arg(name).arg(r).arg((i + r) % 1000).arg(0.5 / r).toUtf8());
    }
    labels.close();
    predictions.close();

    const QString projectPath = dir + QStringLiteral("/bench.bagel");
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(projectPath + suffix);
    {
        auto project = Project::create(projectPath, dir + QStringLiteral("/images"));
        importFile(*project, ImportFormat::Labels, labels.fileName());
        importFile(*project, ImportFormat::Predictions, predictions.fileName());
    }

    BenchWindow bench(dir);
    MainWindow &window = bench.window;
    if (run.cold) {
        window.setPrefetchEnabled(false);
        window.imageLoader()->setCacheCapacity(0);
    }
    bench.open(projectPath);

    QString painted;
    QObject::connect(&window, &MainWindow::imageShown, &window, [&painted](const QString &file) { painted = file; });
    const auto waitForImage = [&](const QString &file) {
        QElapsedTimer guard;
        guard.start();
        while (painted != file) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
            if (guard.elapsed() > 20000)
                throw Error(QStringLiteral("%1 was never painted").arg(file));
        }
    };
    waitForImage(window.currentFileName());

    QVector<double> latencies;
    constexpr int kWarmUp = 3; // the first items pay for fonts, caches and the first commits
    for (int i = 1; i < run.items; ++i) {
        if (run.dwellMs > 0)
            QTest::qWait(run.dwellMs);
        QElapsedTimer timer;
        timer.start();
        QTest::keyClick(window.imageView(), Qt::Key_1); // correct, and on to the next item
        const QString next = window.currentFileName();
        waitForImage(next);
        if (i > kWarmUp)
            latencies << double(timer.nsecsElapsed()) / 1e6;
    }
    window.flushWrites();
    if (qEnvironmentVariableIsSet("BAGEL_BENCH_TRACE")) {
        for (double l : latencies)
            fprintf(stderr, "%.1f ", l);
        fprintf(stderr, "\n");
    }
    std::sort(latencies.begin(), latencies.end());
    const auto percentile = [&](double p) { // nearest rank
        if (latencies.isEmpty())
            return 0.0;
        const auto rank = qsizetype(std::ceil(p * double(latencies.size())));
        return latencies[std::clamp<qsizetype>(rank - 1, 0, latencies.size() - 1)];
    };
    return QJsonObject{{QStringLiteral("p50_ms"), percentile(0.50)},
                       {QStringLiteral("p99_ms"), percentile(0.99)},
                       {QStringLiteral("max_ms"), latencies.isEmpty() ? 0.0 : latencies.last()},
                       {QStringLiteral("peak_rss_mb"), peakRssMb()},
                       {QStringLiteral("items"), run.items}};
}

QJsonObject runGuiImport(const QString &workDir)
{
    const QString json = workDir + QStringLiteral("/multilabel.json");
    if (QFileInfo(json).size() < qint64(150) * 1000 * 1000)
        writeTfdsJson(json, 50000, 200);
    const QString dir = workDir + QStringLiteral("/gui-import");
    QDir().mkpath(dir);
    const QString projectPath = dir + QStringLiteral("/import.bagel");
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(projectPath + suffix);
    Project::create(projectPath);

    BenchWindow bench(dir);
    MainWindow &window = bench.window;
    bench.open(projectPath);
    QTest::qWait(200);

    // A 5 ms timer on the GUI thread: every gap between its ticks is time the window could not
    // repaint, re-lay out or answer a click.
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    QVector<std::pair<qint64, qint64>> gaps; // start, end
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        gaps.append({last, now});
        last = now;
    });
    // Once the import is committed the window reads the project again (the queue, the class
    // panel) on a worker and then shows it: the gap that holds that moment is reported on its own.
    qint64 reloadedAt = -1;
    QObject::connect(window.queueModel(), &QAbstractItemModel::modelReset, &window, [&] {
        if (reloadedAt < 0)
            reloadedAt = clock.nsecsElapsed();
    });
    ticker.start(5);
    QTest::qWait(50);
    gaps.clear();
    last = clock.nsecsElapsed();
    QElapsedTimer timer;
    timer.start();
    const TaskResult result = window.importInBackground(ImportFormat::TfdsMultilabel, json, {});
    const double importMs = double(timer.nsecsElapsed()) / 1e6;
    // The queue and the class panel are read again on a worker; the window shows them at once.
    if (!QTest::qWaitFor([&] { return !window.isReloading(); }, 60000))
        throw Error(QStringLiteral("the window did not show the imported project within a minute"));
    QTest::qWait(20); // the gap that ends with showing it is counted too
    ticker.stop();
    if (!result.done())
        throw Error(QStringLiteral("the import failed: %1").arg(result.error));
    if (window.project()->store().counts().items != 50000)
        throw Error(QStringLiteral("the import added %1 items, expected 50000").arg(window.project()->store().counts().items));
    QVector<double> during;
    double reloadMs = 0.0;
    for (const auto &[from, to] : std::as_const(gaps)) {
        const double ms = double(to - from) / 1e6;
        if (reloadedAt >= from && reloadedAt <= to)
            reloadMs = ms;
        else
            during << ms;
    }
    if (qEnvironmentVariableIsSet("BAGEL_BENCH_TRACE")) {
        for (double g : during) {
            if (g > 20)
                fprintf(stderr, "%.1f ", g);
        }
        fprintf(stderr, "| reload %.1f\n", reloadMs);
    }
    std::sort(during.begin(), during.end());
    const double p99 = during.isEmpty() ? 0.0 : during[std::clamp<qsizetype>(qsizetype(std::ceil(0.99 * double(during.size()))) - 1, 0, during.size() - 1)];
    return QJsonObject{{QStringLiteral("max_stall_ms"), during.isEmpty() ? 0.0 : during.last()},
                       {QStringLiteral("p99_gap_ms"), p99},
                       {QStringLiteral("reload_ms"), reloadMs},
                       {QStringLiteral("import_ms"), importMs},
                       {QStringLiteral("ticks"), during.size()}};
}

} // namespace bagel::bench
