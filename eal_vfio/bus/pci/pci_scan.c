/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sysfs side of the PCI bus: one directory per function under
 * /sys/bus/pci/devices, read into struct prt_pci_device.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pci_private.h"
#include "vfio_host.h"

static int read_id(const char *bdf, const char *attr, uint64_t *v)
{
	char path[PATH_MAX];

	if (vfio_host_pci_path(path, sizeof(path), bdf, attr) < 0)
		return -ENAMETOOLONG;
	return vfio_host_read_u64(path, v);
}

/* BAR bus addresses from "resource": one "start end flags" line per resource. */
static void read_resources(struct prt_pci_device *dev)
{
	unsigned long long start, end, flags;
	char path[PATH_MAX];
	FILE *f;

	vfio_host_pci_path(path, sizeof(path), dev->name, "resource");
	f = fopen(path, "r");
	if (!f)
		return;
	for (int i = 0; i < PRT_PCI_MAX_RESOURCE; i++) {
		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3)
			break;
		dev->mem_resource[i].phys_addr = start;
		dev->mem_resource[i].len = end > start ? end - start + 1 : 0;
	}
	fclose(f);
}

int eal_pci_scan_one(const char *bdf, struct prt_pci_device **out)
{
	uint64_t vendor, device, sub_vendor = PRT_PCI_ANY_ID, sub_device = PRT_PCI_ANY_ID, class;
	char path[PATH_MAX], numa[16];
	struct prt_pci_device *dev;
	struct vfio_group_info g;
	struct stat st;

	if (vfio_host_pci_path(path, sizeof(path), bdf, "") < 0 || stat(path, &st) < 0)
		return -ENODEV;
	if (read_id(bdf, "vendor", &vendor) < 0 || read_id(bdf, "device", &device) < 0 ||
	    read_id(bdf, "class", &class) < 0)
		return -EIO;
	read_id(bdf, "subsystem_vendor", &sub_vendor);
	read_id(bdf, "subsystem_device", &sub_device);
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	if (prt_pci_addr_parse(bdf, &dev->addr) < 0) {
		free(dev);
		return -ENODEV;
	}
	prt_pci_addr_format(&dev->addr, dev->name, sizeof(dev->name));
	dev->id = (struct prt_pci_id){
		.class_id = (uint32_t) class & 0xffffff,
		.vendor_id = (uint16_t)vendor,
		.device_id = (uint16_t)device,
		.subsystem_vendor_id = (uint16_t)sub_vendor,
		.subsystem_device_id = (uint16_t)sub_device,
	};
	vfio_host_pci_path(path, sizeof(path), bdf, "numa_node");
	dev->numa_node = vfio_host_read_line(path, numa, sizeof(numa)) > 0 ? atoi(numa) : -1;
	vfio_host_pci_path(path, sizeof(path), bdf, "driver");
	if (vfio_host_link_name(path, dev->kdrv_name, sizeof(dev->kdrv_name)) < 0)
		dev->kdrv_name[0] = '\0';
	dev->kdrv = !dev->kdrv_name[0]			    ? PRT_PCI_KDRV_NONE :
		    strcmp(dev->kdrv_name, "vfio-pci") == 0 ? PRT_PCI_KDRV_VFIO :
							      PRT_PCI_KDRV_OTHER;
	dev->iommu_group = vfio_group_of(bdf, &g) == 0 ? g.num : -1;
	read_resources(dev);
	dev->devargs = "";
	pthread_mutex_init(&dev->close_lock, NULL);
	dev->vfio_fd = -1;
	dev->req_efd = -1;
	dev->intr_handle.dev_fd = -1;
	*out = dev;
	return 0;
}

static int dev_cmp(const void *a, const void *b)
{
	const struct prt_pci_device *const *x = a, *const *y = b;

	return prt_pci_addr_cmp(&(*x)->addr, &(*y)->addr);
}

int eal_pci_scan(struct prt_pci_device **list)
{
	struct prt_pci_device **v = NULL, **nv, *dev;
	char path[PATH_MAX];
	struct dirent *e;
	unsigned int n = 0;
	DIR *d;

	*list = NULL;
	vfio_host_path(path, sizeof(path), VFIO_HOST_SYS, "bus/pci/devices");
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || eal_pci_scan_one(e->d_name, &dev) < 0)
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			free(dev);
			break;
		}
		v = nv;
		v[n++] = dev;
	}
	closedir(d);
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), dev_cmp);
	for (unsigned int i = 0; i + 1 < n; i++)
		v[i]->next = v[i + 1];
	*list = v[0];
	free(v);
	return (int)n;
}

bool eal_pci_id_match(const struct prt_pci_id *table, const struct prt_pci_id *id)
{
	for (const struct prt_pci_id *t = table; t->vendor_id != 0; t++) {
		if (t->vendor_id != id->vendor_id && t->vendor_id != PRT_PCI_ANY_ID)
			continue;
		if (t->device_id != id->device_id && t->device_id != PRT_PCI_ANY_ID)
			continue;
		if (t->subsystem_vendor_id != id->subsystem_vendor_id &&
		    t->subsystem_vendor_id != PRT_PCI_ANY_ID)
			continue;
		if (t->subsystem_device_id != id->subsystem_device_id &&
		    t->subsystem_device_id != PRT_PCI_ANY_ID)
			continue;
		if (t->class_id != id->class_id && t->class_id != PRT_CLASS_ANY_ID)
			continue;
		return true;
	}
	return false;
}
