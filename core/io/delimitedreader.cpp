#include "delimitedreader.h"

#include "error.h"
#include "utf8.h"

#include <QFileInfo>
#include <QIODevice>

namespace bagel {

DelimitedReader::DelimitedReader(QIODevice &device, QString sourceName, char delimiter)
    : m_device(device)
    , m_source(std::move(sourceName))
    , m_delimiter(delimiter)
    , m_quoting(delimiter == ',')
{
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
    m_line.clear();
    char chunk[8192];
    for (;;) {
        const qint64 got = m_device.readLine(chunk, sizeof chunk);
        if (got < 0) {
            if (m_line.empty() && m_device.atEnd())
                return false;
            if (!m_device.atEnd())
                throw Error(QStringLiteral("%1: read error: %2").arg(m_source, m_device.errorString()));
            break;
        }
        if (got == 0) {
            if (m_device.atEnd())
                break;
            continue;
        }
        m_line.append(chunk, std::size_t(got));
        if (chunk[got - 1] == '\n')
            break;
    }
    if (m_line.empty())
        return false;
    ++m_lineNumber;
    if (!m_line.empty() && m_line.back() == '\n')
        m_line.pop_back();
    if (!m_line.empty() && m_line.back() == '\r')
        m_line.pop_back();
    if (m_lineNumber == 1 && m_line.rfind("\xEF\xBB\xBF", 0) == 0)
        m_line.erase(0, 3);
    const std::size_t bad = firstInvalidUtf8(m_line);
    if (bad != std::string::npos) {
        m_recordLine = m_lineNumber;
        throw Error(QStringLiteral("%1:%2:%3: invalid UTF-8").arg(m_source).arg(m_lineNumber).arg(bad + 1));
    }
    if (m_line.find('\0') != std::string::npos) {
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
        if (m_line.find_first_not_of(" \t") == std::string::npos)
            continue;
        m_recordLine = m_lineNumber;
        parseRecord();
        return true;
    }
}

void DelimitedReader::parseRecord()
{
    m_storage.clear();
    m_fields.clear();
    std::size_t i = 0;
    for (;;) {
        const std::size_t start = m_storage.size();
        if (m_quoting && i < m_line.size() && m_line[i] == '"') {
            ++i;
            for (;;) {
                if (i >= m_line.size()) {
                    // A quoted field continues on the next line.
                    if (!readLine())
                        fail(int(m_fields.size()), QStringLiteral("unterminated quoted field"));
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
                fail(int(m_fields.size()), QStringLiteral("unexpected text after a closing quote"));
        } else {
            const std::size_t end = m_line.find(m_delimiter, i);
            const std::size_t stop = end == std::string::npos ? m_line.size() : end;
            m_storage.append(m_line, i, stop - i);
            i = stop;
        }
        m_fields.emplace_back(start, m_storage.size() - start);
        if (i >= m_line.size())
            break;
        ++i; // the delimiter
    }
}

std::string_view DelimitedReader::field(int index) const
{
    const auto &[offset, length] = m_fields.at(std::size_t(index));
    return std::string_view(m_storage).substr(offset, length);
}

QString DelimitedReader::qfield(int index) const
{
    const std::string_view f = field(index);
    return QString::fromUtf8(f.data(), qsizetype(f.size()));
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
