#pragma once

#include "wordnet.h"

#include <QHash>
#include <QVector>

namespace bagel {

class ClassCatalog;

/**
 * Where the ImageNet classes sit in WordNet's noun hierarchy: each class's ancestors (through
 * every hypernym, with their distance), its fine-grained neighbours (the other classes under
 * the nearest ancestor that groups a handful of them: the other cats, the other lizards), and
 * the classes nearest to any synset (what an out-of-vocabulary object is closest to). Without
 * WordNet it is empty and every answer is empty.
 */
class Taxonomy
{
public:
    Taxonomy(const ClassCatalog &catalog, const WordNet &wordnet);

    bool isAvailable() const { return !m_ancestors.isEmpty(); }

    /** Ancestor synset offset → how many steps up it is (1 = a direct hypernym). */
    const QHash<quint32, int> &ancestors(int classIndex) const;

    struct Neighbours
    {
        std::optional<Synset> ancestor; ///< the grouping synset
        QVector<int> classes;           ///< the other classes under it, by index
    };
    /** The other classes under the class's nearest ancestor that has 2 to \a maxGroup classes. */
    Neighbours neighbours(int classIndex, int maxGroup = 40) const;

    /** The classes under synset \a offset (the classes it is an ancestor of, or that it is). */
    QVector<int> classesUnder(quint32 offset) const;

    /**
     * The \a count classes nearest to \a synset: those sharing one of its names first, then by
     * the length of the path through their lowest common ancestor. Pairs of (class, distance).
     */
    QVector<QPair<int, int>> nearestClasses(const Synset &synset, int count) const;

private:
    /** Every ancestor of \a offset with its distance, walking all hypernyms. */
    QHash<quint32, int> ancestorsOf(quint32 offset) const;

    const ClassCatalog &m_catalog;
    const WordNet &m_wordnet;
    QHash<quint32, QVector<quint32>> m_parents; ///< the whole hypernym graph, read in one pass
    QVector<QHash<quint32, int>> m_ancestors;
    QHash<quint32, QVector<int>> m_descendants; ///< ancestor → classes under it
    QHash<quint32, int> m_classOfOffset;
};

} // namespace bagel
