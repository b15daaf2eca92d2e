/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ethdev driver registry: every driver registers itself at load time; a
 * driver with a --vdev probe is also a driver of the EAL's vdev bus
 * (prt_vdev.h), which creates its ports at prt_eal_init(). At
 * prt_eal_cleanup() every port still open is closed, before the buses
 * remove their devices.
 */
#include <stddef.h>

#include "ethdev_driver.h"
#include "ethdev_event.h"
#include "prt_bus.h"

static struct prt_eth_driver *drivers;

static int eth_vdev_probe(const struct prt_vdev_driver *vdrv, const char *name, const char *args)
{
	const struct prt_eth_driver *drv = prt_container_of(vdrv, struct prt_eth_driver, vdev);

	return drv->probe_vdev(name, args);
}

static void eth_vdev_remove(const struct prt_vdev_driver *vdrv, const char *name)
{
	uint16_t port;

	(void)vdrv;
	if (prt_eth_dev_get_port_by_name(name, &port) == 0)
		prt_eth_dev_close(port);
}

void prt_eth_driver_register(struct prt_eth_driver *drv)
{
	struct prt_eth_driver **p = &drivers;

	while (*p)
		p = &(*p)->next;
	drv->next = NULL;
	*p = drv;
	if (drv->probe_vdev) {
		drv->vdev.name = drv->name;
		drv->vdev.probe = eth_vdev_probe;
		drv->vdev.remove = eth_vdev_remove;
		prt_vdev_driver_register(&drv->vdev);
	}
}

/* Closes every port still open and frees the callbacks registered for all ports. */
static void ethdev_cleanup(void)
{
	uint16_t p;

	PRT_ETH_FOREACH_DEV(p)
		prt_eth_dev_close(p);
	eth_dev_callbacks_free_all();
}

/*
 * Not a bus of its own: a cleanup hook. Registered after the EAL's buses, so
 * it runs before theirs and the ports go before the devices under them.
 */
static struct prt_bus ethdev_bus = {
	.name = "ethdev",
	.cleanup = ethdev_cleanup,
};

PRT_BUS_REGISTER(ethdev_bus)
