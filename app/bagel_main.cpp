#include "logging.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("bagel"));
    QApplication::setApplicationVersion(QStringLiteral(BAGEL_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Review the remaining mistakes of an image classifier."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption verbose(QStringLiteral("verbose"), QStringLiteral("Log debug messages to stderr."));
    parser.addOption(verbose);
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The .bagel project to open."), QStringLiteral("[PROJECT]"));
    parser.process(app);
    bagel::initLogging(bagel::LoggingOptions{{}, parser.isSet(verbose)});

    bagel::MainWindow window;
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().first());
    window.show();
    return QApplication::exec();
}
