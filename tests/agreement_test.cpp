// Agreement statistics: the values of scikit-learn, statsmodels and NLTK stored in
// fixtures/agreement/reference.json (written by agreement/reference.py), the documented
// definitions where those libraries differ or do not apply, and the bootstrap intervals.
#include "audit/agreement.h"
#include "testsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>

using namespace bagel;
using namespace bagel::agreement;

namespace {

constexpr double kTolerance = 1e-9;

QString referencePath()
{
    return test::testSource(QStringLiteral("fixtures/agreement/reference.json"));
}

QJsonObject loadReference()
{
    QFile file(referencePath());
    if (!file.open(QIODevice::ReadOnly)) {
        ADD_FAILURE() << "cannot open " << referencePath().toStdString();
        return {};
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    EXPECT_EQ(error.error, QJsonParseError::NoError) << error.errorString().toStdString();
    return doc.object();
}

RatingTable tableOf(const QJsonObject &fixture)
{
    RatingTable table;
    table.raters = fixture.value(QStringLiteral("raters")).toInt();
    table.values = fixture.value(QStringLiteral("values")).toInt();
    for (const QJsonValue &row : fixture.value(QStringLiteral("matrix")).toArray()) {
        const QJsonArray cells = row.toArray();
        EXPECT_EQ(cells.size(), table.raters);
        for (const QJsonValue &cell : cells)
            table.cells.push_back(cell.isNull() ? kMissing : cell.toInt());
    }
    for (const QJsonValue &set : fixture.value(QStringLiteral("sets")).toArray()) {
        std::vector<int> s;
        for (const QJsonValue &e : set.toArray())
            s.push_back(e.toInt());
        table.sets.push_back(s);
    }
    return table;
}

/** \a actual against a stored statistic {"value": x|null, "source": …}. */
void expectStat(const std::optional<double> &actual, const QJsonValue &stored, const std::string &what)
{
    ASSERT_TRUE(stored.isObject()) << what << ": not in the reference file";
    const QJsonValue expected = stored.toObject().value(QStringLiteral("value"));
    if (expected.isNull()) {
        EXPECT_FALSE(actual.has_value()) << what << ": expected not defined, got " << actual.value_or(0.0);
        return;
    }
    ASSERT_TRUE(expected.isDouble()) << what;
    ASSERT_TRUE(actual.has_value()) << what << ": expected " << expected.toDouble() << ", got not defined";
    EXPECT_NEAR(*actual, expected.toDouble(), kTolerance) << what;
}

bool isNotApplicable(const QJsonValue &stored)
{
    return stored.toObject().value(QStringLiteral("source")).toString() == QStringLiteral("not applicable");
}

/** Every value and interval of \a result is finite, and every interval is ordered. */
void expectFinite(const Result &result, const std::string &what)
{
    const auto check = [&](const Estimate &e, const std::string &name) {
        if (e.value) {
            EXPECT_TRUE(std::isfinite(*e.value)) << what << " " << name;
        }
        if (e.ci95) {
            EXPECT_TRUE(e.value.has_value()) << what << " " << name << ": interval without a value";
            EXPECT_TRUE(std::isfinite(e.ci95->low) && std::isfinite(e.ci95->high)) << what << " " << name;
            EXPECT_LE(e.ci95->low, e.ci95->high) << what << " " << name;
        }
    };
    check(result.percentAgreement, "percent agreement");
    check(result.fleissKappa, "fleiss");
    check(result.krippendorffAlpha, "alpha");
    for (const PairAgreement &p : result.pairs) {
        const std::string pair = " pair " + std::to_string(p.a) + "," + std::to_string(p.b);
        check(p.percentAgreement, "percent agreement" + pair);
        check(p.cohenKappa, "cohen" + pair);
    }
}

/** A random table: each rating copies the unit's true value with probability \a agreement. */
RatingTable randomTable(std::uint64_t seed, qint64 units, int raters, int values, double missing, double agreement)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::uniform_int_distribution<int> value(0, values - 1);
    RatingTable table;
    table.raters = raters;
    table.values = values;
    table.cells.reserve(std::size_t(units * raters));
    for (qint64 u = 0; u < units; ++u) {
        const int truth = value(rng);
        for (int r = 0; r < raters; ++r) {
            if (uniform(rng) < missing)
                table.cells.push_back(kMissing);
            else
                table.cells.push_back(uniform(rng) < agreement ? truth : value(rng));
        }
    }
    return table;
}

/** Every estimate of a result, in a fixed order, for comparing runs. */
std::vector<const Estimate *> estimates(const Result &r)
{
    std::vector<const Estimate *> out{&r.percentAgreement, &r.fleissKappa, &r.krippendorffAlpha};
    for (const PairAgreement &p : r.pairs) {
        out.push_back(&p.percentAgreement);
        out.push_back(&p.cohenKappa);
    }
    return out;
}

// --- A direct, unit-by-unit implementation of the documented definitions ------------------

struct Naive
{
    qint64 units = 0;
    qint64 ratings = 0;
    std::optional<double> percent, fleiss, alpha;
};

double distanceOf(const RatingTable &t, int v, int w)
{
    if (t.isSetValued())
        return masiDistance(t.sets[std::size_t(v)], t.sets[std::size_t(w)]);
    return v == w ? 0.0 : 1.0;
}

Naive naive(const RatingTable &t)
{
    Naive out;
    double shareSum = 0.0, observed = 0.0;
    std::map<int, double> pooled; // value -> ratings in pairable units
    for (qint64 u = 0; u < t.units(); ++u) {
        std::vector<int> rated;
        for (int r = 0; r < t.raters; ++r)
            if (t.at(u, r) != kMissing)
                rated.push_back(t.at(u, r));
        const double m = double(rated.size());
        if (rated.size() < 2)
            continue;
        ++out.units;
        out.ratings += qint64(rated.size());
        double agreeing = 0.0, distance = 0.0;
        for (std::size_t i = 0; i < rated.size(); ++i) {
            pooled[rated[i]] += 1.0;
            for (std::size_t j = 0; j < rated.size(); ++j) {
                if (i == j)
                    continue;
                agreeing += rated[i] == rated[j] ? 1.0 : 0.0;
                distance += distanceOf(t, rated[i], rated[j]);
            }
        }
        shareSum += agreeing / (m * (m - 1.0));
        observed += distance / (m - 1.0);
    }
    if (out.units == 0)
        return out;
    const double n = double(out.ratings);
    out.percent = shareSum / double(out.units);
    double chance = 0.0;
    for (const auto &[v, k] : pooled)
        chance += (k / n) * (k / n);
    if (pooled.size() > 1)
        out.fleiss = (*out.percent - chance) / (1.0 - chance);
    double expected = 0.0;
    for (const auto &[v, kv] : pooled)
        for (const auto &[w, kw] : pooled)
            expected += kv * kw * distanceOf(t, v, w);
    if (expected > 0.0)
        out.alpha = 1.0 - (observed / n) / (expected / (n * (n - 1.0)));
    return out;
}

/** Cohen's kappa of raters a and b by the textbook formula. */
std::optional<double> naiveCohen(const RatingTable &t, int a, int b, qint64 *units = nullptr)
{
    std::map<int, double> rowA, colB;
    double n = 0.0, agree = 0.0;
    for (qint64 u = 0; u < t.units(); ++u) {
        if (t.at(u, a) == kMissing || t.at(u, b) == kMissing)
            continue;
        n += 1.0;
        agree += t.at(u, a) == t.at(u, b) ? 1.0 : 0.0;
        rowA[t.at(u, a)] += 1.0;
        colB[t.at(u, b)] += 1.0;
    }
    if (units)
        *units = qint64(n);
    if (n == 0.0)
        return std::nullopt;
    double pe = 0.0;
    for (const auto &[v, k] : rowA)
        pe += (k / n) * ((colB.count(v) ? colB[v] : 0.0) / n);
    if (1.0 - pe <= 1e-15)
        return std::nullopt;
    return (agree / n - pe) / (1.0 - pe);
}

} // namespace

