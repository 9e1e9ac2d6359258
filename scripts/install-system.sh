#!/usr/bin/env bash
# Installs the system packages the app needs when they are missing (Debian/Ubuntu, root or sudo).
# Usage: scripts/install-system.sh [--browser | --bench]
set -euo pipefail

need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
command -v psql >/dev/null || need+=(postgresql-client-15)
if [ "${1:-}" = "--browser" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
fi
# `make bench` compares the GeoJSON export with Debian's ogr2ogr (the app uses pyogrio's GDAL).
# `make bench-http` runs Supercluster under Debian's Node (/usr/bin/node) for comparison.
if [ "${1:-}" = "--bench" ]; then
  command -v ogr2ogr >/dev/null || need+=(gdal-bin)
  [ -x /usr/bin/node ] || need+=(nodejs)
fi
command -v node >/dev/null || need+=(nodejs npm)
[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${need[@]}"
