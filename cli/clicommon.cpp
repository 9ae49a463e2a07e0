#include "clicommon.h"

#include "progress.h"
#include "project.h"

#include <QFileInfo>
#include <QJsonDocument>

#include <sys/ioctl.h>
#include <unistd.h>

#include <clocale>
#include <cwchar>
#include <locale.h>

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

namespace {

/** The columns code point \a c takes, by the C library's wcwidth() in a UTF-8 locale. */
int codePointColumns(char32_t c)
{
    // wcwidth() follows LC_CTYPE; the process's own may be "C", which knows no wide characters.
    static const locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t(nullptr));
    if (utf8) {
        const locale_t previous = ::uselocale(utf8);
        const int width = ::wcwidth(wchar_t(c));
        ::uselocale(previous);
        return width < 0 ? 1 : width; // unassigned: one column, as terminals draw a box
    }
    switch (QChar::category(c)) {
    case QChar::Mark_NonSpacing:
    case QChar::Mark_Enclosing:
    case QChar::Other_Format:
        return 0;
    default:
        break;
    }
    // East Asian Wide and Fullwidth, the main blocks.
    const bool wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) || (c >= 0xac00 && c <= 0xd7a3)
                      || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60)
                      || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) || (c >= 0x1f900 && c <= 0x1f9ff)
                      || (c >= 0x20000 && c <= 0x3fffd);
    return wide ? 2 : 1;
}

bool isControl(char32_t c)
{
    return QChar::category(c) == QChar::Other_Control // C0, DEL, C1
           || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) // bidirectional
           || c == 0x2028 || c == 0x2029;                                                                  // line, paragraph separators
}

} // namespace

ProgressLine::ProgressLine(const Progress &progress, int fd)
    : m_progress(progress)
    , m_fd(fd)
{
    setStderrLine(this);
    m_thread = std::thread([this] {
        using namespace std::chrono_literals;
        const auto started = std::chrono::steady_clock::now();
        while (!m_stop.load()) {
            std::this_thread::sleep_for(20ms);
            if (std::chrono::steady_clock::now() - started < 200ms)
                continue; // a quick command draws nothing
            const Progress::Snapshot s = m_progress.snapshot();
            if (!s.stage.isEmpty())
                draw(text(s.stage, s.fraction().value_or(-1.0), terminalWidth(m_fd), s.figures()));
            for (int i = 0; i < 4 && !m_stop.load(); ++i) // ten lines a second at most
                std::this_thread::sleep_for(20ms);
        }
    });
}

ProgressLine::~ProgressLine()
{
    m_stop = true;
    m_thread.join();
    setStderrLine(nullptr);
    const std::lock_guard lock(stderrLock());
    clear();
    m_line.clear();
}

bool ProgressLine::wanted(int fd, bool quiet)
{
    return !quiet && ::isatty(fd) == 1;
}

int ProgressLine::terminalWidth(int fd)
{
    winsize size{};
    return ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 ? int(size.ws_col) : 80;
}

QString ProgressLine::printable(const QString &text)
{
    QString shown;
    shown.reserve(text.size());
    for (const char32_t c : text.toUcs4())
        shown += isControl(c) ? QString(QLatin1Char('?')) : QString::fromUcs4(&c, 1);
    return shown;
}

int ProgressLine::columns(const QString &text)
{
    int width = 0;
    for (const char32_t c : text.toUcs4())
        width += codePointColumns(c);
    return width;
}

namespace {

/** The first code points of \a text that take at most \a room columns, accents kept with their letter. */
QString cutToColumns(const QString &text, int room)
{
    QString cut;
    int used = 0;
    for (const char32_t c : text.toUcs4()) {
        const int w = ProgressLine::columns(QString::fromUcs4(&c, 1));
        if (used + w > room)
            break;
        used += w;
        cut += QString::fromUcs4(&c, 1);
    }
    return cut;
}

} // namespace

QString ProgressLine::text(const QString &described, double fraction, int width, const QString &figures)
{
    const QString percent = fraction >= 0.0 ? QStringLiteral("%1% ").arg(int(std::floor(fraction * 100.0)), 3) : QString();
    const QString line = printable(percent + described + figures);
    // One column short of the width: a full line would wrap on some terminals.
    const int room = width - 1;
    if (room < 1)
        return {};
    if (columns(line) <= room)
        return line;
    // A long stage (a long file name) is cut before the figures are: they are what changes.
    const QString tail = printable(figures);
    const int stageRoom = room - columns(percent) - columns(tail) - 1;
    if (!tail.isEmpty() && stageRoom >= 8)
        return percent + cutToColumns(printable(described), stageRoom) + QChar(0x2026) + tail;
    // Cut at a character (with the accents on it) so that the text and "…" fit in the room.
    return cutToColumns(line, room - 1) + QChar(0x2026);
}

void ProgressLine::draw(const QString &line)
{
    const std::lock_guard lock(stderrLock());
    m_line = line.toUtf8();
    show();
}

void ProgressLine::show()
{
    if (m_line.isEmpty())
        return;
    const int length = columns(QString::fromUtf8(m_line));
    QByteArray bytes = "\r" + m_line;
    // Blanks over what the last line drew beyond this one, within the terminal as it is now.
    const int drawn = std::min(m_drawn, terminalWidth(m_fd) - 1);
    if (drawn > length)
        bytes += QByteArray(drawn - length, ' ');
    m_drawn = std::max(drawn, length);
    [[maybe_unused]] const ssize_t written = ::write(m_fd, bytes.constData(), std::size_t(bytes.size()));
}

void ProgressLine::hide()
{
    clear();
}

void ProgressLine::clear()
{
    if (m_drawn == 0)
        return;
    const QByteArray bytes = "\r" + QByteArray(std::min(m_drawn, terminalWidth(m_fd) - 1), ' ') + "\r";
    [[maybe_unused]] const ssize_t written = ::write(m_fd, bytes.constData(), std::size_t(bytes.size()));
    m_drawn = 0;
}

} // namespace bagel::cli
