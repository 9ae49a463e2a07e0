#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <ostream>
#include <vector>

/** Lets GoogleTest print QStrings in failure messages. */
inline void PrintTo(const QString &text, std::ostream *os)
{
    *os << '"' << text.toStdString() << '"';
}
inline void PrintTo(const QByteArray &bytes, std::ostream *os)
{
    *os << '"' << bytes.toStdString() << '"';
}

namespace bagel::test {

/** A file of the repository's test data (`tests/data/<relative>`); fails the test if missing. */
QString testData(const QString &relative);

/** A file of the tests' own sources (`tests/<relative>`), such as a fixture. */
QString testSource(const QString &relative);

/** SHA-256 of a file's bytes, hex. */
QByteArray fileHash(const QString &path);

/** Writes \a bytes to \a path, creating folders; returns \a path. */
QString writeFile(const QString &path, const QByteArray &bytes);

/** A version-1 `.npy` file as numpy.save writes it: \a shape like "(2, 3)", \a data the raw values. */
QByteArray npyBytes(const QByteArray &descr, bool fortranOrder, const QByteArray &shape, const QByteArray &data);

/** A row-major float32 `.npy` of \a rows × \a columns values. */
QByteArray npyFloat32(qint64 rows, qint64 columns, const std::vector<float> &values);

/** The path of the bagel-cli binary built with the tests, or of the copy named by `BAGEL_TEST_CLI`. */
QString cliPath();

/** Result of running bagel-cli in a child process. */
struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

/** Runs bagel-cli with \a arguments in a child process (logging to \a logDir). */
CliResult runCli(const QStringList &arguments, const QString &logDir = {});

/** A temporary folder that lives as long as the test. */
class TempDir
{
public:
    TempDir();
    QString path(const QString &name = {}) const;

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

/**
 * A project file \a name in \a dir holding \a items validation images (labels 0..999 in turn)
 * and one model `m` whose top-1 for item i is class 7·i mod 1000. Returns its path.
 */
QString makeProject(const TempDir &dir, const QString &name, int items);

} // namespace bagel::test
