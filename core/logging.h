#pragma once

#include <QString>

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

} // namespace bagel
