/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the PCI bus: the sysfs scan, the driver match, and opening and
 * closing a device through VFIO. Not installed.
 */
#ifndef PCI_PRIVATE_H
#define PCI_PRIVATE_H

#include "prt_pci.h"

/** Index of the config space in prt_pci_device.region_offset/size (VFIO's is 7). */
#define PCI_CFG_REGION PRT_PCI_MAX_RESOURCE

/**
 * Reads device @p bdf from sysfs (ids, class, NUMA node, kernel driver,
 * IOMMU group, BAR addresses) into a new device (free with free()).
 * @return 0; -ENODEV when sysfs has no such device; -ENOMEM; -EIO when an
 *         id cannot be read.
 */
int eal_pci_scan_one(const char *bdf, struct prt_pci_device **dev);

/**
 * Reads every device of /sys/bus/pci/devices into a list sorted by address.
 * @return the number of devices; -errno when the directory cannot be read.
 */
int eal_pci_scan(struct prt_pci_device **list);

/** True when @p id matches an entry of @p table (ANY_IDs match all). */
bool eal_pci_id_match(const struct prt_pci_id *table, const struct prt_pci_id *id);

/**
 * Opens @p dev through VFIO for a driver with @p drv_flags: reset, region
 * info, BARs mapped and bus mastering on (PRT_PCI_DRV_NEED_MAPPING),
 * interrupt info, and the device-request eventfd. Nothing stays open on
 * failure. @return 0; a negative errno after its message.
 */
int eal_pci_device_open(struct prt_pci_device *dev, uint32_t drv_flags);

/** Closes what eal_pci_device_open() opened (reset first). Safe on a closed device. */
void eal_pci_device_close(struct prt_pci_device *dev);

/** Closes @p dev, unmaps whatever is left at its BAR addresses and frees it. */
void eal_pci_device_free(struct prt_pci_device *dev);

/**
 * The kernel wants @p dev back: unmaps its BARs behind memory that reads
 * all ones, so that late accesses find a vanished device, not a crash.
 */
void eal_pci_device_vanish_bars(struct prt_pci_device *dev);

#endif /* PCI_PRIVATE_H */
