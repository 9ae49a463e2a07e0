#include "classquery.h"

#include "catalog/classcatalog.h"
#include "catalog/classsearch.h"

#include <QObject>

#include <algorithm>

namespace bagel {

namespace {

/** One comma-separated part of a class filter. */
ClassQuery resolvePart(const ClassSearch &search, const ClassCatalog &catalog, const QString &part)
{
    ClassQuery out;
    const QVector<ClassHit> hits = search.search(part, catalog.size());
    int best = 0;
    for (const ClassHit &hit : hits)
        best = std::max(best, hit.tier());
    // The tiers that name classes; below them, a definition or a near miss names none.
    const int floor = best >= ClassSearch::Ancestor ? ClassSearch::Ancestor
                      : best >= ClassSearch::WordPrefix ? ClassSearch::WordPrefix
                                                        : ClassSearch::Substring;
    QStringList names;
    bool group = false;
    for (const ClassHit &hit : hits) {
        if (hit.classIndex < 0 || hit.tier() < floor)
            continue;
        out.classes.insert(hit.classIndex);
        names << hit.names.value(0);
        group = group || hit.tier() == ClassSearch::Ancestor;
    }
    if (out.classes.isEmpty()) {
        out.matchesNothing = true;
        QStringList near;
        for (int i = 0; i < hits.size() && near.size() < 3; ++i) {
            if (hits[i].classIndex >= 0)
                near << hits[i].names.value(0);
        }
        out.summary = near.isEmpty() ? QObject::tr("no class matches “%1”").arg(part)
                                     : QObject::tr("no class is named “%1” (did you mean %2?)").arg(part, near.join(QLatin1String(", ")));
        return out;
    }
    if (out.classes.size() == 1)
        out.summary = names.first();
    else if (group)
        out.summary = QObject::tr("%1 classes under “%2”").arg(out.classes.size()).arg(part);
    else
        out.summary = QObject::tr("%1 classes matching “%2”").arg(out.classes.size()).arg(part);
    return out;
}

} // namespace

ClassQuery resolveClassQuery(const ClassSearch &search, const ClassCatalog &catalog, const QString &text)
{
    ClassQuery out;
    QStringList summaries;
    QStringList missing;
    for (const QString &raw : text.split(QLatin1Char(','))) {
        const QString part = raw.simplified();
        if (part.isEmpty())
            continue;
        const ClassQuery one = resolvePart(search, catalog, part);
        out.classes.unite(one.classes);
        if (one.matchesNothing)
            missing << one.summary;
        else
            summaries << one.summary;
    }
    out.matchesNothing = !missing.isEmpty();
    if (out.matchesNothing)
        out.summary = missing.join(QLatin1String("; "));
    else if (summaries.size() == 1)
        out.summary = summaries.first();
    else
        out.summary = QObject::tr("%1 classes: %2").arg(out.classes.size()).arg(summaries.join(QLatin1String("; ")));
    return out;
}

} // namespace bagel
