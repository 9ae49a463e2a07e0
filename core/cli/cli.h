#pragma once

#include <QStringList>

class QTextStream;

namespace bagel::cli {

/**
 * Runs `bagel-cli` with \a arguments (argv, program name first), writing results to \a out
 * and errors to \a err. Returns the process exit status: 0 on success, 1 when the command
 * failed, 2 for a usage error. Every failure prints exactly one line on \a err.
 */
int run(const QStringList &arguments, QTextStream &out, QTextStream &err);

} // namespace bagel::cli
