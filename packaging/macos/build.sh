#!/usr/bin/env bash
# Build Pigeonhole.app and a .dmg on macOS (not built in CI here; run on a Mac):
#   bash packaging/macos/build.sh
#   CODESIGN_IDENTITY="Developer ID Application: ..." bash packaging/macos/build.sh   # signed (see README.md here)
#
# The spec's BUNDLE step is active on darwin: bundle identifier, Info.plist (NSHighResolutionCapable, dark mode,
# version from pyproject.toml) and the .icns made from app/resources/icons by packaging/make_icons.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
[ "$(uname -s)" = "Darwin" ] || { echo "macos/build.sh: run this on macOS" >&2; exit 2; }
"$PY" -c 'import PyInstaller, mypyc' 2>/dev/null || "$PY" -m pip install -q -e "$ROOT[bundle]"
VERSION=$("$PY" -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")

# The matcher compiled (docs/architecture.md; needs Xcode's command line tools). COMPILE=0 bundles it interpreted.
if [ "${COMPILE:-1}" = "1" ]; then "$PY" "$ROOT/packaging/compile_matching.py"; else "$PY" "$ROOT/packaging/compile_matching.py" --clean; fi

rm -rf "$ROOT/dist/Pigeonhole.app" "$ROOT/dist/pigeonhole"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" \
  "$ROOT/packaging/pigeonhole.spec"
APP="$ROOT/dist/Pigeonhole.app"

# The bundle must pass its own end-to-end check before it is shipped.
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/pigeonhole" --self-test

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$APP"
  codesign --verify --strict --verbose=2 "$APP"
fi

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="$ROOT/dist/Pigeonhole-$VERSION.dmg"
rm -f "$DMG"
hdiutil create -volname "Pigeonhole $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
[ -n "${CODESIGN_IDENTITY:-}" ] && codesign --sign "$CODESIGN_IDENTITY" --timestamp "$DMG"
echo "macos/build.sh: $DMG"
