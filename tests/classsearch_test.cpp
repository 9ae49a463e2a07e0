#include "catalog/classcatalog.h"
#include "catalog/classsearch.h"
#include "catalog/taxonomy.h"
#include "catalog/wordnet.h"
#include "testsupport.h"

#include <gtest/gtest.h>

using namespace bagel;

namespace {

/** The indexes, built once for all tests (WordNet's takes a second). */
struct Indexes
{
    WordNet wordnet;
    Taxonomy taxonomy{ClassCatalog::imagenet1k(), wordnet};
    ClassSearch classes = ClassSearch::imagenet(ClassCatalog::imagenet1k(), &taxonomy);
    ClassSearch nouns = ClassSearch::wordnet(ClassCatalog::imagenet1k(), wordnet);
};

const Indexes &indexes()
{
    static const Indexes built;
    return built;
}

QStringList firstWnids(const QVector<ClassHit> &hits, int n)
{
    QStringList out;
    for (int i = 0; i < hits.size() && i < n; ++i)
        out << hits[i].wnid();
    return out;
}

struct RankingCase
{
    const char *query;
    std::vector<const char *> expectedFirst; ///< the first results, in order
};

class Ranking : public ::testing::TestWithParam<RankingCase>
{
};

} // namespace

TEST_P(Ranking, PutsTheRightClassesFirst)
{
    ASSERT_TRUE(indexes().wordnet.isAvailable()) << "install wordnet-base";
    const RankingCase &c = GetParam();
    const QVector<ClassHit> hits = indexes().classes.search(QString::fromUtf8(c.query), 20);
    QStringList expected;
    for (const char *wnid : c.expectedFirst)
        expected << QLatin1String(wnid);
    EXPECT_EQ(firstWnids(hits, int(expected.size())), expected) << c.query;
}

INSTANTIATE_TEST_SUITE_P(
    ClassSearch, Ranking,
    ::testing::Values(
        RankingCase{"tench", {"n01440764"}},                       // exact name
        RankingCase{"Tinca tinca", {"n01440764"}},                 // a synonym, any case
        RankingCase{"labrdor", {"n02099712"}},                     // typo-tolerant: Labrador retriever
        RankingCase{"n02012849", {"n02012849"}},                   // wnid: the bird crane
        RankingCase{"134", {"n02012849"}},                         // index
        RankingCase{"crane", {"n02012849", "n03126707"}},          // both cranes, by name then wnid
        RankingCase{"maillot", {"n03710637", "n03710721"}},
        RankingCase{"sea sn", {"n01751748"}},                      // name prefix while typing
        RankingCase{"retriever lab", {"n02099712"}},               // every word a word prefix
        RankingCase{"espresso", {"n07920052"}},                    // exact beats the substring "espresso maker"
        RankingCase{"hedgehog", {"n02346627"}},                    // a synonym of porcupine
        RankingCase{"great white", {"n01484850"}},                 // word prefixes of a synonym
        RankingCase{"spotted feline", {"n02128925"}}));            // gloss words: jaguar ("…spotted feline…")

TEST(ClassSearch, DogPutsTheDogClassesFirst)
{
    const Indexes &ix = indexes();
    ASSERT_TRUE(ix.taxonomy.isAvailable());
    const QVector<ClassHit> hits = ix.classes.search(QStringLiteral("dog"), 150);
    ASSERT_GE(hits.size(), 120);
    // Every one of the first 118 results is under WordNet's dog (n02084071): the breeds.
    for (int i = 0; i < 118; ++i)
        EXPECT_TRUE(ix.taxonomy.ancestors(hits[i].classIndex).contains(2084071u)) << hits[i].names.first().toStdString();
}

TEST(ClassSearch, TiersAreOrdered)
{
    const QVector<ClassHit> hits = indexes().classes.search(QStringLiteral("snake"), 50);
    ASSERT_FALSE(hits.isEmpty());
    for (int i = 1; i < hits.size(); ++i)
        EXPECT_GE(hits[i - 1].score, hits[i].score);
    EXPECT_TRUE(indexes().classes.search(QStringLiteral("   ")).isEmpty());
    EXPECT_TRUE(indexes().classes.search(QStringLiteral("zzzzqqq")).isEmpty());
    EXPECT_EQ(indexes().classes.search(QStringLiteral("e"), 7).size(), 7);
}

