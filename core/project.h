#pragma once

#include "storage/store.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace bagel {

class ClassCatalog;

/** What a reviewer records about one item: the input of Project::recordReview(). */
struct ReviewInput
{
    QString fileName;
    QString reviewer;
    QString model; ///< empty: the project's only model, or none for a problematic verdict
    std::optional<Verdict> verdict;
    std::optional<Category> category;
    std::optional<SpuriousKind> spuriousKind;
    std::optional<Severity> severity;
    QVector<LabelChange> labelChanges;
    QString oovWnid; ///< fine-grained-oov: the true object's WordNet synset
    QString note;
    QString source = QStringLiteral("bagel");
    QDateTime time; ///< invalid: now
    /**
     * The review's uid; empty: a new one. A request sent again after a failure keeps the uid
     * it was first sent with, so a review the server did commit before the connection broke is
     * not recorded twice (recordReview() returns the one already there).
     */
    QString uid;
};

/** A lead's final word on a unit: the input of Project::adjudicate(). */
struct AdjudicationInput
{
    QString fileName;
    QString model; ///< empty: the project's only model, or none for a problematic verdict
    QString lead;
    std::optional<Verdict> verdict; ///< none: withdraw the unit's adjudication (back to the majority rule)
    std::optional<Category> category;
    std::optional<Severity> severity;
    bool gold = false;
    QString reason;
    QDateTime time; ///< invalid: now
};

/**
 * An open Bagel project: the domain API that both front ends use. It owns the Store, knows
 * the class catalog and the images root, validates reviews before they are written, and
 * derives the current state of an item from the imported labels and the review history.
 */
class Project
{
public:
    /** Creates a new project file. \a imagesRoot may be empty. Throws Error. */
    static std::unique_ptr<Project> create(const QString &path, const QString &imagesRoot = {});
    /** Opens (and if needed migrates) an existing project file. Throws Error. */
    static std::unique_ptr<Project> open(const QString &path, bool readOnly = false);
    /**
     * Why the project file at \a path can only be opened read-only — the file, or the folder
     * SQLite keeps its journal in, is not writable — or empty when it can be written.
     */
    static QString whyReadOnly(const QString &path);
    /** Opens read-write when the file and its folder allow it, else read-only. Throws Error. */
    static std::unique_ptr<Project> openWritableIfPossible(const QString &path);

    explicit Project(std::unique_ptr<Store> store);
    ~Project();
    Project(const Project &) = delete;
    Project &operator=(const Project &) = delete;

    Store &store() { return *m_store; }
    const Store &store() const { return *m_store; }
    const ClassCatalog &catalog() const { return *m_catalog; }
    QString path() const { return m_store->location(); }
    /** Whether the project lives on a PostgreSQL server rather than in a file. */
    bool isOnServer() const;

    /** The absolute images root, or empty when none is set. */
    QString imagesRoot() const;
    /** Sets the images root; stored relative to the project file when it lies beside it. */
    void setImagesRoot(const QString &directory);
    /** Where an item's image is on disk (it may be missing). */
    QString absoluteImagePath(const ItemRecord &item) const;

    /** Validates and appends one review in its own transaction; returns its id. Throws Error. */
    ReviewId recordReview(const ReviewInput &input);
    /**
     * Undoes review \a id by appending a retraction (the history keeps both; the derived state
     * ignores the pair). Returns the retraction's id. Throws Error for an unknown or already
     * retracted review.
     */
    ReviewId retractReview(ReviewId id);
    /** Appends a copy of review \a id as a new review (redo after retractReview). */
    ReviewId repeatReview(ReviewId id);
    /** Checks \a input without writing; throws Error describing the first problem. */
    ReviewRecord prepareReview(const ReviewInput &input);

    /**
     * Validates and appends a lead's adjudication; returns its id. Throws Error — and writes
     * nothing — when the project names leads and \a input.lead is not one of them
     * (see adjudicationRefusal()).
     */
    qint64 adjudicate(const AdjudicationInput &input);

