// bagel-fault-writer PROJECT REVIEWER COUNT
//
// Records COUNT verdicts (0: until killed) through the ReviewWriter, the path the review window
// saves by, and prints `ack NOTE ID` for each as soon as the writer reports it committed: the
// moment the window shows a verdict as saved. The fault tests kill it at random moments, or run
// several at once, and check the project afterwards. Exits 1 on the first failed write, after
// printing `fail MESSAGE`.

#include "project.h"
#include "review/reviewwriter.h"
#include "storage/store.h"

#include <QCoreApplication>
#include <QHash>
#include <QStringList>

#include <cstdio>

using namespace bagel;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 4) {
        std::fprintf(stderr, "usage: bagel-fault-writer PROJECT REVIEWER COUNT\n");
        return 2;
    }
    const QString path = args[1];
    const QString reviewer = args[2];
    const qint64 count = args[3].toLongLong();

    QStringList files;
    QString model;
    {
        const auto project = Project::open(path);
        project->store().forEachItem([&files](const ItemRecord &item) { files << item.fileName; });
        model = project->store().models().value(0).name;
    }
    if (files.isEmpty() || model.isEmpty()) {
        std::fprintf(stderr, "bagel-fault-writer: %s has no items or no model\n", qPrintable(path));
        return 2;
    }

    ReviewWriter writer(path);
    qint64 sent = 0;
    qint64 acknowledged = 0;
    QHash<quint64, QString> notes;
    constexpr int kInFlight = 8; // the window, too, sends before the previous one is committed
    const auto send = [&] {
        while ((count == 0 || sent < count) && notes.size() < kInFlight) {
            ReviewInput in;
            in.fileName = files[int(sent % files.size())];
            in.reviewer = reviewer;
            in.model = model;
            in.verdict = sent % 3 == 0 ? Verdict::Wrong : (sent % 3 == 1 ? Verdict::Correct : Verdict::Unclear);
            if (in.verdict == Verdict::Wrong) {
                in.category = Category::FineGrained;
                in.severity = Severity::Minor;
            }
            if (sent % 5 == 0)
                in.labelChanges = {LabelChange{int(sent % 1000), LabelEdit::Unclear}};
            in.note = QStringLiteral("%1-%2").arg(reviewer).arg(sent);
            notes.insert(writer.record(in), in.note);
            ++sent;
        }
    };
    QObject::connect(&writer, &ReviewWriter::done, &app, [&](quint64 ticket, ReviewId id) {
        std::printf("ack %s %lld\n", qPrintable(notes.take(ticket)), static_cast<long long>(id));
        std::fflush(stdout);
        if (count && ++acknowledged == count) {
            QCoreApplication::quit();
            return;
        }
        send();
    });
    QObject::connect(&writer, &ReviewWriter::failed, &app, [&](quint64, const QString &message) {
        std::printf("fail %s\n", qPrintable(message));
        std::fflush(stdout);
        QCoreApplication::exit(1);
    });
    send();
    return QCoreApplication::exec();
}
