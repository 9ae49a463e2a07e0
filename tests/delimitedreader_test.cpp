#include "testsupport.h"
#include "error.h"
#include "io/delimitedreader.h"

#include <QBuffer>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

QList<QStringList> records(const QByteArray &text, char delimiter)
{
    QBuffer buffer;
    buffer.setData(text);
    buffer.open(QIODevice::ReadOnly);
    DelimitedReader reader(buffer, QStringLiteral("t.csv"), delimiter);
    QList<QStringList> out;
    while (reader.next()) {
        QStringList fields;
        for (int i = 0; i < reader.fieldCount(); ++i)
            fields << reader.qfield(i);
        fields << QString::number(reader.line());
        out << fields;
    }
    return out;
}

} // namespace

TEST(DelimitedReader, ReadsCsvWithQuotes)
{
    const auto r = records("\xEF\xBB\xBF" "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n2,,\"multi\nline\"\n3,é,\n", ',');
    ASSERT_EQ(r.size(), 4);
    EXPECT_EQ(r[0], (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("1")}));
    EXPECT_EQ(r[1], (QStringList{QStringLiteral("1"), QStringLiteral("x, y"), QStringLiteral("say \"hi\""), QStringLiteral("2")}));
    EXPECT_EQ(r[2], (QStringList{QStringLiteral("2"), QString(), QStringLiteral("multi\nline"), QStringLiteral("4")}));
    EXPECT_EQ(r[3], (QStringList{QStringLiteral("3"), QStringLiteral("é"), QString(), QStringLiteral("6")}));
}

TEST(DelimitedReader, TsvHasNoQuoting)
{
    const auto r = records("file_name\twnid\n\"a\".JPEG\tn01440764", '\t');
    ASSERT_EQ(r.size(), 2);
    EXPECT_EQ(r[1][0], QStringLiteral("\"a\".JPEG"));
}

TEST(DelimitedReader, ReportsErrorsWithLineAndColumn)
{
    QBuffer buffer;
    buffer.setData("a,b\n1,\"open\n");
    buffer.open(QIODevice::ReadOnly);
    DelimitedReader reader(buffer, QStringLiteral("t.csv"), ',');
    reader.setColumnNames({QStringLiteral("a"), QStringLiteral("b")});
    ASSERT_TRUE(reader.next());
    try {
        reader.next();
        FAIL();
    } catch (const Error &e) {
        EXPECT_EQ(e.message(), QStringLiteral("t.csv:2: column 2 (b): unterminated quoted field"));
    }
    EXPECT_THROW(records("a\n\xff\xfe\n", ','), Error);
    EXPECT_THROW(records(QByteArray("a\nb\0c\n", 6), ','), Error);
    EXPECT_THROW(records("\"a\"b,c\n", ','), Error);
}

TEST(DelimitedReader, GuessesTheDelimiter)
{
    EXPECT_EQ(DelimitedReader::delimiterFor(QStringLiteral("x.csv")), ',');
    EXPECT_EQ(DelimitedReader::delimiterFor(QStringLiteral("x.TSV")), '\t');
    EXPECT_EQ(DelimitedReader::delimiterFor(QStringLiteral("x.txt"), "a\tb"), '\t');
    EXPECT_EQ(DelimitedReader::delimiterFor(QStringLiteral("x.txt"), "a,b"), ',');
}
