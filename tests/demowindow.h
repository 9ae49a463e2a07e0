#pragma once

#include "demo.h"
#include "imageview.h"
#include "mainwindow.h"
#include "project.h"
#include "settings.h"
#include "testsupport.h"

#include <QTest>

#include <gtest/gtest.h>

#include <memory>

namespace bagel::test {

/**
 * The window tests' fixture: a fresh demo project and settings of its own in a temporary
 * folder (reviewer "ann"), and the real MainWindow opened on it, shown and active.
 */
class DemoWindowTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        projectPath = createDemoProject(dir.path(QStringLiteral("demo")))->path();
        settings = std::make_unique<Settings>(dir.path(QStringLiteral("bagel.ini")));
        settings->setReviewer(QStringLiteral("ann"));
    }

    /** The window, 1200 × 800, on \a path (the demo when empty). */
    std::unique_ptr<MainWindow> openWindow(const QString &path = {})
    {
        auto window = std::make_unique<MainWindow>(*settings);
        window->resize(1200, 800);
        window->show();
        window->activateWindow();
        EXPECT_TRUE(QTest::qWaitForWindowActive(window.get()));
        EXPECT_TRUE(window->openProject(path.isEmpty() ? projectPath : path));
        return window;
    }

    /** Presses \a key as a user would: the event goes to the focused widget and on to the shortcuts. */
    static void press(MainWindow &window, int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
    {
        QTest::keyClick(window.imageView(), Qt::Key(key), modifiers);
    }

    TempDir dir;
    QString projectPath;
    std::unique_ptr<Settings> settings;
};

} // namespace bagel::test
