#include "classsearch.h"

#include "classcatalog.h"
#include "taxonomy.h"
#include "wordnet.h"

#include <QHash>

#include <algorithm>
#include <charconv>

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

/** Optimal-string-alignment distance, or k + 1 once it is sure to exceed k. */
int boundedDistance(const std::string &a, const std::string &b, int k)
{
    const int n = int(a.size());
    const int m = int(b.size());
    if (std::abs(n - m) > k)
        return k + 1;
    std::vector<int> previous2(std::size_t(m) + 1), previous(std::size_t(m) + 1), current(std::size_t(m) + 1);
    for (int j = 0; j <= m; ++j)
        previous[std::size_t(j)] = j;
    for (int i = 1; i <= n; ++i) {
        current[0] = i;
        int rowMin = current[0];
        for (int j = 1; j <= m; ++j) {
            const int cost = a[std::size_t(i - 1)] == b[std::size_t(j - 1)] ? 0 : 1;
            int value = std::min({previous[std::size_t(j)] + 1, current[std::size_t(j - 1)] + 1, previous[std::size_t(j - 1)] + cost});
            if (i > 1 && j > 1 && a[std::size_t(i - 1)] == b[std::size_t(j - 2)] && a[std::size_t(i - 2)] == b[std::size_t(j - 1)])
                value = std::min(value, previous2[std::size_t(j - 2)] + 1); // transposition
            current[std::size_t(j)] = value;
            rowMin = std::min(rowMin, value);
        }
        if (rowMin > k)
            return k + 1;
        std::swap(previous2, previous);
        std::swap(previous, current);
    }
    return previous[std::size_t(m)];
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
    return word.size() > query.size() && boundedDistance(query, word.substr(0, query.size()), k) <= k;
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
    return search;
}

ClassSearch ClassSearch::wordnet(const ClassCatalog &catalog, const WordNet &wordnet)
{
    ClassSearch search;
    const QVector<Synset> synsets = wordnet.allSynsets();
    search.m_entries.reserve(std::size_t(synsets.size()));
    for (const Synset &s : synsets) {
        Entry e;
        e.offset = s.offset;
        const QString wnid = s.wnid();
        e.classIndex = catalog.indexOfWnid(wnid);
        e.names = e.classIndex >= 0 ? catalog.at(e.classIndex).names : s.lemmas;
        e.gloss = s.gloss;
        prepare(e);
        search.m_entries.push_back(std::move(e));
    }
    rankByName(search.m_entries);
    return search;
}

QVector<ClassHit> ClassSearch::search(const QString &query, int limit) const
{
    const std::string q = lower(query.simplified());
    if (q.empty() || limit <= 0)
        return {};
    const std::vector<std::string> qwords = words(q);
    if (qwords.empty())
        return {};

    // A wnid or an index names one class.
    quint32 wnidOffset = 0;
    const bool isWnid = parseWnid(q, &wnidOffset);
    int index = -1;
    {
        const auto [ptr, ec] = std::from_chars(q.data(), q.data() + q.size(), index);
        if (ec != std::errc() || ptr != q.data() + q.size())
            index = -1;
    }

    struct Scored
    {
        int score;
        int rank;
        int entry;
    };
    std::vector<Scored> hits;
    const std::string first = qwords.front();
    for (int i = 0; i < int(m_entries.size()); ++i) {
        const Entry &e = m_entries[std::size_t(i)];
        int tier = 0;
        int penalty = 999;
        const auto consider = [&](int t, int p) {
            if (t > tier || (t == tier && p < penalty)) {
                tier = t;
                penalty = p;
            }
        };
        if ((isWnid && e.offset == wnidOffset) || (index >= 0 && e.classIndex == index))
            consider(Identifier, 0);
        if (e.joined.find(first) != std::string::npos) {
            for (std::size_t l = 0; l < e.lemmas.size(); ++l) {
                const std::string &lemma = e.lemmas[l];
                const int p = std::min<int>(999, int(l) * 100 + int(lemma.size()));
                if (lemma == q) {
                    consider(ExactName, p);
                } else if (startsWith(lemma, q)) {
                    consider(NamePrefix, p);
                } else {
                    const auto &lw = e.lemmaWords[l];
                    const bool allPrefix = std::all_of(qwords.begin(), qwords.end(), [&](const std::string &w) {
                        return std::any_of(lw.begin(), lw.end(), [&](const std::string &x) { return startsWith(x, w); });
                    });
                    if (allPrefix)
                        consider(WordPrefix, p);
                    else if (lemma.find(q) != std::string::npos)
                        consider(Substring, p);
                }
            }
        }
        if (tier < Ancestor && !e.ancestors.empty() && e.ancestors.find('|' + q + '|') != std::string::npos)
            consider(Ancestor, std::min<int>(999, int(e.lemmas.front().size())));
        if (tier < GlossWord) {
            bool all = true;
            for (std::size_t w = 0; w < qwords.size() && all; ++w) {
                const bool last = w + 1 == qwords.size();
                all = e.glossWords.find(' ' + qwords[w] + (last ? "" : " ")) != std::string::npos;
            }
            if (all)
                consider(GlossWord, std::min<int>(999, int(e.lemmas.front().size())));
        }
        if (tier > 0)
            hits.push_back(Scored{tier * 1000 - penalty, e.rank, i});
    }

    // Typo tolerance is the last resort: only when the better tiers leave room.
    if (int(hits.size()) < limit) {
        std::vector<char> already(m_entries.size(), 0);
        for (const Scored &s : hits)
            already[std::size_t(s.entry)] = 1;
        for (int i = 0; i < int(m_entries.size()); ++i) {
            if (already[std::size_t(i)])
                continue;
            const Entry &e = m_entries[std::size_t(i)];
            for (std::size_t l = 0; l < e.lemmas.size(); ++l) {
                const auto &lw = e.lemmaWords[l];
                const bool all = std::all_of(qwords.begin(), qwords.end(), [&](const std::string &w) {
                    const int k = typoBudget(w.size());
                    return k > 0 && std::any_of(lw.begin(), lw.end(), [&](const std::string &x) { return typoMatch(w, x, k); });
                });
                if (all) {
                    hits.push_back(Scored{Typo * 1000 - std::min<int>(999, int(l) * 100 + int(e.lemmas[l].size())), e.rank, i});
                    break;
                }
            }
        }
    }

    const auto better = [](const Scored &a, const Scored &b) {
        return a.score > b.score || (a.score == b.score && a.rank < b.rank);
    };
    const std::size_t count = std::min<std::size_t>(hits.size(), std::size_t(limit));
    std::partial_sort(hits.begin(), hits.begin() + std::ptrdiff_t(count), hits.end(), better);
    QVector<ClassHit> out;
    out.reserve(qsizetype(count));
    for (std::size_t i = 0; i < count; ++i) {
        const Entry &e = m_entries[std::size_t(hits[i].entry)];
        out << ClassHit{e.offset, e.classIndex, e.names, e.gloss, hits[i].score};
    }
    return out;
}

} // namespace bagel
