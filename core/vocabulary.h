#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace bagel {

/** A reviewer's judgement of a model's top-1 prediction. */
enum class Verdict { Correct, Wrong, Unclear, Problematic };

/** Why a wrong prediction is wrong (the paper's mistake categories, plus `other`). */
enum class Category { FineGrained, FineGrainedOov, SpuriousCorrelation, NonPrototypical, Other };

/** Optional refinement of Category::SpuriousCorrelation. */
enum class SpuriousKind { OverRelianceOnContext, LackOfContext };

/** How bad a mistake is; reports count Borderline as Minor, as the paper did. */
enum class Severity { Major, Minor, Borderline };

/** The state of one class in an item's multi-label set. */
enum class Judgement { Correct, Wrong, Unclear };

/** A label edit recorded by a review: set a class's judgement, or take the class out of the set. */
enum class LabelEdit { Correct, Wrong, Unclear, Remove };

// Canonical spellings: the strings stored in the project file and used on the command line.
QString toString(Verdict v);
QString toString(Category c);
QString toString(SpuriousKind k);
QString toString(Severity s);
QString toString(Judgement j);
QString toString(LabelEdit e);

// Parsing accepts the canonical spelling in any case, with `_` or ` ` for `-`.
std::optional<Verdict> parseVerdict(const QString &text);
std::optional<Category> parseCategory(const QString &text);
std::optional<SpuriousKind> parseSpuriousKind(const QString &text);
std::optional<Severity> parseSeverity(const QString &text);
std::optional<Judgement> parseJudgement(const QString &text);
std::optional<LabelEdit> parseLabelEdit(const QString &text);

/** Maps the category spellings of the paper's released mistake files onto Category. */
std::optional<Category> parsePaperCategory(const QString &text);

QStringList verdictNames();
QStringList categoryNames();
QStringList spuriousKindNames();
QStringList severityNames();
QStringList judgementNames();

/** What reports count: Borderline folds into Minor. */
constexpr Severity reportedSeverity(Severity s)
{
    return s == Severity::Borderline ? Severity::Minor : s;
}

/** One-paragraph definitions shown to users as help text. */
QString definition(Verdict v);
QString definition(Category c);
QString definition(SpuriousKind k);
QString definition(Severity s);

/** The whole vocabulary with its definitions, as plain text (for `--help` and the help window). */
QString vocabularyHelpText();

} // namespace bagel
