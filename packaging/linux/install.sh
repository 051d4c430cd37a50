#!/usr/bin/env bash
# Install a built Pigeonhole bundle for the current user (no root needed):
#   the bundle       -> ~/.local/opt/pigeonhole/
#   the command      -> ~/.local/bin/pigeonhole (a symlink)
#   the menu entry   -> ~/.local/share/applications/pigeonhole.desktop
#   the icons        -> ~/.local/share/icons/hicolor/<size>/apps/pigeonhole.{png,svg}
#
#   bash packaging/linux/install.sh [BUNDLE_DIR]     # default: dist/pigeonhole next to this repository
#   bash packaging/linux/install.sh --uninstall      # removes the above; keeps your data and settings
#
# PREFIX (default ~/.local) moves everything, e.g. PREFIX=/opt/local for a shared install (run as root then).
# Data, settings and logs live elsewhere (see README "Where things are") and are never touched here.
set -euo pipefail

PREFIX=${PREFIX:-$HOME/.local}
OPT="$PREFIX/opt/pigeonhole"
BIN="$PREFIX/bin/pigeonhole"
APPS="$PREFIX/share/applications"
ICONS="$PREFIX/share/icons/hicolor"
DESKTOP="$APPS/pigeonhole.desktop"

refresh_caches() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS" 2>/dev/null || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t -f "$ICONS" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$OPT"
  [ -L "$BIN" ] && rm -f "$BIN"
  rm -f "$DESKTOP"
  find "$ICONS" -path '*/apps/pigeonhole.*' -delete 2>/dev/null || true
  refresh_caches
  echo "Pigeonhole removed from $PREFIX (your data and settings are kept)."
  exit 0
fi

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${1:-$HERE/../../dist/pigeonhole}
if [ ! -x "$SRC/pigeonhole" ]; then
  echo "install.sh: no bundle at $SRC (build it first: bash packaging/build.sh)" >&2
  exit 2
fi
SRC=$(cd "$SRC" && pwd)
# The bundle's own copy of app/resources/ (PyInstaller puts data under _internal/); fall back to the source tree.
RES="$SRC/_internal/app/resources"
[ -d "$RES" ] || RES="$HERE/../../app/resources"
[ -f "$RES/pigeonhole.desktop" ] || { echo "install.sh: pigeonhole.desktop not found under $RES" >&2; exit 2; }

# Copy next to the old install, then swap, so a failed copy never leaves a half-installed desk.
mkdir -p "$PREFIX/opt" "$PREFIX/bin" "$APPS"
rm -rf "$OPT.new"
cp -a "$SRC" "$OPT.new"
rm -rf "$OPT.old"
[ -d "$OPT" ] && mv "$OPT" "$OPT.old"
mv "$OPT.new" "$OPT"
rm -rf "$OPT.old"
ln -sfn "$OPT/pigeonhole" "$BIN"

for png in "$RES"/icons/pigeonhole-*.png; do
  [ -e "$png" ] || continue
  size=${png##*/pigeonhole-}
  size=${size%.png}
  install -D -m 0644 "$png" "$ICONS/${size}x${size}/apps/pigeonhole.png"
done
[ -f "$RES/icons/pigeonhole.svg" ] && install -D -m 0644 "$RES/icons/pigeonhole.svg" "$ICONS/scalable/apps/pigeonhole.svg"

# Menu entry: absolute Exec/TryExec, because ~/.local/bin is not always on a desktop session's PATH.
sed -e "s|^Exec=pigeonhole|Exec=$OPT/pigeonhole|" -e "s|^TryExec=.*|TryExec=$OPT/pigeonhole|" \
  "$RES/pigeonhole.desktop" > "$DESKTOP.tmp"
chmod 0644 "$DESKTOP.tmp"
mv "$DESKTOP.tmp" "$DESKTOP"
command -v desktop-file-validate >/dev/null 2>&1 && desktop-file-validate "$DESKTOP" || true
refresh_caches

echo "Pigeonhole installed in $OPT"
echo "  menu entry: $DESKTOP"
echo "  command:    $BIN$(case ":$PATH:" in *":$PREFIX/bin:"*) ;; *) printf ' (add %s to PATH)' "$PREFIX/bin";; esac)"
