#pragma once

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>

#include <string_view>
#include <unordered_map>

class QIODevice;

namespace bagel {

/** One class of the label vocabulary: its position, WordNet id, lemmas and definition. */
struct ImageNetClass
{
    int index = -1;
    QString wnid;
    QStringList names; ///< WordNet lemmas; the first is the usual short name
    QString gloss;

    const QString &name() const { return names.first(); }
};

/**
 * The ordered set of classes a classifier predicts. Bagel ships the 1000 ILSVRC-2012 classes
 * (imagenet1k()); fromTsv() reads any table in the same `index wnid names gloss` layout.
 * Classes are keyed on wnid or index; names are only a convenience and may be ambiguous.
 */
class ClassCatalog
{
public:
    /** The bundled ILSVRC-2012 class table, loaded once on first use. */
    static const ClassCatalog &imagenet1k();

    /** Reads a TSV with a header row; throws Error naming \a sourceName and the line. */
    static ClassCatalog fromTsv(QIODevice &device, const QString &sourceName);

    int size() const { return int(m_classes.size()); }
    bool contains(int index) const { return index >= 0 && index < size(); }
    const ImageNetClass &at(int index) const { return m_classes.at(index); }
    const QVector<ImageNetClass> &classes() const { return m_classes; }

    /** The class index of a wnid such as `n01440764`, or -1. Allocation-free, for importers. */
    int indexOfWnid(std::string_view wnid) const;
    int indexOfWnid(const QString &wnid) const;

    /** Indices of every class that has \a name among its lemmas (case-insensitive). */
    QVector<int> indicesOfName(const QString &name) const;

    /**
     * Resolves a class given as an index (`65`), a wnid (`n01751748`) or a name (`sea snake`).
     * Throws Error when nothing matches or when a name is ambiguous; the ambiguity error lists
     * every candidate with its wnid and gloss.
     */
    const ImageNetClass &resolve(const QString &spec) const;

private:
    QVector<ImageNetClass> m_classes;
    std::unordered_map<quint32, int> m_byWnidNumber;
    QHash<QString, QVector<int>> m_byName;
};

/** Parses `n` + 8 digits into the WordNet offset; returns false for anything else. */
bool parseWnid(std::string_view wnid, quint32 *offset);

/** Formats a WordNet noun offset as a wnid (`n01440764`). */
QString wnidFromOffset(quint32 offset);

} // namespace bagel