// --- Reference values ------------------------------------------------------------------------

TEST(AgreementReference, MatchesLibrariesAndDefinitions)
{
    const QJsonObject reference = loadReference();
    const QJsonArray fixtures = reference.value(QStringLiteral("fixtures")).toArray();
    ASSERT_GE(fixtures.size(), 20) << "reference.json has too few fixtures";
    EXPECT_DOUBLE_EQ(reference.value(QStringLiteral("tolerance")).toDouble(), kTolerance);

    int fleissCompared = 0, fleissSkipped = 0, alphaCompared = 0, cohenCompared = 0;
    for (const QJsonValue &entry : fixtures) {
        const QJsonObject fixture = entry.toObject();
        const std::string name = fixture.value(QStringLiteral("name")).toString().toStdString();
        SCOPED_TRACE(name);
        const RatingTable table = tableOf(fixture);
        const QJsonObject expected = fixture.value(QStringLiteral("expected")).toObject();

        Options options;
        options.bootstrapResamples = 0;
        const Result result = compute(table, options);
        expectFinite(result, name);

        EXPECT_EQ(result.units, expected.value(QStringLiteral("units")).toInteger());
        EXPECT_EQ(result.ratings, expected.value(QStringLiteral("ratings")).toInteger());
        expectStat(result.percentAgreement.value, expected.value(QStringLiteral("percent_agreement")),
                   name + ": percent agreement");
        const QJsonValue fleiss = expected.value(QStringLiteral("fleiss_kappa"));
        if (isNotApplicable(fleiss)) {
            ++fleissSkipped; // unequal counts: the generalisation is tested by hand below
        } else {
            expectStat(result.fleissKappa.value, fleiss, name + ": Fleiss' kappa");
            ++fleissCompared;
        }
        expectStat(result.krippendorffAlpha.value, expected.value(QStringLiteral("krippendorff_alpha")),
                   name + ": Krippendorff's alpha");
        ++alphaCompared;

        const QJsonArray pairs = expected.value(QStringLiteral("pairs")).toArray();
        ASSERT_EQ(result.pairs.size(), std::size_t(pairs.size()));
        for (int i = 0; i < pairs.size(); ++i) {
            const QJsonObject p = pairs[i].toObject();
            const PairAgreement &actual = result.pairs[std::size_t(i)];
            const std::string pair = name + " pair " + std::to_string(actual.a) + "," + std::to_string(actual.b);
            EXPECT_EQ(actual.a, p.value(QStringLiteral("a")).toInt()) << pair;
            EXPECT_EQ(actual.b, p.value(QStringLiteral("b")).toInt()) << pair;
            EXPECT_EQ(actual.units, p.value(QStringLiteral("units")).toInteger()) << pair;
            expectStat(actual.percentAgreement.value, p.value(QStringLiteral("percent_agreement")),
                       pair + ": percent agreement");
            expectStat(actual.cohenKappa.value, p.value(QStringLiteral("cohen_kappa")), pair + ": Cohen's kappa");
            ++cohenCompared;
        }
    }
    EXPECT_GE(fleissCompared, 10);
    EXPECT_GE(fleissSkipped, 4);
    EXPECT_GE(alphaCompared, 20);
    EXPECT_GE(cohenCompared, 100);
}

