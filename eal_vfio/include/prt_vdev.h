/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_vdev.h
 * The vdev bus: devices named on the command line (`--vdev net_pcap0,k=v`)
 * instead of found on a hardware bus, as DPDK's bus/vdev. A driver registers
 * the name its devices start with ("net_pcap"); at prt_eal_init() the bus
 * probes one device per --vdev, in command-line order, through the driver
 * whose name is the device name less its instance number, and at
 * prt_eal_cleanup() it removes them, last probed first.
 */
#ifndef PRT_VDEV_H
#define PRT_VDEV_H

/** A driver of virtual devices. */
struct prt_vdev_driver {
	/** "net_null": takes the devices named "net_null" and a number ("net_null0"). */
	const char *name;
	/**
	 * Creates device @p name with its arguments @p args ("k=v,k=v", may be
	 * ""). Runs on the main lcore inside prt_eal_init().
	 * @return 0; a negative errno after one log line naming @p name.
	 */
	int (*probe)(const struct prt_vdev_driver *drv, const char *name, const char *args);
	/**
	 * Removes device @p name that probe() created, if it is still there (the
	 * application may have closed it). Runs inside prt_eal_cleanup(), or
	 * inside prt_eal_init() when a later device fails. May be NULL.
	 */
	void (*remove)(const struct prt_vdev_driver *drv, const char *name);
	/** Link in the bus's list; set by prt_vdev_driver_register(). */
	struct prt_vdev_driver *next;
};

/**
 * Adds @p drv to the vdev bus's drivers. Call from a constructor
 * (PRT_VDEV_DRIVER_REGISTER) or before prt_eal_init(); @p drv must live for
 * the whole process. Not thread-safe (constructors run one at a time).
 */
void prt_vdev_driver_register(struct prt_vdev_driver *drv);

/** Registers @p drv (a struct prt_vdev_driver variable) when the library loads. */
#define PRT_VDEV_DRIVER_REGISTER(drv)                                                 \
	__attribute__((constructor)) static void prt_vdev_driver_register_##drv(void) \
	{                                                                             \
		prt_vdev_driver_register(&(drv));                                     \
	}

/**
 * The driver that takes device @p name: the one whose name is @p name less a
 * non-empty decimal instance number ("net_pcap0" -> net_pcap).
 * @return the driver; NULL when none does.
 */
const struct prt_vdev_driver *prt_vdev_driver_find(const char *name);

#endif /* PRT_VDEV_H */
