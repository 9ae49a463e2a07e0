#include "agreement.h"
#include "agreementmodel.h"

#include "progress.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <system_error>
#include <thread>

/*
 * Every statistic is a function of how often each distinct rating pattern (the row of a unit)
 * occurs, so compute() first compresses the units into patterns and evaluates the statistics
 * from pattern counts. A bootstrap resample of the N units with replacement is a
 * Multinomial(N, count/N) draw over the patterns: drawn by sequential binomials when there are
 * few patterns (O(patterns) per resample), otherwise by drawing the N units (O(N), a few
 * nanoseconds each). Units with fewer than two ratings contribute to no statistic; they take
 * part in the resampling only. For a set-valued field, Krippendorff's expected disagreement
 * needs Σ n_v n_w δ(v, w): values are grouped by equal sets, and only pairs of intersecting sets
 * (similarity 1 − δ > 0) are stored, so a resample costs O(those pairs), not O(values²).
 */

namespace bagel::agreement {

namespace {

bool isSortedUnique(const std::vector<int> &s)
{
    for (std::size_t i = 1; i < s.size(); ++i)
        if (s[i - 1] >= s[i])
            return false;
    return true;
}

std::vector<int> sortedUnique(std::vector<int> s)
{
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    return s;
}

double masiSorted(const std::vector<int> &a, const std::vector<int> &b)
{
    std::size_t i = 0, j = 0, common = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] < b[j]) {
            ++i;
        } else if (b[j] < a[i]) {
            ++j;
        } else {
            ++common;
            ++i;
            ++j;
        }
    }
    const std::size_t unionSize = a.size() + b.size() - common;
    if (unionSize == 0)
        return 0.0; // two empty sets: identical
    double m = 0.0;
    if (a.size() == b.size() && a.size() == common)
        m = 1.0;
    else if (common == std::min(a.size(), b.size()))
        m = 0.67;
    else if (common > 0)
        m = 0.33;
    return 1.0 - double(common) / double(unionSize) * m;
}

/** A cell as a value index, or kMissing when it is missing or out of range. */
int cellValue(const RatingTable &table, std::size_t index)
{
    const int v = table.cells[index];
    return (v >= 0 && v < table.values) ? v : kMissing;
}

/** The value sets of a set-valued table, each sorted and without repeats. */
std::vector<std::vector<int>> normalisedSets(const RatingTable &table)
{
    std::vector<std::vector<int>> sets(std::size_t(std::max(table.values, 0)));
    for (std::size_t v = 0; v < sets.size() && v < table.sets.size(); ++v)
        sets[v] = isSortedUnique(table.sets[v]) ? table.sets[v] : sortedUnique(table.sets[v]);
    return sets;
}

using namespace detail;

enum Stat { StatPercent = 0, StatFleiss = 1, StatAlpha = 2, StatPairBase = 3 };

int statCount(const Model &model)
{
    return StatPairBase + 2 * int(model.pairs.size());
}

