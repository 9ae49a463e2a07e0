#include "classsearchpanel.h"

#include "catalog/classcatalog.h"
#include "catalog/classhitmodel.h"
#include "catalog/taxonomy.h"
#include "catalog/wordnet.h"
#include "error.h"
#include "image/thumbnailcache.h"
#include "project.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace bagel {

namespace {

constexpr int kThumbs = 3;

bool isImage(const QString &name)
{
    const QString s = name.section(QLatin1Char('.'), -1).toLower();
    return s == QLatin1String("jpg") || s == QLatin1String("jpeg") || s == QLatin1String("png") || s == QLatin1String("webp")
           || s == QLatin1String("bmp");
}

/** The indexes every window needs, built off the GUI thread when the panel is made. */
struct Indexes
{
    std::shared_ptr<const WordNet> wordnet;
    std::shared_ptr<const Taxonomy> taxonomy;
    std::shared_ptr<const ClassSearch> classes;
};

/** The index of all WordNet nouns, built when the WordNet scope is first chosen. */
using NounIndex = std::shared_ptr<const ClassSearch>;

} // namespace

ClassSearchPanel::ClassSearchPanel(QWidget *parent)
    : QDockWidget(tr("Classes"), parent)
    , m_thumbnails(std::make_shared<const ThumbnailCache>(ThumbnailCache::defaultDirectory(), 128))
    , m_generation(std::make_shared<std::atomic<int>>(0))
    , m_search(new QLineEdit(this))
    , m_scope(new QCheckBox(tr("All WordNet nouns (for an object outside the 1000 classes)"), this))
    , m_results(new QListView(this))
    , m_model(new ClassHitModel(this))
    , m_details(new QLabel(this))
    , m_slider(new QSlider(Qt::Horizontal, this))
    , m_exampleInfo(new QLabel(this))
    , m_trueObject(new QPushButton(tr("This is the true object (fine-grained OOV)"), this))
{
    setObjectName(QStringLiteral("classSearchPanel"));
    // Until the full indexes are built, the 1000 classes are searched without WordNet.
    m_classes = std::make_shared<ClassSearch>(ClassSearch::imagenet(ClassCatalog::imagenet1k()));

    auto *body = new QWidget(this);
    auto *layout = new QVBoxLayout(body);
    layout->setContentsMargins(6, 6, 6, 6);
    m_search->setObjectName(QStringLiteral("classSearchBox"));
    m_search->setPlaceholderText(tr("name, synonym, wnid, index or words of the definition"));
    m_search->setClearButtonEnabled(true);
    layout->addWidget(m_search);
    m_scope->setObjectName(QStringLiteral("wordnetScope"));
    m_scope->setEnabled(false);
    layout->addWidget(m_scope);
    m_results->setObjectName(QStringLiteral("classResults"));
    m_results->setModel(m_model);
    m_results->setUniformItemSizes(true);
    layout->addWidget(m_results, 2);

    auto *buttons = new QGridLayout;
    const auto addButton = [&](const QString &text, const QString &name, int row, int column, auto slot) {
        auto *button = new QPushButton(text, body);
        button->setObjectName(name);
        connect(button, &QPushButton::clicked, this, slot);
        buttons->addWidget(button, row, column);
    };
    addButton(tr("Correct (Enter)"), QStringLiteral("addCorrect"), 0, 0, [this] { requestLabel(LabelEdit::Correct); });
    addButton(tr("Wrong (Shift+Enter)"), QStringLiteral("addWrong"), 0, 1, [this] { requestLabel(LabelEdit::Wrong); });
    addButton(tr("Unclear (Ctrl+Enter)"), QStringLiteral("addUnclear"), 1, 0, [this] { requestLabel(LabelEdit::Unclear); });
    addButton(tr("Remove (Delete)"), QStringLiteral("removeLabel"), 1, 1, [this] { requestLabel(LabelEdit::Remove); });
    layout->addLayout(buttons);
    m_trueObject->setObjectName(QStringLiteral("trueObject"));
    m_trueObject->setToolTip(tr("Records this synset as the real object with your next 'wrong' verdict, category fine-grained OOV"));
    connect(m_trueObject, &QPushButton::clicked, this, [this] {
        if (const ClassHit *hit = selectedHit())
            Q_EMIT trueObjectChosen(hit->wnid(), hit->names.value(0));
    });
    layout->addWidget(m_trueObject);

    m_details->setObjectName(QStringLiteral("classDetails"));
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::RichText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_details, 2);

    auto *strip = new QHBoxLayout;
    for (int i = 0; i < kThumbs; ++i) {
        auto *thumb = new QLabel(body);
        thumb->setObjectName(QStringLiteral("exampleThumb%1").arg(i));
        thumb->setFixedSize(m_thumbnails->size(), m_thumbnails->size());
        thumb->setAlignment(Qt::AlignCenter);
        thumb->setFrameShape(QFrame::StyledPanel);
        strip->addWidget(thumb);
        m_thumbs << thumb;
    }
    layout->addLayout(strip);
    m_slider->setObjectName(QStringLiteral("exampleSlider"));
    m_slider->setRange(0, 0);
    layout->addWidget(m_slider);
    auto *exampleRow = new QHBoxLayout;
    m_exampleInfo->setObjectName(QStringLiteral("exampleInfo"));
    exampleRow->addWidget(m_exampleInfo, 1);
    auto *folder = new QPushButton(tr("Examples folder…"), body);
    folder->setObjectName(QStringLiteral("examplesFolder"));
    folder->setToolTip(tr("A folder in ImageFolder layout (e.g. ImageNet's train set: n01440764/*.JPEG), kept with the project"));
    connect(folder, &QPushButton::clicked, this, &ClassSearchPanel::chooseExamplesFolder);
    exampleRow->addWidget(folder);
    layout->addLayout(exampleRow);
    setWidget(body);

    connect(m_search, &QLineEdit::textChanged, this, &ClassSearchPanel::runQuery);
    connect(m_scope, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            buildNounIndex();
        runQuery();
    });
    connect(m_results->selectionModel(), &QItemSelectionModel::currentChanged, this, &ClassSearchPanel::showSelection);
    connect(m_slider, &QSlider::valueChanged, this, &ClassSearchPanel::showExamples);
    m_search->installEventFilter(this);
    m_results->installEventFilter(this);

    // Build the WordNet-backed indexes of the 1000 classes in the background. The index of all
    // 82,000 nouns is not among them: it holds about 110 MB, and most sessions never search it.
    auto *watcher = new QFutureWatcher<Indexes>(this);
    connect(watcher, &QFutureWatcher<Indexes>::finished, this, [this, watcher] {
        const Indexes built = watcher->result();
        watcher->deleteLater();
        m_wordnet = built.wordnet;
        m_taxonomy = built.taxonomy;
        m_classes = built.classes;
        Q_EMIT classIndexChanged();
        m_scope->setEnabled(m_wordnet && m_wordnet->isAvailable());
        if (!m_scope->isEnabled())
            m_scope->setToolTip(tr("Install WordNet (Debian package wordnet-base) to search all nouns"));
        if (m_scope->isChecked())
            buildNounIndex();
        runQuery();
    });
    watcher->setFuture(QtConcurrent::run([] {
        Indexes built;
        built.wordnet = std::make_shared<const WordNet>();
        const ClassCatalog &catalog = ClassCatalog::imagenet1k();
        built.taxonomy = std::make_shared<const Taxonomy>(catalog, *built.wordnet);
        built.classes = std::make_shared<const ClassSearch>(ClassSearch::imagenet(catalog, built.taxonomy.get()));
        return built;
    }));
}

