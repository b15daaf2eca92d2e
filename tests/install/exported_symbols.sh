#!/bin/sh
# libprt.so exports the public API only: every dynamic symbol it defines is
# declared in an installed header (include/prt/), so an internal name that
# leaks (a missing `static`, a driver call, a helper of a layer) fails here.
#   exported_symbols.sh BUILD_DIR
set -eu
build=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

meson install -C "$build" --destdir "$root" --no-rebuild --quiet >/dev/null
so=$(find "$root" -name 'libprt.so.*' -type f | head -n 1)
inc=$(find "$root" -type d -path '*/include/prt' | head -n 1)
[ -n "$so" ] && [ -n "$inc" ] || { echo "FAIL: libprt.so or include/prt was not installed"; exit 1; }

# Every identifier the installed headers name, one per line.
grep -ohE '\b[A-Za-z_][A-Za-z0-9_]*\b' "$inc"/*.h | sort -u >"$root/declared"
nm -D --defined-only "$so" | awk '{ sub(/@.*/, "", $3); print $3 }' | sort -u >"$root/exported"
[ -s "$root/exported" ] || { echo "FAIL: libprt.so exports nothing"; exit 1; }
leaks=$(comm -23 "$root/exported" "$root/declared")
if [ -n "$leaks" ]; then
	echo "FAIL: libprt.so exports names no installed header declares (add them to libprt.map's local list, make them static, or declare them in a public header):"
	echo "$leaks" | sed 's/^/  /'
	exit 1
fi
echo "ok: $(wc -l <"$root/exported") exported symbols, each declared in include/prt/"
