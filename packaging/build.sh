#!/usr/bin/env bash
# Build the Linux one-folder bundle into dist/pigeonhole/ (run from anywhere).
#
#   bash packaging/build.sh            # uses .venv (creates nothing; installs .[bundle] into it if PyInstaller is missing)
#   VENV=/path/to/venv bash packaging/build.sh
#
# The result runs on machines with the same or a newer glibc and the system libraries Qt needs (see README).
# Typical time here: about 2-3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${VENV:-$ROOT/.venv}
PY="$VENV/bin/python"

if [ ! -x "$PY" ]; then
  echo "build.sh: no Python at $PY (create the venv first: python3 -m venv .venv && .venv/bin/pip install -e '.[bundle]')" >&2
  exit 2
fi
if ! "$PY" -c 'import PyInstaller' 2>/dev/null; then
  echo "build.sh: installing the bundle extra (PyInstaller) into $VENV"
  "$PY" -m pip install -q -e "$ROOT[bundle]"
fi

start=$(date +%s)
rm -rf "$ROOT/dist/pigeonhole"
"$PY" -m PyInstaller --noconfirm --clean --log-level "${PYI_LOG_LEVEL:-WARN}" \
  --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" "$ROOT/packaging/pigeonhole.spec"
end=$(date +%s)

BIN="$ROOT/dist/pigeonhole/pigeonhole"
[ -x "$BIN" ] || { echo "build.sh: $BIN was not produced" >&2; exit 1; }
echo "build.sh: built $BIN in $((end - start)) s; bundle size $(du -sh "$ROOT/dist/pigeonhole" | cut -f1)"
