#include "catalog/classcatalog.h"
#include "catalog/wordnet.h"
#include "testsupport.h"

#include <gtest/gtest.h>

using namespace bagel;

TEST(WordNet, ParsesASynsetLine)
{
    const auto s = parseSynsetLine(
        "01440764 05 n 02 tench 0 Tinca_tinca 0 002 @ 01439121 n 0000 #m 01440655 n 0000 | freshwater dace-like "
        "game fish of Europe and western Asia noted for ability to survive outside water  \n");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->offset, 1440764u);
    EXPECT_EQ(s->wnid(), QStringLiteral("n01440764"));
    EXPECT_EQ(s->lemmas, (QStringList{QStringLiteral("tench"), QStringLiteral("Tinca tinca")}));
    EXPECT_EQ(s->hypernyms, (QVector<quint32>{1439121}));
    EXPECT_TRUE(s->gloss.startsWith(QStringLiteral("freshwater dace-like")));
    EXPECT_TRUE(s->gloss.endsWith(QStringLiteral("outside water")));

    EXPECT_FALSE(parseSynsetLine("  1 This software and database is being provided to you"));
    EXPECT_FALSE(parseSynsetLine("garbage"));
    EXPECT_FALSE(parseSynsetLine(""));
}

TEST(WordNet, HypernymPathOfTenchReachesEntity)
{
    const WordNet wordnet;
    ASSERT_TRUE(wordnet.isAvailable()) << "install wordnet-base (scripts/install-deps.sh)";
    const QVector<Synset> path = wordnet.hypernymPath(QStringLiteral("n01440764"));
    QStringList names;
    for (const Synset &s : path)
        names << s.name();
    EXPECT_EQ(names, (QStringList{QStringLiteral("tench"), QStringLiteral("cyprinid"), QStringLiteral("cypriniform fish"),
                                  QStringLiteral("soft-finned fish"), QStringLiteral("teleost fish"),
                                  QStringLiteral("bony fish"), QStringLiteral("fish"),
                                  QStringLiteral("aquatic vertebrate"), QStringLiteral("vertebrate"),
                                  QStringLiteral("chordate"), QStringLiteral("animal"), QStringLiteral("organism"),
                                  QStringLiteral("living thing"), QStringLiteral("whole"), QStringLiteral("object"),
                                  QStringLiteral("physical entity"), QStringLiteral("entity")}));
}

TEST(WordNet, EveryImageNetClassHasAPathToEntityWithItsGloss)
{
    const WordNet wordnet;
    ASSERT_TRUE(wordnet.isAvailable());
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    for (const ImageNetClass &c : catalog.classes()) {
        const QVector<Synset> path = wordnet.hypernymPath(c.wnid);
        ASSERT_GE(path.size(), 3) << c.wnid.toStdString();
        EXPECT_EQ(path.first().gloss, c.gloss) << c.wnid.toStdString();
        EXPECT_EQ(path.last().name(), QStringLiteral("entity")) << c.wnid.toStdString();
    }
}

TEST(WordNet, WorksWithoutWordNetInstalled)
{
    test::TempDir dir;
    const WordNet missing(dir.path(QStringLiteral("data.noun")));
    EXPECT_FALSE(missing.isAvailable());
    EXPECT_TRUE(missing.hypernymPath(QStringLiteral("n01440764")).isEmpty());
    EXPECT_FALSE(missing.synset(QStringLiteral("n01440764")));
}

TEST(WordNet, OffsetsThatDoNotStartASynsetAreRejected)
{
    const WordNet wordnet;
    ASSERT_TRUE(wordnet.isAvailable());
    EXPECT_FALSE(wordnet.synset(1440765u)); // one byte into tench's line
    EXPECT_FALSE(wordnet.synset(QStringLiteral("n99999999")));
    EXPECT_FALSE(wordnet.synset(QStringLiteral("tench")));
}
