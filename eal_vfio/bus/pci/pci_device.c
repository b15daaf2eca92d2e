/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One PCI device through its VFIO device fd: regions (BARs and config
 * space), BAR mappings with the sparse-mmap capability, config space
 * accesses and the capability walk, bus mastering, reset, and the
 * device-request interrupt (the kernel asking for the device back).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pci_private.h"
#include "prt_log.h"
#include "intr_private.h"
#include "vfio_device.h"

/* Config space registers (PCI Local Bus 3.0, 6.1, 6.2.2, 6.7). */
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MASTER 0x4
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAPABILITY_LIST 0x34
#define PCI_STD_HEADER_SIZE 0x40
#define PCI_CFG_SPACE_SIZE 256
#define PCI_CFG_SPACE_EXP_SIZE 4096

static ssize_t region_rw(const struct prt_pci_device *dev, unsigned int idx, void *buf, size_t len,
			 off_t offset, bool write)
{
	ssize_t n;

	if (dev->vfio_fd < 0)
		return -ENODEV;
	if (offset < 0 || (uint64_t)offset >= dev->region_size[idx])
		return -EINVAL;
	len = PRT_MIN(len, (size_t)(dev->region_size[idx] - (uint64_t)offset));
	offset += (off_t)dev->region_offset[idx];
	n = write ? pwrite(dev->vfio_fd, buf, len, offset) : pread(dev->vfio_fd, buf, len, offset);
	return n < 0 ? -errno : n;
}

ssize_t prt_pci_read_config(const struct prt_pci_device *dev, void *buf, size_t len, off_t offset)
{
	return region_rw(dev, PCI_CFG_REGION, buf, len, offset, false);
}

ssize_t prt_pci_write_config(const struct prt_pci_device *dev, const void *buf, size_t len,
			     off_t offset)
{
	return region_rw(dev, PCI_CFG_REGION, (void *)buf, len, offset, true);
}

ssize_t prt_pci_bar_read(const struct prt_pci_device *dev, unsigned int bar, void *buf, size_t len,
			 off_t offset)
{
	if (bar >= PRT_PCI_MAX_RESOURCE)
		return -EINVAL;
	return region_rw(dev, bar, buf, len, offset, false);
}

ssize_t prt_pci_bar_write(const struct prt_pci_device *dev, unsigned int bar, const void *buf,
			  size_t len, off_t offset)
{
	if (bar >= PRT_PCI_MAX_RESOURCE)
		return -EINVAL;
	return region_rw(dev, bar, (void *)buf, len, offset, true);
}

