/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_pci.h
 * The PCI bus, for drivers: devices found in sysfs, drivers matched to them
 * by id, and what a driver does with its device (BARs, config space,
 * capabilities, bus mastering, interrupts).
 *
 * A driver registers itself at load time:
 *
 *     static const struct prt_pci_id e1000e_ids[] = {
 *             { PRT_PCI_DEVICE(0x8086, 0x10d3) },
 *             { .vendor_id = 0 },
 *     };
 *     static struct prt_pci_driver e1000e_driver = {
 *             .name = "net_e1000e",
 *             .id_table = e1000e_ids,
 *             .drv_flags = PRT_PCI_DRV_NEED_MAPPING | PRT_PCI_DRV_INTR_LSC,
 *             .probe = e1000e_probe,   // creates the ethdev port
 *             .remove = e1000e_remove, // closes it
 *     };
 *     PRT_PCI_DRIVER_REGISTER(e1000e_driver);
 *
 * prt_eal_init() scans /sys/bus/pci/devices, keeps the devices -a/-b allow,
 * and for each one a driver matches and that is bound to vfio-pci: opens it
 * through VFIO (device reset, BARs mapped, bus mastering on, interrupts
 * read), then calls probe(). prt_eal_cleanup() calls remove() and closes
 * the device (reset again). A device named with -a that cannot be used is an
 * error with a message that says why; devices found by the scan but bound to
 * a kernel driver are left alone.
 *
 * Threads: probe() and remove() run on the main lcore inside
 * prt_eal_init()/prt_eal_cleanup(), except that remove() also runs on the
 * interrupt thread when the kernel asks for the device back (hot-unplug,
 * unbind): the driver must then stop the port. Its BARs are afterwards
 * backed by memory that reads all ones, as a vanished device does, so a
 * polling lcore that has not stopped yet does not crash.
 *
 * When linking libprt statically, link the drivers with --whole-archive so
 * their constructors run.
 */
#ifndef PRT_PCI_H
#define PRT_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "prt_interrupts.h"
#include "prt_pci_addr.h"

/** BARs of a type 0 function. */
#define PRT_PCI_MAX_RESOURCE 6
/** Matches any vendor, device or subsystem id in a prt_pci_id. */
#define PRT_PCI_ANY_ID 0xffff
/** Matches any class in a prt_pci_id. */
#define PRT_CLASS_ANY_ID 0xffffff

/** Ids a driver matches (a table ends with vendor_id 0), or a device has. */
struct prt_pci_id {
	uint32_t class_id; /**< class, subclass, prog-if (24 bits) */
	uint16_t vendor_id;
	uint16_t device_id;
	uint16_t subsystem_vendor_id;
	uint16_t subsystem_device_id;
};

/** A table entry matching @p vend:@p dev with any class and subsystem. */
#define PRT_PCI_DEVICE(vend, dev)                                              \
	.class_id = PRT_CLASS_ANY_ID, .vendor_id = (vend), .device_id = (dev), \
	.subsystem_vendor_id = PRT_PCI_ANY_ID, .subsystem_device_id = PRT_PCI_ANY_ID

/** A BAR as the process sees it. */
/** Most mmap-able areas of a BAR with holes that prt keeps track of. */
#define PRT_PCI_BAR_MAX_AREAS 8

/** A part of a BAR that is mapped, at @c offset bytes from its start. */
struct prt_pci_bar_area {
	uint64_t offset; /**< bytes from the BAR's start */
	uint64_t len; /**< bytes */
};

struct prt_mem_resource {
	uint64_t phys_addr; /**< bus address from sysfs "resource" (0 when unknown) */
	uint64_t len; /**< bytes; 0 for an unused BAR */
	void *addr; /**< mapping, NULL when not mapped (I/O BARs, PRT_PCI_DRV_NEED_MAPPING unset) */
	/**
	 * With holes (VFIO's sparse-mmap capability, e.g. around the MSI-X
	 * table): the @c nb_areas parts that are mapped; touching the rest of
	 * [addr, addr + len) faults. 0: the whole BAR is mapped.
	 */
	uint32_t nb_areas;
	struct prt_pci_bar_area areas[PRT_PCI_BAR_MAX_AREAS];
};

/** What a device is bound to in the kernel. */
enum prt_pci_kdrv {
	PRT_PCI_KDRV_NONE, /**< no driver */
	PRT_PCI_KDRV_VFIO, /**< vfio-pci: prt can use it */
	PRT_PCI_KDRV_OTHER, /**< a kernel driver (kdrv_name) */
};

struct prt_pci_driver;