TEST(AgreementReference, NoIntervalIsNaNOnAnyFixture)
{
    const QJsonArray fixtures = loadReference().value(QStringLiteral("fixtures")).toArray();
    ASSERT_FALSE(fixtures.isEmpty());
    for (const QJsonValue &entry : fixtures) {
        const QJsonObject fixture = entry.toObject();
        const std::string name = fixture.value(QStringLiteral("name")).toString().toStdString();
        Options options;
        options.bootstrapResamples = 200;
        const Result result = compute(tableOf(fixture), options);
        expectFinite(result, name);
        // Shares stay shares.
        std::vector<const Estimate *> shares{&result.percentAgreement};
        for (const PairAgreement &p : result.pairs)
            shares.push_back(&p.percentAgreement);
        for (const Estimate *e : shares) {
            if (e->ci95) {
                EXPECT_GE(e->ci95->low, 0.0) << name;
                EXPECT_LE(e->ci95->high, 1.0) << name;
            }
        }
    }
}

// --- Definitions checked by hand -------------------------------------------------------------

TEST(AgreementDefinition, FleissGeneralisationWithUnequalCounts)
{
    // Units [0 0 1], [1 1 -], [0 1 -]: P_u = 2/6, 2/2, 0, so P̄ = 4/9; n = 7, p0 = 3/7, p1 = 4/7,
    // P̄e = 25/49; κ = (4/9 − 25/49) / (24/49) = −29/216.
    RatingTable t{3, 2, {0, 0, 1, 1, 1, kMissing, 0, 1, kMissing}, {}};
    Options options;
    options.bootstrapResamples = 0;
    const Result r = compute(t, options);
    EXPECT_EQ(r.units, 3);
    EXPECT_EQ(r.ratings, 7);
    ASSERT_TRUE(r.percentAgreement.value);
    EXPECT_NEAR(*r.percentAgreement.value, 4.0 / 9.0, kTolerance);
    ASSERT_TRUE(r.fleissKappa.value);
    EXPECT_NEAR(*r.fleissKappa.value, -29.0 / 216.0, kTolerance);
    // α: D_o = (4/2 + 0 + 2/1) / 7 = 4/7, D_e = (49 − 25) / 42 = 4/7, α = 0.
    ASSERT_TRUE(r.krippendorffAlpha.value);
    EXPECT_NEAR(*r.krippendorffAlpha.value, 0.0, kTolerance);

    // Units [0 0 0 1] and [1 1]: P̄ = (6/12 + 1) / 2 = 3/4; p0 = p1 = 1/2, P̄e = 1/2; κ = 1/2.
    RatingTable u{4, 2, {0, 0, 0, 1, 1, 1, kMissing, kMissing}, {}};
    const Result s = compute(u, options);
    ASSERT_TRUE(s.fleissKappa.value);
    EXPECT_NEAR(*s.fleissKappa.value, 0.5, kTolerance);
    EXPECT_NEAR(*s.percentAgreement.value, 0.75, kTolerance);
    // α: D_o = (6/3 + 0) / 6 = 1/3, D_e = (36 − 18) / 30 = 3/5, α = 1 − 5/9 = 4/9.
    ASSERT_TRUE(s.krippendorffAlpha.value);
    EXPECT_NEAR(*s.krippendorffAlpha.value, 4.0 / 9.0, kTolerance);
}

