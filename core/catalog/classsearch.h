#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>
#include <string>
#include <vector>

namespace bagel {

class ClassCatalog;
class Taxonomy;
class WordNet;

/** One search result: an ImageNet class or (in the WordNet scope) any noun synset. */
struct ClassHit
{
    quint32 offset = 0;  ///< the WordNet offset; the wnid is `n` + 8 digits of it
    int classIndex = -1; ///< the ImageNet class index, or -1 for a synset outside ImageNet-1k
    QStringList names;
    QString gloss;
    int score = 0;       ///< higher is better: tier × 1000 minus a penalty below 1000

    QString wnid() const;
    /** The ClassSearch::Tier the hit reached. */
    int tier() const { return (score + 999) / 1000; }
};

/**
 * Finds classes as a reviewer types. A query is split into words and every candidate is given
 * the best tier it reaches, then ranked by tier (and, within one, by the position and length of
 * the name that matched, then by name):
 *   exact name > the name of a WordNet ancestor (`dog` → the dog breeds) > name prefix >
 *   word prefix > substring > gloss word > typo-tolerant match (`labrdor`; the first letter
 *   must be right).
 * A wnid or a class index finds that class first. Two scopes: the 1000 ImageNet classes, or all
 * 82,115 WordNet noun synsets (for naming an out-of-vocabulary object). Immutable once built,
 * so one index can serve several threads.
 */
class ClassSearch
{
public:
    /** Over the ImageNet classes; with \a taxonomy, ancestors' names count too. */
    static ClassSearch imagenet(const ClassCatalog &catalog, const Taxonomy *taxonomy = nullptr);
    /** Over every noun synset of \a wordnet (empty without WordNet). */
    static ClassSearch wordnet(const ClassCatalog &catalog, const WordNet &wordnet);

    ClassSearch();
    ~ClassSearch();
    ClassSearch(ClassSearch &&) noexcept;
    ClassSearch &operator=(ClassSearch &&) noexcept;

    int size() const;
    QVector<ClassHit> search(const QString &query, int limit = 50) const;

    enum Tier { Typo = 1, GlossWord = 2, Substring = 3, WordPrefix = 4, NamePrefix = 5, Ancestor = 6, ExactName = 7, Identifier = 8 };

private:
    struct Entry;
    /** Distinct words, sorted, each with the entries whose names (or glosses) hold it. */
    struct Vocabulary
    {
        std::vector<std::string> words;
        std::vector<std::vector<int>> entries;
        /** The index range of the words that start with \a prefix. */
        std::pair<std::size_t, std::size_t> prefixRange(const std::string &prefix) const;
    };
    void buildIndexes();

    std::vector<Entry> m_entries;
    std::string m_allNames;           ///< every entry's "|name|name|", one after the other
    std::vector<std::size_t> m_nameStarts; ///< where each entry's part of m_allNames starts
    Vocabulary m_nameWords;
    Vocabulary m_glossWords;
    /** Every name in full, sorted: a name-prefix query is one range of it. */
    struct Lemma
    {
        std::string text;
        int entry;
        int position; ///< the name's place among the entry's names
        bool operator<(const Lemma &o) const { return text < o.text; }
    };
    std::vector<Lemma> m_lemmas;
};

} // namespace bagel
