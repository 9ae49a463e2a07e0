#pragma once

#include "importcontext.h"
#include "pipeline.h"
#include "storage/records.h"

#include <QHash>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace bagel {

class ClassCatalog;

/** One (file, model)'s ranked predictions as a predictions file states them. */
struct PredictionGroup
{
    QString fileName;
    QString model;
    QVector<ClassScore> slots; ///< by rank; classIndex -1 marks a rank not seen yet
    qint64 firstLine = 0;
    bool resent = false; ///< sent before, incomplete or changed since (an unsorted file)
};

/**
 * The parsing side of a predictions import, which runs on its own thread: it gathers rows into
 * groups, rejects duplicate ranks and classes, and passes each group on as soon as the input
 * moves to another (file, model). A group that reappears later in an unsorted file is passed
 * on again, complete, at the end; a group with a missing rank is an error at the end.
 */
class PredictionCollector
{
public:
    PredictionCollector(const ClassCatalog &catalog, BatchSender<PredictionGroup> &sender, QString source, const char *unit);

    void add(const QString &fileName, const QString &model, int rank, int classIndex, double score, qint64 line,
             const FailAt &fail);
    /** Passes on what is left; throws Error for a group with a missing rank. */
    void finish();
    /** True when the writing side gave up; producers should return. */
    bool stopped() const { return m_sender.stopped(); }

    void skip(const QString &reason, const QString &example) { m_skips.skip(reason, example); }
    const ImportReport &skips() const { return m_skips; }

private:
    void close(std::size_t index);

    const ClassCatalog &m_catalog;
    BatchSender<PredictionGroup> &m_sender;
    QString m_source;
    QString m_unit;
    std::vector<PredictionGroup> m_groups;
    std::vector<char> m_state; ///< per group: 0 open, 1 passed on, 2 changed after being passed on
    QHash<std::pair<QString, QString>, std::size_t> m_index;
    std::size_t m_current = SIZE_MAX;
    ImportReport m_skips;
};

/**
 * Runs \a produce (which feeds a PredictionCollector) on a second thread while this thread
 * writes the groups into the project.
 */
void runPredictionPipeline(ImportContext &context, const QString &source, const char *unit,
                           const std::function<void(PredictionCollector &)> &produce);

} // namespace bagel
