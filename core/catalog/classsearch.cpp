#include "classsearch.h"

#include "classcatalog.h"
#include "taxonomy.h"
#include "wordnet.h"

#include <QHash>

#include <algorithm>
#include <charconv>
#include <functional>

namespace bagel {

struct ClassSearch::Entry
{
    quint32 offset = 0;
    int classIndex = -1;
    QStringList names;
    QString gloss;
    std::vector<std::string> lemmas;                  ///< lower case
    std::vector<std::vector<std::string>> lemmaWords; ///< each lemma split into words
    std::string joined;                               ///< "|lemma|lemma|", for a quick substring test
    std::string glossWords;                           ///< " word word ", lower case, punctuation as spaces
    std::string ancestors;                            ///< "|ancestor lemma|…|" (ImageNet scope with WordNet)
    int rank = 0;                                     ///< position in name order: the last tie-break
};

namespace {

std::string lower(const QString &text)
{
    return text.toLower().toStdString();
}

bool isSeparator(char c)
{
    return c == ' ' || c == '-' || c == ',' || c == '\'' || c == '.' || c == '(' || c == ')' || c == ';' || c == ':'
           || c == '"' || c == '/';
}

std::vector<std::string> words(const std::string &text)
{
    std::vector<std::string> out;
    std::string current;
    for (const char c : text) {
        if (isSeparator(c)) {
            if (!current.empty())
                out.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty())
        out.push_back(std::move(current));
    return out;
}

std::string spacedWords(const QString &text)
{
    std::string out = " ";
    for (const std::string &w : words(lower(text)))
        out += w + ' ';
    return out;
}

bool startsWith(const std::string &text, const std::string &prefix)
{
    return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

/** Optimal-string-alignment distance, or k + 1 once it is sure to exceed k. No allocation. */
int boundedDistance(std::string_view a, std::string_view b, int k)
{
    constexpr int kMax = 48;
    const int n = int(a.size());
    const int m = int(b.size());
    if (std::abs(n - m) > k)
        return k + 1;
    if (n >= kMax || m >= kMax)
        return a == b ? 0 : k + 1;
    int rows[3][kMax];
    int *previous2 = rows[0];
    int *previous = rows[1];
    int *current = rows[2];
    for (int j = 0; j <= m; ++j)
        previous[j] = j;
    for (int i = 1; i <= n; ++i) {
        current[0] = i;
        int rowMin = current[0];
        for (int j = 1; j <= m; ++j) {
            const int cost = a[std::size_t(i - 1)] == b[std::size_t(j - 1)] ? 0 : 1;
            int value = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[std::size_t(i - 1)] == b[std::size_t(j - 2)] && a[std::size_t(i - 2)] == b[std::size_t(j - 1)])
                value = std::min(value, previous2[j - 2] + 1); // transposition
            current[j] = value;
            rowMin = std::min(rowMin, value);
        }
        if (rowMin > k)
            return k + 1;
        int *spare = previous2;
        previous2 = previous;
        previous = current;
        current = spare;
    }
    return previous[m];
}

int typoBudget(std::size_t length)
{
    return length >= 8 ? 2 : length >= 4 ? 1 : 0;
}

/** Does \a query (a word being typed) match \a word with at most \a k edits, whole or as a prefix? */
bool typoMatch(const std::string &query, const std::string &word, int k)
{
    if (boundedDistance(query, word, k) <= k)
        return true;
    return word.size() > query.size() && boundedDistance(query, std::string_view(word).substr(0, query.size()), k) <= k;
}

} // namespace

QString ClassHit::wnid() const
{
    return wnidFromOffset(offset);
}

ClassSearch::ClassSearch() = default;
ClassSearch::~ClassSearch() = default;
ClassSearch::ClassSearch(ClassSearch &&) noexcept = default;
ClassSearch &ClassSearch::operator=(ClassSearch &&) noexcept = default;

int ClassSearch::size() const
{
    return int(m_entries.size());
}

namespace {

template<typename Entry>
void prepare(Entry &e)
{
    e.joined = "|";
    for (const QString &name : std::as_const(e.names)) {
        e.lemmas.push_back(lower(name));
        e.lemmaWords.push_back(words(e.lemmas.back()));
        e.joined += e.lemmas.back() + '|';
    }
    e.glossWords = spacedWords(e.gloss);
}

template<typename Entries>
void rankByName(Entries &entries)
{
    std::vector<std::size_t> order(entries.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return entries[a].lemmas.front() < entries[b].lemmas.front()
               || (entries[a].lemmas.front() == entries[b].lemmas.front() && entries[a].offset < entries[b].offset);
    });
    for (std::size_t r = 0; r < order.size(); ++r)
        entries[order[r]].rank = int(r);
}

} // namespace

ClassSearch ClassSearch::imagenet(const ClassCatalog &catalog, const Taxonomy *taxonomy)
{
    ClassSearch search;
    const WordNet wordnet;
    for (const ImageNetClass &c : catalog.classes()) {
        Entry e;
        const QByteArray wnid = c.wnid.toLatin1();
        parseWnid(std::string_view(wnid.constData(), std::size_t(wnid.size())), &e.offset);
        e.classIndex = c.index;
        e.names = c.names;
        e.gloss = c.gloss;
        prepare(e);
        if (taxonomy && taxonomy->isAvailable()) {
            e.ancestors = "|";
            for (auto it = taxonomy->ancestors(c.index).cbegin(); it != taxonomy->ancestors(c.index).cend(); ++it) {
                if (const auto synset = wordnet.synset(it.key())) {
                    for (const QString &lemma : synset->lemmas)
                        e.ancestors += lower(lemma) + '|';
                }
            }
        }
        search.m_entries.push_back(std::move(e));
    }
    rankByName(search.m_entries);
    search.buildIndexes();
    return search;
}

ClassSearch ClassSearch::wordnet(const ClassCatalog &catalog, const WordNet &wordnet)
{
    ClassSearch search;
    // Synset by synset: holding every parsed synset beside the entries raised the peak.
    if (wordnet.isAvailable())
        search.m_entries.reserve(83000); // WordNet 3.0 has 82,115 noun synsets
    wordnet.forEachSynset([&](Synset &&s) {
        Entry e;
        e.offset = s.offset;
        const QString wnid = s.wnid();
        e.classIndex = catalog.indexOfWnid(wnid);
        e.names = e.classIndex >= 0 ? catalog.at(e.classIndex).names : std::move(s.lemmas);
        e.gloss = std::move(s.gloss);
        prepare(e);
        search.m_entries.push_back(std::move(e));
    });
    rankByName(search.m_entries);
    search.buildIndexes();
    return search;
}

std::pair<std::size_t, std::size_t> ClassSearch::Vocabulary::prefixRange(const std::string &prefix) const
{
    const auto first = std::lower_bound(words.begin(), words.end(), prefix);
    auto last = first;
    // Words sharing the prefix are contiguous; find their end by binary search on the prefix.
    last = std::partition_point(first, words.end(), [&](const std::string &w) { return startsWith(w, prefix); });
    return {std::size_t(first - words.begin()), std::size_t(last - words.begin())};
}

void ClassSearch::buildIndexes()
{
    // The (word, entry) lists are sorted where they are and dropped once read: for WordNet's
    // glosses a copy of one was 40 MB.
    const auto build = [](Vocabulary &vocabulary, std::vector<std::pair<std::string, int>> pairs) {
        std::sort(pairs.begin(), pairs.end());
        pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
        for (auto &[word, entry] : pairs) {
            if (vocabulary.words.empty() || vocabulary.words.back() != word) {
                vocabulary.words.push_back(std::move(word));
                vocabulary.entries.emplace_back();
            }
            vocabulary.entries.back().push_back(entry);
        }
    };
    std::vector<std::pair<std::string, int>> names;
    std::vector<std::pair<std::string, int>> glosses;
    std::size_t lemmaCount = 0;
    for (const Entry &e : m_entries)
        lemmaCount += e.lemmas.size();
    m_lemmas.reserve(lemmaCount);
    m_nameStarts.reserve(m_entries.size());
    for (int i = 0; i < int(m_entries.size()); ++i) {
        const Entry &e = m_entries[std::size_t(i)];
        m_nameStarts.push_back(m_allNames.size());
        m_allNames += e.joined;
        for (std::size_t l = 0; l < e.lemmas.size(); ++l)
            m_lemmas.push_back(Lemma{e.lemmas[l], i, int(l)});
        for (const auto &lemmaWords : e.lemmaWords) {
            for (const std::string &w : lemmaWords)
                names.emplace_back(w, i);
        }
        for (const std::string &w : words(e.glossWords))
            glosses.emplace_back(w, i);
    }
    build(m_nameWords, std::move(names));
    build(m_glossWords, std::move(glosses));
    std::sort(m_lemmas.begin(), m_lemmas.end());
}

QVector<ClassHit> ClassSearch::search(const QString &query, int limit) const
{
    const std::string q = lower(query.simplified());
    if (q.empty() || limit <= 0 || m_entries.empty())
        return {};
    const std::vector<std::string> qwords = words(q);
    if (qwords.empty())
        return {};
    const int count = int(m_entries.size());

    // The best tier and penalty reached by each entry; entries are scored tier by tier, best
    // first, and a lower tier is only looked at while the better ones leave room in the result.
    std::vector<int> tierOf(std::size_t(count), 0);
    std::vector<int> penaltyOf(std::size_t(count), 999);
    std::vector<int> touched;
    int found = 0;
    const auto consider = [&](int entry, int tier, int penalty) {
        int &t = tierOf[std::size_t(entry)];
        if (t == 0) {
            touched.push_back(entry);
            ++found;
        }
        if (tier > t || (tier == t && penalty < penaltyOf[std::size_t(entry)])) {
            t = tier;
            penaltyOf[std::size_t(entry)] = penalty;
        }
    };

    // A wnid or an index names one class.
    quint32 wnidOffset = 0;
    const bool isWnid = parseWnid(q, &wnidOffset);
    int index = -1;
    {
        const auto [ptr, ec] = std::from_chars(q.data(), q.data() + q.size(), index);
        if (ec != std::errc() || ptr != q.data() + q.size())
            index = -1;
    }
    if (isWnid || index >= 0) {
        for (int i = 0; i < count; ++i) {
            const Entry &e = m_entries[std::size_t(i)];
            if ((isWnid && e.offset == wnidOffset) || (index >= 0 && e.classIndex == index))
                consider(i, Identifier, 0);
        }
    }

    // Whole names first: the names that equal or start with the query are one range of the
    // sorted names. When they fill the result, nothing below them can show.
    {
        const auto from = std::lower_bound(m_lemmas.begin(), m_lemmas.end(), Lemma{q, 0, 0});
        const auto to = std::partition_point(from, m_lemmas.end(), [&](const Lemma &l) { return startsWith(l.text, q); });
        for (auto l = from; l != to; ++l)
            consider(l->entry, l->text == q ? ExactName : NamePrefix, std::min<int>(999, l->position * 100 + int(l->text.size())));
    }
    // Ancestors' names (ImageNet scope): `dog` finds the breeds.
    for (int i = 0; i < count; ++i) {
        const Entry &e = m_entries[std::size_t(i)];
        if (!e.ancestors.empty() && e.ancestors.find('|' + q + '|') != std::string::npos)
            consider(i, Ancestor, std::min<int>(999, int(e.lemmas.front().size())));
    }

    // Then names whose words start with the query words, or (for three letters or more) that
    // hold the query anywhere.
    std::vector<int> candidates;
    if (found < limit) {
        const auto [from, to] = m_nameWords.prefixRange(qwords.front());
        for (std::size_t w = from; w < to; ++w)
            candidates.insert(candidates.end(), m_nameWords.entries[w].begin(), m_nameWords.entries[w].end());
        if (q.size() >= 3) {
            // One pass over all the names at once; each hit is mapped back to its entry.
            const std::boyer_moore_horspool_searcher searcher(q.begin(), q.end());
            auto at = m_allNames.cbegin();
            while (true) {
                at = std::search(at, m_allNames.cend(), searcher);
                if (at == m_allNames.cend())
                    break;
                const std::size_t position = std::size_t(at - m_allNames.cbegin());
                const auto entry = std::upper_bound(m_nameStarts.begin(), m_nameStarts.end(), position) - m_nameStarts.begin() - 1;
                candidates.push_back(int(entry));
                at = m_allNames.cbegin() + std::ptrdiff_t(m_nameStarts.size() > std::size_t(entry + 1) ? m_nameStarts[std::size_t(entry + 1)] : m_allNames.size());
            }
        }
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    }
    for (const int i : candidates) {
        const Entry &e = m_entries[std::size_t(i)];
        if (tierOf[std::size_t(i)] >= NamePrefix)
            continue;
        for (std::size_t l = 0; l < e.lemmas.size(); ++l) {
            const std::string &lemma = e.lemmas[l];
            const int p = std::min<int>(999, int(l) * 100 + int(lemma.size()));
            {
                const auto &lw = e.lemmaWords[l];
                const bool allPrefix = std::all_of(qwords.begin(), qwords.end(), [&](const std::string &w) {
                    return std::any_of(lw.begin(), lw.end(), [&](const std::string &x) { return startsWith(x, w); });
                });
                if (allPrefix)
                    consider(i, WordPrefix, p);
                else if (lemma.find(q) != std::string::npos)
                    consider(i, Substring, p);
            }
        }
    }
    // Gloss words: every query word is a word of the definition (the last one may be half
    // typed). Whole words narrow the candidates through the index; the half-typed last word is
    // then checked in the few definitions left, or looked up alone once it has 3 letters.
    if (found < limit) {
        std::vector<int> matching;
        bool narrowed = false;
        for (std::size_t w = 0; w + 1 < qwords.size(); ++w) {
            const auto at = std::lower_bound(m_glossWords.words.begin(), m_glossWords.words.end(), qwords[w]);
            std::vector<int> these;
            if (at != m_glossWords.words.end() && *at == qwords[w])
                these = m_glossWords.entries[std::size_t(at - m_glossWords.words.begin())];
            if (!narrowed) {
                matching = std::move(these);
                narrowed = true;
            } else {
                std::vector<int> both;
                std::set_intersection(matching.begin(), matching.end(), these.begin(), these.end(), std::back_inserter(both));
                matching = std::move(both);
            }
        }
        const std::string &last = qwords.back();
        if (narrowed) {
            const std::string needle = ' ' + last;
            std::erase_if(matching, [&](int i) { return m_entries[std::size_t(i)].glossWords.find(needle) == std::string::npos; });
        } else if (last.size() >= 3) {
            const auto [from, to] = m_glossWords.prefixRange(last);
            for (std::size_t k = from; k < to; ++k)
                matching.insert(matching.end(), m_glossWords.entries[k].begin(), m_glossWords.entries[k].end());
        }
        for (const int i : matching)
            consider(i, GlossWord, std::min<int>(999, int(m_entries[std::size_t(i)].lemmas.front().size())));
    }

    // Typo tolerance is the last resort: the words of the names within an edit or two. The
    // first letter must be right, which keeps this to a few thousand words even in WordNet.
    if (found < limit) {
        std::vector<int> matching;
        bool first = true;
        for (const std::string &w : qwords) {
            const int k = typoBudget(w.size());
            std::vector<int> these;
            if (k > 0) {
                const auto [from, to] = m_nameWords.prefixRange(w.substr(0, 1));
                for (std::size_t v = from; v < to; ++v) {
                    const std::string &word = m_nameWords.words[v];
                    if (word.size() + std::size_t(k) < w.size())
                        continue;
                    if (typoMatch(w, word, k))
                        these.insert(these.end(), m_nameWords.entries[v].begin(), m_nameWords.entries[v].end());
                }
            }
            std::sort(these.begin(), these.end());
            these.erase(std::unique(these.begin(), these.end()), these.end());
            if (first) {
                matching = std::move(these);
                first = false;
            } else {
                std::vector<int> both;
                std::set_intersection(matching.begin(), matching.end(), these.begin(), these.end(), std::back_inserter(both));
                matching = std::move(both);
            }
        }
        for (const int i : matching)
            consider(i, Typo, std::min<int>(999, int(m_entries[std::size_t(i)].lemmas.front().size())));
    }

    struct Scored
    {
        int score;
        int rank;
        int entry;
    };
    std::vector<Scored> hits;
    hits.reserve(touched.size());
    for (const int i : touched)
        hits.push_back(Scored{tierOf[std::size_t(i)] * 1000 - penaltyOf[std::size_t(i)], m_entries[std::size_t(i)].rank, i});
    const auto better = [](const Scored &a, const Scored &b) {
        return a.score > b.score || (a.score == b.score && a.rank < b.rank);
    };
    const std::size_t shown = std::min<std::size_t>(hits.size(), std::size_t(limit));
    std::partial_sort(hits.begin(), hits.begin() + std::ptrdiff_t(shown), hits.end(), better);
    QVector<ClassHit> out;
    out.reserve(qsizetype(shown));
    for (std::size_t i = 0; i < shown; ++i) {
        const Entry &e = m_entries[std::size_t(hits[i].entry)];
        out << ClassHit{e.offset, e.classIndex, e.names, e.gloss, hits[i].score};
    }
    return out;
}

} // namespace bagel
