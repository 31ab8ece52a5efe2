#!/bin/sh
# Add VMD to this user's application menu (a .desktop file and the icon under ~/.local/share),
# so it starts with a click like any other app. Nothing outside your home folder is touched.
#
#   ./install-desktop-entry.sh               # beside the built VMD (dist/VMD/), or from the source tree
#   ./install-desktop-entry.sh /path/to/VMD  # a program somewhere else (`vmd` from pip works too)
#   ./install-desktop-entry.sh --uninstall   # remove the entry and the icons again
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"
entry="$data/applications/vmd.desktop"
sizes="16 24 32 48 64 128 256 512"

refresh() {
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$entry"
    for s in $sizes; do rm -f "$data/icons/hicolor/${s}x${s}/apps/vmd.png"; done
    refresh
    echo "Removed $entry and the VMD icons."
    exit 0
fi

if [ -n "${1:-}" ]; then
    app=$1
elif [ -x "$here/VMD" ]; then
    app="$here/VMD"                      # the script sits in the built folder
elif [ -x "$here/../../dist/VMD/VMD" ]; then
    app="$here/../../dist/VMD/VMD"       # packaging/linux/ in a source tree with a build
else
    echo "No VMD program found. Build it first (python3 scripts/build.py) or pass its path." >&2
    exit 1
fi
case "$app" in
    */*) app="$(cd "$(dirname "$app")" && pwd)/$(basename "$app")" ;;
    *) app=$(command -v "$app") || { echo "$1 is not on PATH" >&2; exit 1; } ;;
esac
[ -x "$app" ] || { echo "$app is not an executable program" >&2; exit 1; }

# Icons: from the built folder, else from the source tree.
icons=""
for candidate in "$(dirname "$app")/_internal/resources/icons" "$here/resources/icons" "$here/../../resources/icons"; do
    if [ -f "$candidate/vmd-256.png" ]; then icons=$candidate; break; fi
done
template="$here/vmd.desktop"
[ -f "$template" ] || { echo "vmd.desktop is missing beside this script" >&2; exit 1; }

mkdir -p "$data/applications"
if [ -n "$icons" ]; then
    for s in $sizes; do
        if [ -f "$icons/vmd-$s.png" ]; then
            mkdir -p "$data/icons/hicolor/${s}x${s}/apps"
            cp "$icons/vmd-$s.png" "$data/icons/hicolor/${s}x${s}/apps/vmd.png"
        fi
    done
else
    echo "warning: no icons found; the menu entry will show a generic icon" >&2
fi
# Exec and TryExec name the program by its absolute path. The Desktop Entry rules: inside the
# quoted Exec argument ", `, $ and \ take a backslash, then every backslash is doubled (string
# escaping), and % is written %%.
exec_arg=$(printf '%s' "$app" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g' -e 's/%/%%/g')
try_exec=$(printf '%s' "$app" | sed -e 's/\\/\\\\/g')
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        Exec=*) printf 'Exec="%s" %%f\n' "$exec_arg" ;;
        TryExec=*) printf 'TryExec=%s\n' "$try_exec" ;;
        *) printf '%s\n' "$line" ;;
    esac
done < "$template" > "$entry.tmp"
mv "$entry.tmp" "$entry"
chmod 644 "$entry"
refresh
echo "Installed $entry (runs $app). VMD is now in your application menu."
