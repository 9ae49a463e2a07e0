#pragma once

#include <QMainWindow>

#include <memory>

class QLabel;

namespace bagel {

class Project;

/** Bagel's main window; for now it shows what the open project holds. */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Opens \a path, replacing the current project; shows an error and returns false on failure. */
    bool openProject(const QString &path);

private:
    void chooseProject();
    void refresh();

    std::unique_ptr<Project> m_project;
    QLabel *m_summary = nullptr;
};

} // namespace bagel
