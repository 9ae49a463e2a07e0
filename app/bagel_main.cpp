#include "logging.h"
#include "mainwindow.h"
#include "settings.h"
#include "storage/pglocation.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QStandardPaths>
#include "error.h"

#include <QStatusBar>

#include <functional>

#include <spdlog/spdlog.h>

namespace {

/**
 * The last line of defence: an error that reaches the event loop (a read on a server that has
 * gone away, in a path that does not expect one) is logged and shown in the status bar, never
 * an abort that would take the unsaved verdicts with it.
 */
class Application : public QApplication
{
public:
    using QApplication::QApplication;
    std::function<void(const QString &)> onError;

    bool notify(QObject *receiver, QEvent *event) override
    {
        try {
            return QApplication::notify(receiver, event);
        } catch (const bagel::Error &e) {
            spdlog::error("not done: {}", e.message().toStdString());
            if (onError)
                onError(e.message());
        }
        return false;
    }
};

} // namespace

int main(int argc, char *argv[])
{
    Application app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("bagel"));
    QApplication::setApplicationVersion(QStringLiteral(BAGEL_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("bagel"));
    QIcon icon;
    icon.addFile(QStringLiteral(":/bagel/icons/bagel-64.png"));
    icon.addFile(QStringLiteral(":/bagel/icons/bagel-256.png"));
    QApplication::setWindowIcon(icon);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Review the remaining mistakes of an image classifier."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption verbose(QStringLiteral("verbose"), QStringLiteral("Log debug messages to stderr."));
    const QCommandLineOption settingsFile(QStringLiteral("settings"), QStringLiteral("Use FILE for the settings."), QStringLiteral("FILE"));
    parser.addOptions({verbose, settingsFile});
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The .bagel project, or postgresql:// URI, to open."), QStringLiteral("[PROJECT]"));
    parser.process(app);
    bagel::initLogging(bagel::LoggingOptions{{}, parser.isSet(verbose)});

    bagel::Settings settings(parser.isSet(settingsFile) ? parser.value(settingsFile) : bagel::Settings::defaultPath());
    bagel::MainWindow window(settings);
    app.onError = [&window](const QString &message) { window.statusBar()->showMessage(message, 10000); };
    window.show();
    // On first start: who is reviewing, stamped on every review. Not for a server project: there
    // the reviewer is the database role.
    if (!bagel::ServerLocation::isServer(parser.positionalArguments().value(0)))
        window.ensureReviewer();
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().first());
    else
        window.openStartupProject(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/demo"));
    return QApplication::exec();
}
