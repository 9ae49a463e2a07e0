#pragma once

// Inside agreement::compute(): the rating table compressed into pattern counts, and the draws
// of a bootstrap resample. Not for use outside core/audit.

#include "agreement.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace bagel::agreement::detail {

struct Pattern
{
    qint64 ratings = 0;     // m
    double agreement = 0.0; // share of agreeing ordered rater pairs
    double disagreement = 0.0; // (1/(m-1)) * sum of distances over ordered rater pairs
    std::size_t firstValue = 0; // into Model::patternValues
    std::size_t valueCount = 0;
};

struct PatternValue
{
    int value = 0; // dense index among the values of pairable units
    qint64 count = 0;
};

struct PairEntry
{
    int pattern = 0;
    int valueA = 0; // pair-local value indices
    int valueB = 0;
    bool equal = false;
};

struct PairModel
{
    int a = 0;
    int b = 0;
    int localValues = 0;
    std::vector<PairEntry> entries;
};

struct Similarity
{
    int c = 0; // set classes, c < d
    int d = 0;
    double similarity = 0.0; // 1 - MASI distance, > 0
};

/** The table compressed into pattern counts, with what each statistic needs per pattern. */
struct Model
{
    qint64 totalUnits = 0;
    std::vector<qint64> counts; // per pairable pattern
    qint64 inertUnits = 0;      // units with fewer than two ratings
    std::vector<Pattern> patterns;
    std::vector<PatternValue> patternValues;
    int denseValues = 0;
    // Krippendorff's alpha: values grouped by equal sets (for a nominal field each value is its
    // own class); similarities between intersecting classes of a set-valued field.
    std::vector<int> classOf; // dense value -> class
    int classes = 0;
    bool classPerValue = true; // classOf is the identity and no two classes are similar
    std::vector<Similarity> similarities;
    std::vector<PairModel> pairs;
    int maxPairValues = 0;
};

/**
 * The pattern counts of bootstrap resamples: N units drawn with replacement, that is a
 * Multinomial(N, count/N) over the patterns (the units with fewer than two ratings as one more
 * slot). Resample r is drawn from a generator of its own seeded with (seed, r), whichever
 * thread draws it.
 */
class Resampler
{
public:
    Resampler(const Model &model, std::uint64_t seed);
    ~Resampler();
    Resampler(const Resampler &) = delete;
    Resampler &operator=(const Resampler &) = delete;
    /** Resample \a index into \a drawn (patterns + 1 slots); \a model must outlive the Resampler. */
    void draw(int index, std::vector<qint64> &drawn) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace bagel::agreement::detail
