#include "mainwindow.h"

#include "error.h"
#include "project.h"

#include <QAction>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace bagel {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_summary(new QLabel(this))
{
    setWindowTitle(QStringLiteral("Bagel"));
    m_summary->setAlignment(Qt::AlignCenter);
    m_summary->setTextFormat(Qt::PlainText);
    setCentralWidget(m_summary);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open…"));
    open->setObjectName(QStringLiteral("file.open"));
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, &MainWindow::chooseProject);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setObjectName(QStringLiteral("file.quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    resize(900, 600);
    refresh();
}

MainWindow::~MainWindow() = default;

bool MainWindow::openProject(const QString &path)
{
    try {
        m_project = Project::open(path);
    } catch (const Error &e) {
        QMessageBox::critical(this, tr("Cannot open project"), e.message());
        return false;
    }
    refresh();
    return true;
}

void MainWindow::chooseProject()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), QString(),
                                                      tr("Bagel projects (*.bagel);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::refresh()
{
    if (!m_project) {
        setWindowTitle(QStringLiteral("Bagel"));
        m_summary->setText(tr("No project open.\nFile ▸ Open… a .bagel project, or create one with bagel-cli init."));
        return;
    }
    setWindowTitle(QStringLiteral("%1 — Bagel").arg(m_project->path()));
    const ProjectCounts c = m_project->store().counts();
    m_summary->setText(tr("%1\n\n%2 items · %3 models · %4 predictions · %5 reviews by %6 reviewers")
                           .arg(m_project->path())
                           .arg(c.items)
                           .arg(c.models)
                           .arg(c.predictions)
                           .arg(c.reviews)
                           .arg(c.reviewers));
    statusBar()->showMessage(tr("Opened %1").arg(m_project->path()), 5000);
}

} // namespace bagel
