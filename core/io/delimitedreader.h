#pragma once

#include <QString>
#include <QStringList>

#include <string>
#include <string_view>
#include <vector>

class QIODevice;

namespace bagel {

/**
 * Streams records out of CSV (RFC 4180 quoting, quoted fields may span lines) or TSV (no
 * quoting) text, one record at a time, and reports errors with the file, line and column.
 * It reads 1 MB blocks and hands out fields as views into them (valid until next()).
 * Lines end at LF, CRLF or a lone CR. Empty lines are skipped, a UTF-8 byte order mark is
 * dropped, text must be valid UTF-8.
 */
class DelimitedReader
{
public:
    DelimitedReader(QIODevice &device, QString sourceName, char delimiter);

    /** Reads the next record; false at the end of the input. */
    bool next();

    int fieldCount() const { return int(m_fields.size()); }
    std::string_view field(int index) const;
    QString qfield(int index) const;
    /** The line the current record starts on (1-based). */
    qint64 line() const { return m_recordLine; }
    char delimiter() const { return m_delimiter; }

    /** Names the columns in error messages (usually the header). */
    void setColumnNames(const QStringList &names) { m_columnNames = names; }

    /**
     * Fails at the second of two equal non-empty names in \a header (the current record), naming
     * the file, line and column: a repeated column would leave it to chance which one is read.
     * Sets the column names too.
     */
    void requireUniqueColumns(const QStringList &header);

    /** Throws Error naming the file, line and (when \a column >= 0) the column. */
    [[noreturn]] void fail(int column, const QString &message) const;

    /** `,` for `.csv`, a tab for `.tsv`/`.tab`/`.txt`; otherwise guesses from \a firstLine. */
    static char delimiterFor(const QString &fileName, std::string_view firstLine = {});

private:
    bool readLine();
    void parseRecord();

    QIODevice &m_device;
    QString m_source;
    char m_delimiter;
    bool m_quoting;
    std::vector<char> m_buffer; ///< a block of the input; lines are views into it
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
    bool m_eof = false;
    std::string_view m_line;
    std::string m_storage; ///< unescaped quoted fields
    std::vector<std::string_view> m_fields;
    qint64 m_lineNumber = 0;
    qint64 m_recordLine = 0;
    QStringList m_columnNames;
};

} // namespace bagel
