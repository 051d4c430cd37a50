#!/usr/bin/env bash
# Build the Linux bundle if it is missing or older than the sources, then run its offscreen self-test.
# Exit status is the self-test's: 0 only when every step passed. Used by .ci/run.
#
#   bash packaging/check-bundle.sh           # build if needed, then dist/pigeonhole/pigeonhole --self-test
#   REBUILD=1 bash packaging/check-bundle.sh # always build
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/dist/pigeonhole/pigeonhole"

needs_build() {
  [ "${REBUILD:-0}" = "1" ] && return 0
  [ -x "$BIN" ] || return 0
  # Anything that goes into the bundle changed since it was built?
  [ -n "$(find "$ROOT/app" "$ROOT/pyproject.toml" "$ROOT/packaging/pigeonhole.spec" \
            "$ROOT/packaging/bundle_manifest.py" "$ROOT/packaging/entry.py" "$ROOT/packaging/make_icons.py" \
            -newer "$BIN" -type f ! -path '*/__pycache__/*' -print -quit)" ]
}

if needs_build; then
  bash "$ROOT/packaging/build.sh"
else
  echo "check-bundle.sh: $BIN is up to date"
fi

# A clean environment: no display, no real settings, keyring or connection variables from the caller.
HOME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pigeonhole-selftest.XXXXXX")
trap 'rm -rf "$HOME_DIR"' EXIT
start=$(date +%s)
set +e
env -u DISPLAY -u WAYLAND_DISPLAY -u PIGEONHOLE_DB -u PIGEONHOLE_API_URL -u PIGEONHOLE_USERNAME \
  -u PIGEONHOLE_PASSWORD -u PIGEONHOLE_TOTP -u PYTHONPATH -u PYTHONHOME \
  QT_QPA_PLATFORM=offscreen PIGEONHOLE_HOME="$HOME_DIR" HOME="$HOME_DIR" \
  timeout "${SELF_TEST_TIMEOUT:-300}" "$BIN" --self-test
rc=$?
set -e
echo "check-bundle.sh: self-test exit status $rc after $(( $(date +%s) - start )) s"
[ $rc -eq 0 ] || exit $rc

# A real screen needs the xcb platform plug-in: every library it loads must resolve from the bundle or from the
# system libraries the README lists (offscreen, used above, needs fewer).
INTERNAL="$ROOT/dist/pigeonhole/_internal"
XCB="$INTERNAL/PySide6/Qt/plugins/platforms/libqxcb.so"
if command -v ldd >/dev/null 2>&1 && [ -f "$XCB" ]; then
  missing=$(LD_LIBRARY_PATH="$INTERNAL:$INTERNAL/PySide6/Qt/lib" ldd "$XCB" | grep 'not found' | sort -u || true)
  if [ -n "$missing" ]; then
    echo "check-bundle.sh: [FAIL] the xcb platform plug-in cannot load:" >&2
    echo "$missing" >&2
    exit 1
  fi
  echo "check-bundle.sh: [ OK ] the xcb platform plug-in's libraries all resolve"
fi

# With a PostgreSQL server for tests (PIGEONHOLE_TEST_PG, set by .ci/run): the bundle's PostgreSQL driver
# (psycopg binary) and the migrations on PostgreSQL, on a throw-away database.
PY="${VENV:-$ROOT/.venv}/bin/python"
if [ -n "${PIGEONHOLE_TEST_PG:-}" ] && [ -x "$PY" ]; then
  DBNAME="ph_bundle_check_$$"
  pg_admin() {  # pg_admin "SQL": run one statement on the admin database
    "$PY" -c 'import sys; from sqlalchemy import create_engine, text
e = create_engine(sys.argv[1], isolation_level="AUTOCOMMIT")
with e.connect() as c: c.execute(text(sys.argv[2]))
e.dispose()' "$PIGEONHOLE_TEST_PG" "$1"
  }
  DB_URL=$("$PY" -c 'import sys; from sqlalchemy.engine import make_url
print(make_url(sys.argv[1]).set(database=sys.argv[2]).render_as_string(hide_password=False))' "$PIGEONHOLE_TEST_PG" "$DBNAME")
  pg_admin "CREATE DATABASE \"$DBNAME\""
  set +e
  # `sync` creates and migrates the database before it signs in; nothing listens on port 9, so it then stops
  # with "cannot reach Nexudus" (exit 3). `status` only reads a database that exists (it never creates one).
  env -u DISPLAY -u WAYLAND_DISPLAY PIGEONHOLE_HOME="$HOME_DIR" HOME="$HOME_DIR" \
    PIGEONHOLE_API_URL=http://127.0.0.1:9 PIGEONHOLE_USERNAME=bundle-check PIGEONHOLE_PASSWORD=bundle-check \
    timeout 120 "$BIN" --db "$DB_URL" sync >/dev/null 2>&1
  sync_rc=$?
  out=$(env -u DISPLAY -u WAYLAND_DISPLAY PIGEONHOLE_HOME="$HOME_DIR" HOME="$HOME_DIR" \
    timeout 120 "$BIN" --db "$DB_URL" status --json 2>&1)
  rc=$?
  [ $sync_rc -eq 3 ] || { out="sync exited $sync_rc (expected 3: database made, Nexudus unreachable); $out"; rc=1; }
  set -e
  pg_admin "DROP DATABASE IF EXISTS \"$DBNAME\" WITH (FORCE)"
  if [ $rc -ne 0 ] || ! printf '%s' "$out" | grep -q '"outbox_pending": 0'; then
    echo "check-bundle.sh: [FAIL] PostgreSQL from the bundle: $out" >&2
    exit 1
  fi
  echo "check-bundle.sh: [ OK ] PostgreSQL from the bundle: migrated a new database, status $out"
fi
exit 0
