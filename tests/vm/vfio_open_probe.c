/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio_open_probe: proves, inside a VM lab guest, that each NIC can be
 * opened through one VFIO path with the raw ioctls. It stands in for
 * eal_vfio until the library's VFIO backends exist, and is kept small.
 *
 *   vfio_open_probe [--fault] MODE BDF[,vendor:device]...
 *   vfio_open_probe --env     (MODE and NICs from PRT_VMLAB_MODE,
 *                              PRT_VMLAB_NICS and PRT_VMLAB_NIC_IDS)
 *
 * For each NIC: sysfs shows it with the expected ids, bound to vfio-pci; the
 * mode's device nodes exist (type1: /dev/vfio/N; noiommu: /dev/vfio/noiommu-N
 * and no /dev/iommu cdev for it; iommufd: /dev/iommu and
 * /dev/vfio/devices/vfioN); then
 *   type1:   container, group, VFIO_SET_IOMMU(TYPE1v2), VFIO_IOMMU_MAP_DMA
 *   noiommu: container, noiommu group, VFIO_SET_IOMMU(NOIOMMU)
 *   iommufd: /dev/iommu, VFIO_DEVICE_BIND_IOMMUFD, IOMMU_IOAS_ALLOC,
 *            VFIO_DEVICE_ATTACH_IOMMUFD_PT, IOMMU_IOAS_MAP
 * and on the device fd: VFIO_DEVICE_GET_INFO, BAR0's region info, and the
 * vendor id read back through the config space region.
 *
 * --fault (type1/iommufd, e1000e or igb only) then makes the NIC fetch a
 * transmit descriptor from an IOVA that is not mapped, so that the VM lab's
 * IOMMU fault check can be shown to catch it.
 *
 * Prints one "ok" line per NIC; exits 0 if all opened, 1 otherwise.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#define PROBE_IOVA 0x10000000ull /* where the probe maps its buffer */
#define FAULT_IOVA 0x7f000000ull /* never mapped */
#define BUF_LEN (64 * 1024)

struct nic {
	const char *bdf;
	const char *ids; /* "8086:10d3", or NULL */
};

static char errbuf[512];

static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return -1;
}

static int read_sysfs(const char *bdf, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Last path component of a sysfs link (driver, iommu_group), or NULL. */
static const char *link_name(const char *bdf, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return basename(buf);
}

static int is_chardev(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

/* The device's cdev name, "vfioN": the one entry of its sysfs vfio-dev/. */
static const char *cdev_name(const char *bdf, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(path);
	if (!d)
		return NULL;
	buf[0] = '\0';
	while ((e = readdir(d)))
		if (strncmp(e->d_name, "vfio", 4) == 0)
			snprintf(buf, len, "%s", e->d_name);
	closedir(d);
	return buf[0] ? buf : NULL;
}

/*
 * The device's view: info, the first BAR that exists (BAR0 on the Intel
 * NICs; a modern-only virtio-net has no BAR0 and keeps its registers in
 * BAR4), vendor id through the config region.
 */
static int check_device_fd(int dev, const char *bdf, const char *ids, uint64_t *bar0_len,
			   unsigned int *bar_index)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info bar0 = { .argsz = sizeof(bar0) };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg),
					.index = VFIO_PCI_CONFIG_REGION_INDEX };
	uint16_t vendor = 0;
	char sysvendor[16];

	if (ioctl(dev, VFIO_DEVICE_GET_INFO, &info) < 0)
		return fail("%s: VFIO_DEVICE_GET_INFO: %s", bdf, strerror(errno));
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI))
		return fail("%s: VFIO says it is not a PCI device (flags %#x)", bdf, info.flags);
	for (bar0.index = VFIO_PCI_BAR0_REGION_INDEX; bar0.index <= VFIO_PCI_BAR5_REGION_INDEX;
	     bar0.index++) {
		if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &bar0) < 0)
			return fail("%s: region info of BAR%u: %s", bdf, bar0.index,
				    strerror(errno));
		if (bar0.size)
			break;
	}
	if (bar0.size == 0)
		return fail("%s: VFIO shows no BAR with a size", bdf);
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0)
		return fail("%s: region info of config space: %s", bdf, strerror(errno));
	if (pread(dev, &vendor, sizeof(vendor), (off_t)cfg.offset) != sizeof(vendor))
		return fail("%s: reading config space: %s", bdf, strerror(errno));
	if (read_sysfs(bdf, "vendor", sysvendor, sizeof(sysvendor)) < 0 ||
	    strtoul(sysvendor, NULL, 16) != vendor)
		return fail("%s: config space says vendor %04x, sysfs %s", bdf, vendor, sysvendor);
	if (ids && strtoul(ids, NULL, 16) != vendor)
		return fail("%s: vendor %04x, expected %s", bdf, vendor, ids);
	*bar0_len = bar0.size;
	*bar_index = bar0.index;
	return 0;
}

