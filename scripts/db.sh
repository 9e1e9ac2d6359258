#!/usr/bin/env bash
# Private PostGIS cluster for development and tests, under var/.
# Usage: scripts/db.sh start|stop|status|url
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
set -euo pipefail

root_dir="$(cd "$(dirname "$0")/.." && pwd)"
port="${PGPORT:-54329}"
dbname="${PGDATABASE_NAME:-umecom}"
pgbin="${PGBIN:-/usr/lib/postgresql/15/bin}"
data="$root_dir/var/pgdata"

as_owner() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

prepare_data_dir() {
  mkdir -p "$root_dir/var"
  if [ -s "$(resolved)/PG_VERSION" ]; then return; fi
  if [ -L "$data" ] && [ ! -d "$(resolved)" ]; then rm "$data"; fi  # its temp folder was cleaned
  if [ ! -e "$data" ]; then
    mkdir -p "$data"
    if [ "$(id -u)" = 0 ]; then
      chown postgres: "$data"
      chmod 700 "$data"
      # A clone under a private folder (e.g. /root, or a mktemp -d) cannot be entered by
      # `postgres`: keep the cluster in a private temp folder then, linked from var/.
      if ! as_owner test -w "$data"; then
        rmdir "$data"
        local elsewhere
        elsewhere="$(mktemp -d /tmp/umecom-pgdata.XXXXXX)"
        chown postgres: "$elsewhere"
        ln -s "$elsewhere" "$data"
      fi
    fi
  fi
  as_owner "$pgbin/initdb" -D "$(resolved)" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
}

# The real folder: `postgres` may not be able to pass through the clone to reach var/.
resolved() {
  readlink -f "$data"
}

psql_admin() {
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -h 127.0.0.1 -p "$port" -U postgres "$@"
}

# A quarter of the machine's memory, as PostgreSQL's documentation suggests (at least its
# default 128 MB, at most 8 GB). A million pins' cells and their indexes take 0.9-1.2 GB: with
# the default they came from the OS cache page by page, and a fold of 10,000 changes evicted
# and wrote back 50,000 pages itself. Map views gained too (13.0 -> 9.7-10.3 ms in process),
# until their scans were narrowed to the view's columns: 360 views then took 4.7-5.5 ms a
# statement with either setting (bench/README.md).
shared_buffers_mb() {
  local kb
  kb="$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || true)"
  local mb=$(( ${kb:-0} / 1024 / 4 ))
  if [ "$mb" -lt 128 ]; then mb=128; fi
  if [ "$mb" -gt 8192 ]; then mb=8192; fi
  echo "$mb"
}

# PostgreSQL's own durability: fsync on, as a server that stores citizens' pins needs (with
# fsync off a crash of the machine can leave the cluster corrupt, not only a few commits short).
# The rate limiter's counters do not wait for the disk: their table is UNLOGGED, so their
# commits write no WAL to flush (app/models/ratelimits.py).
start() {
  prepare_data_dir
  local dir
  dir="$(resolved)"
  if ! as_owner "$pgbin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    as_owner "$pgbin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 \
          -c shared_buffers=$(shared_buffers_mb)MB" start >/dev/null
  fi
  if [ -z "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")" ]; then
    psql_admin -d postgres -c "CREATE DATABASE \"$dbname\""
  fi
  psql_admin -d "$dbname" -c "CREATE EXTENSION IF NOT EXISTS postgis"
  echo "PostGIS running on 127.0.0.1:$port (database $dbname, data in $dir)"
}

stop() {
  local dir
  dir="$(resolved)"
  if [ -e "$dir/PG_VERSION" ] && as_owner "$pgbin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    as_owner "$pgbin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    echo "PostGIS stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) as_owner "$pgbin/pg_ctl" -D "$(resolved)" status ;;
  url) echo "postgresql+psycopg://postgres@127.0.0.1:$port/$dbname" ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
