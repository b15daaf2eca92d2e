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
LD_LIBRARY_PATH="$libdir" "$root/app" -l 0 --no-huge --vdev net_null0 |
	grep -q 'outside app: 1 lcores, 1 ports'
echo "shared: ok"

# `pkg-config --static`: libprt.a linked whole (its drivers register from
# constructors), libprt.so not needed; libpcap's own dependencies as the
# system has them (Debian ships no static libsystemd, so those stay shared).
cc -Wall -Wextra -Werror -o "$root/app-static" "$app" $(pkg-config --cflags libprt) \
	$(pkg-config --static --libs libprt)
"$root/app-static" -l 0 --no-huge --vdev net_null0 | grep -q 'outside app: 1 lcores, 1 ports' ||
	{ echo "FAIL: the static build has no net_null port: its drivers did not register"; exit 1; }
if ldd "$root/app-static" | grep -q libprt; then
	echo "FAIL: the static build still links libprt.so"
	exit 1
fi
echo "static: ok"