TEST(AgreementDefinition, AlphaIsNotDefinedForASingleValue)
{
    // NLTK returns 1.0 here by convention; Bagel reports "not defined", as Krippendorff does.
    RatingTable t{2, 3, {1, 1, 1, 1, 1, kMissing}, {}};
    const Result r = compute(t, {});
    EXPECT_FALSE(r.krippendorffAlpha.value);
    EXPECT_FALSE(r.krippendorffAlpha.ci95);
    EXPECT_FALSE(r.fleissKappa.value);
    ASSERT_TRUE(r.percentAgreement.value);
    EXPECT_DOUBLE_EQ(*r.percentAgreement.value, 1.0);
    ASSERT_EQ(r.pairs.size(), 1u);
    EXPECT_EQ(r.pairs[0].units, 2);
    EXPECT_FALSE(r.pairs[0].cohenKappa.value);
    EXPECT_DOUBLE_EQ(r.pairs[0].percentAgreement.value.value_or(-1.0), 1.0);

    // Set-valued: two values with the same set are at distance 0, so D_e = 0 as well.
    RatingTable sets{2, 2, {0, 1, 1, 0}, {{3, 4}, {3, 4}}};
    const Result s = compute(sets, {});
    EXPECT_FALSE(s.krippendorffAlpha.value);
    EXPECT_TRUE(s.fleissKappa.value); // nominal on value indices: two categories
}

TEST(AgreementDefinition, EmptyAndDegenerateTables)
{
    for (const RatingTable &t : {RatingTable{}, RatingTable{3, 2, {}, {}}, RatingTable{1, 2, {0, 1, 1}, {}},
                                 RatingTable{2, 2, {kMissing, kMissing, 0, kMissing}, {}}}) {
        const Result r = compute(t, {});
        EXPECT_EQ(r.units, 0);
        EXPECT_EQ(r.ratings, 0);
        EXPECT_FALSE(r.percentAgreement.value);
        EXPECT_FALSE(r.fleissKappa.value);
        EXPECT_FALSE(r.krippendorffAlpha.value);
        EXPECT_EQ(r.pairs.size(), std::size_t(t.raters > 1 ? t.raters * (t.raters - 1) / 2 : 0));
        for (const PairAgreement &p : r.pairs) {
            EXPECT_EQ(p.units, 0);
            EXPECT_FALSE(p.percentAgreement.value);
            EXPECT_FALSE(p.cohenKappa.value);
            EXPECT_FALSE(p.cohenKappa.ci95);
        }
    }
}

