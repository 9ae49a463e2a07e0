// bagel-session-driver PROJECT REVIEWER [--churn]
//
// Holds a project open the way the review window does: a main connection on the main thread
// that reads (and polls `PRAGMA data_version` every 200 ms, as the window's live refresh does)
// and a ReviewWriter whose thread has its own connection. With --churn, two more threads keep
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
#include "review/reviewwriter.h"
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

    std::unique_ptr<Project> project;
    try {
        project = Project::open(path);
    } catch (const Error &e) {
        std::fprintf(stderr, "%s\n", qPrintable(e.message()));
        return 1;
    }
    QStringList files;
    project->store().forEachItem([&files](const ItemRecord &item) { files << item.fileName; });
    const QString model = project->store().models().value(0).name;
    if (files.isEmpty() || model.isEmpty()) {
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

    ReviewWriter writer(path);
    qint64 sent = 0;
    QHash<quint64, QString> notes;
    QObject::connect(&writer, &ReviewWriter::done, &app, [&](quint64 ticket, ReviewId id) {
        say(QStringLiteral("ack %1 %2").arg(notes.take(ticket)).arg(id));
    });
    QObject::connect(&writer, &ReviewWriter::failed, &app, [&](quint64 ticket, const QString &message) {
        notes.remove(ticket);
        say(QStringLiteral("fail %1").arg(QString(message).replace(QLatin1Char('\n'), QLatin1Char(' '))));
    });

    // Standard input on a thread of its own; each command runs on the main thread, in order.
    std::thread input([&] {
        std::string line;
        while (std::getline(std::cin, line)) {
            const QString command = QString::fromStdString(line).trimmed();
            QMetaObject::invokeMethod(&app, [&, command] {
                if (command == QLatin1String("review")) {
                    ReviewInput in;
                    in.fileName = files[int(sent % files.size())];
                    in.reviewer = reviewer;
                    in.model = model;
                    in.verdict = sent % 2 ? Verdict::Correct : Verdict::Wrong;
                    if (in.verdict == Verdict::Wrong) {
                        in.category = Category::FineGrained;
                        in.severity = Severity::Minor;
                    }
                    in.note = QStringLiteral("%1-%2").arg(reviewer).arg(sent++);
                    notes.insert(writer.record(in), in.note);
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
    writer.flush();
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
