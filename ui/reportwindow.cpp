#include "reportwindow.h"

#include "catalog/classcatalog.h"
#include "dialogs.h"
#include "error.h"
#include "progress.h"
#include "project.h"
#include "report/htmlreport.h"
#include "taskprogress.h"

#include <QAbstractTableModel>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QToolTip>
#include <QVBoxLayout>

namespace bagel {

namespace {

QString percent(const std::optional<double> &value)
{
    return value ? QStringLiteral("%1 %").arg(*value * 100.0, 0, 'f', 2) : QStringLiteral("–");
}

QString number(const QJsonValue &value)
{
    return value.isDouble() ? QString::number(value.toDouble(), 'f', 3) : QCoreApplication::translate("ReportWindow", "not defined");
}

QTableWidgetItem *cell(const QString &text, bool numeric = false)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (numeric)
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidget *newTable(QWidget *parent, const QStringList &headers)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->setWordWrap(false);
    return table;
}

/** "x % of n", or "–" when the figure cannot be computed. */
QString share(const std::optional<double> &value, qint64 items)
{
    return value ? QCoreApplication::translate("ReportWindow", "%1 of %2").arg(percent(value)).arg(items) : QStringLiteral("–");
}

/** Shows \a chart in \a view: the view takes the new chart but only lets go of the old one. */
void replaceChart(QChartView *view, std::unique_ptr<QChart> chart)
{
    QChart *old = view->chart();
    view->setChart(chart.release());
    delete old;
}

QString className(const ClassCatalog &catalog, int index)
{
    if (index < 0 || index >= catalog.size())
        return QString::number(index);
    return QStringLiteral("%1 (%2)").arg(catalog.at(index).name()).arg(index);
}

} // namespace

/** Every confused pair of one model, however many: a table model, not a widget per cell. */
class ConfusedPairModel final : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    void setPairs(const QVector<ConfusedPair> &pairs)
    {
        beginResetModel();
        m_pairs = pairs;
        m_cumulative.resize(pairs.size());
        qint64 total = 0;
        for (const ConfusedPair &p : pairs)
            total += p.count;
        qint64 running = 0;
        for (qsizetype i = 0; i < pairs.size(); ++i) {
            running += pairs[i].count;
            m_cumulative[i] = total ? double(running) / double(total) : 0.0;
        }
        endResetModel();
    }
    const QVector<ConfusedPair> &pairs() const { return m_pairs; }

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_pairs.size()); }
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : 5; }
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
            return {};
        static const char *const headers[] = {QT_TRANSLATE_NOOP("ReportWindow", "rank"), QT_TRANSLATE_NOOP("ReportWindow", "mistakes"),
                                              QT_TRANSLATE_NOOP("ReportWindow", "label"), QT_TRANSLATE_NOOP("ReportWindow", "prediction"),
                                              QT_TRANSLATE_NOOP("ReportWindow", "cumulative share")};
        return QCoreApplication::translate("ReportWindow", headers[section]);
    }
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (!index.isValid() || index.row() >= m_pairs.size())
            return {};
        const ConfusedPair &p = m_pairs[index.row()];
        if (role == Qt::TextAlignmentRole)
            return index.column() == 2 || index.column() == 3 ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
        if (role != Qt::DisplayRole)
            return {};
        const ClassCatalog &catalog = ClassCatalog::imagenet1k();
        switch (index.column()) {
        case 0:
            return index.row() + 1;
        case 1:
            return p.count;
        case 2:
            return className(catalog, p.label);
        case 3:
            return className(catalog, p.prediction);
        default:
            return QStringLiteral("%1 %").arg(m_cumulative[index.row()] * 100.0, 0, 'f', 1);
        }
    }

private:
    QVector<ConfusedPair> m_pairs;
    QVector<double> m_cumulative;
};

struct ReportWindow::Results
{
    std::shared_ptr<const Report> report;
    QString error;
};

