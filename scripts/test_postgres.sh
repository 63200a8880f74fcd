#!/usr/bin/env bash
# Run the test suite against a throwaway PostgreSQL cluster.
#
# Usage: scripts/test_postgres.sh [pytest args...]
#
# The cluster lives in a temp dir, listens only on 127.0.0.1 with trust auth,
# and is stopped and deleted on exit. pytest's exit code is preserved.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"

# Prefer the versioned binaries; /usr/bin/pg_isready may belong to another major version.
for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [[ -x "$dir/pg_ctl" ]]; then
        PATH="$dir:$PATH"
        break
    fi
done
for tool in initdb pg_ctl pg_isready; do
    command -v "$tool" >/dev/null || { echo "test_postgres: $tool not found (install PostgreSQL)" >&2; exit 2; }
done

PGTMP="$(mktemp -d -t pgtest.XXXXXX)"
PGDATA="$PGTMP/data"
LOGFILE="$PGTMP/postgres.log"

# initdb and postgres refuse to run as root, so a root caller (CI, containers)
# runs the cluster as the `postgres` OS user, which must own the temp dir.
as_pg() { "$@"; }
if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || { echo "test_postgres: running as root but no 'postgres' user exists" >&2; exit 2; }
    chown postgres: "$PGTMP"
    chmod 700 "$PGTMP"
    as_pg() { runuser -u postgres -- "$@"; }
fi

cleanup() {
    local status=$?
    if [[ -f "$PGDATA/postmaster.pid" ]]; then
        as_pg pg_ctl -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PGTMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

echo "test_postgres: initdb in $PGDATA" >&2
as_pg initdb -D "$PGDATA" --auth=trust -U postgres --encoding=UTF8 --no-instructions >"$PGTMP/initdb.log" 2>&1 || {
    cat "$PGTMP/initdb.log" >&2
    exit 2
}

# Another process may grab the free port between probing and binding, so retry a few times.
started=""
for attempt in 1 2 3; do
    PGPORT="$(free_port)"
    if as_pg pg_ctl -D "$PGDATA" -l "$LOGFILE" -w -t 30 \
        -o "-k $PGTMP -p $PGPORT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
        started=1
        break
    fi
    echo "test_postgres: start attempt $attempt on port $PGPORT failed" >&2
done
if [[ -z "$started" ]]; then
    cat "$LOGFILE" >&2 || true
    exit 2
fi

# pg_ctl -w already waited, but double-check that TCP (what Django uses) answers.
for _ in $(seq 1 50); do
    pg_isready -q -h 127.0.0.1 -p "$PGPORT" -U postgres && break
    sleep 0.2
done
pg_isready -q -h 127.0.0.1 -p "$PGPORT" -U postgres || { cat "$LOGFILE" >&2; exit 2; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/chat"
echo "test_postgres: PostgreSQL ready, DATABASE_URL=$DATABASE_URL" >&2

# `|| status=$?` keeps set -e from exiting before we record pytest's code.
status=0
cd "$ROOT"
"$PYTHON" -m pytest "$@" || status=$?
exit "$status"