void ClassSearchPanel::buildNounIndex()
{
    if (m_nouns || m_buildingNouns || !m_wordnet || !m_wordnet->isAvailable())
        return;
    // About a second; until then the 1000 classes answer. Once built, the index is kept.
    m_buildingNouns = true;
    const QString label = m_scope->text();
    m_scope->setText(tr("All WordNet nouns: indexing them…"));
    auto *watcher = new QFutureWatcher<NounIndex>(this);
    connect(watcher, &QFutureWatcher<NounIndex>::finished, this, [this, watcher, label] {
        m_nouns = watcher->result();
        watcher->deleteLater();
        m_buildingNouns = false;
        m_scope->setText(label);
        runQuery();
    });
    watcher->setFuture(QtConcurrent::run([wordnet = m_wordnet]() -> NounIndex {
        return std::make_shared<const ClassSearch>(ClassSearch::wordnet(ClassCatalog::imagenet1k(), *wordnet));
    }));
}

ClassSearchPanel::~ClassSearchPanel()
{
    m_generation->fetch_add(1);
}

void ClassSearchPanel::waitUntilReady()
{
    for (auto *watcher : findChildren<QFutureWatcher<Indexes> *>())
        watcher->waitForFinished();
    QCoreApplication::sendPostedEvents(this);
    QCoreApplication::processEvents(); // may start the noun index, if its scope is already on
    for (auto *watcher : findChildren<QFutureWatcher<NounIndex> *>())
        watcher->waitForFinished();
    QCoreApplication::sendPostedEvents(this);
    QCoreApplication::processEvents();
}