ReportWindow::ReportWindow(QWidget *parent)
    : QWidget(parent, Qt::Window)
{
    setObjectName(QStringLiteral("reportWindow"));
    setWindowTitle(tr("Reports"));

    m_model = new QComboBox(this);
    m_model->setObjectName(QStringLiteral("reportModel"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("reportStatus"));
    m_status->setTextFormat(Qt::PlainText);
    m_computing = new LatestResult<std::shared_ptr<const Results>>(this);
    m_writing = new LatestResult<QString>(this);
    m_progress = new TaskProgress(this);
    m_progress->setObjectName(QStringLiteral("reportProgress"));
    m_progress->bar()->setObjectName(QStringLiteral("reportBusy"));
    m_progress->cancelButton()->setObjectName(QStringLiteral("reportCancel"));
    m_progress->cancelButton()->setToolTip(tr("Stop computing the report; the figures shown stay as they were"));
    m_progress->watch(m_computing);
    m_writeProgress = new TaskProgress(this);
    m_writeProgress->setObjectName(QStringLiteral("reportWriteProgress"));
    m_writeProgress->cancelButton()->setToolTip(tr("Stop writing the HTML report; no file is written"));
    m_writeProgress->watch(m_writing);
    m_again = new QPushButton(tr("Compute &again"), this);
    m_again->setObjectName(QStringLiteral("reportComputeAgain"));
    m_again->hide();
    connect(m_writing, &LatestResultBase::cancelled, this, [this] {
        m_saveHtml->setEnabled(m_report != nullptr);
        m_status->setText(tr("Not saved: cancelled."));
    });
    connect(m_computing, &LatestResultBase::progressed, this, [this](const Progress::Snapshot &s) {
        if (!s.cancelled && !s.stage.isEmpty())
            m_status->setText(tr("%1…").arg(s.stage));
    });
    connect(m_computing, &LatestResultBase::cancelled, this, &ReportWindow::showCancelled);
    connect(m_again, &QPushButton::clicked, this, &ReportWindow::refresh);
    m_refresh = new QPushButton(tr("&Refresh"), this);
    m_refresh->setToolTip(tr("Read the project again (F5)"));
    m_saveHtml = new QPushButton(tr("Save &HTML report…"), this);
    m_saveHtml->setToolTip(tr("One self-contained file: every model's figures, tables and charts, the agreement and the disputed units"));
    m_saveHtml->setObjectName(QStringLiteral("reportSaveHtml"));
    m_saveHtml->setEnabled(false); // until there is a report to write
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Model:"), this));
    top->addWidget(m_model);
    top->addWidget(m_status, 1);
    top->addWidget(m_progress);
    top->addWidget(m_writeProgress);
    top->addWidget(m_again);
    top->addWidget(m_refresh);
    top->addWidget(m_saveHtml);

    m_figures = newTable(this, {tr("figure")});
    m_figures->setObjectName(QStringLiteral("reportFigures"));

    m_tabs = new QTabWidget(this);
    m_table2Note = new QLabel(this);
    m_table2Note->setObjectName(QStringLiteral("reportTable2Note"));
    m_pairsNote = new QLabel(this);
    m_pairsNote->setObjectName(QStringLiteral("reportPairsNote"));
    const auto chartPage = [this](QTableWidget *tableWidget, QTableView *tableView, QChartView **view, QLabel *note, charts::Kind kind) {
        auto *page = new QWidget(m_tabs);
        auto *split = new QSplitter(Qt::Horizontal, page);
        if (tableWidget)
            split->addWidget(tableWidget);
        if (tableView)
            split->addWidget(tableView);
        *view = new QChartView(split);
        (*view)->setRenderHint(QPainter::Antialiasing);
        (*view)->setMinimumSize(420, 300);
        split->addWidget(*view);
        split->setChildrenCollapsible(false);
        split->setSizes({tableView ? 480 : 360, 820});
        auto *save = new QPushButton(tr("Save chart as PNG or SVG…"), page);
        connect(save, &QPushButton::clicked, this, [this, kind] { askToSaveChart(kind); });
        auto *buttons = new QHBoxLayout;
        note->setParent(page);
        buttons->addWidget(note);
        buttons->addStretch(1);
        buttons->addWidget(save);
        auto *layout = new QVBoxLayout(page);
        layout->addWidget(split, 1);
        layout->addLayout(buttons);
        return page;
    };

    m_table2 = newTable(this, {tr("category"), tr("major"), tr("minor"), tr("total")});
    m_table2->horizontalHeaderItem(2)->setToolTip(tr("Minor, borderline included, as the paper counts it"));
    m_table2->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // as wide as its columns: see fitTable2()
    m_table2->setObjectName(QStringLiteral("reportTable2"));
    m_tabs->addTab(chartPage(m_table2, nullptr, &m_table2View, m_table2Note, charts::Kind::Table2), tr("Table &2: mistakes by category"));

    m_pairs = new QTableView(this);
    auto *pairsView = m_pairs;
    pairsView->setObjectName(QStringLiteral("reportPairs"));
    pairsView->setModel(new ConfusedPairModel(pairsView));
    pairsView->verticalHeader()->hide();
    pairsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    pairsView->setSelectionMode(QAbstractItemView::SingleSelection);
    pairsView->setToolTip(tr("Double-click a pair to review its items in the main window"));
    pairsView->horizontalHeader()->setStretchLastSection(true);
    pairsView->verticalHeader()->setDefaultSectionSize(pairsView->fontMetrics().height() + 8);
    pairsView->setWordWrap(false);
    const int em = pairsView->fontMetrics().horizontalAdvance(QLatin1Char('m'));
    for (const auto &[column, width] : {std::pair{0, 4}, {1, 6}, {2, 14}, {3, 14}})
        pairsView->setColumnWidth(column, width * em);
    connect(pairsView, &QTableView::activated, this, [this, pairsView](const QModelIndex &index) {
        const auto *model = static_cast<ConfusedPairModel *>(pairsView->model());
        const ModelReport *m = currentModel();
        if (m && index.isValid() && index.row() < model->pairs().size())
            Q_EMIT openPairRequested(m->name, model->pairs()[index.row()].label, model->pairs()[index.row()].prediction);
    });
    m_tabs->addTab(chartPage(nullptr, pairsView, &m_pairsView, m_pairsNote, charts::Kind::ConfusedPairs), tr("&Confused class pairs"));

    m_agreement = newTable(this, {tr("agreement on the verdict, all models"), tr("value")});
    m_agreement->setObjectName(QStringLiteral("reportAgreement"));
    auto *agreementPage = new QWidget(m_tabs);
    auto *agreementLayout = new QVBoxLayout(agreementPage);
    agreementLayout->addWidget(m_agreement, 1);
    auto *more = new QLabel(tr("Lead ▸ Audit gives the 95% intervals, other fields, breakdowns and the disagreement queue."), agreementPage);
    more->setEnabled(false);
    agreementLayout->addWidget(more);
    m_tabs->addTab(agreementPage, tr("&Agreement"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_figures);
    layout->addWidget(m_tabs, 1);

    connect(m_model, &QComboBox::currentIndexChanged, this, &ReportWindow::showModel);
    connect(m_refresh, &QPushButton::clicked, this, &ReportWindow::refresh);
    connect(m_saveHtml, &QPushButton::clicked, this, &ReportWindow::askToSaveHtml);
    auto *f5 = new QShortcut(QKeySequence::Refresh, this);
    connect(f5, &QShortcut::activated, this, &ReportWindow::refresh);
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), this); // Cancel, as in a progress dialog
    connect(escape, &QShortcut::activated, this, &ReportWindow::cancel);
    resize(1200, 800);
}

