#include "cli/cli.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bagel"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return bagel::cli::run(QCoreApplication::arguments(), out, err);
}
