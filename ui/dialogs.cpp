#include "dialogs.h"

#include "error.h"
#include "storage/pglocation.h"

#include <QFileInfo>
#include <QDir>
#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <pwd.h>
#include <unistd.h>

#include <algorithm>

namespace bagel {

QString projectDisplayName(const QString &location)
{
    if (!ServerLocation::isServer(location))
        return QFileInfo(location).fileName();
    try {
        const ServerLocation server = ServerLocation::parse(location);
        // postgresql://user@host:port/db?…: the project, then where it lives.
        const QString afterScheme = server.display.mid(server.display.indexOf(QLatin1String("://")) + 3);
        const QString where = afterScheme.left(afterScheme.indexOf(QLatin1Char('?')));
        return QStringLiteral("%1 (%2)").arg(server.project, where.mid(where.indexOf(QLatin1Char('@')) + 1));
    } catch (const Error &) {
        return QStringLiteral("postgresql://…");
    }
}

QString projectFolder(const QString &location)
{
    return ServerLocation::isServer(location) ? QDir::homePath() : QFileInfo(location).absolutePath();
}

QSize fitOnScreen(const QWidget *widget, QSize wanted)
{
    const QScreen *screen = widget ? widget->screen() : QGuiApplication::primaryScreen();
    if (!screen)
        return wanted;
    // Leave room for the window manager's title bar and frame and a panel or two.
    const QSize room = screen->availableGeometry().size() - QSize(40, 80);
    return {std::max(200, std::min(wanted.width(), room.width())), std::max(150, std::min(wanted.height(), room.height()))};
}

QString accountFullName()
{
    if (const passwd *pw = ::getpwuid(::getuid())) {
        // GECOS: "Full Name,Room,Work phone,Home phone,Other".
        const QString full = QString::fromLocal8Bit(pw->pw_gecos ? pw->pw_gecos : "").section(QLatin1Char(','), 0, 0).trimmed();
        if (!full.isEmpty())
            return full;
        if (pw->pw_name)
            return QString::fromLocal8Bit(pw->pw_name);
    }
    return qEnvironmentVariable("USER");
}

QString askReviewerName(QWidget *parent, const QString &current, bool firstStart)
{
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("reviewerNameDialog"));
    dialog.setWindowTitle(firstStart ? QObject::tr("Welcome to Bagel — who is reviewing?") : QObject::tr("Change reviewer"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *heading = new QLabel(firstStart ? QObject::tr("<b>Welcome to Bagel.</b> Who is reviewing?") : QObject::tr("<b>Change reviewer</b>"), &dialog);
    layout->addWidget(heading);
    auto *explanation = new QLabel(QObject::tr("Your name is stamped on every review you record, so that leads can tell "
                                               "reviewers apart and measure how well they agree. Use the same name on every "
                                               "computer. You can change it later with Edit ▸ Change reviewer."),
                                   &dialog);
    explanation->setWordWrap(true);
    layout->addWidget(explanation);
    auto *edit = new QLineEdit(firstStart && current.isEmpty() ? accountFullName() : current, &dialog);
    edit->setObjectName(QStringLiteral("reviewerName"));
    edit->setPlaceholderText(QObject::tr("Your name"));
    edit->selectAll();
    layout->addWidget(edit);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(!edit->text().trimmed().isEmpty());
    QObject::connect(edit, &QLineEdit::textChanged, ok, [ok](const QString &text) { ok->setEnabled(!text.trimmed().isEmpty()); });
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(fitOnScreen(parent, QSize(460, dialog.sizeHint().height())));
    if (dialog.exec() != QDialog::Accepted)
        return {};
    return edit->text().trimmed();
}

void showTextDialog(QWidget *parent, const QString &objectName, const QString &title, const QString &html)
{
    QDialog dialog(parent);
    dialog.setObjectName(objectName);
    dialog.setWindowTitle(title);
    auto *layout = new QVBoxLayout(&dialog);
    auto *text = new QTextBrowser(&dialog);
    text->setObjectName(objectName + QStringLiteral("Text"));
    text->setOpenExternalLinks(true);
    text->setHtml(html);
    layout->addWidget(text, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    // As tall as the text wants, never taller than the screen: the text scrolls, the button stays.
    text->document()->setTextWidth(640);
    const int wanted = int(text->document()->size().height()) + 120;
    dialog.resize(fitOnScreen(parent, QSize(700, wanted)));
    dialog.exec();
}

void showAbout(QWidget *parent)
{
    const QString html =
        QObject::tr("<h3>Bagel %1</h3>"
                    "<p>Review the remaining mistakes of an image classifier: mark each top-1 prediction "
                    "correct, wrong, unclear or problematic, sort the real mistakes into categories with a "
                    "severity, fix the label set, measure how well reviewers agree, and export the corrected "
                    "multi-labels.</p>"
                    "<p>After Vasudevan et al., <i>When does dough become a bagel? Analyzing the remaining "
                    "mistakes on ImageNet</i>, NeurIPS 2022.</p>"
                    "<p>Bagel carries the ImageNet class list with WordNet 3.0 definitions (WordNet licence, "
                    "Princeton University) and a demo project of freely licensed photos; the licences are "
                    "installed with the documentation.</p>"
                    "<p>Built with Qt %2 (running on %3), OpenCV, SQLite and spdlog.</p>")
            .arg(QApplication::applicationVersion().toHtmlEscaped(), QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion()));
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("aboutDialog"));
    dialog.setWindowTitle(QObject::tr("About Bagel"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *row = new QHBoxLayout;
    auto *icon = new QLabel(&dialog);
    icon->setPixmap(QPixmap(QStringLiteral(":/bagel/icons/bagel-64.png")));
    row->addWidget(icon, 0, Qt::AlignTop);
    auto *text = new QLabel(html, &dialog);
    text->setObjectName(QStringLiteral("aboutText"));
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    text->setOpenExternalLinks(true);
    row->addWidget(text, 1);
    layout->addLayout(row);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    const QSize size = fitOnScreen(parent, QSize(560, 0));
    text->setFixedWidth(size.width() - 64 - 48);
    dialog.resize(size.width(), dialog.sizeHint().height());
    dialog.exec();
}

} // namespace bagel
