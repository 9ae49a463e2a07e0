#include "clicommon.h"

#include "progress.h"
#include "project.h"

#include <QFileInfo>
#include <QJsonDocument>

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>

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

ProgressLine::ProgressLine(const Progress &progress, int fd)
    : m_progress(progress)
    , m_fd(fd)
{
    m_thread = std::thread([this] {
        using namespace std::chrono_literals;
        const auto started = std::chrono::steady_clock::now();
        while (!m_stop.load()) {
            std::this_thread::sleep_for(20ms);
            if (std::chrono::steady_clock::now() - started < 200ms)
                continue; // a quick command draws nothing
            const Progress::Snapshot s = m_progress.snapshot();
            if (!s.stage.isEmpty()) {
                winsize size{};
                const int width = ::ioctl(m_fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 10 ? size.ws_col : 80;
                draw(text(s.describe(), s.fraction().value_or(-1.0), width));
            }
            for (int i = 0; i < 4 && !m_stop.load(); ++i) // ten lines a second at most
                std::this_thread::sleep_for(20ms);
        }
    });
}

ProgressLine::~ProgressLine()
{
    m_stop = true;
    m_thread.join();
    clear();
}

bool ProgressLine::wanted(int fd, bool quiet)
{
    return !quiet && ::isatty(fd) == 1;
}

QString ProgressLine::text(const QString &described, double fraction, int width)
{
    QString line = fraction >= 0.0 ? QStringLiteral("%1% ").arg(int(std::floor(fraction * 100.0)), 3) + described : described;
    // One column short of the width: a full line would wrap on some terminals.
    if (line.size() > width - 1)
        line = line.left(std::max(0, width - 2)) + QChar(0x2026);
    return line;
}

void ProgressLine::draw(const QString &line)
{
    QByteArray bytes = "\r" + line.toUtf8();
    const int length = int(line.size());
    if (m_drawn > length)
        bytes += QByteArray(m_drawn - length, ' ');
    m_drawn = std::max(m_drawn, length);
    [[maybe_unused]] const ssize_t written = ::write(m_fd, bytes.constData(), std::size_t(bytes.size()));
}

void ProgressLine::clear()
{
    if (m_drawn == 0)
        return;
    const QByteArray bytes = "\r" + QByteArray(m_drawn, ' ') + "\r";
    [[maybe_unused]] const ssize_t written = ::write(m_fd, bytes.constData(), std::size_t(bytes.size()));
    m_drawn = 0;
}

} // namespace bagel::cli
