#include "error.h"
#include "io/npyreader.h"
#include "testsupport.h"

#include <QtEndian>

#include <gtest/gtest.h>

#include <cstring>

using namespace bagel;

namespace {

QByteArray npyWithShape(const QByteArray &descr, bool fortran, const QByteArray &shape, const QByteArray &data)
{
    return test::npyBytes(descr, fortran, shape, data);
}

QByteArray npy(const QByteArray &descr, bool fortran, qint64 rows, qint64 cols, const QByteArray &data)
{
    return test::npyBytes(descr, fortran, "(" + QByteArray::number(rows) + ", " + QByteArray::number(cols) + ")", data);
}

template<typename T>
QByteArray values(const std::vector<T> &v, bool bigEndian = false)
{
    QByteArray out;
    for (T x : v) {
        char bytes[sizeof(T)];
        std::memcpy(bytes, &x, sizeof(T));
        if (bigEndian)
            std::reverse(bytes, bytes + sizeof(T));
        out.append(bytes, sizeof(T));
    }
    return out;
}

} // namespace

TEST(NpyReader, ReadsFloat32RowMajor)
{
    test::TempDir dir;
    const QString path = test::writeFile(dir.path(QStringLiteral("a.npy")),
                                         npy("<f4", false, 2, 3, values<float>({1, 2, 3, 4, 5, 6.5f})));
    NpyReader reader(path);
    EXPECT_EQ(reader.rows(), 2);
    EXPECT_EQ(reader.columns(), 3);
    std::vector<double> row;
    reader.readRow(1, row);
    EXPECT_EQ(row, (std::vector<double>{4, 5, 6.5}));
}

TEST(NpyReader, ReadsFloat64BigEndianAndFortranOrder)
{
    test::TempDir dir;
    // Column-major: the values of column 0 come first.
    const QString path = test::writeFile(dir.path(QStringLiteral("b.npy")),
                                         npy(">f8", true, 2, 3, values<double>({1, 4, 2, 5, 3, 6}, true)));
    NpyReader reader(path);
    std::vector<double> row;
    reader.readRow(0, row);
    EXPECT_EQ(row, (std::vector<double>{1, 2, 3}));
    reader.readRow(1, row);
    EXPECT_EQ(row, (std::vector<double>{4, 5, 6}));
}

TEST(NpyReader, RejectsBadFiles)
{
    test::TempDir dir;
    const auto error = [&](const QByteArray &bytes) {
        const QString path = test::writeFile(dir.path(QStringLiteral("bad.npy")), bytes);
        try {
            NpyReader reader(path);
        } catch (const Error &e) {
            EXPECT_TRUE(e.message().startsWith(path)) << e.message().toStdString();
            return e.message();
        }
        return QStringLiteral("no error");
    };
    EXPECT_TRUE(error("not numpy at all").contains(QStringLiteral("magic")));
    EXPECT_TRUE(error(npy("<f4", false, 2, 3, values<float>({1, 2, 3}))).contains(QStringLiteral("truncated")));
    EXPECT_TRUE(error(npy("<i8", false, 1, 1, values<qint64>({1}))).contains(QStringLiteral("float32 or float64")));
    EXPECT_TRUE(error(npyWithShape("<f4", false, "(6,)", values<float>({1, 2, 3, 4, 5, 6}))).contains(QStringLiteral("2-D")));
    EXPECT_TRUE(error(QByteArray()).contains(QStringLiteral("magic")));
}
