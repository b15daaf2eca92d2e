#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# prt-devbind in a VM lab guest whose first NIC (an e1000e) starts on its
# kernel driver: --status shows it, --bind vfio-pci takes it (IOMMU group,
# viable), --bind e1000e gives it back, and an interface that carries a
# route is refused unless --force.
set -eu
devbind="$(dirname "$0")/../../tools/prt-devbind"
bdf=${PRT_VMLAB_NICS%% *}
step() { echo "devbind_check: $*"; }

step "status shows $bdf on e1000e"
"$devbind" --status | tee /tmp/st
grep -q "^$bdf .* e1000e " /tmp/st

step "bind to vfio-pci"
"$devbind" --bind vfio-pci "$bdf" | tee /tmp/out
grep -q "$bdf: bound to vfio-pci, IOMMU group" /tmp/out
"$devbind" --status | grep -q "^$bdf .* vfio-pci .* viable$"
test -e "/dev/vfio/$(basename "$(readlink "/sys/bus/pci/devices/$bdf/iommu_group")")"

step "back to e1000e"
"$devbind" --bind e1000e "$bdf"
ifname=$(ls "/sys/bus/pci/devices/$bdf/net")
step "interface $ifname gets an address and a route"
ip link set "$ifname" up
ip addr add 10.99.0.1/24 dev "$ifname"
if "$devbind" --bind vfio-pci "$bdf" 2>/tmp/err; then
	echo "devbind_check: took a routed interface without --force"
	exit 1
fi
cat /tmp/err
grep -q "interface $ifname carries routes" /tmp/err
test "$(basename "$(readlink "/sys/bus/pci/devices/$bdf/driver")")" = e1000e
"$devbind" --force --bind vfio-pci "$bdf"
step "ok"