/*
 * Makes an e1000e/igb fetch a transmit descriptor at FAULT_IOVA: bus
 * mastering on, TDBAL/TDBAH at the unmapped IOVA, TCTL.EN, TDT bumped.
 * Register offsets: 82574 datasheet 10.2.6 (transmit) and 82576 8.12; both
 * keep queue 0 at 0x3800.
 */
static int provoke_fault(int dev, const char *bdf)
{
	struct vfio_region_info bar0 = { .argsz = sizeof(bar0),
					 .index = VFIO_PCI_BAR0_REGION_INDEX };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg),
					.index = VFIO_PCI_CONFIG_REGION_INDEX };
	volatile uint32_t *regs;
	uint16_t cmd;

	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &bar0) < 0 ||
	    ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0)
		return fail("%s: region info: %s", bdf, strerror(errno));
	regs = mmap(NULL, bar0.size, PROT_READ | PROT_WRITE, MAP_SHARED, dev, (off_t)bar0.offset);
	if (regs == MAP_FAILED)
		return fail("%s: mmap of BAR0: %s", bdf, strerror(errno));
	if (pread(dev, &cmd, 2, (off_t)cfg.offset + 4) != 2)
		return fail("%s: reading the command register: %s", bdf, strerror(errno));
	cmd |= 0x4; /* bus master enable */
	if (pwrite(dev, &cmd, 2, (off_t)cfg.offset + 4) != 2)
		return fail("%s: writing the command register: %s", bdf, strerror(errno));
	regs[0x3800 / 4] = (uint32_t)FAULT_IOVA; /* TDBAL */
	regs[0x3804 / 4] = (uint32_t)(FAULT_IOVA >> 32); /* TDBAH */
	regs[0x3808 / 4] = 8 * 16; /* TDLEN: 8 descriptors */
	regs[0x3810 / 4] = 0; /* TDH */
	regs[0x3818 / 4] = 0; /* TDT */
	regs[0x3828 / 4] |= 1u << 25; /* TXDCTL.ENABLE (igb) */
	regs[0x0400 / 4] |= 1u << 1; /* TCTL.EN */
	regs[0x3818 / 4] = 1; /* TDT: one descriptor */
	usleep(500 * 1000);
	munmap((void *)regs, bar0.size);
	printf("fault %s: asked the NIC to read a descriptor at unmapped IOVA %#llx\n", bdf,
	       FAULT_IOVA);
	return 0;
}

static void *dma_buffer(void)
{
	void *buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return buf == MAP_FAILED ? NULL : buf;
}

