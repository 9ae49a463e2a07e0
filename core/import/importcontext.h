#pragma once

#include "importer.h"
#include "progress.h"
#include "storage/records.h"

#include <QHash>
#include <QIODevice>
#include <QSet>

#include <functional>
#include <string_view>

namespace bagel {

class ClassCatalog;
class Project;
class Store;

/**
 * How far the thread reading an input file is, for the import's Progress: tick() once per
 * record; every few hundred records it reports the file position (bytes read) and checks for
 * Cancel (throwing Cancelled). Costs an increment per record when nobody watches.
 */
class ReadProgress
{
public:
    ReadProgress(Progress *progress, const QIODevice &device)
        : m_progress(progress)
        , m_device(&device)
    {
    }

    void tick()
    {
        if (m_progress && ++m_count >= kEvery) {
            m_count = 0;
            update();
        }
    }
    /** Reports the position and checks for Cancel now. */
    void update()
    {
        if (m_progress) {
            m_progress->setDone(m_device->pos());
            m_progress->check();
        }
    }

private:
    static constexpr int kEvery = 256;
    Progress *m_progress;
    const QIODevice *m_device;
    int m_count = 0;
};

/** Reports an input error at the importer's current position; never returns. */
using FailAt = std::function<void(const QString &message)>;

/** One row of a labels table (`file_name`, class), with its line for error messages. */
struct LabelRow
{
    QString fileName;
    int classIndex = -1;
    qint64 line = 0;
};

/**
 * Reads a TSV/CSV of file names and classes (`file_name` plus `wnid` and/or `index`, with a
 * header row; or two columns without one). Rejects unknown classes, disagreeing wnid/index
 * columns, repeated columns, duplicate file names (compared in NFC) and empty files, naming
 * the file and line. File names are returned in NFC.
 */
void readLabelsTable(const QString &path, const ClassCatalog &catalog, const std::function<void(const LabelRow &)> &visit,
                     Progress *progress = nullptr);

/** The state shared by the importers during one import: the item index and the report. */
class ImportContext
{
public:
    ImportContext(Project &project, const ImportOptions &options, ImportReport &report);

    Project &project;
    Store &store;
    const ClassCatalog &catalog;
    const ImportOptions &options;
    ImportReport &report;

    /**
     * The item named \a fileName (in NFC, see nfc()), added when the project lacks it (or 0
     * when the options say to skip such items). A new name must be a plain relative path: no
     * absolute path, drive letter, backslash, `..`, `.` or empty component. \a label, when >= 0, is the item's original label as the input
     * states it; a disagreement with the project is an error. \a imagePath, when given,
     * replaces the stored path.
     */
    ItemId item(const QString &fileName, const FailAt &fail, int label = -1, const QString &imagePath = {});

    /** True for ILSVRC-2012 validation file names (`ILSVRC2012_val_00000001.JPEG`). */
    static bool isValidationFile(std::string_view fileName);
    /** The validation file name of ReaL/.npy row \a row (0-based). */
    static QString validationFileName(qint64 row);

private:
    QHash<QString, ItemKey> m_items;
    QHash<QString, int> m_labels;
    QSet<ItemId> m_touched;
};

} // namespace bagel
