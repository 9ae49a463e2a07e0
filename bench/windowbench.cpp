#include "windowbench.h"

#include "error.h"
#include "generators.h"
#include "imageview.h"
#include "import/importer.h"
#include "mainwindow.h"
#include "project.h"
#include "settings.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <random>

namespace bagel::bench {

namespace {

double peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

} // namespace

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

    QFile::remove(dir + QStringLiteral("/bagel.ini"));
    Settings settings(dir + QStringLiteral("/bagel.ini"));
    settings.setReviewer(QStringLiteral("bench"));
    MainWindow window(settings);
    window.resize(1280, 800);
    window.show();
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window))
        throw Error(QStringLiteral("the window did not become active"));
    if (run.cold) {
        window.setPrefetchEnabled(false);
        window.imageLoader()->setCacheCapacity(0);
    }
    if (!window.openProject(projectPath))
        throw Error(QStringLiteral("cannot open %1").arg(projectPath));

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

} // namespace bagel::bench
