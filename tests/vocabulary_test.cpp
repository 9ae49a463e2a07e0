#include "testsupport.h"
#include "vocabulary.h"

#include <gtest/gtest.h>

using namespace bagel;

TEST(Vocabulary, CanonicalNamesRoundTrip)
{
    for (const QString &name : verdictNames())
        EXPECT_EQ(toString(*parseVerdict(name)), name);
    for (const QString &name : categoryNames())
        EXPECT_EQ(toString(*parseCategory(name)), name);
    for (const QString &name : spuriousKindNames())
        EXPECT_EQ(toString(*parseSpuriousKind(name)), name);
    for (const QString &name : severityNames())
        EXPECT_EQ(toString(*parseSeverity(name)), name);
    EXPECT_EQ(verdictNames(), (QStringList{QStringLiteral("correct"), QStringLiteral("wrong"), QStringLiteral("unclear"),
                                           QStringLiteral("problematic")}));
    EXPECT_EQ(categoryNames().size(), 5);
}

TEST(Vocabulary, ParsingIsLenientAboutCaseAndSeparators)
{
    EXPECT_EQ(parseCategory(QStringLiteral("Fine_Grained_OOV")), Category::FineGrainedOov);
    EXPECT_EQ(parseCategory(QStringLiteral("spurious correlation")), Category::SpuriousCorrelation);
    EXPECT_EQ(parseSeverity(QStringLiteral("Major")), Severity::Major);
    EXPECT_EQ(parseVerdict(QStringLiteral(" WRONG ")), Verdict::Wrong);
    EXPECT_EQ(parseVerdict(QStringLiteral("mistake")), std::nullopt);
    EXPECT_EQ(parseSeverity(QString()), std::nullopt);
}

TEST(Vocabulary, PaperCategorySpellingsAreNormalised)
{
    EXPECT_EQ(parsePaperCategory(QStringLiteral("Fine-grained error")), Category::FineGrained);
    EXPECT_EQ(parsePaperCategory(QStringLiteral("Fine-grained error with OOV")), Category::FineGrainedOov);
    EXPECT_EQ(parsePaperCategory(QStringLiteral("Fine-grained with OOV")), Category::FineGrainedOov);
    EXPECT_EQ(parsePaperCategory(QStringLiteral("Spurious Correlation")), Category::SpuriousCorrelation);
    EXPECT_EQ(parsePaperCategory(QStringLiteral("Non-prototypical")), Category::NonPrototypical);
    EXPECT_EQ(parsePaperCategory(QStringLiteral("Fine-grained with Multilabel Options")), Category::Other);
    EXPECT_EQ(parsePaperCategory(QString()), std::nullopt);
}

TEST(Vocabulary, BorderlineCountsAsMinor)
{
    EXPECT_EQ(reportedSeverity(Severity::Borderline), Severity::Minor);
    EXPECT_EQ(reportedSeverity(Severity::Major), Severity::Major);
    EXPECT_EQ(reportedSeverity(Severity::Minor), Severity::Minor);
}

TEST(Vocabulary, EveryTermHasADefinition)
{
    for (const QString &name : verdictNames())
        EXPECT_GT(definition(*parseVerdict(name)).size(), 80) << name.toStdString();
    for (const QString &name : categoryNames())
        EXPECT_GT(definition(*parseCategory(name)).size(), 80) << name.toStdString();
    for (const QString &name : spuriousKindNames())
        EXPECT_GT(definition(*parseSpuriousKind(name)).size(), 60) << name.toStdString();
    for (const QString &name : severityNames())
        EXPECT_GT(definition(*parseSeverity(name)).size(), 60) << name.toStdString();
    const QString help = vocabularyHelpText();
    for (const QString &name : verdictNames() + categoryNames() + severityNames() + spuriousKindNames())
        EXPECT_TRUE(help.contains(name)) << name.toStdString();
}
