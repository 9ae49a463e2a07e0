// The audit's names (fields, breakdowns, final-state sources), answers in words and the
// `agreement --json` object.

#include "audit.h"

#include "catalog/classcatalog.h"
#include "catalog/taxonomy.h"

#include <QJsonArray>

namespace bagel {

namespace {

QJsonValue number(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

/** A seed as a JSON number when a double holds it exactly, else as a string of its digits. */
QJsonValue seedJson(std::uint64_t seed)
{
    return seed <= (std::uint64_t(1) << 53) ? QJsonValue(double(seed)) : QJsonValue(QString::number(seed));
}

QJsonValue interval(const agreement::Estimate &estimate)
{
    if (!estimate.ci95)
        return QJsonValue(QJsonValue::Null);
    return QJsonArray{estimate.ci95->low, estimate.ci95->high};
}

} // namespace

QString toString(AuditField field)
{
    switch (field) {
    case AuditField::Verdict:
        return QStringLiteral("verdict");
    case AuditField::Category:
        return QStringLiteral("category");
    case AuditField::Severity:
        return QStringLiteral("severity");
    case AuditField::Labels:
        return QStringLiteral("labels");
    }
    return {};
}

std::optional<AuditField> parseAuditField(const QString &text)
{
    for (const AuditField f : {AuditField::Verdict, AuditField::Category, AuditField::Severity, AuditField::Labels}) {
        if (text.compare(toString(f), Qt::CaseInsensitive) == 0)
            return f;
    }
    return std::nullopt;
}

QStringList auditFieldNames()
{
    return {QStringLiteral("verdict"), QStringLiteral("category"), QStringLiteral("severity"), QStringLiteral("labels")};
}

QString toString(FinalState::Source source)
{
    switch (source) {
    case FinalState::Source::Unreviewed:
        return QStringLiteral("unreviewed");
    case FinalState::Source::Single:
        return QStringLiteral("single reviewer");
    case FinalState::Source::Majority:
        return QStringLiteral("majority");
    case FinalState::Source::Tie:
        return QStringLiteral("tie");
    case FinalState::Source::Adjudicated:
        return QStringLiteral("adjudicated");
    }
    return {};
}

QString toString(Breakdown breakdown)
{
    switch (breakdown) {
    case Breakdown::Model:
        return QStringLiteral("model");
    case Breakdown::OriginalClass:
        return QStringLiteral("class");
    case Breakdown::Superclass:
        return QStringLiteral("superclass");
    case Breakdown::Category:
        return QStringLiteral("category");
    }
    return {};
}

std::optional<Breakdown> parseBreakdown(const QString &text)
{
    for (const Breakdown b : {Breakdown::Model, Breakdown::OriginalClass, Breakdown::Superclass, Breakdown::Category}) {
        if (text.compare(toString(b), Qt::CaseInsensitive) == 0)
            return b;
    }
    return std::nullopt;
}


QString answerText(const ReviewRecord &review)
{
    QStringList parts;
    if (review.verdict)
        parts << toString(*review.verdict);
    if (review.category)
        parts << toString(*review.category);
    if (review.severity)
        parts << toString(*review.severity);
    return parts.join(QLatin1Char('/'));
}

QVector<QString> superclasses(const Taxonomy &taxonomy)
{
    // From the specific to the general: a class belongs to the first group that is its ancestor.
    static const std::pair<quint32, const char *> kGroups[] = {
        {2084071, "dog"},           {2121620, "cat"},          {2075296, "carnivore"},
        {2469914, "primate"},       {2370806, "ungulate"},     {1861778, "other mammal"},
        {1503061, "bird"},          {1661091, "reptile"},      {1627424, "amphibian"},
        {2512053, "fish"},          {2159955, "insect"},       {1769347, "arachnid"},
        {1905661, "invertebrate"},  {12992868, "fungus"},      {17222, "plant"},
        {7555863, "food"},          {21265, "food"},           {13134947, "plant"},
        {3800933, "musical instrument"}, {3051540, "clothing"}, {3405725, "furniture"},
        {3100490, "vehicle"},       {3094503, "container"},    {4341686, "structure"},
        {3294048, "equipment"},     {3563967, "implement"},    {3122748, "covering"},
        {3183080, "device"},        {9287968, "geological formation"}, {7846, "person"},
        {3076708, "commodity"},
    };
    QVector<QString> out;
    if (!taxonomy.isAvailable())
        return out;
    const int classes = ClassCatalog::imagenet1k().size();
    out.reserve(classes);
    for (int c = 0; c < classes; ++c) {
        const QHash<quint32, int> &ancestors = taxonomy.ancestors(c);
        QString group = QStringLiteral("other");
        for (const auto &[offset, name] : kGroups) {
            if (ancestors.contains(offset)) {
                group = QString::fromLatin1(name);
                break;
            }
        }
        out << group;
    }
    return out;
}

QJsonObject agreementJson(const AuditSnapshot &snapshot, const AuditOptions &options, const agreement::Result &result)
{
    QJsonArray reviewers;
    for (const ReviewerRecord &r : snapshot.reviewers())
        reviewers.append(r.name);
    QJsonArray cohen;
    for (const agreement::PairAgreement &p : result.pairs) {
        cohen.append(QJsonObject{{QStringLiteral("a"), snapshot.reviewers()[p.a].name},
                                 {QStringLiteral("b"), snapshot.reviewers()[p.b].name},
                                 {QStringLiteral("units"), p.units},
                                 {QStringLiteral("kappa"), number(p.cohenKappa.value)},
                                 {QStringLiteral("percent_agreement"), number(p.percentAgreement.value)},
                                 {QStringLiteral("ci95"), QJsonObject{{QStringLiteral("kappa"), interval(p.cohenKappa)},
                                                                      {QStringLiteral("percent_agreement"),
                                                                       interval(p.percentAgreement)}}}});
    }
    return QJsonObject{
        {QStringLiteral("field"), toString(options.field)},
        {QStringLiteral("model"), options.model ? QJsonValue(snapshot.modelName(options.model)) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("fold_borderline"), options.foldBorderline},
        {QStringLiteral("reviewers"), reviewers},
        {QStringLiteral("units"), result.units},
        {QStringLiteral("ratings"), result.ratings},
        {QStringLiteral("percent_agreement"), number(result.percentAgreement.value)},
        {QStringLiteral("fleiss_kappa"), number(result.fleissKappa.value)},
        {QStringLiteral("krippendorff_alpha"), number(result.krippendorffAlpha.value)},
        {QStringLiteral("cohen_kappa"), cohen},
        {QStringLiteral("ci95"), QJsonObject{{QStringLiteral("percent_agreement"), interval(result.percentAgreement)},
                                             {QStringLiteral("fleiss_kappa"), interval(result.fleissKappa)},
                                             {QStringLiteral("krippendorff_alpha"), interval(result.krippendorffAlpha)}}},
        {QStringLiteral("bootstrap"), QJsonObject{{QStringLiteral("resamples"), options.statistics.bootstrapResamples},
                                                  {QStringLiteral("seed"), seedJson(options.statistics.seed)}}},
    };
}

} // namespace bagel
