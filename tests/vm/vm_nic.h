/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the VM lab's VFIO tests share: the PCI ids of the lab's NICs (QEMU's
 * e1000e, igb and its VF, vmxnet3 and modern virtio-net) for the test drivers they register,
 * and a way to make such a driver the one that takes them.
 */
#ifndef VM_NIC_H
#define VM_NIC_H

#include "prt_pci.h"

static const struct prt_pci_id vm_nic_ids[] = {
	{ PRT_PCI_DEVICE(0x8086, 0x10d3) }, /* 82574L (e1000e) */
	{ PRT_PCI_DEVICE(0x8086, 0x10c9) }, /* 82576 (igb) */
	{ PRT_PCI_DEVICE(0x8086, 0x10ca) }, /* 82576 VF (igbvf) */
	{ PRT_PCI_DEVICE(0x1af4, 0x1041) }, /* virtio-net, modern */
	{ PRT_PCI_DEVICE(0x15ad, 0x07b0) }, /* vmxnet3 */
	{ .vendor_id = 0 },
};

/*
 * Leaves @p mine the only PCI driver, so that it, not one of libprt's own
 * (net_e1000e, net_igb, net_igbvf, net_virtio, net_vmxnet3), takes the lab's NICs. Call in main(),
 * after every constructor ran.
 */
static inline void vm_nic_driver_only(struct prt_pci_driver *mine)
{
	struct prt_pci_driver *d = prt_pci_driver_next(NULL), *next;

	for (; d; d = next) {
		next = prt_pci_driver_next(d);
		if (d != mine)
			prt_pci_unregister_driver(d);
	}
}

#endif /* VM_NIC_H */