/** A PCI function found by the scan. Owned by the bus; valid until prt_eal_cleanup(). */
struct prt_pci_device {
	struct prt_pci_device *next; /**< bus list, sorted by address */
	struct prt_pci_addr addr;
	char name[PRT_PCI_ADDR_STRLEN]; /**< "0000:00:04.0" */
	struct prt_pci_id id;
	int numa_node; /**< -1 when sysfs does not say */
	int iommu_group; /**< -1 when it has none */
	enum prt_pci_kdrv kdrv;
	char kdrv_name[32]; /**< kernel driver name, "" when none */
	struct prt_mem_resource mem_resource[PRT_PCI_MAX_RESOURCE];
	const char *devargs; /**< -a arguments after the address ("" when none) */
	struct prt_pci_driver *driver; /**< the driver that probed it, NULL if none */
	void *driver_data; /**< the driver's own, set in probe() */
	struct prt_intr_handle intr_handle; /**< interrupts, ready once opened */

	/*
	 * The bus's own (read only for drivers). Lifetime: scanned (closed,
	 * vfio_fd -1) -> opened by the bus before probe() -> closed exactly
	 * once, by whichever comes first of the bus (probe failure, cleanup)
	 * and the device-request handler on the interrupt thread (the kernel
	 * wants the device back: removed is set, the driver's remove() runs,
	 * then the close). close_lock makes the close one owner's: the other
	 * finds vfio_fd -1. A caller on another thread first waits for a
	 * running device-request handler to return (its callback unregistered),
	 * so that the bus frees the device only after the handler is done.
	 * req_efd stays open until the device is freed, so its number is
	 * never another fd's while the handler may still be looked up.
	 */
	pthread_mutex_t close_lock;
	int vfio_fd; /**< VFIO device fd, -1 when not open */
	uint64_t region_offset[PRT_PCI_MAX_RESOURCE + 1]; /**< in vfio_fd: BARs 0-5, then config */
	uint64_t region_size[PRT_PCI_MAX_RESOURCE + 1]; /**< config: 256, or 4096 for PCIe */
	int req_efd; /**< device-request (hot-unplug) eventfd, -1 when none */
	bool removed; /**< the kernel took it back */
};

/** Drivers' flags. */
#define PRT_PCI_DRV_NEED_MAPPING 0x1 /**< map the memory BARs and turn bus mastering on at open */
#define PRT_PCI_DRV_INTR_LSC 0x2 /**< the driver reports link changes by interrupt */
#define PRT_PCI_DRV_INTR_RMV 0x4 /**< the driver's remove() handles a hot-unplug request */

/** A PCI driver. */
struct prt_pci_driver {
	struct prt_pci_driver *next; /**< registry link, set by prt_pci_register_driver() */
	const char *name; /**< "net_e1000e" */
	const struct prt_pci_id *id_table; /**< ends with vendor_id 0 */
	uint32_t drv_flags; /**< PRT_PCI_DRV_* */
	/**
	 * Takes the open device: creates its port(s). Returns 0, or a negative
	 * errno after one message; the bus then closes the device.
	 */
	int (*probe)(struct prt_pci_driver *drv, struct prt_pci_device *dev);
	/** Stops and frees what probe() made. Returns 0 or a negative errno (logged). */
	int (*remove)(struct prt_pci_device *dev);
};

/**
 * Adds @p drv to the registry (call from a constructor: PRT_PCI_DRIVER_REGISTER).
 * When several drivers match a device, the one registered last takes it: a
 * program's own driver wins over libprt's built-in ones.
 */
void prt_pci_register_driver(struct prt_pci_driver *drv);

/** Removes @p drv from the registry. Not while prt_eal_init() or cleanup runs. */
void prt_pci_unregister_driver(struct prt_pci_driver *drv);

/**
 * The registered driver after @p prev (the first when @p prev is NULL), NULL
 * at the end. The list runs from the most recently registered driver to the
 * oldest, and a device goes to the first driver in it whose id table
 * matches. Constructors of one object run in an unspecified order, and with
 * a static libprt a program's constructors may run before the library's: a
 * program that must own a device unregisters the other drivers before
 * prt_eal_init(). Not thread-safe against (un)registration.
 */
struct prt_pci_driver *prt_pci_driver_next(const struct prt_pci_driver *prev);

/** Registers the struct prt_pci_driver variable @p drv when the library or program loads. */
#define PRT_PCI_DRIVER_REGISTER(drv)                                                 \
	__attribute__((constructor)) static void prt_pci_register_driver_##drv(void) \
	{                                                                            \
		prt_pci_register_driver(&(drv));                                     \
	}

