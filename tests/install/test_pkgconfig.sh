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

# libprt.a itself, its dependencies as the system has them (shared): a
# fully static link would also need static builds of libpcap's own
# dependencies (libsystemd, libdbus), which Debian does not ship.
cc -Wall -Wextra -Werror -o "$root/app-static" "$app" $(pkg-config --cflags libprt) \
	-L"$libdir" -Wl,-Bstatic -lprt -Wl,-Bdynamic \
	$(pkg-config --libs $(pkg-config --print-requires-private libprt | cut -d' ' -f1)) \
	$(pkg-config --static --libs-only-other libprt)
"$root/app-static" -l 0 --no-huge | grep -q 'outside app: 1 lcores'
if ldd "$root/app-static" | grep -q libprt; then
	echo "FAIL: the static build still links libprt.so"
	exit 1
fi
echo "static: ok"
