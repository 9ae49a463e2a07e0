#include "testsupport.h"

#include "import/importer.h"
#include "project.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <gtest/gtest.h>

namespace bagel::test {

QString testData(const QString &relative)
{
    const QString path = QDir(QStringLiteral(BAGEL_TEST_DATA_DIR)).filePath(relative);
    if (!QFileInfo::exists(path))
        ADD_FAILURE() << "test data missing: " << path.toStdString();
    return path;
}

QString makeProject(const TempDir &dir, const QString &name, int items)
{
    const QString path = dir.path(name);
    auto project = Project::create(path);
    QByteArray labels = "file_name\tindex\n";
    QByteArray predictions = "file_name,model,rank,class,score\n";
    for (int i = 0; i < items; ++i) {
        const QByteArray file = QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(i + 1, 8, 10, QLatin1Char('0')).toUtf8();
        labels += file + '\t' + QByteArray::number(i % 1000) + '\n';
        predictions += file + ",m,1," + QByteArray::number((i * 7) % 1000) + ",0.9\n";
    }
    importFile(*project, ImportFormat::Labels, writeFile(dir.path(name + QStringLiteral(".labels.tsv")), labels));
    importFile(*project, ImportFormat::Predictions, writeFile(dir.path(name + QStringLiteral(".predictions.csv")), predictions));
    return path;
}

QString testSource(const QString &relative)
{
    return QDir(QStringLiteral(BAGEL_TEST_SOURCE_DIR)).filePath(relative);
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

QString writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        ADD_FAILURE() << "cannot write " << path.toStdString();
    file.write(bytes);
    return path;
}

QByteArray npyBytes(const QByteArray &descr, bool fortranOrder, const QByteArray &shape, const QByteArray &data)
{
    QByteArray header = "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                        + ", 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64 != 0) // numpy pads the header to a multiple of 64 bytes
        header += ' ';
    header += '\n';
    QByteArray out("\x93NUMPY\x01\x00", 8);
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
    return out + header + data;
}

QByteArray npyFloat32(qint64 rows, qint64 columns, const std::vector<float> &values)
{
    const QByteArray data(reinterpret_cast<const char *>(values.data()), qsizetype(values.size() * sizeof(float)));
    return npyBytes("<f4", false, "(" + QByteArray::number(rows) + ", " + QByteArray::number(columns) + ")", data);
}

QString cliPath()
{
    const QString copy = qEnvironmentVariable("BAGEL_TEST_CLI");
    return copy.isEmpty() ? QStringLiteral(BAGEL_CLI_PATH) : copy;
}

CliResult runCli(const QStringList &arguments, const QString &logDir)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!logDir.isEmpty())
        env.insert(QStringLiteral("XDG_DATA_HOME"), logDir);
    process.setProcessEnvironment(env);
    process.start(cliPath(), arguments);
    CliResult result;
    if (!process.waitForFinished(120000)) {
        ADD_FAILURE() << "bagel-cli did not finish: " << arguments.join(QLatin1Char(' ')).toStdString();
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

TempDir::TempDir()
    : m_dir(std::make_unique<QTemporaryDir>())
{
    if (!m_dir->isValid())
        ADD_FAILURE() << "cannot create a temporary folder";
}

QString TempDir::path(const QString &name) const
{
    return name.isEmpty() ? m_dir->path() : m_dir->filePath(name);
}

} // namespace bagel::test