    // Settings kept in the project file. Read and written only through these, never as raw
    // meta keys. Each setter writes in a transaction of its own (none may be open); they
    // throw Error on a read-only project.

    /** The version of the project file's schema (after any upgrade on opening). */
    int schemaVersion() const;
    /** Blind mode: other reviewers' verdicts stay hidden until the reviewer's own is recorded (default on). */
    bool blindMode() const;
    void setBlindMode(bool on);
    /**
     * Takes blind mode and the examples folder from \a other, and \a imagesRoot as the images
     * root when not empty (the caller resolves \a other's). Writes in the caller's transaction.
     */
    void copySettingsFrom(const Project &other, const QString &imagesRoot);
    /** The folder of example images per class (ImageFolder layout: one folder per wnid), or empty. */
    QString examplesFolder() const;
    void setExamplesFolder(const QString &folder);

    /**
     * The project's leads, in name order. Adjudication is a lead's act: while the list is
     * empty anyone may adjudicate; once it names someone, only they may.
     */
    QStringList leads() const;
    /** Why the stored list of leads cannot be read (then nobody may adjudicate), or empty. */
    QString leadsProblem() const;
    bool isLead(const QString &name) const { return leads().contains(name); }
    /** Adds a lead; returns false when \a name already is one. Throws Error for an unusable name. */
    bool addLead(const QString &name);
    /** Removes a lead. Throws Error when \a name is not one. */
    void removeLead(const QString &name);
    /**
     * Why \a name may not adjudicate (one line), or empty when they may. On a server \a name
     * must also be the connected role, and that role a lead.
     */
    QString adjudicationRefusal(const QString &name) const;
    /** Why the project's list of leads does not let \a name adjudicate (whoever is connected), or empty. */
    QString leadRefusal(const QString &name) const;
    /**
     * The verdict \a lead gave the unit (\a fileName, \a model) as a reviewer, if any: a lead
     * who adjudicates a unit they rated themselves is warned.
     */
    std::optional<Verdict> ownVerdict(const QString &fileName, const QString &model, const QString &lead);

    /**
     * The item's label set now: the imported judgements with every review's label edits
     * applied in order, sorted by class index.
     */
    QVector<LabelJudgement> currentLabels(ItemId item) const;

    /** currentLabels() of every item that has any label. */
    QHash<ItemId, QVector<LabelJudgement>> allCurrentLabels() const;

    /** Each reviewer's latest verdict on the item per model (oldest first). */
    QVector<ReviewRecord> latestReviews(ItemId item) const;

    /** Throws Error unless \a name is usable as a reviewer or model name. */
    static void checkName(const QString &name, const char *what);

    /**
     * Throws Error when the store decides who acts (a server project: the database role) and
     * \a name is someone else; \a act says what they would do ("review").
     */
    void checkSessionUser(const QString &name, const char *act) const;

private:
    /** The model a verdict names: \a name, or the only model; 0 for an image-level verdict. */
    ModelId resolveModel(const QString &name, std::optional<Verdict> verdict);

    std::unique_ptr<Store> m_store;
    const ClassCatalog *m_catalog;
};

/**
 * The leads as a project stores them (a JSON array of names), in name order. \a problem, when
 * given, receives what is wrong with \a stored (empty when nothing is): the names that can be
 * read are returned all the same.
 */
QStringList parseLeads(const QString &stored, QString *problem);

/** The reviews that count: without retractions and the reviews they retract, in order. */
QVector<ReviewRecord> effectiveReviews(const QVector<ReviewRecord> &reviews);

/**
 * Sorts reviews by time, then id: the order in which they were made, also after reviews from
 * another project file were merged in (their ids are newer than their times).
 */
void sortChronologically(QVector<ReviewRecord> &reviews);

/** Applies label edits to a judgement list (the derivation behind Project::currentLabels). */
QVector<LabelJudgement> applyLabelChanges(QVector<LabelJudgement> labels, const QVector<LabelChange> &changes);

} // namespace bagel