TEST(ClassSearch, WordNetScopeFindsOutOfVocabularyObjects)
{
    const Indexes &ix = indexes();
    EXPECT_EQ(ix.nouns.size(), 82115);
    const QVector<ClassHit> giraffe = ix.nouns.search(QStringLiteral("giraffe"), 5);
    ASSERT_FALSE(giraffe.isEmpty());
    EXPECT_EQ(giraffe.first().wnid(), QStringLiteral("n02439033"));
    EXPECT_EQ(giraffe.first().classIndex, -1); // not an ImageNet-1k class
    const QVector<ClassHit> narwhal = ix.nouns.search(QStringLiteral("narwhal"), 5);
    EXPECT_EQ(narwhal.first().wnid(), QStringLiteral("n02072493"));
    const QVector<ClassHit> tench = ix.nouns.search(QStringLiteral("tench"), 5);
    EXPECT_EQ(tench.first().classIndex, 0); // ImageNet classes keep their index
}

TEST(Taxonomy, NeighboursAreTheOtherClassesUnderANearbyAncestor)
{
    const Indexes &ix = indexes();
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    const Taxonomy::Neighbours jaguar = ix.taxonomy.neighbours(catalog.resolve(QStringLiteral("n02128925")).index);
    ASSERT_TRUE(jaguar.ancestor);
    EXPECT_EQ(jaguar.ancestor->name(), QStringLiteral("big cat"));
    QStringList names;
    for (int c : jaguar.classes)
        names << catalog.at(c).name();
    EXPECT_TRUE(names.contains(QStringLiteral("leopard")));
    EXPECT_TRUE(names.contains(QStringLiteral("cheetah")));
    EXPECT_FALSE(names.contains(QStringLiteral("jaguar")));

    const Taxonomy::Neighbours tench = ix.taxonomy.neighbours(0);
    ASSERT_TRUE(tench.ancestor);
    EXPECT_EQ(tench.ancestor->name(), QStringLiteral("cyprinid"));
    EXPECT_EQ(tench.classes, QVector<int>{1}); // goldfish
}

TEST(Taxonomy, NearestClassesOfAnOutOfVocabularySynset)
{
    const Indexes &ix = indexes();
    const std::optional<Synset> hedgehog = ix.wordnet.synset(QStringLiteral("n01893825"));
    ASSERT_TRUE(hedgehog);
    const auto nearest = ix.taxonomy.nearestClasses(*hedgehog, 5);
    ASSERT_FALSE(nearest.isEmpty());
    EXPECT_EQ(ClassCatalog::imagenet1k().at(nearest.first().first).wnid, QStringLiteral("n02346627")); // porcupine, hedgehog

    const std::optional<Synset> giraffe = ix.wordnet.synset(QStringLiteral("n02439033"));
    ASSERT_TRUE(giraffe);
    const auto nearGiraffe = ix.taxonomy.nearestClasses(*giraffe, 10);
    ASSERT_FALSE(nearGiraffe.isEmpty());
    // The nearest are ruminants (ox, bighorn, ibex, impala, …), at a small distance.
    EXPECT_LE(nearGiraffe.first().second, 4);
    for (int i = 1; i < nearGiraffe.size(); ++i)
        EXPECT_LE(nearGiraffe[i - 1].second, nearGiraffe[i].second);
}

TEST(Taxonomy, IsEmptyWithoutWordNet)
{
    test::TempDir dir;
    const WordNet missing(dir.path(QStringLiteral("data.noun")));
    const Taxonomy taxonomy(ClassCatalog::imagenet1k(), missing);
    EXPECT_FALSE(taxonomy.isAvailable());
    EXPECT_TRUE(taxonomy.neighbours(0).classes.isEmpty());
    EXPECT_EQ(ClassSearch::wordnet(ClassCatalog::imagenet1k(), missing).size(), 0);
    // The ImageNet scope still works, without the ancestor tier.
    const ClassSearch plain = ClassSearch::imagenet(ClassCatalog::imagenet1k(), &taxonomy);
    EXPECT_EQ(plain.search(QStringLiteral("labrdor")).value(0).wnid(), QStringLiteral("n02099712"));
}
