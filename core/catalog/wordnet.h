#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>
#include <optional>
#include <string_view>

namespace bagel {

/** One WordNet noun synset as read from `data.noun`. */
struct Synset
{
    quint32 offset = 0;
    QStringList lemmas; ///< with spaces, not WordNet's underscores
    QString gloss;
    QVector<quint32> hypernyms; ///< `@` and `@i` pointers, in file order

    QString wnid() const;
    QString name() const { return lemmas.value(0); }
};

/** Parses one synset line of `data.noun`; std::nullopt for licence lines and malformed lines. */
std::optional<Synset> parseSynsetLine(std::string_view line);

/**
 * Read access to Princeton WordNet 3.0's noun database (Debian package `wordnet-base`).
 * A wnid is `n` + the synset's byte offset in `data.noun`, so looking a synset up is one seek.
 * When the file is absent every query returns nothing and isAvailable() is false: WordNet is
 * an optional enrichment, never a requirement.
 */
class WordNet
{
public:
    /** `$BAGEL_WORDNET_DIR/data.noun` when that variable is set, else `/usr/share/wordnet/data.noun`. */
    static QString defaultDataNounPath();

    explicit WordNet(QString dataNounPath = defaultDataNounPath());

    bool isAvailable() const { return m_available; }
    const QString &path() const { return m_path; }

    std::optional<Synset> synset(quint32 offset) const;
    std::optional<Synset> synset(const QString &wnid) const;

    /**
     * The chain from the synset up to `entity`, both included, following the first hypernym
     * at each step (tench → cyprinid → … → entity). Empty when WordNet or the synset is missing.
     */
    QVector<Synset> hypernymPath(const QString &wnid) const;

    /** Every noun synset, in file order (one pass over `data.noun`; about 82,000). */
    QVector<Synset> allSynsets() const;

    /**
     * Hands every noun synset to \a visit, in file order, one at a time: what needs a part of
     * each (the hypernym graph) never holds all of them, as allSynsets() does (about 30 MB).
     */
    void forEachSynset(const std::function<void(Synset &&)> &visit) const;

private:
    QString m_path;
    bool m_available = false;
};

} // namespace bagel
