#include "delimitedreader.h"

#include "error.h"
#include "utf8.h"

#include <QFileInfo>
#include <QHash>
#include <QIODevice>

#include <cstring>

namespace bagel {

namespace {
constexpr std::size_t kBlock = 1 << 20;
/** No line of a table Bagel reads comes near this; a file without line breaks stops here. */
constexpr std::size_t kMaxLine = 16 << 20;
}

DelimitedReader::DelimitedReader(QIODevice &device, QString sourceName, char delimiter)
    : m_device(device)
    , m_source(std::move(sourceName))
    , m_delimiter(delimiter)
    , m_quoting(delimiter == ',')
{
    m_buffer.resize(kBlock);
}

char DelimitedReader::delimiterFor(const QString &fileName, std::string_view firstLine)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    if (suffix == QLatin1String("csv"))
        return ',';
    if (suffix == QLatin1String("tsv") || suffix == QLatin1String("tab"))
        return '\t';
    return firstLine.find('\t') != std::string_view::npos || firstLine.find(',') == std::string_view::npos ? '\t'
                                                                                                           : ',';
}

bool DelimitedReader::readLine()
{
    for (;;) {
        // A line ends at LF, CRLF or a lone CR (old Mac files): all three read alike.
        const char *start = m_buffer.data() + m_pos;
        const char *stop = m_buffer.data() + m_end;
        const char *newline = start;
        while (newline < stop && *newline != '\n' && *newline != '\r')
            ++newline;
        std::size_t terminator = 0;
        if (newline < stop) {
            terminator = 1;
            if (*newline == '\r') {
                if (newline + 1 < stop)
                    terminator = newline[1] == '\n' ? 2 : 1;
                else if (!m_eof)
                    terminator = 0; // a CR at the end of the block: read on to see whether LF follows
            }
        }
        if (terminator || m_eof) {
            if (!terminator && m_pos == m_end)
                return false;
            const std::size_t length = terminator ? std::size_t(newline - start) : m_end - m_pos;
            m_line = std::string_view(start, length);
            m_pos += length + terminator;
            break;
        }
        // Move the partial line to the front and read more; grow for lines longer than a block.
        const std::size_t partial = m_end - m_pos;
        if (partial >= kMaxLine) {
            throw Error(QStringLiteral("%1:%2: line longer than %3 MiB (a file without line breaks?)")
                            .arg(m_source)
                            .arg(m_lineNumber + 1)
                            .arg(kMaxLine >> 20));
        }
        std::memmove(m_buffer.data(), start, partial);
        m_pos = 0;
        m_end = partial;
        if (m_buffer.size() - m_end < kBlock / 2)
            m_buffer.resize(m_buffer.size() + kBlock);
        const qint64 got = m_device.read(m_buffer.data() + m_end, qint64(m_buffer.size() - m_end));
        if (got < 0)
            throw Error(QStringLiteral("%1: read error: %2").arg(m_source, m_device.errorString()));
        if (got == 0)
            m_eof = true;
        m_end += std::size_t(got);
    }

    ++m_lineNumber;
    if (m_lineNumber == 1 && m_line.substr(0, 3) == "\xEF\xBB\xBF")
        m_line.remove_prefix(3);
    const std::size_t bad = firstInvalidUtf8(m_line);
    if (bad != std::string_view::npos) {
        m_recordLine = m_lineNumber;
        throw Error(QStringLiteral("%1:%2:%3: invalid UTF-8").arg(m_source).arg(m_lineNumber).arg(bad + 1));
    }
    if (m_line.find('\0') != std::string_view::npos) {
        m_recordLine = m_lineNumber;
        throw Error(QStringLiteral("%1:%2: NUL byte in the text").arg(m_source).arg(m_lineNumber));
    }
    return true;
}

bool DelimitedReader::next()
{
    for (;;) {
        if (!readLine())
            return false;
        if (m_line.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        m_recordLine = m_lineNumber;
        parseRecord();
        return true;
    }
}

void DelimitedReader::parseRecord()
{
    m_fields.clear();
    if (!m_quoting || m_line.find('"') == std::string_view::npos) {
        // The common case: fields are views into the line itself.
        std::size_t i = 0;
        for (;;) {
            const std::size_t end = m_line.find(m_delimiter, i);
            m_fields.push_back(m_line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
            if (end == std::string_view::npos)
                return;
            i = end + 1;
        }
    }

    // Quoted fields are unescaped into m_storage; a quoted field may continue on later lines.
    m_storage.clear();
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    std::size_t i = 0;
    for (;;) {
        const std::size_t start = m_storage.size();
        if (i < m_line.size() && m_line[i] == '"') {
            ++i;
            for (;;) {
                if (i >= m_line.size()) {
                    if (!readLine())
                        fail(int(spans.size()), QStringLiteral("unterminated quoted field"));
                    if (m_storage.size() > kMaxLine)
                        fail(int(spans.size()), QStringLiteral("a quoted field longer than %1 MiB (a quote never closed?)").arg(kMaxLine >> 20));
                    m_storage += '\n';
                    i = 0;
                    continue;
                }
                const char c = m_line[i++];
                if (c == '"') {
                    if (i < m_line.size() && m_line[i] == '"') {
                        m_storage += '"';
                        ++i;
                        continue;
                    }
                    break;
                }
                m_storage += c;
            }
            if (i < m_line.size() && m_line[i] != m_delimiter)
                fail(int(spans.size()), QStringLiteral("unexpected text after a closing quote"));
        } else {
            const std::size_t end = m_line.find(m_delimiter, i);
            const std::size_t stop = end == std::string_view::npos ? m_line.size() : end;
            m_storage.append(m_line.substr(i, stop - i));
            i = stop;
        }
        spans.emplace_back(start, m_storage.size() - start);
        if (i >= m_line.size())
            break;
        ++i; // the delimiter
    }
    for (const auto &[offset, length] : spans)
        m_fields.push_back(std::string_view(m_storage).substr(offset, length));
}

std::string_view DelimitedReader::field(int index) const
{
    return m_fields.at(std::size_t(index));
}

QString DelimitedReader::qfield(int index) const
{
    const std::string_view f = field(index);
    return QString::fromUtf8(f.data(), qsizetype(f.size()));
}

void DelimitedReader::requireUniqueColumns(const QStringList &header)
{
    setColumnNames(header);
    QHash<QString, int> first;
    for (int i = 0; i < header.size(); ++i) {
        if (header[i].isEmpty())
            continue;
        const auto it = first.constFind(header[i]);
        if (it != first.constEnd())
            fail(i, QStringLiteral("the column '%1' appears twice (first in column %2)").arg(header[i]).arg(*it + 1));
        first.insert(header[i], i);
    }
}

void DelimitedReader::fail(int column, const QString &message) const
{
    QString where = QStringLiteral("%1:%2").arg(m_source).arg(m_recordLine);
    if (column >= 0) {
        where += QStringLiteral(": column %1").arg(column + 1);
        if (column < m_columnNames.size())
            where += QStringLiteral(" (%1)").arg(m_columnNames[column]);
    }
    throw Error(where + QStringLiteral(": ") + message);
}

} // namespace bagel
