#include "auditwindow.h"

#include "catalog/classcatalog.h"
#include "catalog/taxonomy.h"
#include "catalog/wordnet.h"
#include "error.h"
#include "progress.h"
#include "project.h"
#include "taskprogress.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <numeric>

namespace bagel {

struct AuditWindow::Results
{
    std::shared_ptr<const AuditSnapshot> snapshot;
    QString error;
    AuditOptions options;
    agreement::Result overall;
    QVector<ReviewerStats> reviewers;
    QVector<BreakdownRow> breakdown;
    QString breakdownError;
    QVector<Disagreement> queue;
};

namespace {

QString format(const std::optional<double> &value)
{
    return value ? QString::number(*value, 'f', 3) : QObject::tr("not defined");
}

QString interval(const agreement::Estimate &e)
{
    return e.ci95 ? QStringLiteral("[%1, %2]").arg(e.ci95->low, 0, 'f', 3).arg(e.ci95->high, 0, 'f', 3) : QStringLiteral("–");
}

QTableWidget *makeTable(QWidget *parent, const QString &name, const QStringList &headers)
{
    auto *t = new QTableWidget(parent);
    t->setObjectName(name);
    t->setColumnCount(int(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

void setRow(QTableWidget *t, int row, const QStringList &cells)
{
    for (int c = 0; c < cells.size(); ++c)
        t->setItem(row, c, new QTableWidgetItem(cells[c]));
}

/** Red for κ ≤ 0 through yellow to green for κ = 1. */
QColor heat(double kappa)
{
    const double t = std::clamp(kappa, 0.0, 1.0);
    return QColor::fromHsvF(float(t / 3.0), 0.55f, 0.95f);
}

} // namespace

AuditWindow::AuditWindow(QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_field(new QComboBox(this))
    , m_model(new QComboBox(this))
    , m_fold(new QCheckBox(tr("Borderline counts as minor"), this))
    , m_by(new QComboBox(this))
    , m_confusionA(new QComboBox(this))
    , m_confusionB(new QComboBox(this))
    , m_status(new QLabel(this))
    , m_leads(new QLabel(this))
    , m_progress(new TaskProgress(this))
    , m_again(new QPushButton(tr("Compute &again"), this))
    , m_tabs(new QTabWidget(this))
{
    m_computing = new LatestResult<std::shared_ptr<const Results>>(this);
    m_progress->setObjectName(QStringLiteral("auditProgress"));
    m_progress->bar()->setObjectName(QStringLiteral("auditBusy"));
    m_progress->cancelButton()->setObjectName(QStringLiteral("auditCancel"));
    m_progress->cancelButton()->setToolTip(tr("Stop reading the project and computing; what is shown stays as it was"));
    m_progress->watch(m_computing);
    m_again->setObjectName(QStringLiteral("auditComputeAgain"));
    m_again->hide();
    m_status->setObjectName(QStringLiteral("auditStatus"));
    m_status->setTextFormat(Qt::PlainText);
    connect(m_computing, &LatestResultBase::progressed, this, [this](const Progress::Snapshot &s) {
        if (!s.cancelled && !s.stage.isEmpty())
            m_status->setText(tr("%1…").arg(s.stage));
    });
    connect(m_computing, &LatestResultBase::cancelled, this, &AuditWindow::showCancelled);
    connect(m_again, &QPushButton::clicked, this, [this] {
        if (m_cancelledRead || !m_snapshot)
            refresh();
        else
            compute();
    });
    setObjectName(QStringLiteral("auditWindow"));
    setWindowTitle(tr("Audit — Bagel"));
    m_field->setObjectName(QStringLiteral("auditField"));
    m_field->addItems(auditFieldNames());
    m_by->addItems({toString(Breakdown::Model), toString(Breakdown::OriginalClass), toString(Breakdown::Superclass),
                    toString(Breakdown::Category)});

    m_summary = makeTable(this, QStringLiteral("auditSummary"), {tr("Statistic"), tr("Value"), tr("95% interval")});
    m_heatmap = makeTable(this, QStringLiteral("auditHeatmap"), {});
    m_heatmap->setSelectionMode(QAbstractItemView::NoSelection);
    m_heatmap->verticalHeader()->show();
    m_heatmap->horizontalHeader()->setStretchLastSection(false);
    m_reviewerStats = makeTable(this, QStringLiteral("auditReviewers"),
                                {tr("Reviewer"), tr("Items"), tr("Median s/item"), tr("Correct"), tr("Wrong"), tr("Unclear"),
                                 tr("Problematic"), tr("Gold accuracy")});
    m_breakdown = makeTable(this, QStringLiteral("auditBreakdown"),
                            {tr("Group"), tr("Units"), tr("Agreement"), tr("Fleiss' κ"), tr("Krippendorff's α"), tr("α 95%")});
    m_confusion = makeTable(this, QStringLiteral("auditConfusion"), {});
    m_confusion->verticalHeader()->show();
    m_confusion->horizontalHeader()->setStretchLastSection(false);
    m_confusion->setSelectionMode(QAbstractItemView::NoSelection);
    m_model->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_field->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_queue = makeTable(this, QStringLiteral("auditDisagreements"),
                        {tr("Item"), tr("Model"), tr("Dispute"), tr("Reviewers"), tr("Answers"), tr("Final")});
    m_queue->setToolTip(tr("Double-click or press Enter to open the unit in the review window"));
    connect(m_queue, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { openRow(row); });
    connect(m_queue, &QTableWidget::cellActivated, this, [this](int row, int) { openRow(row); });

    // Agreement tab: the statistics, the κ heatmap, the reviewers.
    auto *agreementTab = new QSplitter(Qt::Vertical, this);
    auto *top = new QSplitter(Qt::Horizontal, agreementTab);
    top->addWidget(m_summary);
    auto *heatBox = new QWidget(top);
    auto *heatLayout = new QVBoxLayout(heatBox);
    heatLayout->setContentsMargins(0, 0, 0, 0);
    heatLayout->addWidget(new QLabel(tr("Cohen's κ for each pair of reviewers (units both rated)"), heatBox));
    heatLayout->addWidget(m_heatmap, 1);
    top->addWidget(heatBox);
    agreementTab->addWidget(top);
    agreementTab->addWidget(m_reviewerStats);

    auto *breakdownTab = new QWidget(this);
    auto *breakdownLayout = new QVBoxLayout(breakdownTab);
    auto *byRow = new QHBoxLayout;
    byRow->addWidget(new QLabel(tr("By:"), breakdownTab));
    byRow->addWidget(m_by);
    byRow->addStretch();
    breakdownLayout->addLayout(byRow);
    breakdownLayout->addWidget(m_breakdown, 1);

    auto *confusionTab = new QWidget(this);
    auto *confusionLayout = new QVBoxLayout(confusionTab);
    auto *pairRow = new QHBoxLayout;
    pairRow->addWidget(new QLabel(tr("Rows:"), confusionTab));
    pairRow->addWidget(m_confusionA);
    pairRow->addWidget(new QLabel(tr("Columns:"), confusionTab));
    pairRow->addWidget(m_confusionB);
    pairRow->addStretch();
    confusionLayout->addLayout(pairRow);
    confusionLayout->addWidget(m_confusion, 1);

    m_tabs->addTab(agreementTab, tr("&Agreement"));
    m_tabs->addTab(m_queue, tr("&Disagreements"));
    m_tabs->addTab(breakdownTab, tr("&Breakdown"));
    m_tabs->addTab(confusionTab, tr("&Confusion"));

    auto *refreshButton = new QPushButton(tr("&Refresh"), this);
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Field:"), this));
    controls->addWidget(m_field);
    controls->addWidget(new QLabel(tr("Model:"), this));
    controls->addWidget(m_model);
    controls->addWidget(m_fold);
    controls->addStretch();
    controls->addWidget(refreshButton);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_tabs, 1);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_progress);
    statusRow->addWidget(m_again);
    m_leads->setObjectName(QStringLiteral("auditLeads"));
    statusRow->addWidget(m_leads);
    layout->addLayout(statusRow);

    connect(refreshButton, &QPushButton::clicked, this, &AuditWindow::refresh);
    auto *copy = new QAction(tr("Copy the selected cells"), this);
    copy->setObjectName(QStringLiteral("audit.copy"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WindowShortcut);
    addAction(copy);
    connect(copy, &QAction::triggered, this, &AuditWindow::copySelection);
    for (QComboBox *box : {m_field, m_model, m_by})
        connect(box, &QComboBox::currentIndexChanged, this, &AuditWindow::compute);
    connect(m_fold, &QCheckBox::toggled, this, &AuditWindow::compute);
    for (QComboBox *box : {m_confusionA, m_confusionB})
        connect(box, &QComboBox::currentIndexChanged, this, &AuditWindow::showConfusion);
    resize(1100, 720);
}

AuditWindow::~AuditWindow() = default;

void AuditWindow::setProject(Project *project)
{
    m_project = project;
    if (!m_project) {
        // Results still on their way belong to the old project: drop them.
        m_computing->discard();
        m_again->hide();
        m_snapshot.reset();
        m_results.reset();
        for (QTableWidget *t : {m_summary, m_heatmap, m_reviewerStats, m_breakdown, m_confusion, m_queue})
            t->setRowCount(0);
        m_status->setText(tr("No project open."));
        return;
    }
    refresh();
}

void AuditWindow::refresh()
{
    if (!m_project) {
        m_status->setText(tr("No project open."));
        return;
    }
    const QStringList leads = m_project->leads();
    m_leads->setText(leads.isEmpty() ? tr("No leads named: anyone may adjudicate (name them in Lead ▸ Leads…)")
                                     : tr("Leads (only they adjudicate): %1").arg(leads.join(QLatin1String(", "))));
    // The project is read on the worker thread through a read-only connection of its own, so
    // that a large project never freezes the window.
    Q_EMIT aboutToRead();
    start(m_project->path(), nullptr);
}

void AuditWindow::compute()
{
    if (!m_snapshot)
        return;
    start(QString(), m_snapshot);
}

void AuditWindow::start(const QString &projectPath, std::shared_ptr<const AuditSnapshot> snapshot)
{
    // A computation still running is not waited for: its result is ignored when it arrives.
    // The task holds only values, never this window.
    m_status->setText(snapshot ? tr("Computing…") : tr("Reading the project…"));
    m_again->hide();
    m_cancelledRead = !snapshot;
    AuditOptions o = options();
    const QString modelName = m_model->currentIndex() > 0 ? m_model->currentText() : QString();
    const Breakdown by = parseBreakdown(m_by->currentText()).value_or(Breakdown::Model);
    const auto show = [this](const std::shared_ptr<const Results> &results) {
        if (!results->error.isEmpty()) {
            m_status->setText(tr("Cannot read the project: %1").arg(results->error));
            return;
        }
        m_results = results;
        adoptSnapshot(results->snapshot);
        showResults();
    };
    m_computing->runWithProgress([projectPath, snapshot, o, modelName, by, hook = m_progressHook](Progress &progress) mutable
                                 -> std::shared_ptr<const Results> {
        auto r = std::make_shared<Results>();
        r->snapshot = snapshot;
        if (hook)
            hook(progress);
        try {
            if (!r->snapshot) {
                const std::unique_ptr<Project> project = Project::open(projectPath, true);
                r->snapshot = std::make_shared<const AuditSnapshot>(AuditSnapshot::load(*project, &progress));
            }
        } catch (const Cancelled &) {
            throw; // no result: the window says so
        } catch (const Error &e) {
            r->error = e.message();
            return r;
        }
        // The model by name: ids of one project mean nothing in another.
        o.model = 0;
        for (const ModelRecord &m : r->snapshot->models()) {
            if (m.name == modelName)
                o.model = m.id;
        }
        r->options = o;
        o.statistics.progress = &progress; // the resamples drawn, and Cancel
        r->overall = r->snapshot->agreement(o);
        r->reviewers = r->snapshot->reviewerStats(o.model);
        r->queue = r->snapshot->disagreements(o);
        try {
            std::unique_ptr<WordNet> wordnet;
            std::unique_ptr<Taxonomy> taxonomy;
            if (by == Breakdown::Superclass) {
                wordnet = std::make_unique<WordNet>();
                taxonomy = std::make_unique<Taxonomy>(ClassCatalog::imagenet1k(), *wordnet);
            }
            AuditOptions quick = o;
            // Up to a thousand classes of a few units each: intervals there would say little and cost much.
            if (by == Breakdown::OriginalClass)
                quick.statistics.bootstrapResamples = 0;
            r->breakdown = r->snapshot->breakdown(by, quick, taxonomy.get());
        } catch (const Cancelled &) {
            throw;
        } catch (const Error &e) {
            r->breakdownError = e.message();
        }
        return r;
    }, show);
}

AuditOptions AuditWindow::options() const
{
    AuditOptions o;
    o.field = parseAuditField(m_field->currentText()).value_or(AuditField::Verdict);
    o.foldBorderline = m_fold->isChecked();
    return o;
}

void AuditWindow::adoptSnapshot(std::shared_ptr<const AuditSnapshot> snapshot)
{
    if (snapshot == m_snapshot)
        return;
    m_snapshot = std::move(snapshot);
    const QSignalBlocker a(m_model), b(m_confusionA), c(m_confusionB);
    const QString model = m_model->currentText();
    m_model->clear();
    m_model->addItem(tr("All models"));
    for (const ModelRecord &m : m_snapshot->models())
        m_model->addItem(m.name, m.id);
    m_model->setCurrentText(model);
    const QString a0 = m_confusionA->currentText();
    const QString b0 = m_confusionB->currentText();
    for (QComboBox *box : {m_confusionA, m_confusionB}) {
        box->clear();
        for (const ReviewerRecord &r : m_snapshot->reviewers())
            box->addItem(r.name);
    }
    m_confusionA->setCurrentIndex(std::max(0, m_confusionA->findText(a0)));
    const int keepB = m_confusionB->findText(b0);
    m_confusionB->setCurrentIndex(keepB >= 0 ? keepB : std::min(1, m_confusionB->count() - 1));
}

void AuditWindow::cancel()
{
    m_computing->cancel();
}

void AuditWindow::showCancelled()
{
    m_status->setText(m_results ? tr("Cancelled: the figures shown were computed before.")
                                : tr("Cancelled: the project was not read."));
    m_again->setText(m_cancelledRead || !m_snapshot ? tr("Read &again") : tr("Compute &again"));
    m_again->show();
    m_again->setFocus();
}

void AuditWindow::waitForResults()
{
    m_computing->waitForFinished();
}

std::shared_ptr<const AuditSnapshot> AuditWindow::snapshot() const
{
    return m_snapshot;
}

void AuditWindow::showResults()
{
    if (!m_results || !m_snapshot)
        return;
    const Results &r = *m_results;
    const QVector<ReviewerRecord> &reviewers = m_snapshot->reviewers();

    m_summary->setRowCount(4);
    setRow(m_summary, 0, {tr("Units rated by two or more"), QString::number(r.overall.units), QString()});
    setRow(m_summary, 1, {tr("Percent agreement"), format(r.overall.percentAgreement.value), interval(r.overall.percentAgreement)});
    setRow(m_summary, 2, {tr("Fleiss' κ"), format(r.overall.fleissKappa.value), interval(r.overall.fleissKappa)});
    setRow(m_summary, 3, {tr("Krippendorff's α"), format(r.overall.krippendorffAlpha.value), interval(r.overall.krippendorffAlpha)});
    m_summary->resizeColumnsToContents();

    const int n = int(reviewers.size());
    m_heatmap->clear();
    m_heatmap->setRowCount(n);
    m_heatmap->setColumnCount(n);
    QStringList names;
    for (const ReviewerRecord &rv : reviewers)
        names << rv.name;
    m_heatmap->setHorizontalHeaderLabels(names);
    m_heatmap->setVerticalHeaderLabels(names);
    for (int i = 0; i < n; ++i) {
        auto *self = new QTableWidgetItem(QStringLiteral("—"));
        self->setTextAlignment(Qt::AlignCenter);
        m_heatmap->setItem(i, i, self);
    }
    for (const agreement::PairAgreement &p : r.overall.pairs) {
        for (const auto &[row, column] : {std::pair{p.a, p.b}, std::pair{p.b, p.a}}) {
            auto *cell = new QTableWidgetItem(p.cohenKappa.value ? QString::number(*p.cohenKappa.value, 'f', 2) : tr("n/d"));
            cell->setTextAlignment(Qt::AlignCenter);
            cell->setToolTip(tr("%1 × %2: κ %3 %4 on %5 units; agreement %6")
                                 .arg(names[p.a], names[p.b], format(p.cohenKappa.value), interval(p.cohenKappa))
                                 .arg(p.units)
                                 .arg(format(p.percentAgreement.value)));
            if (p.cohenKappa.value)
                cell->setBackground(heat(*p.cohenKappa.value));
            cell->setForeground(Qt::black);
            m_heatmap->setItem(row, column, cell);
        }
    }
    m_heatmap->resizeColumnsToContents();

    m_reviewerStats->setRowCount(int(r.reviewers.size()));
    for (int i = 0; i < r.reviewers.size(); ++i) {
        const ReviewerStats &s = r.reviewers[i];
        setRow(m_reviewerStats, i,
               {s.name, QString::number(s.items),
                s.medianSecondsPerItem ? QString::number(*s.medianSecondsPerItem, 'f', 1) : QStringLiteral("–"),
                QString::number(s.verdicts[0]), QString::number(s.verdicts[1]), QString::number(s.verdicts[2]),
                QString::number(s.verdicts[3]),
                s.goldAccuracy ? tr("%1% of %2").arg(*s.goldAccuracy * 100.0, 0, 'f', 1).arg(s.goldUnits) : tr("no gold rated")});
    }
    m_reviewerStats->resizeColumnsToContents();

    m_breakdown->setRowCount(int(r.breakdown.size()));
    for (int i = 0; i < r.breakdown.size(); ++i) {
        const BreakdownRow &b = r.breakdown[i];
        setRow(m_breakdown, i,
               {b.group, QString::number(b.result.units), format(b.result.percentAgreement.value),
                format(b.result.fleissKappa.value), format(b.result.krippendorffAlpha.value), interval(b.result.krippendorffAlpha)});
    }
    m_breakdown->resizeColumnsToContents();

    m_queue->setRowCount(int(r.queue.size()));
    for (int i = 0; i < r.queue.size(); ++i) {
        const Disagreement &d = r.queue[i];
        const AuditSnapshot::Unit &u = m_snapshot->units()[std::size_t(d.unit)];
        QStringList answers;
        for (const auto &[rater, review] : u.latest) {
            answers << QStringLiteral("%1: %2").arg(reviewers[rater].name, answerText(review));
        }
        const FinalState f = m_snapshot->finalState(d.unit);
        setRow(m_queue, i,
               {u.fileName, m_snapshot->modelName(u.model), QString::number(d.dispute, 'f', 2), QString::number(d.raters),
                answers.join(QLatin1String("; ")),
                (f.verdict ? toString(*f.verdict) : tr("open")) + QStringLiteral(" (%1)").arg(toString(f.source))});
        m_queue->item(i, 0)->setData(Qt::UserRole, d.unit);
    }
    m_queue->resizeColumnsToContents();
    m_queue->horizontalHeader()->setStretchLastSection(true);
    m_tabs->setTabText(1, tr("&Disagreements (%1)").arg(r.queue.size()));
    showConfusion();
    m_status->setText(r.breakdownError.isEmpty()
                          ? tr("%1 units, %2 reviewers; intervals from %3 bootstrap resamples (seed %4)")
                                .arg(m_snapshot->units().size())
                                .arg(reviewers.size())
                                .arg(r.options.statistics.bootstrapResamples)
                                .arg(r.options.statistics.seed)
                          : r.breakdownError);
}

void AuditWindow::showConfusion()
{
    if (!m_snapshot || !m_results)
        return;
    const int a = m_confusionA->currentIndex();
    const int b = m_confusionB->currentIndex();
    m_confusion->clear();
    if (a < 0 || b < 0) {
        m_confusion->setRowCount(0);
        return;
    }
    const AuditOptions &o = m_results->options;
    QStringList values;
    const agreement::RatingTable table = m_snapshot->table(o.field, m_snapshot->unitsOf(o.model), o.foldBorderline, &values);
    const std::vector<std::vector<qint64>> matrix = agreement::confusion(table, a, b);
    m_confusion->setRowCount(int(matrix.size()));
    m_confusion->setColumnCount(int(matrix.size()));
    m_confusion->setHorizontalHeaderLabels(values);
    m_confusion->setVerticalHeaderLabels(values);
    for (std::size_t r = 0; r < matrix.size(); ++r) {
        for (std::size_t c = 0; c < matrix[r].size(); ++c) {
            auto *cell = new QTableWidgetItem(QString::number(matrix[r][c]));
            cell->setTextAlignment(Qt::AlignCenter);
            if (r == c && matrix[r][c] > 0)
                cell->setBackground(QColor(200, 235, 200));
            m_confusion->setItem(int(r), int(c), cell);
        }
    }
    m_confusion->resizeColumnsToContents();
    qint64 both = 0;
    for (const auto &row : matrix)
        both = std::accumulate(row.begin(), row.end(), both);
    m_confusion->setToolTip(tr("Rows: %1, columns: %2; %3 units rated by both")
                                .arg(m_confusionA->currentText(), m_confusionB->currentText())
                                .arg(both));
}

QString AuditWindow::selectionText() const
{
    // The table with the focus, else the one on the visible tab.
    auto *table = qobject_cast<QTableWidget *>(focusWidget());
    if (!table) {
        const QList<QTableWidget *> visible = m_tabs->currentWidget()->findChildren<QTableWidget *>();
        table = qobject_cast<QTableWidget *>(m_tabs->currentWidget());
        if (!table && !visible.isEmpty())
            table = visible.first();
    }
    if (!table)
        return {};
    QModelIndexList cells = table->selectionModel() ? table->selectionModel()->selectedIndexes() : QModelIndexList();
    const bool all = cells.isEmpty();
    int top = 0, bottom = table->rowCount() - 1, left = 0, right = table->columnCount() - 1;
    if (!all) {
        top = bottom = cells.first().row();
        left = right = cells.first().column();
        for (const QModelIndex &i : cells) {
            top = std::min(top, i.row());
            bottom = std::max(bottom, i.row());
            left = std::min(left, i.column());
            right = std::max(right, i.column());
        }
    }
    // Tab-separated, with the headers, as spreadsheets paste it.
    QStringList lines;
    QStringList header;
    const bool rowHeaders = table->verticalHeader()->isVisible();
    if (rowHeaders)
        header << QString();
    for (int c = left; c <= right; ++c)
        header << (table->horizontalHeaderItem(c) ? table->horizontalHeaderItem(c)->text() : QString());
    lines << header.join(QLatin1Char('\t'));
    for (int r = top; r <= bottom; ++r) {
        QStringList row;
        if (rowHeaders)
            row << (table->verticalHeaderItem(r) ? table->verticalHeaderItem(r)->text() : QString());
        for (int c = left; c <= right; ++c) {
            const QTableWidgetItem *item = table->item(r, c);
            row << (item && (all || table->selectionModel()->isSelected(table->model()->index(r, c))) ? item->text() : QString());
        }
        lines << row.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void AuditWindow::copySelection()
{
    const QString text = selectionText();
    if (!text.isEmpty())
        QGuiApplication::clipboard()->setText(text);
}

void AuditWindow::openRow(int row)
{
    if (!m_snapshot || row < 0 || row >= m_queue->rowCount() || !m_queue->item(row, 0))
        return;
    const int unit = m_queue->item(row, 0)->data(Qt::UserRole).toInt();
    const AuditSnapshot::Unit &u = m_snapshot->units()[std::size_t(unit)];
    Q_EMIT openUnitRequested(u.fileName, m_snapshot->modelName(u.model));
}

} // namespace bagel
