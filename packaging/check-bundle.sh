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
  [ -n "$(find "$ROOT/app" "$ROOT/resources" "$ROOT/packaging" "$ROOT/pyproject.toml" \
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
exit $rc