Model buildModel(const RatingTable &table)
{
    Model model;
    const int raters = std::max(table.raters, 0);
    const qint64 units = table.units();
    model.totalUnits = units;
    const bool setValued = table.isSetValued();
    const std::vector<std::vector<int>> sets = setValued ? normalisedSets(table) : std::vector<std::vector<int>>{};

    // Distinct rows of the units with at least two ratings (open addressing on the row).
    std::vector<int> rows; // pattern rows, raters each
    std::vector<int> row(static_cast<std::size_t>(raters));
    std::size_t capacity = 16;
    while (capacity < std::size_t(std::min<qint64>(units, qint64(1) << 40)) * 2)
        capacity *= 2;
    std::vector<int> slots(units > 0 ? capacity : 0, -1);
    std::vector<qint64> counts;
    for (qint64 u = 0; u < units; ++u) {
        int rated = 0;
        std::uint64_t hash = 0x9E3779B97F4A7C15ull;
        for (int r = 0; r < raters; ++r) {
            const int v = cellValue(table, std::size_t(u * raters + r));
            row[std::size_t(r)] = v;
            rated += v != kMissing;
            hash = (hash ^ std::uint64_t(std::uint32_t(v + 1))) * 0x100000001B3ull;
            hash ^= hash >> 29;
        }
        if (rated < 2) {
            ++model.inertUnits;
            continue;
        }
        std::size_t slot = std::size_t(hash) & (capacity - 1);
        for (;;) {
            const int p = slots[slot];
            if (p < 0) {
                slots[slot] = int(counts.size());
                counts.push_back(1);
                rows.insert(rows.end(), row.begin(), row.end());
                break;
            }
            if (std::equal(row.begin(), row.end(), rows.begin() + std::ptrdiff_t(p) * raters)) {
                ++counts[std::size_t(p)];
                break;
            }
            slot = (slot + 1) & (capacity - 1);
        }
    }
    model.counts = std::move(counts);
    const std::size_t patternCount = model.counts.size();

    // Dense indices of the values that occur in pairable units.
    std::vector<int> dense(std::size_t(std::max(table.values, 0)), -1);
    std::vector<int> denseToValue;
    for (int v : rows) {
        if (v != kMissing && dense[std::size_t(v)] < 0) {
            dense[std::size_t(v)] = int(denseToValue.size());
            denseToValue.push_back(v);
        }
    }
    model.denseValues = int(denseToValue.size());

    // Set classes: values with equal sets are at distance 0 from one another.
    model.classOf.assign(denseToValue.size(), 0);
    std::vector<const std::vector<int> *> classSets;
    if (setValued) {
        std::map<std::vector<int>, int> classIds;
        for (std::size_t d = 0; d < denseToValue.size(); ++d) {
            const auto &s = sets[std::size_t(denseToValue[d])];
            auto [it, inserted] = classIds.try_emplace(s, int(classIds.size()));
            if (inserted)
                classSets.push_back(&it->first);
            model.classOf[d] = it->second;
        }
        model.classes = int(classIds.size());
        // Similar (intersecting) classes through an inverted index element -> classes.
        std::map<int, std::vector<int>> byElement;
        for (int c = 0; c < model.classes; ++c)
            for (int e : *classSets[std::size_t(c)])
                byElement[e].push_back(c);
        std::vector<int> seen(std::size_t(model.classes), -1);
        for (int c = 0; c < model.classes; ++c) {
            for (int e : *classSets[std::size_t(c)]) {
                for (int d : byElement[e]) {
                    if (d <= c || seen[std::size_t(d)] == c)
                        continue;
                    seen[std::size_t(d)] = c;
                    const double s = 1.0 - masiSorted(*classSets[std::size_t(c)], *classSets[std::size_t(d)]);
                    if (s > 0.0)
                        model.similarities.push_back({c, d, s});
                }
            }
        }
    } else {
        for (std::size_t d = 0; d < denseToValue.size(); ++d)
            model.classOf[d] = int(d);
        model.classes = int(denseToValue.size());
    }

    model.classPerValue = model.similarities.empty() && model.classes == model.denseValues
        && std::is_sorted(model.classOf.begin(), model.classOf.end());

    // Per pattern: ratings, agreement, disagreement, value counts.
    model.patterns.resize(patternCount);
    std::vector<qint64> valueCounts(denseToValue.size(), 0);
    std::vector<int> touched;
    for (std::size_t p = 0; p < patternCount; ++p) {
        const int *prow = rows.data() + p * std::size_t(raters);
        Pattern &pattern = model.patterns[p];
        touched.clear();
        for (int r = 0; r < raters; ++r) {
            if (prow[r] == kMissing)
                continue;
            const int d = dense[std::size_t(prow[r])];
            if (valueCounts[std::size_t(d)]++ == 0)
                touched.push_back(d);
            ++pattern.ratings;
        }
        std::sort(touched.begin(), touched.end());
        const double m = double(pattern.ratings);
        qint64 agreeingPairs = 0;
        pattern.firstValue = model.patternValues.size();
        pattern.valueCount = touched.size();
        for (int d : touched) {
            const qint64 k = valueCounts[std::size_t(d)];
            agreeingPairs += k * (k - 1);
            model.patternValues.push_back({d, k});
            valueCounts[std::size_t(d)] = 0;
        }
        pattern.agreement = double(agreeingPairs) / (m * (m - 1.0));
        if (setValued) {
            double sum = 0.0; // over unordered pairs; MASI is symmetric
            for (int i = 0; i < raters; ++i) {
                if (prow[i] == kMissing)
                    continue;
                for (int j = i + 1; j < raters; ++j) {
                    if (prow[j] == kMissing || prow[j] == prow[i])
                        continue;
                    sum += masiSorted(sets[std::size_t(prow[i])], sets[std::size_t(prow[j])]);
                }
            }
            pattern.disagreement = 2.0 * sum / (m - 1.0);
        } else {
            pattern.disagreement = double(pattern.ratings * (pattern.ratings - 1) - agreeingPairs) / (m - 1.0);
        }
    }

    // Rater pairs.
    std::vector<int> local(denseToValue.size(), -1);
    for (int a = 0; a < raters; ++a) {
        for (int b = a + 1; b < raters; ++b) {
            PairModel pair;
            pair.a = a;
            pair.b = b;
            std::vector<int> used;
            for (std::size_t p = 0; p < patternCount; ++p) {
                const int *prow = rows.data() + p * std::size_t(raters);
                if (prow[a] == kMissing || prow[b] == kMissing)
                    continue;
                int ids[2];
                for (int k = 0; k < 2; ++k) {
                    const int d = dense[std::size_t(prow[k == 0 ? a : b])];
                    if (local[std::size_t(d)] < 0) {
                        local[std::size_t(d)] = pair.localValues++;
                        used.push_back(d);
                    }
                    ids[k] = local[std::size_t(d)];
                }
                pair.entries.push_back({int(p), ids[0], ids[1], prow[a] == prow[b]});
            }
            for (int d : used)
                local[std::size_t(d)] = -1;
            model.maxPairValues = std::max(model.maxPairValues, pair.localValues);
            model.pairs.push_back(std::move(pair));
        }
    }
    return model;
}

