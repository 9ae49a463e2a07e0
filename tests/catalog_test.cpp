#include "catalog/classcatalog.h"
#include "error.h"
#include "testsupport.h"

#include <QBuffer>
#include <QFile>

#include <gtest/gtest.h>

using namespace bagel;

TEST(ClassCatalog, BundledTableMatchesTheReferenceTable)
{
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    ASSERT_EQ(catalog.size(), 1000);

    QFile reference(test::testData(QStringLiteral("imagenet/classes.tsv")));
    ASSERT_TRUE(reference.open(QIODevice::ReadOnly));
    const ClassCatalog fromReference = ClassCatalog::fromTsv(reference, reference.fileName());
    ASSERT_EQ(fromReference.size(), 1000);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(catalog.at(i).wnid, fromReference.at(i).wnid) << i;
        EXPECT_EQ(catalog.at(i).names, fromReference.at(i).names) << i;
        EXPECT_EQ(catalog.at(i).gloss, fromReference.at(i).gloss) << i;
    }
}

TEST(ClassCatalog, LooksUpByIndexWnidAndName)
{
    const ClassCatalog &c = ClassCatalog::imagenet1k();
    EXPECT_EQ(c.at(0).wnid, QStringLiteral("n01440764"));
    EXPECT_EQ(c.at(0).name(), QStringLiteral("tench"));
    EXPECT_EQ(c.indexOfWnid(std::string_view("n01440764")), 0);
    EXPECT_EQ(c.indexOfWnid(QStringLiteral("n15075141")), 999);
    EXPECT_EQ(c.indexOfWnid(std::string_view("n00000000")), -1);
    EXPECT_EQ(c.indexOfWnid(std::string_view("n0144076")), -1);
    EXPECT_EQ(c.indexOfWnid(std::string_view("x01440764")), -1);

    EXPECT_EQ(c.resolve(QStringLiteral("65")).wnid, QStringLiteral("n01751748"));
    EXPECT_EQ(c.resolve(QStringLiteral("n01751748")).index, 65);
    EXPECT_EQ(c.resolve(QStringLiteral("sea snake")).index, 65);
    EXPECT_EQ(c.resolve(QStringLiteral("  Tinca tinca ")).index, 0); // any lemma, any case
    EXPECT_EQ(c.resolve(QStringLiteral("espresso")).name(), QStringLiteral("espresso"));
}

TEST(ClassCatalog, AmbiguousNamesListTheCandidates)
{
    const ClassCatalog &c = ClassCatalog::imagenet1k();
    EXPECT_EQ(c.indicesOfName(QStringLiteral("crane")), (QVector<int>{134, 517}));
    try {
        c.resolve(QStringLiteral("crane"));
        FAIL() << "crane resolved";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(QStringLiteral("ambiguous")));
        EXPECT_TRUE(e.message().contains(QStringLiteral("n02012849")));
        EXPECT_TRUE(e.message().contains(QStringLiteral("n03126707")));
        EXPECT_TRUE(e.message().contains(QStringLiteral("wading bird")));
    }
    try {
        c.resolve(QStringLiteral("maillot"));
        FAIL() << "maillot resolved";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(QStringLiteral("n03710637")));
        EXPECT_TRUE(e.message().contains(QStringLiteral("n03710721")));
    }
}

TEST(ClassCatalog, UnknownClassesAreErrors)
{
    const ClassCatalog &c = ClassCatalog::imagenet1k();
    EXPECT_THROW(c.resolve(QStringLiteral("1000")), Error);
    EXPECT_THROW(c.resolve(QStringLiteral("-1")), Error);
    EXPECT_THROW(c.resolve(QStringLiteral("n09999999")), Error);
    EXPECT_THROW(c.resolve(QStringLiteral("giraffe")), Error);
    EXPECT_THROW(c.resolve(QString()), Error);
}

TEST(ClassCatalog, RejectsMalformedTables)
{
    const auto parse = [](const QByteArray &text) {
        QBuffer buffer;
        buffer.setData(text);
        buffer.open(QIODevice::ReadOnly);
        return ClassCatalog::fromTsv(buffer, QStringLiteral("t.tsv"));
    };
    EXPECT_EQ(parse("index\twnid\tnames\tgloss\n0\tn01440764\ttench\ta fish\n").size(), 1);
    try {
        parse("index\twnid\tnames\tgloss\n0\tn01440764\ttench\n");
        FAIL();
    } catch (const Error &e) {
        EXPECT_EQ(e.message(), QStringLiteral("t.tsv:2: expected 4 tab-separated fields, found 3"));
    }
    EXPECT_THROW(parse("0\tn01440764\ttench\tx\n0\tn01443537\tgoldfish\ty\n"), Error); // index repeats
    EXPECT_THROW(parse("0\tn01440764\ttench\tx\n1\tn01440764\tgoldfish\ty\n"), Error); // wnid repeats
    EXPECT_THROW(parse("0\tfish\ttench\tx\n"), Error);
    EXPECT_THROW(parse(""), Error);
}
