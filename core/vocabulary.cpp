#include "vocabulary.h"

#include <array>
#include <utility>

namespace bagel {

namespace {

template<typename E, std::size_t N>
using NameTable = std::array<std::pair<E, const char *>, N>;

constexpr NameTable<Verdict, 4> kVerdicts{{
    {Verdict::Correct, "correct"},
    {Verdict::Wrong, "wrong"},
    {Verdict::Unclear, "unclear"},
    {Verdict::Problematic, "problematic"},
}};

constexpr NameTable<Category, 5> kCategories{{
    {Category::FineGrained, "fine-grained"},
    {Category::FineGrainedOov, "fine-grained-oov"},
    {Category::SpuriousCorrelation, "spurious-correlation"},
    {Category::NonPrototypical, "non-prototypical"},
    {Category::Other, "other"},
}};

constexpr NameTable<SpuriousKind, 2> kSpuriousKinds{{
    {SpuriousKind::OverRelianceOnContext, "over-reliance-on-context"},
    {SpuriousKind::LackOfContext, "lack-of-context"},
}};

constexpr NameTable<Severity, 3> kSeverities{{
    {Severity::Major, "major"},
    {Severity::Minor, "minor"},
    {Severity::Borderline, "borderline"},
}};

constexpr NameTable<Judgement, 3> kJudgements{{
    {Judgement::Correct, "correct"},
    {Judgement::Wrong, "wrong"},
    {Judgement::Unclear, "unclear"},
}};

constexpr NameTable<LabelEdit, 4> kLabelEdits{{
    {LabelEdit::Correct, "correct"},
    {LabelEdit::Wrong, "wrong"},
    {LabelEdit::Unclear, "unclear"},
    {LabelEdit::Remove, "remove"},
}};

template<typename E, std::size_t N>
QString nameOf(const NameTable<E, N> &table, E value)
{
    for (const auto &[v, name] : table) {
        if (v == value)
            return QString::fromLatin1(name);
    }
    return {};
}

QString normalised(const QString &text)
{
    QString s = text.trimmed().toLower();
    s.replace(QLatin1Char('_'), QLatin1Char('-'));
    s.replace(QLatin1Char(' '), QLatin1Char('-'));
    return s;
}

template<typename E, std::size_t N>
std::optional<E> parse(const NameTable<E, N> &table, const QString &text)
{
    const QString s = normalised(text);
    for (const auto &[v, name] : table) {
        if (s == QLatin1String(name))
            return v;
    }
    return std::nullopt;
}

template<typename E, std::size_t N>
QStringList names(const NameTable<E, N> &table)
{
    QStringList out;
    for (const auto &entry : table)
        out << QString::fromLatin1(entry.second);
    return out;
}

} // namespace

QString toString(Verdict v) { return nameOf(kVerdicts, v); }
QString toString(Category c) { return nameOf(kCategories, c); }
QString toString(SpuriousKind k) { return nameOf(kSpuriousKinds, k); }
QString toString(Severity s) { return nameOf(kSeverities, s); }
QString toString(Judgement j) { return nameOf(kJudgements, j); }
QString toString(LabelEdit e) { return nameOf(kLabelEdits, e); }

std::optional<Verdict> parseVerdict(const QString &text) { return parse(kVerdicts, text); }
std::optional<Category> parseCategory(const QString &text) { return parse(kCategories, text); }
std::optional<SpuriousKind> parseSpuriousKind(const QString &text) { return parse(kSpuriousKinds, text); }
std::optional<Severity> parseSeverity(const QString &text) { return parse(kSeverities, text); }
std::optional<Judgement> parseJudgement(const QString &text) { return parse(kJudgements, text); }
std::optional<LabelEdit> parseLabelEdit(const QString &text) { return parse(kLabelEdits, text); }

std::optional<Category> parsePaperCategory(const QString &text)
{
    // The released files spell one category two ways ("Fine-grained error with OOV",
    // "Fine-grained with OOV"); anything mentioning OOV is that category. The single
    // "Fine-grained with Multilabel Options" entry fits none of the four and maps to `other`.
    const QString s = text.simplified().toLower();
    if (s.isEmpty())
        return std::nullopt;
    if (s.contains(QLatin1String("oov")) || s.contains(QLatin1String("out-of-vocabulary"))
        || s.contains(QLatin1String("out of vocabulary")))
        return Category::FineGrainedOov;
    if (s == QLatin1String("fine-grained error") || s == QLatin1String("fine-grained")
        || s == QLatin1String("fine grained error") || s == QLatin1String("fine grained"))
        return Category::FineGrained;
    if (s.startsWith(QLatin1String("spurious")))
        return Category::SpuriousCorrelation;
    if (s.startsWith(QLatin1String("non-prototypical")) || s.startsWith(QLatin1String("non prototypical"))
        || s.startsWith(QLatin1String("nonprototypical")))
        return Category::NonPrototypical;
    if (const auto canonical = parseCategory(text))
        return canonical;
    return Category::Other;
}

QStringList verdictNames() { return names(kVerdicts); }
QStringList categoryNames() { return names(kCategories); }
QStringList spuriousKindNames() { return names(kSpuriousKinds); }
QStringList severityNames() { return names(kSeverities); }
QStringList judgementNames() { return names(kJudgements); }

QString definition(Verdict v)
{
    switch (v) {
    case Verdict::Correct:
        return QStringLiteral(
            "The model's top-1 prediction names an object that is really in the image and that a "
            "careful annotator would accept as a label for it, even if the original label says "
            "something else (a valid second object, or a wrong original label). The predicted "
            "class belongs among the image's correct labels; the apparent mistake is not a mistake.");
    case Verdict::Wrong:
        return QStringLiteral(
            "The top-1 prediction does not describe the image: no object of the predicted class "
            "is present. A wrong prediction is a real mistake; give it a category and a severity "
            "so that reports can sort the remaining mistakes the way the paper did.");
    case Verdict::Unclear:
        return QStringLiteral(
            "The image does not let an expert decide whether the predicted class is present: the "
            "object is too small, occluded, blurred, or the classes cannot be told apart from a "
            "photograph. Unclear predictions count as correct in multi-label accuracy.");
    case Verdict::Problematic:
        return QStringLiteral(
            "The image itself, or its original label, should not be part of the evaluation set: "
            "the label is plainly wrong and no class fits, the image is a duplicate, a drawing of "
            "text, offensive, or unusable. Problematic images are skipped by multi-label accuracy.");
    }
    return {};
}

QString definition(Category c)
{
    switch (c) {
    case Category::FineGrained:
        return QStringLiteral(
            "The model confused two closely related ImageNet classes (two dog breeds, two "
            "species of snake, a laptop and a notebook): the prediction is in the right "
            "neighbourhood of the class hierarchy but names the wrong sibling.");
    case Category::FineGrainedOov:
        return QStringLiteral(
            "Fine-grained, out of vocabulary: the object in the image belongs to a class that "
            "ImageNet-1k does not have (a giraffe, a narwhal, pliers), and the model predicted the "
            "nearest class it knows. Record the true object's WordNet synset when you can.");
    case Category::SpuriousCorrelation:
        return QStringLiteral(
            "The model named something associated with the context rather than the object: snow "
            "leads to `ski`, water to `boathouse`, a hand to the object usually held. The "
            "prediction follows the background or co-occurring objects instead of the subject.");
    case Category::NonPrototypical:
        return QStringLiteral(
            "The object is of the labelled class but an unusual instance of it: a kitten labelled "
            "`tabby`, a toy or drawing of the object, an odd viewpoint, colour or state. The model "
            "fails because the example is far from the class's typical images.");
    case Category::Other:
        return QStringLiteral(
            "A real mistake that fits none of the four categories. Say why in the review's note; "
            "imported entries whose category could not be mapped keep their original wording there.");
    }
    return {};
}

QString definition(SpuriousKind k)
{
    switch (k) {
    case SpuriousKind::OverRelianceOnContext:
        return QStringLiteral(
            "Over-reliance on context: the prediction names the surroundings (the snow, the "
            "water, the stage) even though the subject is clearly visible.");
    case SpuriousKind::LackOfContext:
        return QStringLiteral(
            "Lack of context: the subject is shown without the context the model expects (a "
            "close crop, an unusual setting), and the model falls back on a class that usually "
            "appears in such a picture.");
    }
    return {};
}

QString definition(Severity s)
{
    switch (s) {
    case Severity::Major:
        return QStringLiteral(
            "A mistake a non-expert would call plainly wrong: the predicted class is unrelated to "
            "the object, or an expert would never make it. Major mistakes make up ImageNet-M.");
    case Severity::Minor:
        return QStringLiteral(
            "An understandable mistake: a confusion between very similar classes, or one that "
            "even careful human labellers make. Reports count it as minor.");
    case Severity::Borderline:
        return QStringLiteral(
            "Between major and minor; reviewers disagree or the case is arguable. Reports count "
            "borderline mistakes as minor, as the paper did.");
    }
    return {};
}

QString vocabularyHelpText()
{
    QString out;
    out += QStringLiteral("Verdicts (on a model's top-1 prediction):\n");
    for (const auto &[v, name] : kVerdicts)
        out += QStringLiteral("  %1\n    %2\n").arg(QString::fromLatin1(name), definition(v));
    out += QStringLiteral("\nMistake categories (for wrong predictions):\n");
    for (const auto &[c, name] : kCategories)
        out += QStringLiteral("  %1\n    %2\n").arg(QString::fromLatin1(name), definition(c));
    out += QStringLiteral("\nSpurious-correlation kinds (optional):\n");
    for (const auto &[k, name] : kSpuriousKinds)
        out += QStringLiteral("  %1\n    %2\n").arg(QString::fromLatin1(name), definition(k));
    out += QStringLiteral("\nSeverities:\n");
    for (const auto &[s, name] : kSeverities)
        out += QStringLiteral("  %1\n    %2\n").arg(QString::fromLatin1(name), definition(s));
    return out;
}

} // namespace bagel
