/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every PCI ethdev driver's probe and remove share (ethdev_pci.c): the
 * port made for a device, its flags from what the device offers, and the
 * two ways a remove comes (the application's close; the kernel taking the
 * device back). For drivers; not installed.
 */
#ifndef ETHDEV_PCI_H
#define ETHDEV_PCI_H

#include <stdbool.h>
#include <stddef.h>

#include "ethdev_driver.h"
#include "prt_pci.h"

/**
 * Allocates the port of PCI device @p pdev, named after it, with
 * @p priv_size bytes of zeroed dev_private, for @p drv, on the device's
 * NUMA node. Logged when it fails.
 * @return the port; NULL with errno set (ENOMEM, ENOSPC: no port id left,
 *         EEXIST: the name is taken).
 */
struct prt_eth_dev *prt_eth_dev_pci_allocate(struct prt_pci_device *pdev, size_t priv_size,
					     const struct prt_eth_driver *drv);

/**
 * Ends a successful probe: the port says it raises a removal event when
 * the device has the device-request interrupt, and a link-state event when
 * @p lsc (the driver's interrupt for it is there); the device leads to the
 * port (driver_data); the port is announced (prt_eth_dev_probing_finish()).
 */
void prt_eth_dev_pci_probing_finish(struct prt_eth_dev *dev, struct prt_pci_device *pdev, bool lsc);

/**
 * The PCI driver's remove() for an ethdev driver. With the device taken
 * back by the kernel (pdev->removed; on the interrupt thread, lcores may
 * still poll), @p unplugged stops the port without freeing anything and
 * returns true, and the application gets PRT_ETH_EVENT_INTR_RMV; when it
 * returns false (it was stopped so before), or the device was not
 * removed, the port is closed. A port closed already (driver_data NULL)
 * is left alone.
 * @return 0; the close's error.
 */
int prt_eth_dev_pci_remove(struct prt_pci_device *pdev, bool (*unplugged)(struct prt_eth_dev *dev));

#endif /* ETHDEV_PCI_H */
