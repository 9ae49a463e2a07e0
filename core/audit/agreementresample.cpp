// The draws of a bootstrap resample of the units: pattern counts, by sequential binomials or
// unit by unit.

#include "agreementmodel.h"

#include <random>

namespace bagel::agreement::detail {

namespace {

/** xoshiro256** (Blackman and Vigna): a fast generator for the many draws of a resample of units. */
class Xoshiro256
{
public:
    explicit Xoshiro256(std::mt19937_64 &seeder)
    {
        for (std::uint64_t &word : m_state)
            word = seeder();
        if ((m_state[0] | m_state[1] | m_state[2] | m_state[3]) == 0)
            m_state[0] = 1;
    }

    std::uint64_t operator()()
    {
        const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
        const std::uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_state[4];
};

} // namespace

/*
 * The pattern counts of bootstrap resamples: N units drawn with replacement, that is
 * Multinomial(N, counts/N) over the patterns. With few patterns relative to N it is drawn by
 * sequential binomials (O(patterns)); otherwise by drawing the N units themselves
 * (O(N), each draw a few nanoseconds), whichever is cheaper. Both draw the same distribution.
 */
struct Resampler::Impl
{
public:
    Impl(const Model &model, std::uint64_t seed)
        : m_model(model)
        , m_seed(seed)
    {
        const qint64 n = model.totalUnits;
        const double binomialCost = 350.0 * double(model.counts.size()); // ns per resample
        const double unitCost = 4.0 * double(n);
        m_byUnit = n > 0 && n <= (qint64(1) << 26) && unitCost < binomialCost;
        if (m_byUnit) {
            m_unitPattern.reserve(std::size_t(n));
            for (std::size_t p = 0; p < model.counts.size(); ++p)
                m_unitPattern.insert(m_unitPattern.end(), std::size_t(model.counts[p]), std::uint32_t(p));
            // Units with fewer than two ratings land on the sink slot after the patterns.
            m_unitPattern.insert(m_unitPattern.end(), std::size_t(model.inertUnits), std::uint32_t(model.counts.size()));
        }
    }

    /** Resample \a index, from its own generator seeded with (seed, index). drawn: patterns + 1 slots. */
    void draw(int index, std::vector<qint64> &drawn) const
    {
        std::seed_seq seq{std::uint32_t(m_seed), std::uint32_t(m_seed >> 32), std::uint32_t(index), 0xB0075u};
        std::mt19937_64 rng(seq);
        if (m_byUnit)
            drawUnits(rng, drawn);
        else
            drawBinomials(rng, drawn);
    }

private:
    void drawBinomials(std::mt19937_64 &rng, std::vector<qint64> &drawn) const
    {
        qint64 remainingUnits = m_model.totalUnits; // units still to draw
        qint64 remainingMass = m_model.totalUnits;  // original units of the patterns not yet visited
        const std::size_t patterns = m_model.counts.size();
        for (std::size_t p = 0; p < patterns; ++p) {
            const qint64 c = m_model.counts[p];
            qint64 k = 0;
            if (remainingUnits > 0) {
                if (c >= remainingMass) {
                    k = remainingUnits;
                } else {
                    std::binomial_distribution<qint64> binomial(remainingUnits, double(c) / double(remainingMass));
                    k = std::min(binomial(rng), remainingUnits);
                }
            }
            drawn[p] = k;
            remainingUnits -= k;
            remainingMass -= c;
        }
        drawn[patterns] = remainingUnits; // the units with fewer than two ratings
    }

    void drawUnits(std::mt19937_64 &seeder, std::vector<qint64> &drawn) const
    {
        std::fill(drawn.begin(), drawn.end(), 0);
        Xoshiro256 rng(seeder);
        const std::uint32_t n = std::uint32_t(m_unitPattern.size());
        // Lemire's unbiased multiply-shift on 32-bit halves of the generator's output.
        const std::uint32_t reject = std::uint32_t(-n) % n;
        std::uint64_t bits = 0;
        bool haveHalf = false;
        const auto next32 = [&]() -> std::uint32_t {
            if (haveHalf) {
                haveHalf = false;
                return std::uint32_t(bits >> 32);
            }
            bits = rng();
            haveHalf = true;
            return std::uint32_t(bits);
        };
        for (std::uint32_t i = 0; i < n; ++i) {
            std::uint64_t product = std::uint64_t(next32()) * n;
            while (std::uint32_t(product) < reject)
                product = std::uint64_t(next32()) * n;
            ++drawn[m_unitPattern[std::size_t(product >> 32)]];
        }
    }

    const Model &m_model;
    std::uint64_t m_seed;
    bool m_byUnit = false;
    std::vector<std::uint32_t> m_unitPattern; // unit -> pattern, when drawing units
};

Resampler::Resampler(const Model &model, std::uint64_t seed)
    : m_impl(std::make_unique<Impl>(model, seed))
{
}

Resampler::~Resampler() = default;

void Resampler::draw(int index, std::vector<qint64> &drawn) const
{
    m_impl->draw(index, drawn);
}

} // namespace bagel::agreement::detail