ReportWindow::~ReportWindow() = default;

void ReportWindow::setProject(Project *project)
{
    m_project = project;
    if (!m_project) {
        m_computing->discard(); // results still on their way belong to the old project
        m_again->hide();
        m_report.reset();
        showReport();
        m_status->setText(tr("No project open."));
        return;
    }
    setWindowTitle(tr("Reports — %1").arg(projectDisplayName(m_project->path())));
    refresh();
}

void ReportWindow::refresh()
{
    if (!m_project) {
        m_status->setText(tr("No project open."));
        return;
    }
    Q_EMIT aboutToRead();
    m_status->setText(tr("Reading the project…"));
    m_again->hide();
    const QString path = m_project->path();
    m_computing->runWithProgress(
        [path, hook = m_progressHook](Progress &progress) -> std::shared_ptr<const Results> {
            auto r = std::make_shared<Results>();
            if (hook)
                hook(progress);
            try {
                const std::unique_ptr<Project> project = Project::open(path, true);
                r->report = std::make_shared<const Report>(computeReport(*project, 0, &progress));
            } catch (const Cancelled &) {
                throw; // no result: the window says so
            } catch (const Error &e) {
                r->error = e.message();
            } catch (const std::exception &e) {
                r->error = QString::fromLocal8Bit(e.what());
            }
            return r;
        },
        [this](const std::shared_ptr<const Results> &results) {
            if (!results->error.isEmpty()) {
                m_status->setText(tr("Cannot read the project: %1").arg(results->error));
                return;
            }
            m_report = results->report;
            showReport();
        });
}

