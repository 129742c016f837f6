#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the storage tests and print how to reach it.
#
#   eval "$(bash .ci/postgres.sh)"        # start; exports LAYANAN_ADUAN_TEST_POSTGRES_DSN
#   bash .ci/postgres.sh stop             # stop the server started above and delete its files
#
# It installs Debian's `postgresql` package when no server binaries are found (needs root),
# creates a cluster under /tmp, starts it on 127.0.0.1 on a free port with trust authentication
# for the test user, and creates the test database. Only `export ...` lines go to stdout, so the
# output can be eval'ed; progress and errors go to stderr.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
}

# Run a server binary as an unprivileged user: PostgreSQL refuses to run as root.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-start}" = "stop" ]; then
    dir=${LAYANAN_ADUAN_TEST_POSTGRES_DIR:?set by the start command; eval its output first}
    bindir=$(find_bindir)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf -- "$dir"
    exit 0
fi

bindir=$(find_bindir)
if [ -z "$bindir" ]; then
    [ "$(id -u)" -eq 0 ] || { log "PostgreSQL is not installed and this is not root"; exit 1; }
    log "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y postgresql >&2
    bindir=$(find_bindir)
    [ -n "$bindir" ] || { log "postgresql installed but initdb not found"; exit 1; }
fi

if [ "$(id -u)" -eq 0 ] && ! getent passwd postgres >/dev/null; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
fi

dir=$(mktemp -d /tmp/layanan-aduan-pg.XXXXXX)
chmod 700 "$dir"
[ "$(id -u)" -ne 0 ] || chown postgres "$dir"

# A free port chosen by the kernel, so a server already on 5432 (or anywhere) is left alone.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
user=layanan_aduan
db=layanan_aduan_test

log "cluster in $dir, port $port ($("$bindir/postgres" --version))"
as_owner "$bindir/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=100" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$db"

echo "export LAYANAN_ADUAN_TEST_POSTGRES_DIR='$dir'"
echo "export LAYANAN_ADUAN_TEST_POSTGRES_DSN='postgresql://$user@127.0.0.1:$port/$db'"
