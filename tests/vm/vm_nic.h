/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the VM lab's VFIO tests share: the PCI ids of the lab's NICs (QEMU's
 * e1000e, igb and modern virtio-net), for the test drivers they register.
 */
#ifndef VM_NIC_H
#define VM_NIC_H

#include "prt_pci.h"

static const struct prt_pci_id vm_nic_ids[] = {
	{ PRT_PCI_DEVICE(0x8086, 0x10d3) }, /* 82574L (e1000e) */
	{ PRT_PCI_DEVICE(0x8086, 0x10c9) }, /* 82576 (igb) */
	{ PRT_PCI_DEVICE(0x1af4, 0x1041) }, /* virtio-net, modern */
	{ .vendor_id = 0 },
};

#endif /* VM_NIC_H */