void ReportWindow::waitForResults()
{
    m_computing->waitForFinished();
    m_writing->waitForFinished();
}

bool ReportWindow::isBusy() const
{
    return m_computing->isBusy() || m_writing->isBusy();
}

void ReportWindow::cancel()
{
    m_computing->cancel();
}

void ReportWindow::showCancelled()
{
    m_status->setText(m_report ? tr("Cancelled: the figures shown were read before.") : tr("Cancelled: the report was not computed."));
    m_again->show();
    m_again->setFocus();
}

const ModelReport *ReportWindow::currentModel() const
{
    if (!m_report)
        return nullptr;
    const int index = m_model->currentIndex();
    return index >= 0 && index < m_report->models.size() ? &m_report->models[index] : nullptr;
}

void ReportWindow::showReport()
{
    const QString chosen = m_model->currentText();
    {
        const QSignalBlocker block(m_model);
        m_model->clear();
        if (m_report) {
            for (const ModelReport &m : m_report->models)
                m_model->addItem(m.name);
            m_model->setCurrentIndex(std::max(0, m_model->findText(chosen)));
        }
    }

    // The figures, one column per model, so that models compare at a glance.
    const QVector<ModelReport> models = m_report ? m_report->models : QVector<ModelReport>{};
    m_figures->clear();
    m_figures->setColumnCount(int(models.size()) + 1);
    QStringList headers{tr("figure")};
    for (const ModelReport &m : models)
        headers << m.name;
    m_figures->setHorizontalHeaderLabels(headers);
    const QStringList rows{tr("Top-1 accuracy (original labels)"),  tr("Top-1 accuracy after the review"),
                           tr("Multi-label accuracy, imported"),    tr("Multi-label accuracy, reviewed"),
                           tr("ReaL accuracy"),                     tr("ImageNet-M: still mistakes"),
                           tr("Apparent mistakes that were not mistakes"), tr("Mistakes after the review")};
    m_figures->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        m_figures->setItem(r, 0, cell(rows[r]));
    for (int c = 0; c < models.size(); ++c) {
        const ModelReport &m = models[c];
        const QStringList values{
            share(m.top1, m.top1Items),
            share(m.top1After, m.top1AfterItems),
            share(m.mlaBefore, m.mlaItemsBefore),
            share(m.mlaAfter, m.mlaItemsAfter),
            m.real ? share(m.real, m.realItems) : tr("– (no ReaL labels)"),
            m.imagenetM ? QStringLiteral("%1/%2").arg(*m.imagenetM).arg(m.imagenetMTotal) : tr("– (no ImageNet-M)"),
            tr("%1 of %2 (%3)").arg(m.notMistakes).arg(m.apparentMistakesDecided).arg(percent(m.notMistakesShare)),
            mistakesText(m),
        };
        for (int r = 0; r < values.size(); ++r)
            m_figures->setItem(r, c + 1, cell(values[r], true));
    }
    // As tall as its rows: the figures are read at a glance, never scrolled.
    m_figures->setFixedHeight(m_figures->horizontalHeader()->sizeHint().height()
                              + m_figures->verticalHeader()->defaultSectionSize() * m_figures->rowCount() + 2 * m_figures->frameWidth() + 2);

    // The agreement between reviewers on the verdict.
    m_agreement->setRowCount(0);
    if (m_report) {
        const QJsonObject a = m_report->agreement;
        const auto add = [this](const QString &name, const QString &value) {
            const int row = m_agreement->rowCount();
            m_agreement->insertRow(row);
            m_agreement->setItem(row, 0, cell(name));
            m_agreement->setItem(row, 1, cell(value, true));
        };
        add(tr("Units rated by two or more reviewers"), QString::number(a.value(QStringLiteral("units")).toInteger()));
        add(tr("Percent agreement"), number(a.value(QStringLiteral("percent_agreement"))));
        add(tr("Fleiss' κ"), number(a.value(QStringLiteral("fleiss_kappa"))));
        add(tr("Krippendorff's α"), number(a.value(QStringLiteral("krippendorff_alpha"))));
        for (const QJsonValue &v : a.value(QStringLiteral("cohen_kappa")).toArray()) {
            const QJsonObject p = v.toObject();
            add(tr("Cohen's κ, %1 × %2 (%3 units)")
                    .arg(p.value(QStringLiteral("a")).toString(), p.value(QStringLiteral("b")).toString())
                    .arg(p.value(QStringLiteral("units")).toInteger()),
                number(p.value(QStringLiteral("kappa"))));
        }
    }

    if (m_report) {
        m_status->setText(m_report->models.isEmpty() ? tr("The project has no models: import predictions first.")
                                                     : tr("Read %1.").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    }
    m_saveHtml->setEnabled(m_report != nullptr && !m_writing->isBusy());
    showModel();
}

void ReportWindow::showModel()
{
    const ModelReport *m = currentModel();
    m_table2->setRowCount(0);
    auto *pairs = static_cast<ConfusedPairModel *>(m_pairs->model());
    pairs->setPairs(m ? m->confusedPairs : QVector<ConfusedPair>{});
    if (!m) {
        m_table2Note->clear();
        m_pairsNote->clear();
        replaceChart(m_table2View, std::make_unique<QChart>());
        replaceChart(m_pairsView, std::make_unique<QChart>());
        return;
    }
    const QVector<Table2Row> rows = table2Rows(*m);
    m_table2->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        const Table2Row &row = rows[r];
        const bool open = row.kind == Table2Row::Kind::Open; // no severity to give
        m_table2->setItem(r, 0, cell(row.label));
        m_table2->setItem(r, 1, cell(open ? QString() : QString::number(row.counts.major), true));
        m_table2->setItem(r, 2, cell(open ? QString() : QString::number(row.counts.minor), true));
        m_table2->setItem(r, 3, cell(QString::number(row.counts.total), true));
        if (row.kind == Table2Row::Kind::Total) {
            for (int c = 0; c < 4; ++c) {
                QFont bold = m_table2->item(r, c)->font();
                bold.setBold(true);
                m_table2->item(r, c)->setFont(bold);
            }
        }
    }
    m_table2Note->setText(m->mistakesUnreviewed ? tr("Not reviewed yet: %n apparent mistake(s), not in the table.", nullptr, int(m->mistakesUnreviewed))
                                                : QString());
    QString inPairs = tr("%1 mistakes in %n pair(s)", nullptr, int(m->confusedPairs.size())).arg(m->mistakesInPairs());
    if (m->mistakesOutsidePairs)
        inPairs += tr("; %n more without a known label or top-1", nullptr, int(m->mistakesOutsidePairs));
    m_pairsNote->setText(inPairs);
    fitTable2();
    replaceChart(m_table2View, charts::table2Chart(*m));
    replaceChart(m_pairsView, charts::confusedPairsChart(*m));
    const auto series = m_pairsView->chart()->series();
    if (!series.isEmpty()) {
        if (auto *counts = qobject_cast<QLineSeries *>(series.first()))
            connect(counts, &QLineSeries::hovered, this, &ReportWindow::showPairTip);
    }
}