/** Scratch space for evaluate(), one per thread. */
struct Workspace
{
    std::vector<qint64> valueCounts;
    std::vector<qint64> classCounts;
    std::vector<qint64> rowA;
    std::vector<qint64> colB;

    explicit Workspace(const Model &model)
        : valueCounts(std::size_t(model.denseValues))
        , classCounts(std::size_t(model.classes))
        , rowA(std::size_t(model.maxPairValues))
        , colB(std::size_t(model.maxPairValues))
    {
    }
};

/** A ratio that is kept only when finite. */
void store(double *out, bool *defined, int index, double value)
{
    defined[index] = std::isfinite(value);
    out[index] = defined[index] ? value : 0.0;
}

/** Every statistic from pattern counts: out[i] is valid where defined[i]. */
void evaluate(const Model &model, const qint64 *counts, Workspace &ws, double *out, bool *defined, qint64 *unitsOut = nullptr,
              qint64 *ratingsOut = nullptr)
{
    std::fill(defined, defined + statCount(model), false);
    std::fill(ws.valueCounts.begin(), ws.valueCounts.end(), 0);
    qint64 units = 0;
    qint64 n = 0;
    double agreement = 0.0;
    double disagreement = 0.0;
    for (std::size_t p = 0; p < model.patterns.size(); ++p) {
        const qint64 c = counts[p];
        if (c == 0)
            continue;
        const Pattern &pattern = model.patterns[p];
        units += c;
        n += c * pattern.ratings;
        agreement += double(c) * pattern.agreement;
        disagreement += double(c) * pattern.disagreement;
        for (std::size_t k = 0; k < pattern.valueCount; ++k) {
            const PatternValue &pv = model.patternValues[pattern.firstValue + k];
            ws.valueCounts[std::size_t(pv.value)] += c * pv.count;
        }
    }
    if (unitsOut)
        *unitsOut = units;
    if (ratingsOut)
        *ratingsOut = n;

    if (units > 0) {
        const double nn = double(n) * double(n);
        const double meanAgreement = agreement / double(units);
        store(out, defined, StatPercent, meanAgreement);

        // Fleiss: chance agreement from the pooled value shares.
        double sumSquares = 0.0; // exact below 2^53
        for (qint64 k : ws.valueCounts)
            sumSquares += double(k) * double(k);
        if (nn - sumSquares > 0.0) {
            const double chance = sumSquares / nn;
            store(out, defined, StatFleiss, (meanAgreement - chance) / (1.0 - chance));
        }

        // Krippendorff: n² − Σ n_c² ordered rating pairs from different classes, less their similarity.
        double expected = 0.0;
        int classesUsed = 0;
        if (model.classPerValue) {
            for (qint64 k : ws.valueCounts)
                classesUsed += k > 0;
            expected = nn - sumSquares;
        } else {
            std::fill(ws.classCounts.begin(), ws.classCounts.end(), 0);
            for (std::size_t d = 0; d < ws.valueCounts.size(); ++d)
                ws.classCounts[std::size_t(model.classOf[d])] += ws.valueCounts[d];
            double classSquares = 0.0;
            for (qint64 k : ws.classCounts) {
                classSquares += double(k) * double(k);
                classesUsed += k > 0;
            }
            double similar = 0.0;
            for (const Similarity &s : model.similarities)
                similar += double(ws.classCounts[std::size_t(s.c)]) * double(ws.classCounts[std::size_t(s.d)]) * s.similarity;
            expected = (nn - classSquares) - 2.0 * similar;
        }
        if (classesUsed >= 2 && expected > 0.0) {
            const double observed = disagreement / double(n);
            const double chance = expected / (double(n) * double(n - 1));
            store(out, defined, StatAlpha, 1.0 - observed / chance);
        }
    }

    for (std::size_t i = 0; i < model.pairs.size(); ++i) {
        const PairModel &pair = model.pairs[i];
        const int base = StatPairBase + 2 * int(i);
        std::fill_n(ws.rowA.begin(), pair.localValues, 0);
        std::fill_n(ws.colB.begin(), pair.localValues, 0);
        qint64 both = 0;
        qint64 agree = 0;
        for (const PairEntry &e : pair.entries) {
            const qint64 c = counts[std::size_t(e.pattern)];
            both += c;
            agree += e.equal ? c : 0;
            ws.rowA[std::size_t(e.valueA)] += c;
            ws.colB[std::size_t(e.valueB)] += c;
        }
        if (both == 0)
            continue;
        store(out, defined, base, double(agree) / double(both));
        double byChance = 0.0; // Σ_v rowA_v colB_v, exact below 2^53
        for (int v = 0; v < pair.localValues; ++v)
            byChance += double(ws.rowA[std::size_t(v)]) * double(ws.colB[std::size_t(v)]);
        const double nn = double(both) * double(both);
        if (nn - byChance > 0.0)
            store(out, defined, base + 1, (double(agree) * double(both) - byChance) / (nn - byChance));
    }
}

