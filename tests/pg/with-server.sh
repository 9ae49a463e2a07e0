#!/usr/bin/env bash
# Runs a test program beside a PostgreSQL server:
# - the server the PG* variables name, when PGHOST or PGSERVICE is set;
# - else a throw-away one made by Debian's pg_virtualenv (postgresql-common);
# - else none: the program is told why (BAGEL_PG_UNAVAILABLE) and its server tests skip,
#   loudly, unless BAGEL_REQUIRE_POSTGRES=1 (as .ci/run sets), which makes them fail.
set -uo pipefail
if [ -n "${PGHOST:-}" ] || [ -n "${PGSERVICE:-}" ]; then
    exec "$@"
fi
if ! command -v pg_virtualenv >/dev/null 2>&1; then
    export BAGEL_PG_UNAVAILABLE="pg_virtualenv was not found (install postgresql and postgresql-common: scripts/install-deps.sh)"
    exec "$@"
fi
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    export BAGEL_PG_UNAVAILABLE="no PostgreSQL server is installed (install postgresql: scripts/install-deps.sh)"
    exec "$@"
fi
# As root pg_virtualenv makes the cluster "regress" under /etc/postgresql: one at a time on a
# machine. Wait for another run's cluster to go (up to ten minutes) rather than fail.
if [ "$(id -u)" = 0 ]; then
    for _ in $(seq 600); do
        ls -d /etc/postgresql/*/regress >/dev/null 2>&1 || break
        sleep 1
    done
fi
# pg_virtualenv's own messages go to stderr; the program's stdout stays its own (bagel-bench's JSON).
exec 3>&1
exec pg_virtualenv -o "max_connections=200" -o "fsync=on" bash -c 'exec "$@" 1>&3 3>&-' bagel-test "$@" 1>&2
