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

/*
 * A PCI function in sysfs: ids, class, NUMA node, BAR0 resource; bound to
 * @p driver (NULL: none), in IOMMU group @p group (-1: none).
 */
static inline void fake_pci_device(const char *bdf, const char *vendor, const char *device,
				   const char *class, const char *driver, int group)
{
	char rel[256], target[PATH_MAX];

	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/vendor", bdf);
	fake_write(rel, vendor);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/device", bdf);
	fake_write(rel, device);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/class", bdf);
	fake_write(rel, class);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/subsystem_vendor", bdf);
	fake_write(rel, "0x1af4\n");
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/subsystem_device", bdf);
	fake_write(rel, "0x1100\n");
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/numa_node", bdf);
	fake_write(rel, "0\n");
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/resource", bdf);
	fake_write(rel, "0x00000000febc0000 0x00000000febdffff 0x0000000000040200\n"
			"0x0000000000000000 0x0000000000000000 0x0000000000000000\n");
	if (driver) {
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/driver", bdf);
		snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
		fake_link(rel, target);
	}
	if (group >= 0) {
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/iommu_group", bdf);
		snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", group);
		fake_link(rel, target);
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices/%s", group, bdf);
		fake_path(target, "sys/bus/pci/devices/%s", bdf);
		fake_link(rel, target);
	}
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
