#include "queuepanel.h"

#include "catalog/classcatalog.h"
#include "catalog/classsearch.h"
#include "review/queuelistmodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace bagel {

namespace {

QLineEdit *classField(QWidget *parent, const QString &objectName)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(QueuePanel::tr("class or group: dog, terrier, n02099601, 207"));
    edit->setToolTip(QueuePanel::tr("A class's name, wnid or index, or a WordNet group (every class under it: dog, terrier, "
                                    "bird). Several, separated by commas. Filters as you type."));
    edit->setClearButtonEnabled(true);
    return edit;
}

QLabel *hintLabel(QWidget *parent, const QString &objectName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->hide();
    return label;
}

/** The class set as text the search reads back: its wnids. */
QString classesText(const std::optional<QSet<int>> &classes)
{
    if (!classes)
        return {};
    QList<int> sorted(classes->begin(), classes->end());
    std::sort(sorted.begin(), sorted.end());
    QStringList wnids;
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    for (int c : std::as_const(sorted)) {
        if (catalog.contains(c))
            wnids << catalog.at(c).wnid;
    }
    return wnids.join(QLatin1String(", "));
}

} // namespace

QueuePanel::QueuePanel(QueueListModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_classes(std::make_shared<const ClassSearch>(ClassSearch::imagenet(ClassCatalog::imagenet1k())))
    , m_setAside(new QWidget(this))
    , m_setAsideText(new QLabel(m_setAside))
    , m_modelBox(new QComboBox(this))
    , m_mistakesOnly(new QCheckBox(tr("Model mistakes only"), this))
    , m_notReviewed(new QCheckBox(tr("Not yet reviewed by me"), this))
    , m_assignedToMe(new QCheckBox(tr("Assigned to me"), this))
    , m_verdictFilter(new QComboBox(this))
    , m_categoryFilter(new QComboBox(this))
    , m_originalFilter(classField(this, QStringLiteral("originalFilter")))
    , m_originalHint(hintLabel(this, QStringLiteral("originalHint")))
    , m_predictedFilter(classField(this, QStringLiteral("predictedFilter")))
    , m_predictedHint(hintLabel(this, QStringLiteral("predictedHint")))
    , m_search(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_progress(new QProgressBar(this))
    , m_progressText(new QLabel(this))
{
    setObjectName(QStringLiteral("queuePanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    // When a disagreement or a "go to" needs an item the filters hide, they are set aside, visibly.
    m_setAside->setObjectName(QStringLiteral("filtersSetAside"));
    m_setAside->setStyleSheet(QStringLiteral("#filtersSetAside { background: #fff3cd; border: 1px solid #e0c36b; }"));
    auto *asideLayout = new QVBoxLayout(m_setAside);
    asideLayout->setContentsMargins(6, 4, 6, 4);
    m_setAsideText->setWordWrap(true);
    asideLayout->addWidget(m_setAsideText);
    auto *restore = new QPushButton(tr("Back to my queue"), m_setAside);
    restore->setObjectName(QStringLiteral("restoreFilters"));
    restore->setToolTip(tr("Puts back the model, the filters and the item you were at"));
    asideLayout->addWidget(restore);
    m_setAside->hide();
    layout->addWidget(m_setAside);

    auto *form = new QFormLayout;
    m_modelBox->setObjectName(QStringLiteral("modelFilter"));
    form->addRow(tr("Model"), m_modelBox);
    m_mistakesOnly->setObjectName(QStringLiteral("mistakesOnly"));
    m_mistakesOnly->setChecked(true);
    m_mistakesOnly->setToolTip(tr("Items whose top-1 is not among the correct or unclear labels"));
    form->addRow(m_mistakesOnly);
    m_notReviewed->setObjectName(QStringLiteral("notReviewedByMe"));
    form->addRow(m_notReviewed);
    m_assignedToMe->setObjectName(QStringLiteral("assignedToMe"));
    m_assignedToMe->setToolTip(tr("Only the units a lead assigned to you in this model (bagel-cli assign)"));
    m_assignedToMe->hide();
    form->addRow(m_assignedToMe);
    m_verdictFilter->setObjectName(QStringLiteral("verdictFilter"));
    m_verdictFilter->addItem(tr("any"));
    m_verdictFilter->addItems(verdictNames());
    form->addRow(tr("My verdict"), m_verdictFilter);
    m_categoryFilter->setObjectName(QStringLiteral("categoryFilter"));
    m_categoryFilter->addItem(tr("any"));
    m_categoryFilter->addItems(categoryNames());
    form->addRow(tr("My category"), m_categoryFilter);
    form->addRow(tr("Original class"), m_originalFilter);
    form->addRow(m_originalHint);
    form->addRow(tr("Predicted class"), m_predictedFilter);
    form->addRow(m_predictedHint);
    m_search->setObjectName(QStringLiteral("searchBox"));
    m_search->setPlaceholderText(tr("file name contains…"));
    m_search->setClearButtonEnabled(true);
    form->addRow(tr("Search"), m_search);
    layout->addLayout(form);

    // A compact table: one line per item, a fixed row height (what keeps 50,000 rows fast:
    // the view never measures a row), sorted by clicking a header.
    m_table->setObjectName(QStringLiteral("queueList"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->setFocusPolicy(Qt::NoFocus); // arrows and letters belong to the review actions
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionsClickable(true);
    header->setSortIndicatorShown(true);
    header->setSortIndicator(0, Qt::AscendingOrder);
    header->setHighlightSections(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(false);
    const int digit = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    const int widths[kQueueColumnCount] = {22 * digit, 14 * digit, 14 * digit, 7 * digit, 7 * digit, 9 * digit, 7 * digit};
    for (int c = 0; c < kQueueColumnCount; ++c)
        header->resizeSection(c, widths[c]);
    layout->addWidget(m_table, 1);

    m_progress->setObjectName(QStringLiteral("progress"));
    layout->addWidget(m_progress);
    m_progressText->setObjectName(QStringLiteral("progressText"));
    m_progressText->setWordWrap(true);
    layout->addWidget(m_progressText);

    connect(restore, &QPushButton::clicked, this, &QueuePanel::restoreRequested);
    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex &index) { Q_EMIT positionClicked(index.row()); });
    connect(header, &QHeaderView::sortIndicatorChanged, this, &QueuePanel::sortChanged);
    connect(m_modelBox, &QComboBox::currentIndexChanged, this, &QueuePanel::modelChanged);
    for (QCheckBox *box : {m_mistakesOnly, m_notReviewed, m_assignedToMe})
        connect(box, &QCheckBox::toggled, this, &QueuePanel::filterChanged);
    for (QComboBox *box : {m_verdictFilter, m_categoryFilter})
        connect(box, &QComboBox::currentIndexChanged, this, &QueuePanel::filterChanged);
    for (QLineEdit *edit : {m_originalFilter, m_predictedFilter}) {
        connect(edit, &QLineEdit::textChanged, this, [this] {
            resolveClasses();
            Q_EMIT filterChanged();
        });
    }
    connect(m_search, &QLineEdit::textChanged, this, &QueuePanel::filterChanged);
}

QueuePanel::~QueuePanel() = default;

void QueuePanel::setClassSearch(std::shared_ptr<const ClassSearch> search)
{
    if (!search)
        return;
    m_classes = std::move(search);
    const bool classFilters = !m_originalFilter->text().trimmed().isEmpty() || !m_predictedFilter->text().trimmed().isEmpty();
    resolveClasses();
    if (classFilters)
        Q_EMIT filterChanged(); // `dog` means more once the WordNet groups are known
}

void QueuePanel::resolveClasses()
{
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    const auto resolve = [&](QLineEdit *edit, QLabel *hint, ClassQuery &query) {
        const QString text = edit->text().trimmed();
        query = text.isEmpty() ? ClassQuery{} : resolveClassQuery(*m_classes, catalog, text);
        hint->setVisible(!text.isEmpty());
        hint->setText(query.summary);
        hint->setStyleSheet(query.matchesNothing ? QStringLiteral("color: #c0392b") : QStringLiteral("color: palette(mid)"));
        edit->setStyleSheet(query.matchesNothing ? QStringLiteral("QLineEdit { border: 1px solid #c0392b; }") : QString());
        edit->setToolTip(query.summary.isEmpty() ? QString() : query.summary);
    };
    resolve(m_originalFilter, m_originalHint, m_original);
    resolve(m_predictedFilter, m_predictedHint, m_predicted);
}

QueueFilter QueuePanel::filter() const
{
    QueueFilter filter;
    filter.mistakesOnly = m_mistakesOnly->isChecked();
    filter.notReviewedByMe = m_notReviewed->isChecked();
    filter.assignedToMeOnly = m_assignedToMe->isChecked();
    if (m_verdictFilter->currentIndex() > 0)
        filter.verdict = parseVerdict(m_verdictFilter->currentText());
    if (m_categoryFilter->currentIndex() > 0)
        filter.category = parseCategory(m_categoryFilter->currentText());
    // A name that matches nothing filters everything out (and says so under the field).
    if (!m_originalFilter->text().trimmed().isEmpty())
        filter.originalClasses = m_original.matchesNothing ? QSet<int>{} : m_original.classes;
    if (!m_predictedFilter->text().trimmed().isEmpty())
        filter.predictedClasses = m_predicted.matchesNothing ? QSet<int>{} : m_predicted.classes;
    filter.search = m_search->text().trimmed();
    return filter;
}

void QueuePanel::setFilter(const QueueFilter &filter)
{
    Fields f;
    f.model = m_modelBox->currentIndex();
    f.mistakesOnly = filter.mistakesOnly;
    f.notReviewedByMe = filter.notReviewedByMe;
    f.assignedToMe = filter.assignedToMeOnly;
    f.verdict = filter.verdict ? int(verdictNames().indexOf(toString(*filter.verdict))) + 1 : 0;
    f.category = filter.category ? int(categoryNames().indexOf(toString(*filter.category))) + 1 : 0;
    f.original = classesText(filter.originalClasses);
    f.predicted = classesText(filter.predictedClasses);
    f.search = filter.search;
    setFields(f);
}

QueuePanel::Fields QueuePanel::fields() const
{
    return Fields{m_modelBox->currentIndex(),     m_mistakesOnly->isChecked(),      m_notReviewed->isChecked(),
                  m_assignedToMe->isChecked(),     m_verdictFilter->currentIndex(), m_categoryFilter->currentIndex(),
                  m_originalFilter->text(),        m_predictedFilter->text(),       m_search->text()};
}

void QueuePanel::setFields(const Fields &f)
{
    const QSignalBlocker a(m_mistakesOnly), b(m_notReviewed), c(m_verdictFilter), d(m_categoryFilter), e(m_search),
        g(m_originalFilter), h(m_predictedFilter), i(m_modelBox), j(m_assignedToMe);
    if (f.model >= 0 && f.model < m_modelBox->count())
        m_modelBox->setCurrentIndex(f.model);
    m_mistakesOnly->setChecked(f.mistakesOnly);
    m_notReviewed->setChecked(f.notReviewedByMe);
    m_assignedToMe->setChecked(f.assignedToMe && !m_assignedToMe->isHidden());
    m_verdictFilter->setCurrentIndex(f.verdict);
    m_categoryFilter->setCurrentIndex(f.category);
    m_originalFilter->setText(f.original);
    m_predictedFilter->setText(f.predicted);
    m_search->setText(f.search);
    resolveClasses();
}

QueueSort QueuePanel::sort() const
{
    const QHeaderView *header = m_table->horizontalHeader();
    const int column = header->sortIndicatorSection();
    return QueueSort{column >= 0 && column < kQueueColumnCount ? QueueColumn(column) : QueueColumn::File,
                     header->sortIndicatorOrder() == Qt::DescendingOrder};
}

void QueuePanel::setSort(QueueSort sort)
{
    const QSignalBlocker block(m_table->horizontalHeader());
    m_table->horizontalHeader()->setSortIndicator(int(sort.column), sort.descending ? Qt::DescendingOrder : Qt::AscendingOrder);
}

void QueuePanel::showPosition(int position)
{
    const QModelIndex index = m_model->index(position, 0);
    if (!index.isValid()) {
        m_table->clearSelection();
        return;
    }
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

void QueuePanel::repaintTable()
{
    m_table->doItemsLayout();
    m_table->viewport()->repaint();
}

int QueuePanel::rowsPerPage() const
{
    const int rowHeight = std::max(1, m_table->verticalHeader()->defaultSectionSize());
    return std::max(1, m_table->viewport()->height() / rowHeight - 1);
}

void QueuePanel::setAssignedCount(int count)
{
    const QSignalBlocker block(m_assignedToMe);
    m_assignedToMe->setText(tr("Assigned to me (%n)", nullptr, count));
    m_assignedToMe->setVisible(count > 0);
    if (count == 0)
        m_assignedToMe->setChecked(false);
}

void QueuePanel::setProgress(int reviewed, int total, const QString &text)
{
    m_progress->setRange(0, std::max(total, 1));
    m_progress->setValue(reviewed);
    m_progress->setFormat(tr("%1 / %2 reviewed").arg(reviewed).arg(total));
    m_progressText->setText(text);
}

void QueuePanel::showSetAside(const QString &message)
{
    m_setAsideText->setText(message);
    m_setAside->show();
}

void QueuePanel::hideSetAside()
{
    m_setAside->hide();
}

} // namespace bagel
