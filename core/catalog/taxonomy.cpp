#include "taxonomy.h"

#include "classcatalog.h"

#include <QQueue>
#include <QSet>

#include <algorithm>

namespace bagel {

Taxonomy::Taxonomy(const ClassCatalog &catalog, const WordNet &wordnet)
    : m_catalog(catalog)
    , m_wordnet(wordnet)
{
    if (!wordnet.isAvailable())
        return;
    // Only the graph is kept: the synsets pass one at a time (holding all of them, names and
    // glosses, left the window about 30 MB larger from its start).
    m_parents.reserve(83000);
    wordnet.forEachSynset([this](Synset &&s) { m_parents.insert(s.offset, std::move(s.hypernyms)); });
    m_ancestors.resize(catalog.size());
    for (const ImageNetClass &c : catalog.classes()) {
        quint32 offset = 0;
        const QByteArray wnid = c.wnid.toLatin1();
        if (!parseWnid(std::string_view(wnid.constData(), std::size_t(wnid.size())), &offset))
            continue;
        m_classOfOffset.insert(offset, c.index);
        m_ancestors[c.index] = ancestorsOf(offset);
        for (auto it = m_ancestors[c.index].cbegin(); it != m_ancestors[c.index].cend(); ++it)
            m_descendants[it.key()] << c.index;
    }
}

QHash<quint32, int> Taxonomy::ancestorsOf(quint32 offset) const
{
    QHash<quint32, int> found;
    QQueue<QPair<quint32, int>> queue;
    queue.enqueue({offset, 0});
    while (!queue.isEmpty()) {
        const auto [current, depth] = queue.dequeue();
        if (depth > 64)
            break; // a corrupt file must not loop
        for (const quint32 parent : m_parents.value(current)) {
            if (!found.contains(parent)) {
                found.insert(parent, depth + 1);
                queue.enqueue({parent, depth + 1});
            }
        }
    }
    return found;
}

const QHash<quint32, int> &Taxonomy::ancestors(int classIndex) const
{
    static const QHash<quint32, int> none;
    return classIndex >= 0 && classIndex < m_ancestors.size() ? m_ancestors[classIndex] : none;
}

QVector<int> Taxonomy::classesUnder(quint32 offset) const
{
    QVector<int> classes = m_descendants.value(offset);
    if (const auto own = m_classOfOffset.constFind(offset); own != m_classOfOffset.constEnd())
        classes.prepend(*own);
    return classes;
}

Taxonomy::Neighbours Taxonomy::neighbours(int classIndex, int maxGroup) const
{
    Neighbours result;
    const QHash<quint32, int> &mine = ancestors(classIndex);
    QVector<QPair<int, quint32>> byDepth;
    for (auto it = mine.cbegin(); it != mine.cend(); ++it)
        byDepth << qMakePair(it.value(), it.key());
    std::sort(byDepth.begin(), byDepth.end());
    for (const auto &[depth, ancestor] : std::as_const(byDepth)) {
        const QVector<int> &group = m_descendants[ancestor];
        if (group.size() < 2)
            continue;
        if (group.size() > maxGroup)
            break; // nothing fine-grained is left above this
        result.ancestor = m_wordnet.synset(ancestor);
        for (const int other : group) {
            if (other != classIndex)
                result.classes << other;
        }
        break;
    }
    return result;
}

QVector<QPair<int, int>> Taxonomy::nearestClasses(const Synset &synset, int count) const
{
    if (!isAvailable())
        return {};
    QHash<quint32, int> up = ancestorsOf(synset.offset);
    up.insert(synset.offset, 0);
    QSet<QString> names;
    for (const QString &lemma : synset.lemmas)
        names.insert(lemma.toLower());

    QVector<QPair<int, int>> scored; // (distance, class)
    for (const ImageNetClass &c : m_catalog.classes()) {
        int best = std::numeric_limits<int>::max();
        const QHash<quint32, int> &theirs = m_ancestors[c.index];
        for (auto it = up.cbegin(); it != up.cend(); ++it) {
            if (m_classOfOffset.value(it.key(), -1) == c.index)
                best = std::min(best, it.value()); // the synset is under this class
            const auto match = theirs.constFind(it.key());
            if (match != theirs.constEnd())
                best = std::min(best, it.value() + *match);
        }
        if (m_classOfOffset.value(synset.offset, -1) == c.index)
            best = 0;
        // A class that shares a name (hedgehog → "porcupine, hedgehog") is what a reviewer means.
        const bool sharesName = std::any_of(c.names.begin(), c.names.end(), [&](const QString &n) { return names.contains(n.toLower()); });
        if (best != std::numeric_limits<int>::max() || sharesName)
            scored << qMakePair(sharesName ? -1 : best, c.index);
    }
    std::sort(scored.begin(), scored.end());
    QVector<QPair<int, int>> out;
    for (int i = 0; i < scored.size() && i < count; ++i)
        out << qMakePair(scored[i].second, std::max(0, scored[i].first));
    return out;
}

} // namespace bagel
