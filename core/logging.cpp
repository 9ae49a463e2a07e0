#include "logging.h"

#include "storage/projectfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace bagel {

namespace {

StderrLine *g_stderrLine = nullptr; ///< guarded by stderrLock()

/**
 * The stderr sink, wrapped: each log line makes room for the StderrLine (the progress line)
 * and, on a terminal, shows control characters in what is logged (a file name holding a new
 * line or an escape sequence) as '?', so that a message never moves the cursor or recolours
 * the terminal.
 */
class StderrLineSink final : public spdlog::sinks::sink
{
public:
    explicit StderrLineSink(std::shared_ptr<spdlog::sinks::sink> inner, bool terminal)
        : m_inner(std::move(inner))
        , m_terminal(terminal)
    {
    }

    void log(const spdlog::details::log_msg &message) override
    {
        const std::lock_guard lock(stderrLock());
        if (g_stderrLine)
            g_stderrLine->hide();
        if (m_terminal) {
            std::string payload(message.payload.data(), message.payload.size());
            sanitise(payload);
            spdlog::details::log_msg shown(message);
            shown.payload = payload;
            m_inner->log(shown);
        } else {
            m_inner->log(message);
        }
        m_inner->flush();
        if (g_stderrLine)
            g_stderrLine->show();
    }
    void flush() override { m_inner->flush(); }
    void set_pattern(const std::string &pattern) override { m_inner->set_pattern(pattern); }
    void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override { m_inner->set_formatter(std::move(formatter)); }

private:
    /** C0 controls, DEL and the C1 controls (UTF-8 C2 80 … C2 9F) become '?'. */
    static void sanitise(std::string &text)
    {
        for (std::size_t i = 0; i < text.size(); ++i) {
            const auto c = static_cast<unsigned char>(text[i]);
            if (c < 0x20 || c == 0x7f) {
                text[i] = '?';
            } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80
                       && static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
                text.replace(i, 2, "?");
            }
        }
    }

    std::shared_ptr<spdlog::sinks::sink> m_inner;
    bool m_terminal;
};

void qtMessageToSpdlog(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    const std::string text = message.toStdString();
    switch (type) {
    case QtDebugMsg:
        spdlog::debug("qt: {}", text);
        break;
    case QtInfoMsg:
        spdlog::info("qt: {}", text);
        break;
    case QtWarningMsg:
        spdlog::warn("qt: {}", text);
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        spdlog::error("qt: {}", text);
        break;
    }
}

} // namespace

std::mutex &stderrLock()
{
    static std::mutex lock;
    return lock;
}

void setStderrLine(StderrLine *line)
{
    const std::lock_guard lock(stderrLock());
    g_stderrLine = line;
}

void writeStderr(const std::string &text)
{
    const std::lock_guard lock(stderrLock());
    if (g_stderrLine)
        g_stderrLine->hide();
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
    if (g_stderrLine)
        g_stderrLine->show();
}

QString defaultLogFilePath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    if (dir.isEmpty())
        dir = QDir::tempPath();
    return dir + QStringLiteral("/bagel.log");
}

void initLogging(const LoggingOptions &options)
{
    std::vector<spdlog::sink_ptr> sinks;

    auto stderrSink = std::make_shared<StderrLineSink>(std::make_shared<spdlog::sinks::stderr_color_sink_mt>(), ::isatty(STDERR_FILENO) == 1);
    stderrSink->set_level(options.verbose ? spdlog::level::debug : spdlog::level::off);
    sinks.push_back(stderrSink);

    const QString path = options.logFilePath.isEmpty() ? defaultLogFilePath() : options.logFilePath;
    QString fileProblem;
    struct stat info {};
    // The log rotates: bagel.log is renamed to bagel.1.log, .2, .3. None of them may be a
    // project, its journal or another database (appending to one, or renaming over it, would
    // destroy it).
    QString protectedName;
    {
        const QFileInfo file(path);
        const QString stem = file.completeBaseName();
        const QString suffix = file.suffix().isEmpty() ? QString() : QLatin1Char('.') + file.suffix();
        QStringList names{path};
        for (int n = 1; n <= 3; ++n)
            names << file.dir().filePath(QStringLiteral("%1.%2%3").arg(stem).arg(n).arg(suffix));
        for (const QString &name : names) {
            const QString why = projectfiles::whyNotAnOutput(name, QString());
            if (!why.isEmpty() && projectfiles::kindOf(name) != projectfiles::Kind::CharDevice) {
                protectedName = QStringLiteral("%1 %2").arg(name, why);
                break;
            }
        }
    }
    if (!protectedName.isEmpty()) {
        fileProblem = protectedName;
        std::fprintf(stderr, "warning: not logging to %s\n", qPrintable(protectedName));
    } else if (::stat(QFile::encodeName(path).constData(), &info) == 0 && S_ISFIFO(info.st_mode)) {
        fileProblem = QStringLiteral("%1 is a named pipe: opening it would wait for a reader").arg(path);
    } else if (QDir().mkpath(QFileInfo(path).absolutePath())) {
        try {
            constexpr std::size_t maxBytes = 5 * 1024 * 1024;
            auto fileSink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path.toStdString(), maxBytes, 3);
            fileSink->set_level(spdlog::level::info);
            sinks.push_back(fileSink);
        } catch (const spdlog::spdlog_ex &e) {
            fileProblem = QString::fromStdString(e.what());
        }
    } else {
        fileProblem = QStringLiteral("cannot create the folder of %1").arg(path);
    }

    auto logger = std::make_shared<spdlog::logger>("bagel", sinks.begin(), sinks.end());
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::info);
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z [%l] [pid %P] %v");
    // A log file that takes no writes (a full disk, /dev/full) must not spoil the command's
    // own output: one warning line on stderr, and the file is written no more.
    if (sinks.size() > 1) {
        const std::weak_ptr<spdlog::sinks::sink> file = sinks.back();
        const std::string shown = path.toStdString();
        logger->set_error_handler([file, shown](const std::string &message) {
            const auto sink = file.lock();
            if (!sink || sink->level() == spdlog::level::off)
                return;
            sink->set_level(spdlog::level::off);
            writeStderr("warning: the log file " + shown + " cannot be written (" + message + "); logging to it stopped\n");
        });
    }
    spdlog::set_default_logger(logger);
    qInstallMessageHandler(qtMessageToSpdlog);

    if (!fileProblem.isEmpty())
        spdlog::warn("no log file: {}", fileProblem.toStdString());
}

} // namespace bagel
