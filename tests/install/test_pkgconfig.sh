#!/bin/sh
# Installs the build into a scratch root, then builds app.c with nothing but
# `cc app.c $(pkg-config --cflags --libs libprt)`, shared and static, and runs it.
set -eu
build=$1
app=$2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

meson install -C "$build" --destdir "$root" --no-rebuild --quiet >/dev/null
pc=$(find "$root" -name libprt.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: libprt.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$root"
libdir=$(dirname "$(dirname "$pc")")

cc -Wall -Wextra -Werror -o "$root/app" "$app" $(pkg-config --cflags --libs libprt)
LD_LIBRARY_PATH="$libdir" "$root/app" -l 0 --no-huge | grep -q 'outside app: 1 lcores'
echo "shared: ok"

cc -Wall -Wextra -Werror -o "$root/app-static" "$app" $(pkg-config --static --cflags libprt) \
	"$libdir/libprt.a" $(pkg-config --static --libs-only-l --libs-only-other libprt | sed 's/-lprt//')
"$root/app-static" -l 0 --no-huge | grep -q 'outside app: 1 lcores'
if ldd "$root/app-static" | grep -q libprt; then
	echo "FAIL: the static build still links libprt.so"
	exit 1
fi
echo "static: ok"
