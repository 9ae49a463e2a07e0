#include "clicommon.h"

#include "project.h"

#include <QFileInfo>
#include <QJsonDocument>

namespace bagel::cli {

QString requireValue(const QCommandLineParser &parser, const char *option)
{
    const QString name = QLatin1String(option);
    if (!parser.isSet(name))
        throw UsageError(QStringLiteral("--%1 is required").arg(name));
    return parser.value(name);
}

QStringList positionals(const QCommandLineParser &parser, int count, const char *usage)
{
    QStringList args = parser.positionalArguments();
    args.removeFirst(); // the command name
    if (args.size() != count)
        throw UsageError(QStringLiteral("expected: %1").arg(QLatin1String(usage)));
    return args;
}

QStringList atLeastPositionals(const QCommandLineParser &parser, int count, const char *usage)
{
    QStringList args = parser.positionalArguments();
    args.removeFirst();
    if (args.size() < count)
        throw UsageError(QStringLiteral("expected: %1").arg(QLatin1String(usage)));
    return args;
}

void printJson(QTextStream &out, const QJsonObject &object)
{
    out << QJsonDocument(object).toJson(QJsonDocument::Indented);
}

QCommandLineOption jsonOption()
{
    return QCommandLineOption(QStringLiteral("json"), QStringLiteral("Print the result as JSON."));
}

std::unique_ptr<Project> openProject(const QString &path, bool readOnly)
{
    return readOnly ? Project::open(path, true) : Project::openWritableIfPossible(path);
}

} // namespace bagel::cli