TEST(AgreementDefinition, PairsInOrderIncludingThoseWithoutCommonUnits)
{
    // Rater 3 never rates with rater 0.
    RatingTable t{4, 2, {0, 0, 1, kMissing, 1, kMissing, 1, kMissing, kMissing, 0, 0, 0}, {}};
    const Result r = compute(t, {});
    const std::vector<std::pair<int, int>> expected{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
    ASSERT_EQ(r.pairs.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(r.pairs[i].a, expected[i].first);
        EXPECT_EQ(r.pairs[i].b, expected[i].second);
    }
    EXPECT_EQ(r.pairs[2].units, 0);
    EXPECT_FALSE(r.pairs[2].percentAgreement.value);
    EXPECT_FALSE(r.pairs[2].percentAgreement.ci95);
    EXPECT_EQ(r.pairs[0].units, 1);
    EXPECT_EQ(r.pairs[1].units, 2);
    EXPECT_EQ(r.pairs[3].units, 2);
    EXPECT_EQ(r.pairs[4].units, 1);
    EXPECT_EQ(r.pairs[5].units, 1);
}

TEST(AgreementDefinition, MatchesDirectComputationOnRandomTables)
{
    // Many small random tables, nominal and set-valued, against a unit-by-unit implementation.
    std::mt19937_64 rng(99);
    const std::vector<std::vector<int>> sets{{}, {0}, {1}, {0, 1}, {0, 1, 2}, {2, 3}, {1, 3}};
    int alphaDefined = 0, alphaUndefined = 0;
    for (int trial = 0; trial < 400; ++trial) {
        const bool setValued = trial % 3 == 2;
        const int values = setValued ? int(sets.size()) : 1 + int(rng() % 4);
        RatingTable t = randomTable(rng(), 1 + qint64(rng() % 12), 1 + int(rng() % 5), values,
                                    double(rng() % 60) / 100.0, double(rng() % 100) / 100.0);
        if (setValued)
            t.sets = sets;
        const std::string what = "trial " + std::to_string(trial);
        Options options;
        options.bootstrapResamples = 20;
        options.seed = std::uint64_t(trial);
        const Result r = compute(t, options);
        expectFinite(r, what);
        const Naive n = naive(t);
        EXPECT_EQ(r.units, n.units) << what;
        EXPECT_EQ(r.ratings, n.ratings) << what;
        const auto same = [&](const std::optional<double> &a, const std::optional<double> &b, const char *stat) {
            ASSERT_EQ(a.has_value(), b.has_value()) << what << " " << stat;
            if (a) {
                EXPECT_NEAR(*a, *b, kTolerance) << what << " " << stat;
            }
        };
        same(r.percentAgreement.value, n.percent, "percent");
        same(r.fleissKappa.value, n.fleiss, "fleiss");
        same(r.krippendorffAlpha.value, n.alpha, "alpha");
        (n.alpha ? alphaDefined : alphaUndefined) += 1;
        for (const PairAgreement &p : r.pairs) {
            qint64 units = 0;
            same(p.cohenKappa.value, naiveCohen(t, p.a, p.b, &units), "cohen");
            EXPECT_EQ(p.units, units) << what;
        }
    }
    EXPECT_GT(alphaDefined, 100);
    EXPECT_GT(alphaUndefined, 10);
}

TEST(AgreementDefinition, InvalidCellsCountAsMissing)
{
    RatingTable t{3, 2, {0, 0, 7, 1, -5, 1}, {}};
    RatingTable clean{3, 2, {0, 0, kMissing, 1, kMissing, 1}, {}};
    const Result a = compute(t, {});
    const Result b = compute(clean, {});
    EXPECT_EQ(a.units, b.units);
    EXPECT_EQ(a.ratings, 4);
    EXPECT_EQ(a.krippendorffAlpha.value, b.krippendorffAlpha.value);
}

// --- Bootstrap -------------------------------------------------------------------------------

TEST(AgreementBootstrap, SameSeedSameIntervalsOtherSeedOtherIntervals)
{
    const RatingTable t = randomTable(5, 3000, 4, 3, 0.2, 0.6);
    Options options;
    options.bootstrapResamples = 300;
    options.seed = 7;
    const Result a = compute(t, options);
    const Result b = compute(t, options);
    options.seed = 8;
    const Result c = compute(t, options);
    const auto ea = estimates(a), eb = estimates(b), ec = estimates(c);
    ASSERT_EQ(ea.size(), 3u + 2u * 6u);
    int differing = 0;
    for (std::size_t i = 0; i < ea.size(); ++i) {
        ASSERT_TRUE(ea[i]->ci95 && eb[i]->ci95 && ec[i]->ci95) << i;
        EXPECT_EQ(ea[i]->ci95->low, eb[i]->ci95->low) << i;
        EXPECT_EQ(ea[i]->ci95->high, eb[i]->ci95->high) << i;
        EXPECT_EQ(*ea[i]->value, *ec[i]->value) << i; // the estimate does not depend on the seed
        differing += ea[i]->ci95->low != ec[i]->ci95->low || ea[i]->ci95->high != ec[i]->ci95->high;
    }
    EXPECT_GE(differing, int(ea.size()) - 1);
}

TEST(AgreementBootstrap, NoIntervalsWithoutResamplesOrWithoutValue)
{
    const RatingTable t = randomTable(6, 200, 3, 3, 0.1, 0.5);
    Options options;
    options.bootstrapResamples = 0;
    const Result plain = compute(t, options);
    for (const Estimate *e : estimates(plain)) {
        EXPECT_TRUE(e->value);
        EXPECT_FALSE(e->ci95);
    }
    // Not defined (a single value): no interval either.
    RatingTable one{3, 2, {0, 0, 0, 0, 0, kMissing}, {}};
    const Result r = compute(one, {});
    EXPECT_FALSE(r.fleissKappa.ci95);
    EXPECT_FALSE(r.krippendorffAlpha.ci95);
    EXPECT_TRUE(r.percentAgreement.ci95);
}

/** CIs of a large table contain the estimates and have the width the sampling error implies. */
void expectSensibleIntervals(const RatingTable &t, const char *what)
{
    const Result r = compute(t, {}); // the defaults: 1000 resamples
    for (const Estimate *e : estimates(r)) {
        ASSERT_TRUE(e->value && e->ci95) << what;
        EXPECT_LE(e->ci95->low, *e->value) << what;
        EXPECT_GE(e->ci95->high, *e->value) << what;
        EXPECT_LT(e->ci95->low, e->ci95->high) << what;
        EXPECT_LT(e->ci95->high - e->ci95->low, 0.1) << what;
    }
    // A pair's percent agreement is a proportion over its units: the 95% interval is about
    // 2 × 1.96 × sqrt(p (1 − p) / n) wide.
    for (const PairAgreement &p : r.pairs) {
        const double share = *p.percentAgreement.value;
        const double expected = 2.0 * 1.959964 * std::sqrt(share * (1.0 - share) / double(p.units));
        const double width = p.percentAgreement.ci95->high - p.percentAgreement.ci95->low;
        EXPECT_NEAR(width / expected, 1.0, 0.15) << what << " pair " << p.a << "," << p.b;
    }
}

TEST(AgreementBootstrap, IntervalsContainTheEstimateOnLargeTables)
{
    // Many distinct rating patterns (units drawn one by one) and few (drawn by binomials).
    expectSensibleIntervals(randomTable(11, 20000, 5, 4, 0.1, 0.5), "many patterns");
    expectSensibleIntervals(randomTable(12, 200000, 3, 2, 0.05, 0.8), "few patterns");
}

TEST(AgreementBootstrap, TinyTable)
{
    // 6 units of 3 raters; every resample has pairable units.
    RatingTable t{3, 3, {0, 0, 0, 0, 1, 1, 2, 2, 2, 1, 1, 0, 0, 0, 0, 2, 1, 2}, {}};
    Options options;
    options.bootstrapResamples = 500;
    const Result r = compute(t, options);
    ASSERT_TRUE(r.percentAgreement.value && r.percentAgreement.ci95);
    EXPECT_NEAR(*r.percentAgreement.value, (1.0 + 1.0 / 3 + 1.0 + 1.0 / 3 + 1.0 + 1.0 / 3) / 6.0, kTolerance);
    EXPECT_GE(r.percentAgreement.ci95->low, 1.0 / 3.0);
    EXPECT_LE(r.percentAgreement.ci95->high, 1.0);
    EXPECT_LT(r.percentAgreement.ci95->low, *r.percentAgreement.value);
    EXPECT_GT(r.percentAgreement.ci95->high, *r.percentAgreement.value);
    ASSERT_TRUE(r.krippendorffAlpha.ci95);
    EXPECT_LE(r.krippendorffAlpha.ci95->high, 1.0);
    expectFinite(r, "tiny");
}

TEST(AgreementBootstrap, IntervalOnlyFromResamplesWhereDefined)
{
    // One pairable unit among 99 with a single rating: about a third of the resamples have no
    // pairable unit and do not count; all others give exactly 1/3.
    RatingTable t;
    t.raters = 3;
    t.values = 2;
    t.cells = {0, 1, 1};
    for (int u = 0; u < 99; ++u)
        t.cells.insert(t.cells.end(), {u % 2, kMissing, kMissing});
    Options options;
    options.bootstrapResamples = 400;
    const Result r = compute(t, options);
    EXPECT_EQ(r.units, 1);
    ASSERT_TRUE(r.percentAgreement.ci95);
    EXPECT_DOUBLE_EQ(r.percentAgreement.ci95->low, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(r.percentAgreement.ci95->high, 1.0 / 3.0);
    ASSERT_TRUE(r.fleissKappa.ci95);
    EXPECT_DOUBLE_EQ(r.fleissKappa.ci95->low, *r.fleissKappa.value);
}

TEST(AgreementBootstrap, SetValuedTable)
{
    RatingTable t = randomTable(21, 3000, 4, 6, 0.2, 0.5);
    t.sets = {{0}, {0, 1}, {1}, {2}, {2, 3, 4}, {5}};
    const Result r = compute(t, {});
    ASSERT_TRUE(r.krippendorffAlpha.value && r.krippendorffAlpha.ci95);
    EXPECT_LE(r.krippendorffAlpha.ci95->low, *r.krippendorffAlpha.value);
    EXPECT_GE(r.krippendorffAlpha.ci95->high, *r.krippendorffAlpha.value);
    const Naive n = naive(t);
    ASSERT_TRUE(n.alpha);
    EXPECT_NEAR(*r.krippendorffAlpha.value, *n.alpha, kTolerance);
    // MASI credits partial overlaps, so α exceeds nominal agreement on the same cells.
    RatingTable nominal = t;
    nominal.sets.clear();
    EXPECT_GT(*r.krippendorffAlpha.value, *compute(nominal, Options{0, 1}).krippendorffAlpha.value);
}

// --- Helpers ---------------------------------------------------------------------------------

TEST(AgreementMasi, NltkWeights)
{
    EXPECT_DOUBLE_EQ(masiDistance({1, 2}, {1, 2, 3, 4}), 1.0 - 0.5 * 0.67); // NLTK's doctest: 0.665
    EXPECT_NEAR(masiDistance({1, 2}, {1, 2, 3, 4}), 0.665, 1e-12);
    EXPECT_DOUBLE_EQ(masiDistance({3, 5}, {3, 5}), 0.0);
    EXPECT_DOUBLE_EQ(masiDistance({1, 2}, {2, 3}), 1.0 - (1.0 / 3.0) * 0.33);
    EXPECT_DOUBLE_EQ(masiDistance({1}, {2}), 1.0);
    EXPECT_DOUBLE_EQ(masiDistance({}, {}), 0.0);
    EXPECT_DOUBLE_EQ(masiDistance({}, {4}), 1.0);
    EXPECT_DOUBLE_EQ(masiDistance({4}, {1, 4, 9}), 1.0 - (1.0 / 3.0) * 0.67);
    EXPECT_DOUBLE_EQ(masiDistance({1, 4, 9}, {4}), masiDistance({4}, {1, 4, 9}));
    EXPECT_DOUBLE_EQ(masiDistance({9, 1, 4, 4}, {4}), masiDistance({1, 4, 9}, {4})); // unsorted input
}

TEST(AgreementDispute, OrdersUnitsByDisagreement)
{
    // 5 units × 3 raters: unanimous, one dissent, all differ, one rating, two raters differ.
    RatingTable t{3, 3, {0, 0, 0, 0, 0, 1, 0, 1, 2, 2, kMissing, kMissing, 1, kMissing, 2}, {}};
    EXPECT_DOUBLE_EQ(dispute(t, 0), 0.0);
    EXPECT_DOUBLE_EQ(dispute(t, 1), 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(dispute(t, 2), 1.0);
    EXPECT_DOUBLE_EQ(dispute(t, 3), 0.0);
    EXPECT_DOUBLE_EQ(dispute(t, 4), 1.0);
    std::vector<qint64> order{0, 1, 2, 3};
    std::stable_sort(order.begin(), order.end(), [&](qint64 a, qint64 b) { return dispute(t, a) > dispute(t, b); });
    EXPECT_EQ(order, (std::vector<qint64>{2, 1, 0, 3}));

    // Set-valued: the mean MASI distance over the unit's rater pairs.
    RatingTable s{3, 3, {0, 1, 2, 0, 0, kMissing}, {{1, 2}, {1, 2, 3, 4}, {7}}};
    EXPECT_NEAR(dispute(s, 0), (0.665 + 1.0 + 1.0) / 3.0, 1e-12);
    EXPECT_DOUBLE_EQ(dispute(s, 1), 0.0);
    EXPECT_LT(dispute(s, 1), dispute(s, 0));
}

TEST(AgreementTable, SelectKeepsRatersValuesAndSets)
{
    RatingTable t{2, 3, {0, 1, 2, 2, kMissing, 0}, {{0}, {1}, {0, 1}}};
    const RatingTable s = t.select({2, 0, 2});
    EXPECT_EQ(s.raters, 2);
    EXPECT_EQ(s.values, 3);
    EXPECT_EQ(s.sets, t.sets);
    EXPECT_EQ(s.units(), 3);
    EXPECT_EQ(s.cells, (std::vector<int>{kMissing, 0, 0, 1, kMissing, 0}));
    EXPECT_EQ(t.select({}).units(), 0);
    // Statistics over a selection equal those of the same rows built directly.
    const RatingTable big = randomTable(31, 500, 3, 3, 0.2, 0.5);
    std::vector<qint64> picked;
    RatingTable direct{3, 3, {}, {}};
    for (qint64 u = 0; u < 500; u += 3) {
        picked.push_back(u);
        for (int r = 0; r < 3; ++r)
            direct.cells.push_back(big.at(u, r));
    }
    EXPECT_EQ(compute(big.select(picked), Options{0, 1}).krippendorffAlpha.value,
              compute(direct, Options{0, 1}).krippendorffAlpha.value);
}

TEST(AgreementTable, Confusion)
{
    RatingTable t{3, 3, {0, 0, 1, 0, 1, kMissing, 2, 2, 2, kMissing, 1, 1, 0, 1, 0}, {}};
    const auto c = confusion(t, 0, 1);
    ASSERT_EQ(c.size(), 3u);
    ASSERT_EQ(c[0].size(), 3u);
    const std::vector<std::vector<qint64>> expected{{1, 2, 0}, {0, 0, 0}, {0, 0, 1}};
    EXPECT_EQ(c, expected);
    const auto d = confusion(t, 1, 2);
    EXPECT_EQ(d, (std::vector<std::vector<qint64>>{{0, 1, 0}, {1, 1, 0}, {0, 0, 1}}));
    qint64 total = 0;
    for (const auto &row : confusion(t, 0, 2))
        for (qint64 k : row)
            total += k;
    EXPECT_EQ(total, 3);
    EXPECT_EQ(total, compute(t, Options{0, 1}).pairs[1].units);
}
