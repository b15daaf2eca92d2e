/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host as prt reads it: sysfs, /dev and /proc under roots that tests
 * move, and the IOMMU group of a PCI device. Used by the VFIO backends, the
 * PCI scan, the explanations and prt-doctor.
 * Not installed.
 */
#ifndef VFIO_HOST_H
#define VFIO_HOST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prt_common.h"

/*
 * Roots of the file systems prt reads. Tests point them at a fake tree with
 * the environment variables PRT_SYSFS_ROOT, PRT_DEV_ROOT and PRT_PROC_ROOT
 * (read at each use); by default /sys, /dev and /proc.
 */
enum vfio_host_root {
	VFIO_HOST_SYS,
	VFIO_HOST_DEV,
	VFIO_HOST_PROC,
};

/**
 * Writes root + the path formatted from @p fmt into @p buf.
 * @return 0; -ENAMETOOLONG when it does not fit (buf is then empty).
 */
int vfio_host_path(char *buf, size_t len, enum vfio_host_root root, const char *fmt, ...)
	__prt_format_printf(4, 5);

/**
 * Reads the first line of file @p path into @p buf without its newline.
 * @return the length; -errno of open/read (-ENOENT: no such file).
 */
int vfio_host_read_line(const char *path, char *buf, size_t len);

/** Reads a number (decimal, or hex with 0x, as sysfs writes them) from @p path. */
int vfio_host_read_u64(const char *path, uint64_t *v);

/**
 * The last component of the target of symlink @p path (e.g. "vfio-pci" for
 * a device's driver link, "12" for its iommu_group link).
 * @return 0; -ENOENT when there is no link; other -errno.
 */
int vfio_host_link_name(const char *path, char *buf, size_t len);

/** Path of PCI device @p bdf's attribute @p attr in sysfs ("" attr: the device directory). */
int vfio_host_pci_path(char *buf, size_t len, const char *bdf, const char *attr);

/**
 * The driver PCI device @p bdf is bound to: the name its driver link points
 * to ("vfio-pci", "igb").
 * @return 0; -ENOENT when it is bound to no driver (or does not exist);
 *         -ENAMETOOLONG when the name does not fit @p len; other -errno.
 * Thread-safe: reads sysfs only.
 */
int vfio_host_pci_driver(const char *bdf, char *buf, size_t len);

/**
 * The first network interface of PCI device @p bdf (its net/ directory in
 * sysfs): "eth0" for a NIC on its kernel driver.
 * @return 0; -ENOENT when it has none (no driver, or one without a netdev);
 *         -ENAMETOOLONG when the name does not fit @p len; other -errno.
 * Thread-safe: reads sysfs only (readdir on a directory of its own).
 */
int vfio_host_pci_netdev(const char *bdf, char *buf, size_t len);

/**
 * The PF of SR-IOV virtual function @p bdf: the BDF its physfn link names.
 * The link may dangle (a PF gone from sysfs): the caller checks the PF.
 * @return 0; -ENOENT when @p bdf has no physfn link (it is not a VF, or
 *         does not exist); -ENAMETOOLONG; other -errno of readlink.
 * Thread-safe: reads sysfs only.
 */
int vfio_host_pci_physfn(const char *bdf, char *pf, size_t len);

/**
 * Which VF of PF @p pf the function @p vf is: the N of the PF's virtfnN
 * link that names it (the N of `ip link set PFDEV vf N ...`).
 * @return N (>= 0); -ENOENT when no virtfn link of @p pf names @p vf;
 *         other -errno of opendir.
 * Thread-safe: reads sysfs only.
 */
int vfio_host_pci_vf_index(const char *pf, const char *vf);

/**
 * The name of VF @p index of PF @p pf (the BDF its virtfn link names).
 * @return 0; -ENOENT when there is no such link; -ENAMETOOLONG; other -errno.
 * Thread-safe: reads sysfs only.
 */
int vfio_host_pci_virtfn(const char *pf, unsigned int index, char *vf, size_t len);

/** True when root + @p rel exists (a file, a directory or a device node). */
bool vfio_host_exists(enum vfio_host_root root, const char *rel);

/** The IOMMU group of a device, as sysfs and /dev show it. */
struct vfio_group_info {
	int num; /**< the group number */
	bool noiommu; /**< a no-IOMMU group (/dev/vfio/noiommu-N) */
	char dev_path[PATH_MAX]; /**< /dev/vfio/N or /dev/vfio/noiommu-N */
};

/**
 * Finds the IOMMU group of @p bdf.
 * @return 0; -ENODEV when the device does not exist; -ENOENT when it has no
 *         IOMMU group (no IOMMU and no no-IOMMU mode for it).
 */
int vfio_group_of(const char *bdf, struct vfio_group_info *g);

#endif /* VFIO_HOST_H */
