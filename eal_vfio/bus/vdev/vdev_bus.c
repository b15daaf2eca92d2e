/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vdev bus: the registry of vdev drivers, and one device per --vdev,
 * probed in command-line order and removed in reverse.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "eal_private.h"
#include "prt_bus.h"
#include "prt_eal.h"
#include "prt_log.h"
#include "prt_vdev.h"

static struct prt_vdev_driver *drivers;
/* The --vdev options (by index) probed so far, in order. */
static unsigned int nb_probed;

void prt_vdev_driver_register(struct prt_vdev_driver *drv)
{
	struct prt_vdev_driver **p = &drivers;

	while (*p)
		p = &(*p)->next;
	drv->next = NULL;
	*p = drv;
}

/* True when @p name is @p drv_name followed by a non-empty instance number. */
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

const struct prt_vdev_driver *prt_vdev_driver_find(const char *name)
{
	for (const struct prt_vdev_driver *d = drivers; d; d = d->next)
		if (vdev_name_matches(name, d->name))
			return d;
	return NULL;
}

/* Logs an unknown vdev name with the drivers there are. */
static void log_unknown_vdev(const char *name)
{
	char list[256] = "";
	size_t len = 0;

	for (const struct prt_vdev_driver *d = drivers; d && len < sizeof(list); d = d->next)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%sN", len ? ", " : "",
					d->name);
	PRT_LOG(ERR, PRT_LOGTYPE_EAL,
		"--vdev %s: no driver by that name; name a driver and an instance number: %s", name,
		list);
}

/* Removes the probed devices, last first. */
static void vdev_bus_cleanup(void)
{
	while (nb_probed > 0) {
		const struct prt_vdev_driver *drv;
		const char *name;

		prt_eal_vdev_get(--nb_probed, &name, NULL);
		drv = prt_vdev_driver_find(name);
		if (drv && drv->remove)
			drv->remove(drv, name);
	}
}

static int vdev_bus_probe(void)
{
	for (unsigned int i = 0; i < prt_eal_vdev_count(); i++) {
		const struct prt_vdev_driver *drv;
		const char *name, *args;
		int ret;

		prt_eal_vdev_get(i, &name, &args);
		drv = prt_vdev_driver_find(name);
		if (drv == NULL) {
			log_unknown_vdev(name);
			ret = -EINVAL;
		} else {
			ret = drv->probe(drv, name, args);
		}
		if (ret < 0) {
			vdev_bus_cleanup();
			return ret;
		}
		nb_probed = i + 1;
	}
	return 0;
}

static struct prt_bus vdev_bus = {
	.name = "vdev",
	.probe = vdev_bus_probe,
	.cleanup = vdev_bus_cleanup,
};

PRT_BUS_REGISTER(vdev_bus)
