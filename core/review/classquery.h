#pragma once

#include <QSet>
#include <QString>
#include <QStringList>

namespace bagel {

class ClassCatalog;
class ClassSearch;

/**
 * What a class filter of the queue means: the text a reviewer typed ("dog", "terrier",
 * "golden retriever", a wnid, an index; several joined by commas) turned into a set of classes,
 * with a line saying what it matched or, when it matched nothing, that it did not.
 */
struct ClassQuery
{
    QSet<int> classes;
    QString summary;      ///< "118 classes under dog", "golden retriever", …
    bool matchesNothing = false; ///< some part of the text names no class: summary says which
};

/**
 * Resolves \a text through \a search, the class panel's search (built with the WordNet taxonomy,
 * a word names every class under the synsets it is a name of: `dog` is the 118 breeds). Per
 * comma-separated part, the best tier found decides: an index, a wnid, a class's name or an
 * ancestor's name; else the classes whose names or name words start with it; else those whose
 * names hold it. A part found only in definitions or by a typo matches nothing, and the summary
 * suggests the classes it was close to.
 */
ClassQuery resolveClassQuery(const ClassSearch &search, const ClassCatalog &catalog, const QString &text);

} // namespace bagel