/** numpy.quantile(sorted, q) with the default linear interpolation. */
double quantile(const std::vector<double> &sorted, double q)
{
    const std::size_t k = sorted.size();
    const double position = q * double(k - 1);
    const std::size_t low = std::min(std::size_t(std::floor(position)), k - 1);
    const std::size_t high = std::min(low + 1, k - 1);
    const double t = position - double(low);
    const double a = sorted[low];
    const double b = sorted[high];
    const double diff = b - a;
    return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

Estimate *estimateOf(Result &result, int stat)
{
    switch (stat) {
    case StatPercent:
        return &result.percentAgreement;
    case StatFleiss:
        return &result.fleissKappa;
    case StatAlpha:
        return &result.krippendorffAlpha;
    default: {
        PairAgreement &pair = result.pairs[std::size_t((stat - StatPairBase) / 2)];
        return (stat - StatPairBase) % 2 == 0 ? &pair.percentAgreement : &pair.cohenKappa;
    }
    }
}

} // namespace

RatingTable RatingTable::select(const std::vector<qint64> &picked) const
{
    RatingTable out;
    out.raters = raters;
    out.values = values;
    out.sets = sets;
    if (raters <= 0)
        return out;
    const qint64 count = units();
    out.cells.reserve(picked.size() * std::size_t(raters));
    for (qint64 u : picked) {
        Q_ASSERT(u >= 0 && u < count);
        if (u < 0 || u >= count)
            continue;
        const auto first = cells.begin() + std::ptrdiff_t(u * raters);
        out.cells.insert(out.cells.end(), first, first + raters);
    }
    return out;
}

double masiDistance(const std::vector<int> &a, const std::vector<int> &b)
{
    if (isSortedUnique(a) && isSortedUnique(b))
        return masiSorted(a, b);
    return masiSorted(sortedUnique(a), sortedUnique(b));
}

double dispute(const RatingTable &table, qint64 unit)
{
    if (unit < 0 || unit >= table.units())
        return 0.0;
    std::vector<int> rated;
    for (int r = 0; r < table.raters; ++r) {
        const int v = cellValue(table, std::size_t(unit * table.raters + r));
        if (v != kMissing)
            rated.push_back(v);
    }
    if (rated.size() < 2)
        return 0.0;
    const bool setValued = table.isSetValued();
    static const std::vector<int> none;
    const auto setOf = [&](int v) -> const std::vector<int> & {
        return std::size_t(v) < table.sets.size() ? table.sets[std::size_t(v)] : none;
    };
    double sum = 0.0;
    qint64 pairs = 0;
    for (std::size_t i = 0; i < rated.size(); ++i) {
        for (std::size_t j = i + 1; j < rated.size(); ++j) {
            sum += setValued ? masiDistance(setOf(rated[i]), setOf(rated[j])) : (rated[i] == rated[j] ? 0.0 : 1.0);
            ++pairs;
        }
    }
    return sum / double(pairs);
}