void ReportWindow::fitTable2()
{
    // Every column in view, the total above all: the splitter may not squeeze the table narrower.
    m_table2->resizeColumnsToContents();
    const int width = m_table2->horizontalHeader()->length() + 2 * m_table2->frameWidth()
                      + m_table2->verticalScrollBar()->sizeHint().width();
    m_table2->setMinimumWidth(width);
}

void ReportWindow::showPairTip(const QPointF &point, bool state)
{
    const ModelReport *m = currentModel();
    if (!state || !m || m->confusedPairs.isEmpty()) {
        QToolTip::hideText();
        return;
    }
    const qsizetype rank = std::clamp<qsizetype>(qRound64(point.x()), 1, m->confusedPairs.size());
    const ConfusedPair &p = m->confusedPairs[rank - 1];
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    QToolTip::showText(QCursor::pos(), tr("#%1: %2 → %3, %n mistake(s)", nullptr, int(p.count))
                                           .arg(rank)
                                           .arg(className(catalog, p.label), className(catalog, p.prediction)),
                       m_pairsView);
}

void ReportWindow::saveChart(charts::Kind kind, const QString &path)
{
    const ModelReport *m = currentModel();
    if (!m)
        throw Error(tr("no report to draw: open a project with predictions"));
    charts::save(charts::chart(kind, *m), path);
}

