#include "logging.h"
#include "mainwindow.h"
#include "settings.h"
#include "storage/pglocation.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QStandardPaths>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
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