/* Reads @p len (1, 2 or 4) bytes of config space, little-endian, into *v. */
static int cfg_read(const struct prt_pci_device *dev, off_t off, size_t len, uint32_t *v)
{
	uint8_t b[4] = { 0 };
	ssize_t n;

	*v = 0; /* defined on every path: the optimiser cannot see that callers check ret */
	n = prt_pci_read_config(dev, b, len, off);
	if (n < 0)
		return (int)n;
	if ((size_t)n != len)
		return -EIO;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

int prt_pci_find_next_capability(const struct prt_pci_device *dev, uint8_t cap, int offset)
{
	/*
	 * The dwords of the list visited (0x40-0xfc: bits 0-47): a list that
	 * comes back to one ends there, so it is a finite sequence of distinct
	 * positions, and an iteration over it (find, then next from what was
	 * found) moves forward along it and ends.
	 */
	uint64_t seen = 0;
	bool past = offset == 0;
	uint32_t v, pos;
	int ret;

	ret = cfg_read(dev, PCI_STATUS, 2, &v);
	if (ret < 0)
		return ret;
	if (!(v & PCI_STATUS_CAP_LIST))
		return 0;
	ret = cfg_read(dev, PCI_CAPABILITY_LIST, 1, &pos);
	while (ret == 0 && pos >= PCI_STD_HEADER_SIZE) {
		uint64_t bit = 1ull << (pos / 4 - PCI_STD_HEADER_SIZE / 4);

		pos &= ~3u;
		if (seen & bit)
			break;
		seen |= bit;
		ret = cfg_read(dev, pos, 1, &v);
		if (ret < 0 || v == 0xff)
			break;
		if (past && v == cap)
			return (int)pos;
		if ((int)pos == offset)
			past = true;
		ret = cfg_read(dev, pos + 1, 1, &pos);
	}
	return ret < 0 ? ret : 0;
}

int prt_pci_find_capability(const struct prt_pci_device *dev, uint8_t cap)
{
	return prt_pci_find_next_capability(dev, cap, 0);
}

int prt_pci_find_ext_capability(const struct prt_pci_device *dev, uint16_t cap)
{
	int ttl = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;
	uint32_t pos = PCI_CFG_SPACE_SIZE, hdr;
	int ret;

	if (dev->region_size[PCI_CFG_REGION] <= PCI_CFG_SPACE_SIZE)
		return 0;
	while (ttl-- > 0) {
		ret = cfg_read(dev, pos, 4, &hdr);
		if (ret < 0)
			return ret;
		/* No extended capabilities at all reads as 0 (or all ones). */
		if (hdr == 0 || hdr == 0xffffffff)
			return 0;
		if ((hdr & 0xffff) == cap)
			return (int)pos;
		pos = (hdr >> 20) & 0xffc;
		if (pos < PCI_CFG_SPACE_SIZE)
			return 0;
	}
	return 0;
}

int prt_pci_set_bus_master(const struct prt_pci_device *dev, bool enable)
{
	uint32_t cmd;
	uint16_t v;
	ssize_t n;
	int ret = cfg_read(dev, PCI_COMMAND, 2, &cmd);

	if (ret < 0)
		return ret;
	v = (uint16_t)(enable ? cmd | PCI_COMMAND_MASTER : cmd & ~PCI_COMMAND_MASTER);
	if (v == cmd)
		return 0;
	n = prt_pci_write_config(dev, &v, sizeof(v), PCI_COMMAND);
	return n < 0 ? (int)n : n == sizeof(v) ? 0 : -EIO;
}

int prt_pci_map_bar(struct prt_pci_device *dev, unsigned int bar)
{
	const struct vfio_region_sparse_mmap_area *areas;
	struct vfio_region_info *info;
	int ret, nr_areas;
	void *base, *p;

	if (bar >= PRT_PCI_MAX_RESOURCE || dev->vfio_fd < 0)
		return -EINVAL;
	if (dev->mem_resource[bar].addr)
		return 0;
	ret = vfio_region_info(dev->vfio_fd, bar, &info);
	if (ret < 0)
		return ret;
	if (info->size == 0) {
		ret = -EINVAL;
		goto out;
	}
	if (!(info->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		ret = -ENOTSUP;
		goto out;
	}
	nr_areas = vfio_region_sparse_areas(info, &areas);
	if (nr_areas == -EPROTO) {
		PRT_LOG(ERR, PRT_LOGTYPE_PCI,
			"%s: BAR%u: VFIO's sparse-mmap areas run past the region info or outside the BAR",
			dev->name, bar);
		ret = -EPROTO;
		goto out;
	}
	if (nr_areas == -ENOENT) {
		base = mmap(NULL, info->size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->vfio_fd,
			    (off_t)info->offset);
		if (base == MAP_FAILED) {
			ret = -errno;
			goto out;
		}
	} else {
		if (nr_areas > PRT_PCI_BAR_MAX_AREAS) {
			PRT_LOG(ERR, PRT_LOGTYPE_PCI,
				"%s: BAR%u: the kernel's sparse-mmap capability lists %d areas, more "
				"than prt keeps track of (%d)",
				dev->name, bar, nr_areas, PRT_PCI_BAR_MAX_AREAS);
			ret = -ENOTSUP;
			goto out;
		}
		/* Reserve the whole BAR, then map each area the kernel allows over it. */
		base = mmap(NULL, info->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (base == MAP_FAILED) {
			ret = -errno;
			goto out;
		}
		dev->mem_resource[bar].nb_areas = 0;
		for (int i = 0; i < nr_areas; i++) {
			if (areas[i].size == 0)
				continue;
			dev->mem_resource[bar].areas[dev->mem_resource[bar].nb_areas++] =
				(struct prt_pci_bar_area){ areas[i].offset, areas[i].size };
			p = mmap((char *)base + areas[i].offset, areas[i].size,
				 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, dev->vfio_fd,
				 (off_t)(info->offset + areas[i].offset));
			if (p == MAP_FAILED) {
				ret = -errno;
				munmap(base, info->size);
				dev->mem_resource[bar].nb_areas = 0;
				goto out;
			}
		}
	}
	dev->mem_resource[bar].addr = base;
	dev->mem_resource[bar].len = info->size;
	ret = 0;
out:
	if (ret < 0 && ret != -ENOTSUP && ret != -EINVAL && ret != -EPROTO)
		PRT_LOG(ERR, PRT_LOGTYPE_PCI, "%s: cannot map BAR%u: %s", dev->name, bar,
			strerror(-ret));
	free(info);
	return ret;
}

volatile void *prt_pci_bar_range(const struct prt_pci_device *dev, unsigned int bar,
				 uint64_t offset, uint64_t len, int *err)
{
	const struct prt_mem_resource *r;

	if (bar >= PRT_PCI_MAX_RESOURCE || dev->mem_resource[bar].addr == NULL) {
		*err = -ENXIO;
		return NULL;
	}
	r = &dev->mem_resource[bar];
	if (offset > r->len || len > r->len - offset) {
		*err = -ERANGE;
		return NULL;
	}
	if (r->nb_areas == 0)
		return (volatile uint8_t *)r->addr + offset;
	for (uint32_t i = 0; i < r->nb_areas && i < PRT_PCI_BAR_MAX_AREAS; i++) {
		const struct prt_pci_bar_area *a = &r->areas[i];

		if (offset >= a->offset && len <= a->len && offset - a->offset <= a->len - len)
			return (volatile uint8_t *)r->addr + offset;
	}
	*err = -EFAULT;
	return NULL;
}

static void unmap_bars(struct prt_pci_device *dev)
{
	for (int i = 0; i < PRT_PCI_MAX_RESOURCE; i++) {
		if (dev->mem_resource[i].addr)
			munmap(dev->mem_resource[i].addr, dev->mem_resource[i].len);
		dev->mem_resource[i].addr = NULL;
		dev->mem_resource[i].nb_areas = 0;
	}
}

void eal_pci_device_vanish_bars(struct prt_pci_device *dev)
{
	for (int i = 0; i < PRT_PCI_MAX_RESOURCE; i++) {
		void *a = dev->mem_resource[i].addr;

		if (!a)
			continue;
		/* Same address, anonymous memory of all ones: what reads of a vanished device see. */
		if (mmap(a, dev->mem_resource[i].len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			continue;
		memset(a, 0xff, dev->mem_resource[i].len);
	}
}

/* Reads the region sizes and offsets of every BAR and of config space. */
static int read_regions(struct prt_pci_device *dev)
{
	struct vfio_region_info *info;
	int ret;

	for (unsigned int i = 0; i <= PCI_CFG_REGION; i++) {
		/* VFIO numbers BARs 0-5, the ROM 6, config space 7. */
		ret = vfio_region_info(dev->vfio_fd,
				       i == PCI_CFG_REGION ? VFIO_PCI_CONFIG_REGION_INDEX : i,
				       &info);
		if (ret < 0) {
			if (i == PCI_CFG_REGION) {
				PRT_LOG(ERR, PRT_LOGTYPE_PCI,
					"%s: VFIO_DEVICE_GET_REGION_INFO(config) failed: %s",
					dev->name, strerror(-ret));
				return ret;
			}
			continue;
		}
		dev->region_offset[i] = info->offset;
		dev->region_size[i] = info->size;
		if (i < PRT_PCI_MAX_RESOURCE)
			dev->mem_resource[i].len = info->size;
		free(info);
	}
	return 0;
}

static void device_reset(struct prt_pci_device *dev, uint32_t flags)
{
	if (!(flags & VFIO_DEVICE_FLAGS_RESET))
		return;
	if (ioctl(dev->vfio_fd, VFIO_DEVICE_RESET) < 0)
		PRT_LOG(WARNING, PRT_LOGTYPE_PCI, "%s: VFIO_DEVICE_RESET failed: %s", dev->name,
			strerror(errno));
}

/* The device-request interrupt: the kernel wants the device back (unbind, hot-unplug). */
static void device_request(int fd, void *arg)
{
	struct prt_pci_device *dev = arg;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0)
		return;
	PRT_LOG(WARNING, PRT_LOGTYPE_PCI,
		"%s: the kernel asks for the device back (unbind or hot-unplug): stopping it",
		dev->name);
	eal_pci_device_vanish_bars(dev);
	dev->removed = true;
	if (dev->driver && dev->driver->remove)
		dev->driver->remove(dev);
	dev->driver = NULL;
	eal_pci_device_close(dev);
}

static int request_irq_setup(struct prt_pci_device *dev, uint32_t num_irqs)
{
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = VFIO_PCI_REQ_IRQ_INDEX };
	int ret;

	if (num_irqs <= VFIO_PCI_REQ_IRQ_INDEX ||
	    ioctl(dev->vfio_fd, VFIO_DEVICE_GET_IRQ_INFO, &info) < 0 || info.count == 0)
		return 0; /* an older kernel: unbind waits for the process to close the device */
	if (dev->req_efd >= 0)
		close(dev->req_efd); /* an earlier open's, kept until now (eal_pci_device_free()) */
	dev->req_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dev->req_efd < 0)
		return -errno;
	ret = vfio_set_irqs(dev->vfio_fd, VFIO_PCI_REQ_IRQ_INDEX,
			    VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 1,
			    &dev->req_efd);
	if (ret == 0)
		ret = prt_intr_callback_register(dev->req_efd, device_request, dev);
	if (ret < 0) {
		vfio_set_irqs(dev->vfio_fd, VFIO_PCI_REQ_IRQ_INDEX,
			      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, NULL);
		close(dev->req_efd);
		dev->req_efd = -1;
	}
	return ret;
}

/* Stops the device-request interrupt on the device (its eventfd stays open: eal_pci_device_free()). */
static void request_irq_stop(struct prt_pci_device *dev)
{
	if (dev->req_efd < 0)
		return;
	prt_intr_callback_unregister(dev->req_efd);
	vfio_set_irqs(dev->vfio_fd, VFIO_PCI_REQ_IRQ_INDEX,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, NULL);
}

int eal_pci_device_open(struct prt_pci_device *dev, uint32_t drv_flags)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	const char *step;
	int ret;

	ret = vfio_device_open(dev->name, &dev->vfio_fd);
	if (ret < 0) {
		dev->vfio_fd = -1;
		return ret; /* explained by the VFIO layer */
	}
	step = "VFIO_DEVICE_GET_INFO";
	if (ioctl(dev->vfio_fd, VFIO_DEVICE_GET_INFO, &info) < 0) {
		ret = -errno;
		goto fail_close;
	}
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI)) {
		ret = -ENODEV;
		goto fail_close;
	}
	step = "reading its regions";
	ret = read_regions(dev);
	if (ret < 0)
		goto fail_close;
	/* A known state, whatever the previous user left behind. */
	device_reset(dev, info.flags);
	if (drv_flags & PRT_PCI_DRV_NEED_MAPPING) {
		step = "mapping its BARs";
		for (unsigned int i = 0; i < PRT_PCI_MAX_RESOURCE; i++) {
			ret = prt_pci_map_bar(dev, i);
			if (ret < 0 && ret != -EINVAL && ret != -ENOTSUP)
				goto fail_unmap;
		}
		step = "turning bus mastering on";
		ret = prt_pci_set_bus_master(dev, true);
		if (ret < 0)
			goto fail_unmap;
	}
	eal_intr_handle_init(&dev->intr_handle, dev->vfio_fd);
	step = "setting up the device-request interrupt";
	ret = request_irq_setup(dev, info.num_irqs);
	if (ret < 0)
		goto fail_master;
	return 0;