/**
 * The device after @p prev in the bus list (the first when @p prev is NULL),
 * NULL at the end. The list exists between prt_eal_init() and
 * prt_eal_cleanup(). Not thread-safe against them.
 */
struct prt_pci_device *prt_pci_device_next(const struct prt_pci_device *prev);

/** The device at @p addr, or NULL. */
struct prt_pci_device *prt_pci_device_find(const struct prt_pci_addr *addr);

/**
 * Reads @p len bytes of config space at @p offset into @p buf (through the
 * VFIO config region; the kernel virtualises some fields). Thread-safe.
 * @return bytes read (less at the end of config space); -EINVAL for an
 *         offset past the end; -ENODEV when the device is not open; -errno of pread.
 */
ssize_t prt_pci_read_config(const struct prt_pci_device *dev, void *buf, size_t len, off_t offset);

/** Writes config space, as prt_pci_read_config() reads it. @return bytes written; errors as there. */
ssize_t prt_pci_write_config(const struct prt_pci_device *dev, const void *buf, size_t len,
			     off_t offset);

/**
 * Finds standard capability @p cap (PCI_CAP_ID_MSIX 0x11, vendor-specific
 * 0x09, ...) in the capability list (PCI Local Bus 3.0, 6.7).
 * @return its config offset; 0 when absent; -errno of the config reads.
 */
int prt_pci_find_capability(const struct prt_pci_device *dev, uint8_t cap);

/**
 * The next capability @p cap after the one at @p offset, which an earlier
 * call returned (virtio has several vendor-specific ones). The list is
 * walked from its start and ends where it comes back to a position it
 * visited, so iterating with this call ends even on a device whose list
 * loops. @return offset; 0 when none (or @p offset is not on the list);
 * -errno of the config reads.
 */
int prt_pci_find_next_capability(const struct prt_pci_device *dev, uint8_t cap, int offset);

/**
 * Finds PCIe extended capability @p cap (PCI Express Base 4.0, 7.6) in
 * config space from 0x100. @return offset; 0 when absent (or not PCIe); -errno.
 */
int prt_pci_find_ext_capability(const struct prt_pci_device *dev, uint16_t cap);

/**
 * Turns bus mastering (Command register bit 2: the device may start DMA)
 * on or off. @return 0; -errno of the config access.
 */
int prt_pci_set_bus_master(const struct prt_pci_device *dev, bool enable);

/**
 * Maps memory BAR @p bar into the process (mem_resource[bar].addr),
 * leaving out what the kernel does not let be mapped (the sparse-mmap
 * capability: e.g. the MSI-X table on older kernels; touching it faults:
 * reach it with prt_pci_bar_read/write). Done at open for drivers with
 * PRT_PCI_DRV_NEED_MAPPING; mapping a mapped BAR returns 0.
 * @return 0; -EINVAL for an unused BAR; -ENOTSUP when the BAR cannot be
 *         mapped (I/O BARs); -EPROTO (logged) when the kernel's sparse-mmap
 *         areas are malformed (past the region info, outside the BAR); -errno
 *         of mmap.
 */
int prt_pci_map_bar(struct prt_pci_device *dev, unsigned int bar);

/**
 * The address of the @p len bytes at @p offset in memory BAR @p bar of
 * @p dev, for a driver about to use a register block there (a virtio
 * capability's structure, say), after checking that all of it is mapped:
 * inside the BAR and inside one of its mapped areas, not in a hole the
 * kernel keeps for itself (the MSI-X table), where the first access
 * would fault.
 * @return the address; NULL with *@p err set: -ENXIO (the BAR is not
 *         mapped), -ERANGE (the range is not inside the BAR), -EFAULT (it
 *         lies, wholly or partly, in a hole).
 */
volatile void *prt_pci_bar_range(const struct prt_pci_device *dev, unsigned int bar,
				 uint64_t offset, uint64_t len, int *err);

/**
 * Reads/writes @p len bytes of BAR @p bar at @p offset through the VFIO
 * region (a system call per access: for I/O BARs and unmapped holes, not
 * for fast paths). @return bytes transferred; -EINVAL; -errno of pread/pwrite.
 */
ssize_t prt_pci_bar_read(const struct prt_pci_device *dev, unsigned int bar, void *buf, size_t len,
			 off_t offset);
ssize_t prt_pci_bar_write(const struct prt_pci_device *dev, unsigned int bar, const void *buf,
			  size_t len, off_t offset);

#endif /* PRT_PCI_H */
