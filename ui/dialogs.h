#pragma once

#include <QSize>
#include <QString>

class QWidget;

namespace bagel {

/** What the window calls a project: a file's name, or a server project's name and where it lives. */
QString projectDisplayName(const QString &location);
/** Where file dialogs about a project start: the project file's folder, or the home folder for a server project. */
QString projectFolder(const QString &location);

/** \a wanted, made smaller where needed so that a window of that size fits on \a widget's screen. */
QSize fitOnScreen(const QWidget *widget, QSize wanted);

/**
 * The full name of the account running Bagel (its GECOS field), else the login name, else
 * empty: what the first-start prompt suggests as the reviewer's name.
 */
QString accountFullName();

/**
 * Asks for the reviewer's name. \a firstStart explains what the name is for and suggests the
 * account's full name; otherwise \a current is offered for editing. Empty when cancelled.
 */
QString askReviewerName(QWidget *parent, const QString &current, bool firstStart);

/** A scrollable, screen-sized dialog of rich \a html text with a Close button. */
void showTextDialog(QWidget *parent, const QString &objectName, const QString &title, const QString &html);

/** Help ▸ About: the version, what Bagel is, the data it carries and their licences. */
void showAbout(QWidget *parent);

} // namespace bagel
