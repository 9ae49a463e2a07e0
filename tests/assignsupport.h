#pragma once

// What the assignment tests share: a project with two models, a request, an error's message.

#include "error.h"
#include "import/importer.h"
#include "project.h"
#include "review/assignment.h"
#include "testsupport.h"

#include <functional>

namespace bagel::test {

inline QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.message();
    }
    return {};
}

/** makeProject() with a second model `n` whose top-1 is always the original label (no mistakes). */
inline QString makeTwoModelProject(const TempDir &dir, int items)
{
    const QString path = makeProject(dir, QStringLiteral("two.bagel"), items);
    QByteArray predictions = "file_name,model,rank,class,score\n";
    for (int i = 0; i < items; ++i) {
        predictions += QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(i + 1, 8, 10, QLatin1Char('0')).toUtf8() + ",n,1,"
                       + QByteArray::number(i % 1000) + ",0.9\n";
    }
    auto project = Project::open(path);
    importFile(*project, ImportFormat::Predictions, writeFile(dir.path(QStringLiteral("n.csv")), predictions));
    return path;
}

inline AssignmentRequest request(const QStringList &reviewers, int k, quint64 seed = 0)
{
    AssignmentRequest r;
    r.reviewers = reviewers;
    r.perUnit = k;
    r.seed = seed;
    return r;
}

inline QString fileName(int i)
{
    return QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(i + 1, 8, 10, QLatin1Char('0'));
}

} // namespace bagel::test
