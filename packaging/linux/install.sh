#!/bin/sh
# Install the Papershelf bundle this script sits in, for you (~/.local) or, as root, for
# everyone (/usr/local): the program, the `papershelf` command, the menu entry, the icon,
# the AppStream data and the RIS/CSL-JSON file types.
#
#   ./install.sh [--prefix DIR]               install (again: replaces the old copy)
#   ./install.sh [--prefix DIR] --uninstall   remove what install put there
set -eu

id=org.papershelf.Papershelf
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
action=install
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --uninstall) action=uninstall; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

program="$prefix/lib/papershelf"
share="$prefix/share"
sizes="16 24 32 48 64 128 256 512"

refresh() {
  # The desktop's caches; each tool is optional (a minimal system may have none).
  if command -v update-mime-database >/dev/null; then
    update-mime-database "$share/mime" >/dev/null 2>&1 || true
  fi
  if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$share/applications" 2>/dev/null || true
  fi
  if command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -t -f "$share/icons/hicolor" 2>/dev/null || true
  fi
}

if [ "$action" = uninstall ]; then
  rm -rf "$program"
  rm -f "$prefix/bin/papershelf" "$share/applications/$id.desktop" \
    "$share/metainfo/$id.metainfo.xml" "$share/mime/packages/$id.mime.xml" \
    "$share/icons/hicolor/scalable/apps/$id.svg"
  for n in $sizes; do rm -f "$share/icons/hicolor/${n}x${n}/apps/$id.png"; done
  refresh
  echo "Papershelf removed from $prefix (your library and settings are kept)."
  exit 0
fi

if [ ! -x "$here/papershelf" ] || [ ! -d "$here/_internal" ]; then
  echo "install.sh: run the copy inside the bundle (dist/Papershelf/install.sh)." >&2
  exit 2
fi

mkdir -p "$program" "$prefix/bin" "$share/applications" "$share/metainfo" \
  "$share/mime/packages"
# A fresh copy: files of an older version must not linger beside the new ones.
rm -rf "$program"
mkdir -p "$program"
cp -R "$here/papershelf" "$here/_internal" "$here/LICENSE" "$here/licenses" "$program/"
ln -sf "$program/papershelf" "$prefix/bin/papershelf"

# The menu entry names the program by its full path: ~/.local/bin may not be on PATH.
sed "s|^Exec=papershelf|Exec=$program/papershelf|" \
  "$here/share/applications/$id.desktop" >"$share/applications/$id.desktop"
cp "$here/share/metainfo/$id.metainfo.xml" "$share/metainfo/"
cp "$here/share/mime/packages/$id.mime.xml" "$share/mime/packages/"
cp -R "$here/share/icons" "$share/"
refresh

echo "Papershelf installed in $program."
echo "Start it from your desktop's menu, or run: $prefix/bin/papershelf"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "($prefix/bin is not on your PATH: add it to run plain 'papershelf'.)" ;;
esac
