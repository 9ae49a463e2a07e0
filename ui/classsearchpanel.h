#pragma once

#include "catalog/classsearch.h"
#include "storage/records.h"
#include "vocabulary.h"

#include <QDockWidget>
#include <QHash>
#include <QImage>

#include <atomic>
#include <memory>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QSlider;

namespace bagel {

class ClassHitModel;
class Project;
class Taxonomy;
class ThumbnailCache;
class WordNet;

/**
 * Find the right class among 1000 (or, for an out-of-vocabulary object, among all WordNet
 * nouns), see what it means — names, definition, hypernym path, fine-grained neighbours —
 * browse examples of it, and put it on the current item: as a correct, wrong or unclear label,
 * by removing it, or as the true object of a fine-grained-oov mistake. Results follow each
 * keystroke; everything works from the keyboard (`/` opens it, arrows choose, Enter adds as
 * correct, Shift+Enter as wrong, Ctrl+Enter as unclear, Delete removes, Escape goes back).
 */
class ClassSearchPanel final : public QDockWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClassSearchPanel)

public:
    explicit ClassSearchPanel(QWidget *parent = nullptr);
    ~ClassSearchPanel() override;

    /** Examples come from \a project's items and its examples folder (a project setting). */
    /** Every item of \a project by original label, as setProject() reads them (for a worker). */
    static QHash<int, QVector<ItemRecord>> itemsByClass(Project &project);
    /**
     * The project's items read again on a worker (after an import): keeps the query and the
     * selection, unlike setProject().
     */
    void setItemsByClass(QHash<int, QVector<ItemRecord>> items);
    void setProject(Project *project);
    /**
     * Without a query, the panel suggests these classes (the item's label and predictions).
     * \a currentImage, the image under review, is left out of every class's examples.
     */
    void setSuggestions(const QVector<int> &classes, const QString &currentImage = {});

    /** Shows the panel and puts the cursor in the search box. */
    void activate();
    void setQuery(const QString &query);
    bool wordnetScope() const;
    void setWordnetScope(bool on);
    /**
     * Blocks until the search indexes are built (tests). The index of all WordNet nouns is
     * built only once the WordNet scope is on, so turn it on first to wait for that one.
     */
    void waitUntilReady();

    QLineEdit *searchBox() const { return m_search; }
    /** The search over the 1000 classes: by name at first, with WordNet's groups once they are read. */
    std::shared_ptr<const ClassSearch> classIndex() const { return m_classes; }
    QListView *results() const { return m_results; }
    const ClassHit *selectedHit() const;
    /** The text of the details pane, for tests. */
    QString detailsText() const;
    /** The example images of the selected class (paths), in the order the slider walks them. */
    const QStringList &examplePaths() const { return m_examples; }

    /**
     * Example images of \a classIndex: the project's items labelled with it, then the examples
     * folder; never \a exclude (the image under review), by whatever path or link it is reached.
     */
    QStringList examplesOf(int classIndex, const QString &exclude = {}) const;
    const ThumbnailCache &thumbnails() const { return *m_thumbnails; }

Q_SIGNALS:
    void labelRequested(int classIndex, bagel::LabelEdit edit);
    void trueObjectChosen(const QString &wnid, const QString &name);
    void dismissed();
    /** classIndex() changed: WordNet's groups are read. */
    void classIndexChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void runQuery();
    /** Starts building the index of all WordNet nouns, unless it is built or under way. */
    void buildNounIndex();
    void showSelection();
    void showExamples(int first);
    void chooseExamplesFolder();
    void requestLabel(LabelEdit edit);

    std::shared_ptr<const WordNet> m_wordnet;
    std::shared_ptr<const Taxonomy> m_taxonomy;
    std::shared_ptr<const ClassSearch> m_classes;
    std::shared_ptr<const ClassSearch> m_nouns; ///< null until the WordNet scope is first used
    bool m_buildingNouns = false;
    std::shared_ptr<const ThumbnailCache> m_thumbnails; ///< shared with the decoding tasks, which may outlive the panel
    std::shared_ptr<std::atomic<int>> m_generation;
    Project *m_project = nullptr;
    QHash<int, QVector<ItemRecord>> m_itemsByClass;
    QVector<int> m_suggestions;
    QString m_currentImage; ///< the image under review: never one of the examples
    QStringList m_examples;

    QLineEdit *m_search;
    QCheckBox *m_scope;
    QListView *m_results;
    ClassHitModel *m_model;
    QLabel *m_details;
    QList<QLabel *> m_thumbs;
    QSlider *m_slider;
    QLabel *m_exampleInfo;
    QPushButton *m_trueObject;
};

} // namespace bagel