static int open_type1(const struct nic *nic, int noiommu, int fault)
{
	char buf[PATH_MAX], gpath[64];
	const char *group_name = link_name(nic->bdf, "iommu_group", buf, sizeof(buf));
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int container = -1, group = -1, dev = -1, rc = -1;
	uint64_t bar0_len = 0;
	unsigned int bar = 0;

	if (!group_name)
		return fail("%s: no iommu_group in sysfs (%s)", nic->bdf,
			    noiommu ? "is vfio.enable_unsafe_noiommu_mode=1 set?" :
				      "is the IOMMU on?");
	snprintf(gpath, sizeof(gpath), "/dev/vfio/%s%s", noiommu ? "noiommu-" : "", group_name);
	if (!is_chardev(gpath))
		return fail("%s: %s is missing", nic->bdf, gpath);

	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0)
		return fail("open /dev/vfio/vfio: %s", strerror(errno));
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		fail("/dev/vfio/vfio: unknown API version");
		goto out;
	}
	if (ioctl(container, VFIO_CHECK_EXTENSION,
		  noiommu ? VFIO_NOIOMMU_IOMMU : VFIO_TYPE1v2_IOMMU) <= 0) {
		fail("container lacks %s", noiommu ? "VFIO_NOIOMMU_IOMMU" : "VFIO_TYPE1v2_IOMMU");
		goto out;
	}
	group = open(gpath, O_RDWR | O_CLOEXEC);
	if (group < 0) {
		fail("open %s: %s", gpath, strerror(errno));
		goto out;
	}
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &status) < 0 ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		fail("%s: group %s is not viable (another device of the group is "
		     "not bound to vfio-pci)",
		     nic->bdf, gpath);
		goto out;
	}
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) < 0) {
		fail("%s: VFIO_GROUP_SET_CONTAINER: %s", gpath, strerror(errno));
		goto out;
	}
	if (ioctl(container, VFIO_SET_IOMMU, noiommu ? VFIO_NOIOMMU_IOMMU : VFIO_TYPE1v2_IOMMU) <
	    0) {
		fail("VFIO_SET_IOMMU: %s", strerror(errno));
		goto out;
	}
	if (!noiommu) {
		void *mem = dma_buffer();
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)mem,
			.iova = PROBE_IOVA,
			.size = BUF_LEN,
		};
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap),
			.iova = PROBE_IOVA,
			.size = BUF_LEN,
		};

		if (!mem || ioctl(container, VFIO_IOMMU_MAP_DMA, &map) < 0) {
			fail("VFIO_IOMMU_MAP_DMA of %d bytes: %s", BUF_LEN, strerror(errno));
			goto out;
		}
		if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0 || unmap.size != BUF_LEN) {
			fail("VFIO_IOMMU_UNMAP_DMA: %s", strerror(errno));
			goto out;
		}
		munmap(mem, BUF_LEN);
	}
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, nic->bdf);
	if (dev < 0) {
		fail("%s: VFIO_GROUP_GET_DEVICE_FD: %s", nic->bdf, strerror(errno));
		goto out;
	}
	if (check_device_fd(dev, nic->bdf, nic->ids, &bar0_len, &bar) < 0)
		goto out;
	printf("ok %s %s %s %s bar%u=%llu\n", nic->bdf, nic->ids ? nic->ids : "-",
	       noiommu ? "noiommu" : "type1", gpath, bar, (unsigned long long)bar0_len);
	rc = fault ? provoke_fault(dev, nic->bdf) : 0;
out:
	if (dev >= 0)
		close(dev);
	if (group >= 0)
		close(group);
	close(container);
	return rc;
}

static int open_iommufd(const struct nic *nic, int fault)
{
	char buf[PATH_MAX], cdev[64];
	const char *name;
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	int iommufd = -1, dev = -1, rc = -1;
	uint64_t bar0_len = 0;
	unsigned int bar = 0;
	void *mem;

	if (!is_chardev("/dev/iommu"))
		return fail("/dev/iommu is missing");
	name = cdev_name(nic->bdf, buf, sizeof(buf));
	if (!name)
		return fail("%s: no vfio-dev in sysfs (no VFIO cdev)", nic->bdf);
	snprintf(cdev, sizeof(cdev), "/dev/vfio/devices/%s", name);
	if (!is_chardev(cdev))
		return fail("%s: %s is missing", nic->bdf, cdev);

	iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (iommufd < 0)
		return fail("open /dev/iommu: %s", strerror(errno));
	dev = open(cdev, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		fail("open %s: %s", cdev, strerror(errno));
		goto out;
	}
	bind.iommufd = iommufd;
	if (ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		fail("%s: VFIO_DEVICE_BIND_IOMMUFD: %s", cdev, strerror(errno));
		goto out;
	}
	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &alloc) < 0) {
		fail("IOMMU_IOAS_ALLOC: %s", strerror(errno));
		goto out;
	}
	attach.pt_id = alloc.out_ioas_id;
	if (ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0) {
		fail("%s: VFIO_DEVICE_ATTACH_IOMMUFD_PT: %s", cdev, strerror(errno));
		goto out;
	}
	mem = dma_buffer();
	{
		struct iommu_ioas_map map = {
			.size = sizeof(map),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
				 IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = alloc.out_ioas_id,
			.user_va = (uintptr_t)mem,
			.length = BUF_LEN,
			.iova = PROBE_IOVA,
		};
		struct iommu_ioas_unmap unmap = {
			.size = sizeof(unmap),
			.ioas_id = alloc.out_ioas_id,
			.iova = PROBE_IOVA,
			.length = BUF_LEN,
		};

		if (!mem || ioctl(iommufd, IOMMU_IOAS_MAP, &map) < 0) {
			fail("IOMMU_IOAS_MAP of %d bytes: %s", BUF_LEN, strerror(errno));
			goto out;
		}
		if (ioctl(iommufd, IOMMU_IOAS_UNMAP, &unmap) < 0) {
			fail("IOMMU_IOAS_UNMAP: %s", strerror(errno));
			goto out;
		}
		munmap(mem, BUF_LEN);
	}
	if (check_device_fd(dev, nic->bdf, nic->ids, &bar0_len, &bar) < 0)
		goto out;
	printf("ok %s %s iommufd %s dev_id=%u ioas=%u bar%u=%llu\n", nic->bdf,
	       nic->ids ? nic->ids : "-", cdev, bind.out_devid, alloc.out_ioas_id, bar,
	       (unsigned long long)bar0_len);
	rc = fault ? provoke_fault(dev, nic->bdf) : 0;