void ClassSearchPanel::setProject(Project *project)
{
    // Another project: nothing of the last one stays (its query, suggestions, item, examples).
    m_project = project;
    m_itemsByClass.clear();
    m_suggestions.clear();
    m_currentImage.clear();
    m_search->clear();
    if (project)
        m_itemsByClass = itemsByClass(*project);
    showSelection();
}

QHash<int, QVector<ItemRecord>> ClassSearchPanel::itemsByClass(Project &project)
{
    QHash<int, QVector<ItemRecord>> items;
    project.store().forEachItem([&](const ItemRecord &item) {
        if (item.originalLabel >= 0)
            items[item.originalLabel] << item; // paths are checked when a class is shown
    });
    return items;
}

void ClassSearchPanel::setItemsByClass(QHash<int, QVector<ItemRecord>> items)
{
    m_itemsByClass = std::move(items);
    showSelection();
}

void ClassSearchPanel::setSuggestions(const QVector<int> &classes, const QString &currentImage)
{
    m_suggestions = classes;
    m_currentImage = currentImage;
    if (m_search->text().trimmed().isEmpty())
        runQuery();
}

void ClassSearchPanel::activate()
{
    show();
    raise();
    m_search->setFocus();
    m_search->selectAll();
}

void ClassSearchPanel::setQuery(const QString &query)
{
    m_search->setText(query);
    runQuery();
}

bool ClassSearchPanel::wordnetScope() const
{
    return m_scope->isChecked();
}

void ClassSearchPanel::setWordnetScope(bool on)
{
    m_scope->setChecked(on);
}

const ClassHit *ClassSearchPanel::selectedHit() const
{
    return m_model->hit(m_results->currentIndex().row());
}

QString ClassSearchPanel::detailsText() const
{
    return m_details->text();
}

void ClassSearchPanel::runQuery()
{
    const QString query = m_search->text();
    QVector<ClassHit> hits;
    if (query.trimmed().isEmpty()) {
        const ClassCatalog &catalog = ClassCatalog::imagenet1k();
        for (const int c : std::as_const(m_suggestions)) {
            if (!catalog.contains(c))
                continue;
            ClassHit hit;
            hit.classIndex = c;
            hit.names = catalog.at(c).names;
            hit.gloss = catalog.at(c).gloss;
            const QByteArray wnid = catalog.at(c).wnid.toLatin1();
            parseWnid(std::string_view(wnid.constData(), std::size_t(wnid.size())), &hit.offset);
            hits << hit;
        }
    } else {
        const std::shared_ptr<const ClassSearch> index = m_scope->isChecked() && m_nouns ? m_nouns : m_classes;
        hits = index->search(query, 100);
    }
    m_model->setHits(hits);
    if (!hits.isEmpty())
        m_results->setCurrentIndex(m_model->index(0));
    else
        showSelection();
}

