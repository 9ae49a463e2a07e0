// fuzz_replay FOLDER...: runs every file under FOLDER/<target>/ through that fuzz target's
// harness, as libFuzzer would, and prints one line per target. ctest runs it on the seeds and
// on the inputs that once found a bug (fuzz/regressions/), in the ordinary and the sanitizer
// builds, so a fixed bug stays fixed without clang.

#include "harness.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <spdlog/spdlog.h>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    spdlog::set_level(spdlog::level::off);
    const QStringList folders = QCoreApplication::arguments().mid(1);
    if (folders.isEmpty()) {
        std::fprintf(stderr, "usage: fuzz_replay FOLDER...\n");
        return 2;
    }
    int inputs = 0;
    for (const QString &folder : folders) {
        const QDir root(folder);
        if (!root.exists()) {
            std::fprintf(stderr, "fuzz_replay: no folder %s\n", qPrintable(folder));
            return 2;
        }
        for (const QString &target : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            if (!bagel::fuzz::targets().contains(target)) {
                std::fprintf(stderr, "fuzz_replay: %s: no fuzz target '%s' (targets: %s)\n", qPrintable(folder), qPrintable(target),
                             qPrintable(bagel::fuzz::targets().join(QLatin1String(", "))));
                return 2;
            }
            int n = 0;
            for (const QFileInfo &file : QDir(root.filePath(target)).entryInfoList(QDir::Files, QDir::Name)) {
                QFile f(file.filePath());
                if (!f.open(QIODevice::ReadOnly)) {
                    std::fprintf(stderr, "fuzz_replay: cannot read %s\n", qPrintable(file.filePath()));
                    return 2;
                }
                const QByteArray bytes = f.readAll();
                bagel::fuzz::run(target, reinterpret_cast<const std::uint8_t *>(bytes.constData()), std::size_t(bytes.size()));
                ++n;
            }
            std::printf("%s/%s: %d inputs, no crash\n", qPrintable(folder), qPrintable(target), n);
            inputs += n;
        }
    }
    std::printf("%d inputs replayed\n", inputs);
    return inputs > 0 ? 0 : 1;
}
