#pragma once

// What the command implementations of bagel-cli share.

#include "error.h"
#include "logging.h"

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
 * while a stage is running, and never anything but printable text and spaces: control
 * characters in the stage (a file name holding a new line or an escape sequence) show as '?'.
 * The line is measured in terminal columns (a CJK character takes two, a combining accent
 * none) and is one column narrower than the terminal (TIOCGWINSZ; 80 when unknown). Log lines
 * written to stderr meanwhile (--verbose) take it off first and have it drawn again below
 * them (it is the StderrLine of core/logging.h).
 */
class ProgressLine final : public StderrLine
{
public:
    ProgressLine(const Progress &progress, int fd);
    ~ProgressLine() override;
    ProgressLine(const ProgressLine &) = delete;
    ProgressLine &operator=(const ProgressLine &) = delete;

    /** Whether bagel-cli draws a progress line on \a fd: a terminal, and not --quiet. */
    static bool wanted(int fd, bool quiet);
    /**
     * The line for a snapshot described as \a described, with its \a fraction (negative:
     * unknown), printable and at most \a width − 1 columns (nothing when \a width < 2). When
     * \a figures (the amounts, rate and time left) follow \a described and the line is too long,
     * \a described is cut instead, so that the figures stay in view.
     */
    static QString text(const QString &described, double fraction, int width, const QString &figures = {});
    /** \a text with every control character (C0, DEL, C1, bidirectional overrides, line separators) as '?'. */
    static QString printable(const QString &text);
    /** How many terminal columns \a text takes (wcwidth): CJK 2, combining marks 0. */
    static int columns(const QString &text);
    /** The width of the terminal on \a fd in columns; 80 when it cannot be told. */
    static int terminalWidth(int fd);

    void hide() override;
    void show() override;

private:
    void draw(const QString &line);
    void clear();

    const Progress &m_progress;
    int m_fd;
    // Under stderrLock():
    QByteArray m_line; ///< what is drawn (or was, while hidden), without the carriage return
    int m_drawn = 0;   ///< columns on the terminal's line now
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

// Handing out units to reviewers (assigncli.cpp)
void addAssignOptions(QCommandLineParser &parser);
void runAssign(Context &ctx);
void addAssignmentsOptions(QCommandLineParser &parser);
void runAssignments(Context &ctx);

// A team's server (teamcli.cpp)
void addTeamOptions(QCommandLineParser &parser);
void runTeam(Context &ctx);
void runPush(Context &ctx);
void runPull(Context &ctx);
/** Throws Error (one line) when the connection may not do a lead's \a action ("import", "export", …). */
void requireLead(const Project &project, const QString &action);

// The maintainers' report (reportcli.cpp)
void addReportOptions(QCommandLineParser &parser);
void runReport(Context &ctx);

} // namespace bagel::cli
