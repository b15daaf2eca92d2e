/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading the host: sysfs attributes, symlinks and /dev nodes, under roots
 * that tests can move to a fake tree (PRT_SYSFS_ROOT, PRT_DEV_ROOT,
 * PRT_PROC_ROOT).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfio_host.h"

static const char *vfio_host_root(enum vfio_host_root root)
{
	static const char *const env[] = { "PRT_SYSFS_ROOT", "PRT_DEV_ROOT", "PRT_PROC_ROOT" };
	static const char *const def[] = { "/sys", "/dev", "/proc" };
	const char *v = getenv(env[root]);

	return v && *v ? v : def[root];
}

int vfio_host_path(char *buf, size_t len, enum vfio_host_root root, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	n = snprintf(buf, len, "%s/", vfio_host_root(root));
	if (n < 0 || (size_t)n >= len)
		goto too_long;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= len - (size_t)n)
		goto too_long;
	return 0;
too_long:
	if (len)
		buf[0] = '\0';
	return -ENAMETOOLONG;
}

int vfio_host_pci_path(char *buf, size_t len, const char *bdf, const char *attr)
{
	return vfio_host_path(buf, len, VFIO_HOST_SYS, "bus/pci/devices/%s%s%s", bdf,
			      *attr ? "/" : "", attr);
}

bool vfio_host_exists(enum vfio_host_root root, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	return vfio_host_path(path, sizeof(path), root, "%s", rel) == 0 && stat(path, &st) == 0;
}

int vfio_host_read_line(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	if (len == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return (int)strlen(buf);
}

int vfio_host_read_u64(const char *path, uint64_t *v)
{
	char buf[64], *end;
	int ret = vfio_host_read_line(path, buf, sizeof(buf));

	if (ret < 0)
		return ret;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

int vfio_host_link_name(const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

int vfio_host_pci_driver(const char *bdf, char *buf, size_t len)
{
	char path[PATH_MAX];
	int ret = vfio_host_pci_path(path, sizeof(path), bdf, "driver");

	return ret < 0 ? ret : vfio_host_link_name(path, buf, len);
}

int vfio_host_pci_netdev(const char *bdf, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	int ret = -ENOENT;
	DIR *d;

	if (vfio_host_pci_path(path, sizeof(path), bdf, "net") < 0)
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ret = strlen(e->d_name) < len ? 0 : -ENAMETOOLONG;
		if (ret == 0)
			strcpy(buf, e->d_name);
		break;
	}
	closedir(d);
	return ret;
}

int vfio_host_pci_physfn(const char *bdf, char *pf, size_t len)
{
	char path[PATH_MAX];
	int ret = vfio_host_pci_path(path, sizeof(path), bdf, "physfn");

	return ret < 0 ? ret : vfio_host_link_name(path, pf, len);
}

int vfio_host_pci_virtfn(const char *pf, unsigned int index, char *vf, size_t len)
{
	char attr[32], path[PATH_MAX];
	int ret;

	snprintf(attr, sizeof(attr), "virtfn%u", index);
	ret = vfio_host_pci_path(path, sizeof(path), pf, attr);
	return ret < 0 ? ret : vfio_host_link_name(path, vf, len);
}

int vfio_host_pci_vf_index(const char *pf, const char *vf)
{
	char path[PATH_MAX], name[64], *end;
	struct dirent *e;
	int ret = -ENOENT;
	long n;
	DIR *d;

	if (vfio_host_pci_path(path, sizeof(path), pf, "") < 0)
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return -errno;
	while (ret < 0 && (e = readdir(d))) {
		if (strncmp(e->d_name, "virtfn", 6) != 0)
			continue;
		n = strtol(e->d_name + 6, &end, 10);
		if (end == e->d_name + 6 || *end || n < 0 || n > INT32_MAX)
			continue;
		if (vfio_host_pci_virtfn(pf, (unsigned int)n, name, sizeof(name)) == 0 &&
		    strcmp(name, vf) == 0)
			ret = (int)n;
	}
	closedir(d);
	return ret;
}

int vfio_group_of(const char *bdf, struct vfio_group_info *g)
{
	char path[PATH_MAX], name[64], *end;
	struct stat st;
	long num;
	int ret;

	ret = vfio_host_pci_path(path, sizeof(path), bdf, "");
	if (ret < 0)
		return ret;
	if (stat(path, &st) < 0)
		return -ENODEV;
	ret = vfio_host_pci_path(path, sizeof(path), bdf, "iommu_group");
	if (ret < 0)
		return ret;
	ret = vfio_host_link_name(path, name, sizeof(name));
	if (ret < 0)
		return -ENOENT;
	num = strtol(name, &end, 10);
	if (*end || num < 0 || num > INT32_MAX)
		return -ENOENT;
	g->num = (int)num;
	/* A no-IOMMU group has only the noiommu-N node; a real one only N. */
	vfio_host_path(g->dev_path, sizeof(g->dev_path), VFIO_HOST_DEV, "vfio/noiommu-%d", g->num);
	g->noiommu = stat(g->dev_path, &st) == 0;
	if (!g->noiommu)
		vfio_host_path(g->dev_path, sizeof(g->dev_path), VFIO_HOST_DEV, "vfio/%d", g->num);
	return 0;
}