void ClassSearchPanel::showSelection()
{
    const ClassHit *hit = selectedHit();
    m_trueObject->setEnabled(hit != nullptr);
    if (!hit) {
        m_details->setText(m_search->text().trimmed().isEmpty() ? tr("<i>Type to search the classes.</i>")
                                                                 : tr("<i>No class matches.</i>"));
        m_examples.clear();
        m_slider->setRange(0, 0);
        showExamples(0);
        return;
    }
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    QString html = QStringLiteral("<b>%1</b>").arg(hit->names.join(QLatin1String(", ")).toHtmlEscaped());
    html += QStringLiteral("<br><span style=\"color:gray\">%1%2</span>")
                .arg(hit->wnid(), hit->classIndex >= 0 ? QStringLiteral(" · class %1").arg(hit->classIndex) : tr(" · not one of the 1000 classes"));
    html += QStringLiteral("<p>%1</p>").arg(hit->gloss.toHtmlEscaped());
    if (m_wordnet && m_wordnet->isAvailable()) {
        QStringList chain;
        for (const Synset &s : m_wordnet->hypernymPath(hit->wnid()))
            chain << s.name().toHtmlEscaped();
        if (!chain.isEmpty())
            html += tr("<p><i>Is a:</i> %1</p>").arg(chain.mid(1).join(QStringLiteral(" → ")));
        if (m_taxonomy && hit->classIndex >= 0) {
            const Taxonomy::Neighbours near = m_taxonomy->neighbours(hit->classIndex);
            QStringList names;
            for (const int c : near.classes)
                names << catalog.at(c).name().toHtmlEscaped();
            if (near.ancestor && !names.isEmpty())
                html += tr("<p><i>Other %1 classes:</i> %2</p>").arg(near.ancestor->name().toHtmlEscaped(), names.join(QLatin1String(", ")));
        } else if (m_taxonomy && hit->classIndex < 0) {
            if (const auto synset = m_wordnet->synset(hit->offset)) {
                QStringList names;
                for (const auto &[c, distance] : m_taxonomy->nearestClasses(*synset, 6))
                    names << QStringLiteral("%1 (%2)").arg(catalog.at(c).name().toHtmlEscaped()).arg(distance);
                if (!names.isEmpty())
                    html += tr("<p><i>Nearest ImageNet classes (WordNet steps):</i> %1</p>").arg(names.join(QLatin1String(", ")));
            }
        }
    }
    m_details->setText(html);
    m_examples = hit->classIndex >= 0 ? examplesOf(hit->classIndex, m_currentImage) : QStringList();
    m_slider->setRange(0, std::max<int>(0, int(m_examples.size()) - kThumbs));
    m_slider->setValue(0);
    showExamples(0);
}

QStringList ClassSearchPanel::examplesOf(int classIndex, const QString &exclude) const
{
    // The image under review is never an example of its own label, whatever the path it is reached by.
    const QString excluded = exclude.isEmpty() ? QString() : QFileInfo(exclude).absoluteFilePath();
    const QString excludedCanonical = exclude.isEmpty() ? QString() : QFileInfo(exclude).canonicalFilePath();
    const auto isExcluded = [&](const QString &path) {
        if (excluded.isEmpty())
            return false;
        const QFileInfo info(path);
        if (info.absoluteFilePath() == excluded)
            return true;
        const QString canonical = info.canonicalFilePath();
        return !canonical.isEmpty() && canonical == excludedCanonical;
    };
    QStringList paths;
    if (m_project) {
        for (const ItemRecord &item : m_itemsByClass.value(classIndex)) {
            const QString path = m_project->absoluteImagePath(item);
            if (!isExcluded(path))
                paths << path;
        }
    }
    if (m_project && ClassCatalog::imagenet1k().contains(classIndex)) {
        const QString folder = m_project->examplesFolder();
        if (!folder.isEmpty()) {
            const QDir dir(QDir(folder).filePath(ClassCatalog::imagenet1k().at(classIndex).wnid));
            for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
                if (isImage(name) && !isExcluded(dir.filePath(name)))
                    paths << dir.filePath(name);
            }
        }
    }
    return paths;
}

