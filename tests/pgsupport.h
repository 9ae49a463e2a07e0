#pragma once

#include <QString>

namespace bagel::test {

/**
 * The server the tests may use (started by tests/pg/with-server.sh), or empty with \a why
 * saying why there is none.
 */
bool serverAvailable(QString *why);

/** Whether a missing server fails the tests rather than skipping them (BAGEL_REQUIRE_POSTGRES=1). */
bool serverRequired();

/** A URI for a new project on the test server, named \a prefix plus a number unique in the run. */
QString serverProjectUri(const QString &prefix);

/** The same server as \a role with \a password (a role the test made). */
QString serverUriAs(const QString &uri, const QString &role, const QString &password);

/** Runs SQL on the test server as its administrator (creating roles, breaking rules on purpose). Throws Error. */
void adminSql(const QString &sql);

} // namespace bagel::test

/**
 * Skips the test when no server is available, with a loud message; fails it instead under
 * BAGEL_REQUIRE_POSTGRES=1. Use at the top of a test or fixture's SetUp().
 */
#define BAGEL_REQUIRE_SERVER()                                                                                     \
    do {                                                                                                           \
        QString bagelWhyNoServer;                                                                                  \
        if (!::bagel::test::serverAvailable(&bagelWhyNoServer)) {                                                  \
            if (::bagel::test::serverRequired())                                                                   \
                FAIL() << "BAGEL_REQUIRE_POSTGRES=1 but no PostgreSQL server: " << bagelWhyNoServer.toStdString(); \
            GTEST_SKIP() << "*** NO POSTGRESQL SERVER: server tests SKIPPED: " << bagelWhyNoServer.toStdString();  \
        }                                                                                                          \
    } while (false)