out:
	if (dev >= 0)
		close(dev);
	close(iommufd);
	return rc;
}

static int probe(const char *mode, const struct nic *nic, int fault)
{
	char buf[PATH_MAX], ids[32], v[16], d[16];
	const char *drv;

	if (read_sysfs(nic->bdf, "vendor", v, sizeof(v)) < 0 ||
	    read_sysfs(nic->bdf, "device", d, sizeof(d)) < 0)
		return fail("%s: not on the PCI bus", nic->bdf);
	snprintf(ids, sizeof(ids), "%s:%s", v + 2, d + 2);
	if (nic->ids && strcmp(ids, nic->ids) != 0)
		return fail("%s: is %s, expected %s", nic->bdf, ids, nic->ids);
	drv = link_name(nic->bdf, "driver", buf, sizeof(buf));
	if (!drv || strcmp(drv, "vfio-pci") != 0)
		return fail("%s: bound to %s, not vfio-pci", nic->bdf, drv ? drv : "no driver");
	if (strcmp(mode, "type1") == 0)
		return open_type1(nic, 0, fault);
	if (strcmp(mode, "noiommu") == 0)
		return open_type1(nic, 1, 0);
	if (strcmp(mode, "iommufd") == 0)
		return open_iommufd(nic, fault);
	return fail("unknown mode '%s' (type1, noiommu, iommufd)", mode);
}

int main(int argc, char **argv)
{
	struct nic nics[16];
	char *list[16], *ids[16] = { 0 };
	const char *mode;
	int n = 0, i, failed = 0, fault = 0, argi = 1;

	if (argi < argc && strcmp(argv[argi], "--fault") == 0) {
		fault = 1;
		argi++;
	}
	if (argi < argc && strcmp(argv[argi], "--env") == 0) {
		char *bdfs = getenv("PRT_VMLAB_NICS"), *idl = getenv("PRT_VMLAB_NIC_IDS");
		char *save;

		mode = getenv("PRT_VMLAB_MODE");
		if (!mode || !bdfs || !idl) {
			fprintf(stderr, "vfio_open_probe: --env: PRT_VMLAB_MODE, PRT_VMLAB_NICS or "
					"PRT_VMLAB_NIC_IDS unset (not in a VM lab guest?)\n");
			return 1;
		}
		for (char *t = strtok_r(bdfs, " ", &save); t && n < 16;
		     t = strtok_r(NULL, " ", &save))
			list[n++] = t;
		i = 0;
		for (char *t = strtok_r(idl, " ", &save); t && i < n;
		     t = strtok_r(NULL, " ", &save))
			ids[i++] = t;
	} else {
		if (argc - argi < 2) {
			fprintf(stderr,
				"usage: vfio_open_probe [--fault] MODE BDF[,vendor:device]...\n"
				"       vfio_open_probe [--fault] --env\n");
			return 2;
		}
		mode = argv[argi++];
		for (; argi < argc && n < 16; argi++) {
			list[n] = argv[argi];
			ids[n] = strchr(argv[argi], ',');
			if (ids[n])
				*ids[n]++ = '\0';
			n++;
		}
	}
	if (n == 0) {
		fprintf(stderr, "vfio_open_probe: no NICs given\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		nics[i].bdf = list[i];
		nics[i].ids = ids[i];
		if (probe(mode, &nics[i], fault) < 0) {
			printf("FAIL %s\n", errbuf);
			failed++;
		}
	}
	printf("vfio_open_probe: %d of %d NICs opened through %s\n", n - failed, n, mode);
	return failed ? 1 : 0;
}
