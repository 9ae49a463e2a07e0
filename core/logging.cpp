#include "logging.h"

#include "storage/projectfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include <sys/stat.h>
#include <vector>

namespace bagel {

namespace {

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

    auto stderrSink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
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
            std::fprintf(stderr, "warning: the log file %s cannot be written (%s); logging to it stopped\n",
                         shown.c_str(), message.c_str());
        });
    }
    spdlog::set_default_logger(logger);
    qInstallMessageHandler(qtMessageToSpdlog);

    if (!fileProblem.isEmpty())
        spdlog::warn("no log file: {}", fileProblem.toStdString());
}

} // namespace bagel