void ClassSearchPanel::showExamples(int first)
{
    const int generation = m_generation->fetch_add(1) + 1;
    const int total = int(m_examples.size());
    m_exampleInfo->setText(total == 0 ? tr("No example images") : tr("Examples %1–%2 of %3").arg(first + 1).arg(std::min(first + kThumbs, total)).arg(total));
    for (int i = 0; i < kThumbs; ++i) {
        QLabel *label = m_thumbs[i];
        label->clear();
        const int at = first + i;
        if (at >= total)
            continue;
        label->setText(QStringLiteral("…"));
        label->setToolTip(m_examples[at]);
        // Off the GUI thread, the visible ones first; a newer position drops the stale ones.
        auto *watcher = new QFutureWatcher<QImage>(this);
        connect(watcher, &QFutureWatcher<QImage>::finished, this, [this, watcher, label, generation] {
            watcher->deleteLater();
            if (generation != m_generation->load())
                return;
            const QImage image = watcher->result();
            if (image.isNull())
                label->setText(tr("unreadable"));
            else
                label->setPixmap(QPixmap::fromImage(image));
        });
        const std::shared_ptr<const ThumbnailCache> cache = m_thumbnails;
        const QString path = m_examples[at];
        const std::shared_ptr<std::atomic<int>> current = m_generation;
        watcher->setFuture(QtConcurrent::run([cache, path, current, generation] {
            return current->load() == generation ? cache->thumbnail(path) : QImage();
        }));
    }
}

void ClassSearchPanel::chooseExamplesFolder()
{
    if (!m_project || m_project->store().isReadOnly())
        return;
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Examples folder (ImageFolder layout)"),
                                                             m_project->examplesFolder());
    if (folder.isEmpty())
        return;
    try {
        m_project->setExamplesFolder(folder);
    } catch (const Error &e) {
        QMessageBox::warning(this, tr("Examples folder"), tr("The examples folder was not saved: %1").arg(e.message()));
        return;
    }
    showSelection();
}

void ClassSearchPanel::requestLabel(LabelEdit edit)
{
    const ClassHit *hit = selectedHit();
    if (hit && hit->classIndex >= 0)
        Q_EMIT labelRequested(hit->classIndex, edit);
}

bool ClassSearchPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress)
        return QDockWidget::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    const int row = m_results->currentIndex().row();
    switch (key->key()) {
    case Qt::Key_Down:
    case Qt::Key_Up:
        if (watched == m_search) {
            const int next = std::clamp(row + (key->key() == Qt::Key_Down ? 1 : -1), 0, std::max(0, m_model->rowCount() - 1));
            m_results->setCurrentIndex(m_model->index(next));
            return true;
        }
        break;
    case Qt::Key_PageDown:
    case Qt::Key_PageUp:
        m_slider->setValue(m_slider->value() + (key->key() == Qt::Key_PageDown ? kThumbs : -kThumbs));
        return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        requestLabel(key->modifiers() & Qt::ShiftModifier     ? LabelEdit::Wrong
                     : key->modifiers() & Qt::ControlModifier ? LabelEdit::Unclear
                                                              : LabelEdit::Correct);
        return true;
    case Qt::Key_Delete:
        if (watched == m_results || key->modifiers() & Qt::ControlModifier) {
            requestLabel(LabelEdit::Remove);
            return true;
        }
        break;
    case Qt::Key_Escape:
        Q_EMIT dismissed();
        return true;
    default:
        break;
    }
    return QDockWidget::eventFilter(watched, event);
}

} // namespace bagel
