#pragma once

#include <QtGlobal>

#include <cstdint>
#include <optional>
#include <vector>

/**
 * Inter-rater agreement on one field of a review (verdict, category, severity or label set),
 * independent of where the ratings come from. The formulas, and when each statistic is not
 * defined, are stated in docs/agreement.md.
 */
namespace bagel {
class Progress;
}

namespace bagel::agreement {

/** A cell no rater filled: the rater did not rate that unit. */
constexpr int kMissing = -1;

/**
 * The ratings of one field: units × raters cells, each the index of a value (0 ≤ v < values)
 * or kMissing. For a set-valued field (the classes a reviewer marked correct), sets[v] is
 * value v's set of class indices, sorted and without repeats; Krippendorff's α then uses the
 * MASI distance, while percent agreement and Cohen's and Fleiss' κ treat each distinct set as
 * one nominal category (two sets agree only when equal).
 */
struct RatingTable
{
    int raters = 0;
    int values = 0;
    std::vector<int> cells; ///< row-major: cells[unit * raters + rater]
    std::vector<std::vector<int>> sets; ///< empty for a nominal field, else one set per value

    qint64 units() const { return raters > 0 ? qint64(cells.size()) / raters : 0; }
    int at(qint64 unit, int rater) const { return cells[std::size_t(unit * raters + rater)]; }
    bool isSetValued() const { return !sets.empty(); }

    /** The same raters and values over the given units only (for breakdowns). */
    RatingTable select(const std::vector<qint64> &units) const;
};

struct Interval
{
    double low = 0.0;
    double high = 0.0;
};

/** A statistic: no value when it is not defined on the data (never NaN). */
struct Estimate
{
    std::optional<double> value;
    std::optional<Interval> ci95; ///< bootstrap percentile interval; none when not computed or not defined
};

/** Agreement between two raters on the units both rated. */
struct PairAgreement
{
    int a = 0; ///< rater index, a < b
    int b = 0;
    qint64 units = 0; ///< units both rated
    Estimate percentAgreement;
    Estimate cohenKappa;
};

struct Options
{
    int bootstrapResamples = 1000; ///< 0: no confidence intervals
    std::uint64_t seed = 20221128; ///< the same seed gives the same intervals
    /**
     * When set, compute() reports the bootstrap resamples done to it (a stage of its own) and
     * stops with Cancelled once it is cancelled. Not part of the result: the intervals are the same.
     */
    Progress *progress = nullptr;
};

struct Result
{
    qint64 units = 0;   ///< units with at least two ratings: the units the statistics use
    qint64 ratings = 0; ///< ratings in those units
    Estimate percentAgreement; ///< mean over units of the share of agreeing rater pairs
    Estimate fleissKappa;
    Estimate krippendorffAlpha; ///< nominal, or MASI for a set-valued field
    std::vector<PairAgreement> pairs; ///< every rater pair (a < b), in order, also those with no common unit
};

/** Every statistic of \a table, with bootstrap intervals over units as \a options asks. */
Result compute(const RatingTable &table, const Options &options = {});

/** values × values counts of (rating of \a a, rating of \a b) over the units both rated. */
std::vector<std::vector<qint64>> confusion(const RatingTable &table, int a, int b);

/**
 * How disputed a unit is, for ordering a disagreement queue: the mean distance over its rater
 * pairs (nominal 0/1, or MASI for sets); 0 when fewer than two raters rated it.
 */
double dispute(const RatingTable &table, qint64 unit);

/** The MASI distance between two sorted sets, with NLTK's weights (1, 0.67, 0.33, 0); 0 for two empty sets. */
double masiDistance(const std::vector<int> &a, const std::vector<int> &b);

} // namespace bagel::agreement
