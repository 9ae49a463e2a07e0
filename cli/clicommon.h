#pragma once

// What the command implementations of bagel-cli share.

#include "error.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonObject>
#include <QStringList>
#include <QTextStream>

#include <memory>

namespace bagel {
class Project;
}

namespace bagel::cli {

/** A usage mistake (exit status 2) rather than a failed command (1). */
class UsageError : public Error
{
public:
    using Error::Error;
};

struct ChartDrawing;

struct Context
{
    QCommandLineParser &parser;
    QTextStream &out;
    bool json = false;
    const ChartDrawing *charts = nullptr; ///< what the program can draw (none in bagel_core's own tests)
};

/** The value of a required option; UsageError when it is missing. */
QString requireValue(const QCommandLineParser &parser, const char *option);
/** Exactly \a count positional arguments after the command name. */
QStringList positionals(const QCommandLineParser &parser, int count, const char *usage);
/** At least \a count positional arguments after the command name. */
QStringList atLeastPositionals(const QCommandLineParser &parser, int count, const char *usage);
void printJson(QTextStream &out, const QJsonObject &object);
QCommandLineOption jsonOption();
/** Opens read-write when the file allows it (so an older project is upgraded), else read-only. */
std::unique_ptr<Project> openProject(const QString &path, bool readOnly = false);

// The leads' commands (auditcli.cpp)
void addMergeOptions(QCommandLineParser &parser);
void runMerge(Context &ctx);
void addAgreementOptions(QCommandLineParser &parser);
void runAgreement(Context &ctx);
void addDisagreementsOptions(QCommandLineParser &parser);
void runDisagreements(Context &ctx);
void addAdjudicateOptions(QCommandLineParser &parser);
void runAdjudicate(Context &ctx);

// The maintainers' report (reportcli.cpp)
void addReportOptions(QCommandLineParser &parser);
void runReport(Context &ctx);

} // namespace bagel::cli
