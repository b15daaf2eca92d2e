/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The driver registry and the vdev bus: every driver registers itself at
 * load time; at prt_eal_init() the vdev bus creates one port per --vdev, in
 * command-line order, through the driver whose name the vdev name starts
 * with ("net_pcap0" -> net_pcap). prt_eal_cleanup() closes every port.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ethdev_driver.h"
#include "ethdev_event.h"
#include "prt_bus.h"
#include "prt_eal.h"

static struct prt_eth_driver *drivers;

void prt_eth_driver_register(struct prt_eth_driver *drv)
{
	struct prt_eth_driver **p = &drivers;

	while (*p)
		p = &(*p)->next;
	drv->next = NULL;
	*p = drv;
}

/* True when @name is @drv_name followed by a non-empty instance number. */
static bool vdev_name_matches(const char *name, const char *drv_name)
{
	size_t n = strlen(drv_name);

	if (strncmp(name, drv_name, n) != 0 || name[n] == '\0')
		return false;
	for (const char *s = name + n; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

const struct prt_eth_driver *prt_eth_driver_find_vdev(const char *name)
{
	for (const struct prt_eth_driver *d = drivers; d; d = d->next)
		if (d->probe_vdev && vdev_name_matches(name, d->name))
			return d;
	return NULL;
}

/* Logs an unknown vdev name with the vdev drivers there are. */
static void log_unknown_vdev(const char *name)
{
	char list[256] = "";
	size_t len = 0;

	for (const struct prt_eth_driver *d = drivers; d && len < sizeof(list); d = d->next)
		if (d->probe_vdev)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%sN",
						len ? ", " : "", d->name);
	ETHDEV_LOG(ERR,
		   "--vdev %s: no driver by that name; name a driver and an instance number: %s",
		   name, list);
}

static void vdev_bus_cleanup(void)
{
	uint16_t p;

	PRT_ETH_FOREACH_DEV(p)
		prt_eth_dev_close(p);
	eth_dev_callbacks_free_all();
}

static int vdev_bus_probe(void)
{
	for (unsigned int i = 0; i < prt_eal_vdev_count(); i++) {
		const struct prt_eth_driver *drv;
		const char *name, *args;
		int ret;

		prt_eal_vdev_get(i, &name, &args);
		drv = prt_eth_driver_find_vdev(name);
		if (drv == NULL) {
			log_unknown_vdev(name);
			ret = -EINVAL;
		} else {
			ret = drv->probe_vdev(name, args);
		}
		if (ret < 0) {
			vdev_bus_cleanup();
			return ret;
		}
	}
	return 0;
}

static struct prt_bus vdev_bus = {
	.name = "vdev",
	.probe = vdev_bus_probe,
	.cleanup = vdev_bus_cleanup,
};

PRT_BUS_REGISTER(vdev_bus)
