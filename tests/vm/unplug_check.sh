#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Both cases of vfio_unplug (tests/vm/vfio_unplug.c) in one guest boot: the
# kernel takes the device back while prt runs, then, with the device given
# back to vfio-pci, while the application's cleanup meets the handler.
# usage: unplug_check.sh VFIO_UNPLUG
set -eu
devbind="$(dirname "$0")/../../tools/prt-devbind"
bdf=${PRT_VMLAB_NICS%% *}

"$1" unplug
"$devbind" --bind vfio-pci "$bdf"
"$1" unplug-in-cleanup
