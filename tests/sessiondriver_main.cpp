// bagel-session-driver PROJECT REVIEWER [--churn]
//
// Holds a project open the way the review window does, through the window's ReviewSession: a main
// connection on the main thread that reads (and polls `PRAGMA data_version` every 200 ms, as the
// window's live refresh does) and the session's ReviewWriter, whose thread has its own connection. With --churn, two more threads keep
// opening, reading and closing read-only connections, as the audit, report and class-search
// workers do. Commands arrive one per line on standard input:
//
//   review       records a verdict through the writer; prints `ack NOTE ID` once committed
//                (the moment the window shows "Saved"), or `fail MESSAGE`
//   count        prints `count N`: the reviews the main connection sees
//   fds          prints `fds N`: descriptors of this process whose file was deleted
//                (`/proc/self/fd/* -> … (deleted)`), such as an unlinked write-ahead log
//   quit         waits for the writer, closes everything, exits 0
//
// The session tests start it beside bagel-cli commands and check that every acknowledged
// verdict is seen by the other processes at once and is in the file after everyone quits.

#include "error.h"
#include "project.h"
#include "review/reviewsession.h"
#include "storage/store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QStringList>
#include <QThread>
#include <QTimer>

#include <spdlog/spdlog.h>

#include <atomic>
#include <deque>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

using namespace bagel;

namespace {

void say(const QString &line)
{
    std::printf("%s\n", qPrintable(line));
    std::fflush(stdout);
}

int deletedDescriptors()
{
    int n = 0;
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QString &fd : fds.entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System)) {
        const QString target = QFileInfo(fds.filePath(fd)).symLinkTarget();
        n += target.endsWith(QLatin1String(" (deleted)")) && target.contains(QLatin1String(".bagel"));
    }
    return n;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    spdlog::set_level(spdlog::level::off); // standard output carries the answers
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 3) {
        std::fprintf(stderr, "usage: bagel-session-driver PROJECT REVIEWER [--churn]\n");
        return 2;
    }
    const QString path = args[1];
    const QString reviewer = args[2];
    const bool churn = args.contains(QStringLiteral("--churn"));

    // The window's session: the main connection that reads, and the writer thread with its own.
    ReviewSession session;
    try {
        session.open(Project::open(path));
    } catch (const Error &e) {
        std::fprintf(stderr, "%s\n", qPrintable(e.message()));
        return 1;
    }
    Project *project = session.project();
    session.setReviewer(reviewer);
    QStringList files;
    project->store().forEachItem([&files](const ItemRecord &item) { files << item.fileName; });
    const ModelRecord model = project->store().models().value(0);
    if (files.isEmpty() || model.name.isEmpty()) {
        std::fprintf(stderr, "bagel-session-driver: %s has no items or no model\n", qPrintable(path));
        return 2;
    }

    // The window's live refresh: poll the data version on the main connection.
    QTimer refresh;
    qint64 seenVersion = project->store().dataVersion();
    QObject::connect(&refresh, &QTimer::timeout, &app, [&] {
        const qint64 version = project->store().dataVersion();
        if (version != seenVersion) {
            seenVersion = version;
            project->store().counts();
        }
    });
    refresh.start(200);

    // The window's workers: read-only connections opened and closed over and over.
    std::atomic<bool> stop{false};
    std::atomic<int> churnFailures{0};
    std::vector<std::thread> workers;
    if (churn) {
        for (int w = 0; w < 2; ++w) {
            workers.emplace_back([&, w] {
                while (!stop) {
                    try {
                        const auto reader = Project::open(path, true);
                        reader->store().counts();
                        if (w == 1)
                            reader->allCurrentLabels();
                    } catch (const Error &e) {
                        std::fprintf(stderr, "churn: %s\n", qPrintable(e.message()));
                        ++churnFailures;
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                }
            });
        }
    }

    session.setModel(model.id);
    qint64 sent = 0;
    std::deque<QString> notes; // the writer answers in the order it was asked
    QObject::connect(&session, &ReviewSession::written, &app, [&](ItemId, const QString &, ReviewId id) {
        say(QStringLiteral("ack %1 %2").arg(notes.front()).arg(id));
        notes.pop_front();
    });
    QObject::connect(&session, &ReviewSession::writeFailed, &app, [&](ItemId, const QString &, const QString &message) {
        notes.pop_front();
        say(QStringLiteral("fail %1").arg(QString(message).replace(QLatin1Char('\n'), QLatin1Char(' '))));
    });

    // Standard input on a thread of its own; each command runs on the main thread, in order.
    std::thread input([&] {
        std::string line;
        while (std::getline(std::cin, line)) {
            const QString command = QString::fromStdString(line).trimmed();
            QMetaObject::invokeMethod(&app, [&, command] {
                if (command == QLatin1String("review")) {
                    const QString fileName = files[int(sent % files.size())];
                    ReviewSession::Draft draft;
                    draft.verdict = sent % 2 ? Verdict::Correct : Verdict::Wrong;
                    draft.category = Category::FineGrained;
                    draft.severity = Severity::Minor;
                    draft.note = QStringLiteral("%1-%2").arg(reviewer).arg(sent++);
                    notes.push_back(draft.note);
                    if (const QString refused = session.recordVerdict(project->store().itemByFileName(fileName)->id, fileName, draft);
                        !refused.isEmpty()) {
                        notes.pop_back();
                        say(QStringLiteral("fail %1").arg(refused));
                    }
                } else if (command == QLatin1String("count")) {
                    say(QStringLiteral("count %1").arg(project->store().counts().reviews));
                } else if (command == QLatin1String("fds")) {
                    say(QStringLiteral("fds %1").arg(deletedDescriptors()));
                } else if (command == QLatin1String("quit")) {
                    QCoreApplication::quit();
                }
            });
            if (command == QLatin1String("quit"))
                return;
        }
        QMetaObject::invokeMethod(&app, [] { QCoreApplication::quit(); });
    });

    const int code = QCoreApplication::exec();
    session.flush();
    stop = true;
    for (std::thread &t : workers)
        t.join();
    input.join();
    if (churnFailures > 0) {
        std::fprintf(stderr, "bagel-session-driver: %d read-only opens failed\n", churnFailures.load());
        return 1;
    }
    return code;
}
