/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A fake host for the vfio suite: sysfs, /dev and /proc trees in a temporary
 * directory, which the library reads through PRT_SYSFS_ROOT, PRT_DEV_ROOT and
 * PRT_PROC_ROOT. Device nodes are plain files: the tests exercise what prt
 * reads from the host, not the kernel's ioctls (the VM lab does those).
 */
#ifndef FAKE_HOST_H
#define FAKE_HOST_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fake_root[PATH_MAX];

/* root/<fmt...> into buf. */
static inline const char *fake_path(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline const char *fake_path(char *buf, const char *fmt, ...)
{
	int n = snprintf(buf, PATH_MAX, "%s/", fake_root);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, PATH_MAX - (size_t)n, fmt, ap);
	va_end(ap);
	return buf;
}

/* mkdir -p of the directory part of @p path (with @p path itself when @p self). */
static inline void fake_mkdirs(const char *path, int self)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0755);
		*p = '/';
	}
	if (self)
		mkdir(tmp, 0755);
}

/* Writes @p content into root/<rel>, creating directories. */
static inline void fake_write(const char *rel, const char *content)
{
	char path[PATH_MAX];
	FILE *f;

	fake_path(path, "%s", rel);
	fake_mkdirs(path, 0);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(content, f);
	fclose(f);
}

/* root/<rel> -> @p target (target taken as is). */
static inline void fake_link(const char *rel, const char *target)
{
	char path[PATH_MAX];

	fake_path(path, "%s", rel);
	fake_mkdirs(path, 0);
	unlink(path);
	if (symlink(target, path) < 0)
		abort();
}

/* Writes attribute @p attr of PCI device @p bdf (sys/bus/pci/devices/BDF/attr). */
static inline void fake_pci_attr(const char *bdf, const char *attr, const char *content)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/%s", bdf, attr);
	fake_write(rel, content);
}

/* sys/bus/pci/devices/BDF/<attr> -> @p target (relative to the device's directory). */
static inline void fake_pci_link(const char *bdf, const char *attr, const char *target)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/%s", bdf, attr);
	fake_link(rel, target);
}

/*
 * A PCI function in sysfs: ids, class, NUMA node, BAR0 resource; bound to
 * @p driver (NULL: none), in IOMMU group @p group (-1: none).
 */
static inline void fake_pci_device(const char *bdf, const char *vendor, const char *device,
				   const char *class, const char *driver, int group)
{
	char rel[256], target[PATH_MAX];

	fake_pci_attr(bdf, "vendor", vendor);
	fake_pci_attr(bdf, "device", device);
	fake_pci_attr(bdf, "class", class);
	fake_pci_attr(bdf, "subsystem_vendor", "0x1af4\n");
	fake_pci_attr(bdf, "subsystem_device", "0x1100\n");
	fake_pci_attr(bdf, "numa_node", "0\n");
	fake_pci_attr(bdf, "resource",
		      "0x00000000febc0000 0x00000000febdffff 0x0000000000040200\n"
		      "0x0000000000000000 0x0000000000000000 0x0000000000000000\n");
	if (driver) {
		snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
		fake_pci_link(bdf, "driver", target);
	}
	if (group >= 0) {
		snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", group);
		fake_pci_link(bdf, "iommu_group", target);
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices/%s", group, bdf);
		fake_path(target, "sys/bus/pci/devices/%s", bdf);
		fake_link(rel, target);
	}
}

/* PF @p pf's SR-IOV capability as sysfs shows it: sriov_totalvfs, sriov_numvfs. */
static inline void fake_sriov_pf(const char *pf, unsigned int total, unsigned int num)
{
	char v[16];

	snprintf(v, sizeof(v), "%u\n", total);
	fake_pci_attr(pf, "sriov_totalvfs", v);
	snprintf(v, sizeof(v), "%u\n", num);
	fake_pci_attr(pf, "sriov_numvfs", v);
}

/* @p vf as VF @p index of @p pf: the PF's virtfnN link and the VF's physfn link. */
static inline void fake_sriov_vf(const char *pf, unsigned int index, const char *vf)
{
	char attr[32], target[64];

	snprintf(attr, sizeof(attr), "virtfn%u", index);
	snprintf(target, sizeof(target), "../%s", vf);
	fake_pci_link(pf, attr, target);
	snprintf(target, sizeof(target), "../%s", pf);
	fake_pci_link(vf, "physfn", target);
}

/*
 * An 82576 (8086:10c9) PF at 0000:01:00.0 that can have 7 VFs and has 2 of
 * them (8086:10ca): VF 0 at 0000:01:10.0 on vfio-pci, VF 1 at 0000:01:10.2
 * on igbvf. The PF is on @p pf_driver (NULL: none; with a driver, its
 * interface is eth0). @p groups: the IOMMU groups of the PF, VF 0, VF 1.
 */
static inline void fake_82576(const char *pf_driver, const int groups[3])
{
	fake_pci_device("0000:01:00.0", "0x8086", "0x10c9", "0x020000", pf_driver, groups[0]);
	if (pf_driver)
		fake_pci_attr("0000:01:00.0", "net/eth0/ifindex", "2\n");
	fake_sriov_pf("0000:01:00.0", 7, 2);
	fake_pci_device("0000:01:10.0", "0x8086", "0x10ca", "0x020000", "vfio-pci", groups[1]);
	fake_pci_device("0000:01:10.2", "0x8086", "0x10ca", "0x020000", "igbvf", groups[2]);
	fake_sriov_vf("0000:01:00.0", 0, "0000:01:10.0");
	fake_sriov_vf("0000:01:00.0", 1, "0000:01:10.2");
}

/* Makes the tree and points the library at it. */
static inline void fake_host_create(void)
{
	char path[PATH_MAX];

	snprintf(fake_root, sizeof(fake_root), "/tmp/prt-fake-host-XXXXXX");
	if (!mkdtemp(fake_root))
		abort();
	fake_mkdirs(fake_path(path, "sys/bus/pci/devices"), 1);
	fake_mkdirs(fake_path(path, "dev/vfio"), 1);
	fake_mkdirs(fake_path(path, "proc"), 1);
	setenv("PRT_SYSFS_ROOT", fake_path(path, "sys"), 1);
	setenv("PRT_DEV_ROOT", fake_path(path, "dev"), 1);
	setenv("PRT_PROC_ROOT", fake_path(path, "proc"), 1);
}

static inline int fake_rm(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static inline void fake_host_destroy(void)
{
	nftw(fake_root, fake_rm, 16, FTW_DEPTH | FTW_PHYS);
	unsetenv("PRT_SYSFS_ROOT");
	unsetenv("PRT_DEV_ROOT");
	unsetenv("PRT_PROC_ROOT");
}

#endif /* FAKE_HOST_H */
