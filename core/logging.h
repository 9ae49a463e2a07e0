#pragma once

#include <QString>

#include <mutex>

namespace bagel {

/** Where and how much Bagel logs. */
struct LoggingOptions
{
    QString logFilePath;  ///< empty: defaultLogFilePath()
    bool verbose = false; ///< also log debug messages to stderr
};

/** `<AppLocalDataLocation>/bagel.log`, e.g. `~/.local/share/bagel/bagel.log`. */
QString defaultLogFilePath();

/**
 * Installs spdlog's default logger: a rotating log file (info and above) plus, when verbose,
 * stderr (debug and above). Qt's own messages are routed through it. Safe to call again.
 * A log file that cannot be created is not an error: logging then goes to stderr only.
 */
void initLogging(const LoggingOptions &options);

/**
 * A line drawn in place at the foot of stderr and redrawn as time passes (bagel-cli's progress
 * line). While one is installed, every log line written to stderr first takes it off the
 * terminal (hide()) and then draws it again below (show()), both under stderrLock(), which
 * the line takes too whenever it draws: a log line never runs on from the progress line.
 */
class StderrLine
{
public:
    virtual ~StderrLine() = default;
    /** Clears the line and puts the cursor at its start; called with stderrLock() held. */
    virtual void hide() = 0;
    /** Draws the line again where the cursor is; called with stderrLock() held. */
    virtual void show() = 0;
};

/** Installs \a line as the one log lines make room for; null: none. Takes stderrLock(). */
void setStderrLine(StderrLine *line);
/** Held while anything is written to stderr around a StderrLine. */
std::mutex &stderrLock();
/**
 * Writes \a text (a whole line, with its newline) to stderr, making room for the StderrLine
 * as a log line does: for warnings written without the logger.
 */
void writeStderr(const std::string &text);

} // namespace bagel
