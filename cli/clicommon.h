#pragma once

// What the command implementations of bagel-cli share.

#include "error.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonObject>
#include <QStringList>
#include <QTextStream>

#include <atomic>
#include <memory>
#include <thread>

namespace bagel {
class Progress;
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
    /** Long work reports here (never null): drawn on stderr when it is a terminal, else unseen. */
    Progress *progress = nullptr;
};

/**
 * The progress line on a terminal: a thread that redraws the command's Progress on one line
 * of \a fd (carriage return, never more than ten times a second, first after a fifth of a
 * second so that quick commands draw nothing), and clears it when destroyed. It draws only
 * while a stage is running, and never anything but plain text and spaces.
 */
class ProgressLine
{
public:
    ProgressLine(const Progress &progress, int fd);
    ~ProgressLine();
    ProgressLine(const ProgressLine &) = delete;
    ProgressLine &operator=(const ProgressLine &) = delete;

    /** Whether bagel-cli draws a progress line on \a fd: a terminal, and not --quiet. */
    static bool wanted(int fd, bool quiet);
    /** The line for \a snapshot, at most \a width characters. */
    static QString text(const QString &described, double fraction, int width);

private:
    void draw(const QString &line);
    void clear();

    const Progress &m_progress;
    int m_fd;
    int m_drawn = 0; ///< characters on the line now
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
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
void addLeadsOptions(QCommandLineParser &parser);
void runLeads(Context &ctx);

// The maintainers' report (reportcli.cpp)
void addReportOptions(QCommandLineParser &parser);
void runReport(Context &ctx);

} // namespace bagel::cli