void ReportWindow::askToSaveChart(charts::Kind kind)
{
    const ModelReport *m = currentModel();
    if (!m || !m_project)
        return;
    const QString png = tr("PNG image (*.png)");
    const QString svg = tr("SVG drawing (*.svg)");
    QString filter = png;
    const QString suggested = QDir(projectFolder(m_project->path())).filePath(charts::fileStem(kind, *m) + QLatin1String(".png"));
    QString path = QFileDialog::getSaveFileName(this, tr("Save the chart"), suggested, png + QLatin1String(";;") + svg, &filter);
    if (path.isEmpty())
        return;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg"))
        path += filter == svg ? QLatin1String(".svg") : QLatin1String(".png");
    try {
        saveChart(kind, path);
        m_status->setText(tr("Saved %1.").arg(QDir::toNativeSeparators(path)));
    } catch (const Error &e) {
        QMessageBox::warning(this, tr("Save the chart"), e.message());
    }
}

void ReportWindow::saveHtml(const QString &path)
{
    if (!m_report || !m_project || m_writing->isBusy())
        return;
    // The charts are drawn here (they are widgets); the file, which reads the reviews again for
    // the agreement and the disputed units, is written on a worker thread.
    const std::shared_ptr<const Report> report = m_report; // held, whatever a refresh does meanwhile
    const QVector<HtmlChart> charts = charts::htmlCharts(*report);
    const QString projectPath = m_project->path();
    m_status->setText(tr("Writing %1…").arg(QDir::toNativeSeparators(path)));
    m_saveHtml->setEnabled(false);
    m_writing->runWithProgress(
        [projectPath, report, charts, path](Progress &progress) -> QString {
            try {
                const std::unique_ptr<Project> project = Project::open(projectPath, true);
                writeHtmlReport(*project, *report, path, charts, &progress);
                return {};
            } catch (const Cancelled &) {
                throw;
            } catch (const Error &e) {
                return e.message().isEmpty() ? QStringLiteral("unknown error") : e.message();
            } catch (const std::exception &e) {
                return QString::fromLocal8Bit(e.what());
            }
        },
        [this, path](const QString &error) {
            m_saveHtml->setEnabled(m_report != nullptr);
            if (error.isEmpty()) {
                m_status->setText(tr("Saved %1.").arg(QDir::toNativeSeparators(path)));
            } else {
                m_status->setText(tr("Not saved: %1").arg(error));
                if (isVisible())
                    QMessageBox::warning(this, tr("Save the HTML report"), error);
            }
        });
}

void ReportWindow::askToSaveHtml()
{
    if (!m_report || !m_project)
        return;
    const QFileInfo project(m_project->path());
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the HTML report"),
                                                      project.absoluteDir().filePath(project.completeBaseName() + QLatin1String("-report.html")),
                                                      tr("HTML (*.html *.htm)"));
    if (!path.isEmpty())
        saveHtml(path);
}

} // namespace bagel
