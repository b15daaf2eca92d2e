#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Device removal events: testpmd-lite runs on the lab's first NIC (a PCI
# port with the device-request interrupt: PRT_ETH_DEV_INTR_RMV) while the
# kernel takes the device back (unbind from vfio-pci, as a hot-unplug
# does). testpmd-lite must print "Port 0: link state change event: link
# down", then "Port 0: device removal event", and still stop, print its
# statistics and exit 0.
#   rmv_check.sh TESTPMD-LITE
set -u
testpmd=$1
bdf=${PRT_VMLAB_NICS%% *}
out=$(mktemp)
"$testpmd" -l 0,1 -a "$bdf" -- --forward-mode=rxonly --run-time=8 >"$out" 2>&1 &
pid=$!
# Wait for forwarding to start (at most 60 s; the run itself is bounded by --run-time).
n=0
while ! grep -q "^forwarding started" "$out" && [ $n -lt 300 ] && kill -0 $pid 2>/dev/null; do
	sleep 0.2
	n=$((n + 1))
done
echo "rmv_check: unbinding $bdf from vfio-pci"
echo "$bdf" >/sys/bus/pci/drivers/vfio-pci/unbind
wait $pid
status=$?
cat "$out"
fail=0
if ! grep -q "^Port 0: device removal event$" "$out"; then
	echo "rmv_check: FAIL: no 'Port 0: device removal event' line"
	fail=1
fi
# The link goes down with the device, and the application hears of that
# first (testpmd-lite asks for link-state events where a port has them).
down=$(grep -n "^Port 0: link state change event: link down$" "$out" | head -1 | cut -d: -f1)
rmv=$(grep -n "^Port 0: device removal event$" "$out" | head -1 | cut -d: -f1)
if [ -z "$down" ] || [ -z "$rmv" ] || [ "$down" -gt "$rmv" ]; then
	echo "rmv_check: FAIL: no 'Port 0: link state change event: link down' line before the removal event"
	fail=1
fi
if [ $status -ne 0 ]; then
	echo "rmv_check: FAIL: testpmd-lite exited $status"
	fail=1
fi
[ $fail -eq 0 ] && echo "rmv_check: ok: link down and removal events, clean exit"
exit $fail
