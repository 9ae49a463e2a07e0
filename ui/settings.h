#pragma once

#include "review/reviewqueue.h"

#include <QByteArray>
#include <QKeySequence>
#include <QMap>
#include <QSettings>
#include <QString>
#include <QStringList>

#include <memory>

namespace bagel {

/**
 * The user's preferences and the window's remembered state, in one INI file whose path is a
 * parameter (tests pass a temporary one). Every key is declared here, typed; nothing else in
 * Bagel looks a setting up by string.
 */
class Settings
{
public:
    /** The default file: `<ConfigLocation>/bagel/bagel.ini`. */
    static QString defaultPath();

    explicit Settings(const QString &path = defaultPath());

    QString reviewer() const;
    void setReviewer(const QString &name);

    QStringList recentProjects() const;
    /** Moves \a path to the front of the recent projects (at most 10). */
    void addRecentProject(const QString &path);
    /** The server URI last opened with File ▸ Open server project (without a password). */
    QString lastServerUri() const;
    void setLastServerUri(const QString &uri);
    void removeRecentProject(const QString &path);

    /** The file name the reviewer was at when \a project was last closed. */
    QString lastItem(const QString &project) const;
    void setLastItem(const QString &project, const QString &fileName);

    bool autoAdvance() const;
    void setAutoAdvance(bool on);
    bool keepZoom() const;
    void setKeepZoom(bool on);
    /** The column the queue is sorted by, and which way. */
    QueueSort queueSort() const;
    void setQueueSort(QueueSort sort);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);
    QByteArray splitterState() const;
    void setSplitterState(const QByteArray &state);

    /** Shortcut overrides by action id; an action without one keeps its default. */
    QMap<QString, QKeySequence> shortcuts() const;
    void setShortcut(const QString &actionId, const QKeySequence &keys);

    void sync();
    QString path() const;

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace bagel
