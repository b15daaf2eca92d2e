/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PCI bus: the driver registry, and the bus's probe and cleanup run by
 * prt_eal_init()/prt_eal_cleanup() (registered as a prt_bus). Which devices
 * are taken: those -a names (all of them must work), or else every device
 * -b does not name that a driver matches and that is bound to vfio-pci
 * (devices on kernel drivers are left alone without complaint).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eal_private.h"
#include "pci_private.h"
#include "prt_bus.h"
#include "prt_log.h"
#include "vfio_explain.h"

static struct prt_pci_driver *drivers;
static struct prt_pci_device *devices;

/*
 * At the head: the newest driver is matched first, so a program's own
 * driver (registered after libprt's constructors ran) takes a device from
 * a built-in one (tests that drive a NIC's registers by hand do).
 */
void prt_pci_register_driver(struct prt_pci_driver *drv)
{
	drv->next = drivers;
	drivers = drv;
}

void prt_pci_unregister_driver(struct prt_pci_driver *drv)
{
	for (struct prt_pci_driver **p = &drivers; *p; p = &(*p)->next) {
		if (*p == drv) {
			*p = drv->next;
			return;
		}
	}
}

struct prt_pci_driver *prt_pci_driver_next(const struct prt_pci_driver *prev)
{
	return prev ? prev->next : drivers;
}

struct prt_pci_device *prt_pci_device_next(const struct prt_pci_device *prev)
{
	return prev ? prev->next : devices;
}

struct prt_pci_device *prt_pci_device_find(const struct prt_pci_addr *addr)
{
	for (struct prt_pci_device *d = devices; d; d = d->next)
		if (prt_pci_addr_cmp(&d->addr, addr) == 0)
			return d;
	return NULL;
}

static struct prt_pci_driver *driver_for(const struct prt_pci_device *dev)
{
	for (struct prt_pci_driver *drv = drivers; drv; drv = drv->next)
		if (drv->id_table && eal_pci_id_match(drv->id_table, &dev->id))
			return drv;
	return NULL;
}

/* The -a/-b rule naming @p dev, or NULL. */
static const struct eal_pci_rule *rule_for(const struct prt_pci_device *dev)
{
	for (unsigned int i = 0; i < eal_cfg.nb_pci_rules; i++)
		if (prt_pci_addr_cmp(&eal_cfg.pci_rules[i].addr, &dev->addr) == 0)
			return &eal_cfg.pci_rules[i];
	return NULL;
}

/* Opens @p dev and lets @p drv probe it. */
static int probe_one(struct prt_pci_device *dev, struct prt_pci_driver *drv)
{
	int ret = eal_pci_device_open(dev, drv->drv_flags);

	if (ret < 0)
		return ret;
	ret = drv->probe ? drv->probe(drv, dev) : 0;
	if (ret < 0) {
		PRT_LOG(ERR, PRT_LOGTYPE_PCI, "%s: driver %s could not take the device (%s)",
			dev->name, drv->name, strerror(-ret));
		eal_pci_device_close(dev);
		return ret;
	}
	dev->driver = drv;
	PRT_LOG(INFO, PRT_LOGTYPE_PCI, "%s: %04x:%04x taken by %s", dev->name, dev->id.vendor_id,
		dev->id.device_id, drv->name);
	return 0;
}

/* Every -a device must exist, and be bound to vfio-pci. */
static int check_allowed(void)
{
	char bdf[PRT_PCI_ADDR_STRLEN], msg[768];

	if (eal_cfg.pci_list_mode != EAL_PCI_LIST_ALLOW)
		return 0;
	for (unsigned int i = 0; i < eal_cfg.nb_pci_rules; i++) {
		prt_pci_addr_format(&eal_cfg.pci_rules[i].addr, bdf, sizeof(bdf));
		if (prt_pci_device_find(&eal_cfg.pci_rules[i].addr) == NULL) {
			vfio_explain_device(bdf, msg, sizeof(msg));
			PRT_LOG(ERR, PRT_LOGTYPE_PCI, "-a %s: %s", bdf, msg);
			return -ENODEV;
		}
	}
	return 0;
}

static void pci_bus_cleanup(void);

static int pci_bus_probe(void)
{
	bool allow = eal_cfg.pci_list_mode == EAL_PCI_LIST_ALLOW;
	char msg[768];
	int ret;

	if (allow && eal_cfg.nb_pci_rules == 0)
		return 0; /* --no-pci, or an empty allow list */
	ret = eal_pci_scan(&devices);
	if (ret < 0) {
		if (!allow)
			return 0; /* no PCI bus (a container): only virtual devices */
		PRT_LOG(ERR, PRT_LOGTYPE_PCI, "cannot read the PCI devices in sysfs: %s",
			strerror(-ret));
		return ret;
	}
	ret = check_allowed();
	for (struct prt_pci_device *dev = devices; dev && ret == 0; dev = dev->next) {
		const struct eal_pci_rule *rule = rule_for(dev);
		struct prt_pci_driver *drv;

		if ((allow && !rule) || (!allow && rule))
			continue;
		if (rule)
			dev->devargs = rule->args;
		drv = driver_for(dev);
		if (!drv) {
			if (allow)
				PRT_LOG(WARNING, PRT_LOGTYPE_PCI,
					"-a %s: no prt driver for %04x:%04x; the device is not used",
					dev->name, dev->id.vendor_id, dev->id.device_id);
			continue;
		}
		if (dev->kdrv != PRT_PCI_KDRV_VFIO) {
			if (!allow) {
				PRT_LOG(DEBUG, PRT_LOGTYPE_PCI, "%s: left to kernel driver '%s'",
					dev->name, dev->kdrv_name);
				continue;
			}
			ret = vfio_explain_device(dev->name, msg, sizeof(msg));
			PRT_LOG(ERR, PRT_LOGTYPE_PCI, "-a %s: %s", dev->name, msg);
			break;
		}
		ret = probe_one(dev, drv);
	}
	if (ret < 0)
		pci_bus_cleanup();
	return ret;
}

/* Removes the devices' ports (last probed first) and frees the bus list. */
static void pci_bus_cleanup(void)
{
	struct prt_pci_device *rev = NULL, *next;

	for (struct prt_pci_device *d = devices; d; d = next) {
		next = d->next;
		d->next = rev;
		rev = d;
	}
	devices = NULL;
	for (struct prt_pci_device *d = rev; d; d = next) {
		next = d->next;
		/* Stop the hot-unplug callback first: it may be removing the device now. */
		if (d->req_efd >= 0)
			prt_intr_callback_unregister(d->req_efd);
		if (d->driver && d->driver->remove && d->driver->remove(d) < 0)
			PRT_LOG(WARNING, PRT_LOGTYPE_PCI, "%s: driver %s failed to remove it",
				d->name, d->driver->name);
		d->driver = NULL;
		eal_pci_device_free(d);
	}
}

static struct prt_bus pci_bus = {
	.name = "pci",
	.probe = pci_bus_probe,
	.cleanup = pci_bus_cleanup,
};

PRT_BUS_REGISTER(pci_bus)
