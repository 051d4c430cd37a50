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
if ! "$PY" -c 'import PyInstaller, mypyc' 2>/dev/null; then
  echo "build.sh: installing the bundle extra (PyInstaller, mypy) into $VENV"
  "$PY" -m pip install -q -e "$ROOT[bundle]"
fi

# The matcher compiled (docs/architecture.md); needs a C compiler and Python's headers. COMPILE=0 bundles the
# interpreted matcher instead (same results, about 1.4 times as long per label).
if [ "${COMPILE:-1}" = "1" ]; then
  mkdir -p "$ROOT/build"
  if ! "$PY" "$ROOT/packaging/compile_matching.py" >"$ROOT/build/compile_matching.log" 2>&1; then
    cat "$ROOT/build/compile_matching.log" >&2
    echo "build.sh: could not compile the matcher (install gcc and python3-dev, or run with COMPILE=0)" >&2
    exit 1
  fi
  tail -n 1 "$ROOT/build/compile_matching.log"
else
  "$PY" "$ROOT/packaging/compile_matching.py" --clean
fi

start=$(date +%s)
rm -rf "$ROOT/dist/pigeonhole"
"$PY" -m PyInstaller --noconfirm --clean --log-level "${PYI_LOG_LEVEL:-WARN}" \
  --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" "$ROOT/packaging/pigeonhole.spec"
end=$(date +%s)

BIN="$ROOT/dist/pigeonhole/pigeonhole"
[ -x "$BIN" ] || { echo "build.sh: $BIN was not produced" >&2; exit 1; }
echo "build.sh: built $BIN in $((end - start)) s; bundle size $(du -sh "$ROOT/dist/pigeonhole" | cut -f1)"
