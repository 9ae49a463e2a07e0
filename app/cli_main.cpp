#include "cli/cli.h"
#include "report/htmlreport.h"
#include "reportcharts.h"

#include <QApplication>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

#include <memory>

namespace {

/** Whether the command line asks for charts: `report … --html OUT` or `report … --charts DIR`. */
bool drawsCharts(int argc, char *argv[])
{
    bool report = false;
    bool charts = false;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        report = report || arg == "report";
        charts = charts || arg == "--html" || arg.startsWith("--html=") || arg == "--charts" || arg.startsWith("--charts=");
    }
    return report && charts;
}

/** While the application object starts: the platform's chatter (no runtime folder, …) means nothing to a command. */
void onlyErrors(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtCriticalMsg || type == QtFatalMsg)
        std::fprintf(stderr, "bagel-cli: %s\n", qUtf8Printable(message));
}

} // namespace

int main(int argc, char *argv[])
{
    // Charts are graphics widgets: drawing them takes a QApplication, which never shows a window
    // here (the offscreen platform, so no display is needed). Every other command runs on the
    // plain core application.
    std::unique_ptr<QCoreApplication> app;
    if (drawsCharts(argc, argv)) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        const QtMessageHandler previous = qInstallMessageHandler(onlyErrors);
        app = std::make_unique<QApplication>(argc, argv);
        qInstallMessageHandler(previous);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("bagel"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    bagel::cli::ChartDrawing charts;
    if (qobject_cast<QApplication *>(app.get())) {
        charts.html = [](const bagel::Report &report) { return bagel::charts::htmlCharts(report); };
        charts.save = [](const bagel::Report &report, const QString &folder) { return bagel::charts::saveAll(report, folder); };
    }
    return bagel::cli::run(QCoreApplication::arguments(), out, err, charts);
}
