#include "settings.h"

#include "storage/pglocation.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QStandardPaths>

namespace bagel {

namespace {
const QString kReviewer = QStringLiteral("review/reviewer");
const QString kRecent = QStringLiteral("projects/recent");
const QString kLastServerUri = QStringLiteral("projects/lastServerUri");
const QString kAutoAdvance = QStringLiteral("review/autoAdvance");
const QString kKeepZoom = QStringLiteral("view/keepZoom");
const QString kQueueSortColumn = QStringLiteral("queue/sortColumn");
const QString kQueueSortDescending = QStringLiteral("queue/sortDescending");
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kSplitter = QStringLiteral("window/splitter");
const QString kShortcuts = QStringLiteral("shortcuts");
constexpr int kMaxRecent = 10;

/** Per-project keys are hashed paths: INI keys cannot hold every character a path can. */
/** A file by its absolute path; a server project by its URI (which holds no password). */
QString projectLocation(const QString &project)
{
    return ServerLocation::isServer(project) ? project : QFileInfo(project).absoluteFilePath();
}

QString projectKey(const QString &project)
{
    const QString canonical = projectLocation(project);
    return QStringLiteral("positions/")
           + QString::fromLatin1(QCryptographicHash::hash(canonical.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
}
} // namespace

QString Settings::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/bagel/bagel.ini");
}

Settings::Settings(const QString &path)
    : m_settings(std::make_unique<QSettings>(path, QSettings::IniFormat))
{
}

QString Settings::reviewer() const { return m_settings->value(kReviewer).toString(); }
void Settings::setReviewer(const QString &name) { m_settings->setValue(kReviewer, name); }

QStringList Settings::recentProjects() const { return m_settings->value(kRecent).toStringList(); }

void Settings::addRecentProject(const QString &path)
{
    const QString absolute = projectLocation(path);
    QStringList recent = recentProjects();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    m_settings->setValue(kRecent, recent);
}

void Settings::removeRecentProject(const QString &path)
{
    QStringList recent = recentProjects();
    recent.removeAll(projectLocation(path));
    m_settings->setValue(kRecent, recent);
}

QString Settings::lastServerUri() const { return m_settings->value(kLastServerUri).toString(); }
void Settings::setLastServerUri(const QString &uri) { m_settings->setValue(kLastServerUri, uri); }

QString Settings::lastItem(const QString &project) const { return m_settings->value(projectKey(project)).toString(); }
void Settings::setLastItem(const QString &project, const QString &fileName) { m_settings->setValue(projectKey(project), fileName); }

bool Settings::autoAdvance() const { return m_settings->value(kAutoAdvance, true).toBool(); }
void Settings::setAutoAdvance(bool on) { m_settings->setValue(kAutoAdvance, on); }
bool Settings::keepZoom() const { return m_settings->value(kKeepZoom, false).toBool(); }
void Settings::setKeepZoom(bool on) { m_settings->setValue(kKeepZoom, on); }

QueueSort Settings::queueSort() const
{
    const int column = m_settings->value(kQueueSortColumn, 0).toInt();
    return QueueSort{column >= 0 && column < kQueueColumnCount ? QueueColumn(column) : QueueColumn::File,
                     m_settings->value(kQueueSortDescending, false).toBool()};
}

void Settings::setQueueSort(QueueSort sort)
{
    m_settings->setValue(kQueueSortColumn, int(sort.column));
    m_settings->setValue(kQueueSortDescending, sort.descending);
}

QByteArray Settings::windowGeometry() const { return m_settings->value(kGeometry).toByteArray(); }
void Settings::setWindowGeometry(const QByteArray &geometry) { m_settings->setValue(kGeometry, geometry); }
QByteArray Settings::windowState() const { return m_settings->value(kState).toByteArray(); }
void Settings::setWindowState(const QByteArray &state) { m_settings->setValue(kState, state); }
QByteArray Settings::splitterState() const { return m_settings->value(kSplitter).toByteArray(); }
void Settings::setSplitterState(const QByteArray &state) { m_settings->setValue(kSplitter, state); }

QMap<QString, QKeySequence> Settings::shortcuts() const
{
    QMap<QString, QKeySequence> out;
    m_settings->beginGroup(kShortcuts);
    for (const QString &id : m_settings->childKeys())
        out.insert(id, QKeySequence(m_settings->value(id).toString(), QKeySequence::PortableText));
    m_settings->endGroup();
    return out;
}

void Settings::setShortcut(const QString &actionId, const QKeySequence &keys)
{
    m_settings->setValue(kShortcuts + QLatin1Char('/') + actionId, keys.toString(QKeySequence::PortableText));
}

void Settings::sync() { m_settings->sync(); }
QString Settings::path() const { return m_settings->fileName(); }

} // namespace bagel
