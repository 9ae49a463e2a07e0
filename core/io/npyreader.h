#pragma once

#include <QFile>
#include <QString>

#include <vector>

namespace bagel {

/**
 * Reads a 2-D NumPy `.npy` array of float32 or float64 (either byte order, C or Fortran order,
 * format versions 1–3) row by row through a memory map, so an N×1000 array of any size costs
 * no more memory than one row. Every error names the file.
 */
class NpyReader
{
public:
    explicit NpyReader(const QString &path);

    qint64 rows() const { return m_rows; }
    qint64 columns() const { return m_columns; }
    int itemSize() const { return m_itemSize; }

    /** Copies row \a row into \a out (resized to columns()). */
    void readRow(qint64 row, std::vector<double> &out) const;

private:
    [[noreturn]] void fail(const QString &message) const;
    void parseHeader(const QByteArray &header);

    QString m_path;
    QFile m_file;
    const uchar *m_data = nullptr;
    qint64 m_rows = 0;
    qint64 m_columns = 0;
    int m_itemSize = 0;
    bool m_bigEndian = false;
    bool m_fortranOrder = false;
};

} // namespace bagel