std::vector<std::vector<qint64>> confusion(const RatingTable &table, int a, int b)
{
    const int values = std::max(table.values, 0);
    std::vector<std::vector<qint64>> counts(std::size_t(values), std::vector<qint64>(std::size_t(values), 0));
    if (a < 0 || b < 0 || a >= table.raters || b >= table.raters)
        return counts;
    const qint64 units = table.units();
    for (qint64 u = 0; u < units; ++u) {
        const int va = cellValue(table, std::size_t(u * table.raters + a));
        const int vb = cellValue(table, std::size_t(u * table.raters + b));
        if (va != kMissing && vb != kMissing)
            ++counts[std::size_t(va)][std::size_t(vb)];
    }
    return counts;
}

Result compute(const RatingTable &table, const Options &options)
{
    const Model model = buildModel(table);
    const int stats = statCount(model);

    Result result;
    for (const PairModel &pair : model.pairs) {
        PairAgreement out;
        out.a = pair.a;
        out.b = pair.b;
        for (const PairEntry &e : pair.entries)
            out.units += model.counts[std::size_t(e.pattern)];
        result.pairs.push_back(out);
    }

    std::vector<double> point(static_cast<std::size_t>(stats));
    std::unique_ptr<bool[]> pointDefined(new bool[std::size_t(stats)]);
    {
        Workspace ws(model);
        evaluate(model, model.counts.data(), ws, point.data(), pointDefined.get(), &result.units, &result.ratings);
    }
    for (int s = 0; s < stats; ++s)
        if (pointDefined[std::size_t(s)])
            estimateOf(result, s)->value = point[std::size_t(s)];

    const int resamples = std::max(options.bootstrapResamples, 0);
    bool anyDefined = false;
    for (int s = 0; s < stats; ++s)
        anyDefined = anyDefined || pointDefined[std::size_t(s)];
    if (resamples == 0 || !anyDefined || model.totalUnits == 0)
        return result;

    // Resample r's statistics go to row r; each resample has its own generator seeded from
    // (seed, r), so the split over threads does not change the intervals.
    std::vector<double> values(std::size_t(resamples) * std::size_t(stats));
    std::unique_ptr<bool[]> defined(new bool[std::size_t(resamples) * std::size_t(stats)]);
    const Resampler resampler(model, options.seed);
    Progress *progress = options.progress;
    progressStart(progress, QStringLiteral("Bootstrap resamples"), resamples);
    const auto run = [&](int first, int last) {
        Workspace ws(model);
        std::vector<qint64> drawn(model.counts.size() + 1);
        for (int r = first; r < last; ++r) {
            if (progress) {
                // Never thrown on a worker thread: it stops, and the caller's thread throws below.
                if (progress->isCancelled())
                    return;
                progress->advance();
            }
            resampler.draw(r, drawn);
            evaluate(model, drawn.data(), ws, values.data() + std::size_t(r) * std::size_t(stats),
                     defined.get() + std::size_t(r) * std::size_t(stats));
        }
    };
    const double work = double(resamples) * (double(model.counts.size() + 1) * double(model.pairs.size() + 2) + double(model.totalUnits));
    const int threads = work >= 2e5 ? int(std::clamp(std::thread::hardware_concurrency(), 1u, 8u)) : 1;
    if (threads <= 1) {
        run(0, resamples);
    } else {
        std::vector<std::thread> workers;
        for (int t = 1; t < threads; ++t) {
            const int first = resamples * t / threads, last = resamples * (t + 1) / threads;
            try {
                workers.emplace_back(run, first, last);
            } catch (const std::system_error &) {
                run(first, last); // no thread to be had: the same resamples, here
            }
        }
        run(0, resamples / threads);
        for (std::thread &w : workers)
            w.join();
    }
    progressCheck(progress);

    std::vector<double> sample;
    sample.reserve(std::size_t(resamples));
    for (int s = 0; s < stats; ++s) {
        if (!pointDefined[std::size_t(s)])
            continue;
        sample.clear();
        for (int r = 0; r < resamples; ++r) {
            const std::size_t at = std::size_t(r) * std::size_t(stats) + std::size_t(s);
            if (defined[at])
                sample.push_back(values[at]);
        }
        if (sample.empty())
            continue;
        std::sort(sample.begin(), sample.end());
        const Interval ci{quantile(sample, 0.025), quantile(sample, 0.975)};
        if (std::isfinite(ci.low) && std::isfinite(ci.high))
            estimateOf(result, s)->ci95 = ci;
    }
    return result;
}

} // namespace bagel::agreement
