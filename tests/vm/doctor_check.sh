#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Runs prt-doctor (COMMAND, possibly behind prlimit/setpriv) in a VM lab
# guest and checks its exit status and that every PATTERN (a fixed string)
# is in its output.
#
#   doctor_check.sh STATUS PATTERN... -- COMMAND...
set -u
want=$1
shift
n=0
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	n=$((n + 1))
	eval "pat_$n=\$1"
	shift
done
[ "${1:-}" = "--" ] || { echo "doctor_check: usage: STATUS PATTERN... -- COMMAND..." >&2; exit 2; }
shift
out=$("$@" 2>&1)
got=$?
printf '%s\n' "$out"
bad=0
if [ "$got" -ne "$want" ]; then
	echo "doctor_check: exit status $got, wanted $want"
	bad=1
fi
i=1
while [ $i -le $n ]; do
	eval "pat=\$pat_$i"
	if ! printf '%s\n' "$out" | grep -qF -- "$pat"; then
		echo "doctor_check: no line holds: $pat"
		bad=1
	fi
	i=$((i + 1))
done
exit $bad