fail_master:
	if (drv_flags & PRT_PCI_DRV_NEED_MAPPING) /* only what this open turned on */
		prt_pci_set_bus_master(dev, false);
fail_unmap:
	unmap_bars(dev);
fail_close:
	PRT_LOG(ERR, PRT_LOGTYPE_PCI, "%s: cannot open it: %s failed (%s)", dev->name, step,
		strerror(-ret));
	vfio_device_close(dev->name, dev->vfio_fd);
	dev->vfio_fd = -1;
	return ret;
}

void eal_pci_device_close(struct prt_pci_device *dev)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int fd;

	/*
	 * Not under close_lock: from another thread this waits for a running
	 * device_request() to return, and that handler closes the device
	 * itself (from the handler, it does not wait for itself).
	 */
	if (dev->req_efd >= 0)
		prt_intr_callback_unregister(dev->req_efd);
	pthread_mutex_lock(&dev->close_lock);
	fd = dev->vfio_fd;
	if (fd < 0)
		goto out; /* closed already, by the other owner */
	request_irq_stop(dev);
	prt_intr_disable(&dev->intr_handle);
	if (!dev->removed) {
		prt_pci_set_bus_master(dev, false);
		unmap_bars(dev);
		/* A removed device is being reset by the kernel that took it back. */
		if (ioctl(fd, VFIO_DEVICE_GET_INFO, &info) == 0)
			device_reset(dev, info.flags);
	}
	/* A removed device's BARs stay backed by the all-ones memory until the bus frees it. */
	dev->vfio_fd = -1;
	dev->intr_handle.dev_fd = -1;
	/* Last: closing the fd is what lets the kernel finish an unbind. */
	vfio_device_close(dev->name, fd);
out:
	pthread_mutex_unlock(&dev->close_lock);
}

void eal_pci_device_free(struct prt_pci_device *dev)
{
	eal_pci_device_close(dev);
	if (dev->req_efd >= 0)
		close(dev->req_efd);
	unmap_bars(dev);
	pthread_mutex_destroy(&dev->close_lock);
	free(dev);
}
