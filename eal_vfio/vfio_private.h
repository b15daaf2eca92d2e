/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the VFIO layer: the host's file systems (overridable for tests),
 * the backend interface and its three implementations, the explanations of
 * the kernel's refusals, and the device calls the PCI bus makes.
 * Not installed.
 */
#ifndef VFIO_PRIVATE_H
#define VFIO_PRIVATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vfio.h>

#include "prt_common.h"
#include "prt_eal.h"
#include "prt_vfio.h"

/* ---- The host: sysfs, /dev, /proc ------------------------------------- */

/*
 * Roots of the file systems prt reads. Tests point them at a fake tree with
 * the environment variables PRT_SYSFS_ROOT, PRT_DEV_ROOT and PRT_PROC_ROOT
 * (read at each use); by default /sys, /dev and /proc.
 */
enum host_root {
	HOST_SYS,
	HOST_DEV,
	HOST_PROC,
};

/**
 * Writes root + the path formatted from @p fmt into @p buf.
 * @return 0; -ENAMETOOLONG when it does not fit (buf is then empty).
 */
int host_path(char *buf, size_t len, enum host_root root, const char *fmt, ...)
	__prt_format_printf(4, 5);

/**
 * Reads the first line of file @p path into @p buf without its newline.
 * @return the length; -errno of open/read (-ENOENT: no such file).
 */
int host_read_line(const char *path, char *buf, size_t len);

/** Reads a number (decimal, or hex with 0x, as sysfs writes them) from @p path. */
int host_read_u64(const char *path, uint64_t *v);

/**
 * The last component of the target of symlink @p path (e.g. "vfio-pci" for
 * a device's driver link, "12" for its iommu_group link).
 * @return 0; -ENOENT when there is no link; other -errno.
 */
int host_link_name(const char *path, char *buf, size_t len);

/** Path of PCI device @p bdf's attribute @p attr in sysfs ("" attr: the device directory). */
int host_pci_path(char *buf, size_t len, const char *bdf, const char *attr);

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

/* ---- Backends ----------------------------------------------------------- */

/** Most IOVA ranges remembered from the kernel. */
#define VFIO_MAX_IOVA_RANGES 16

struct vfio_backend;

/*
 * One way of reaching devices, as Linux's vfio_iommu_driver_ops. All calls
 * are made with the VFIO lock held (vfio.c), so none needs locking of its own.
 * Each logs its own refusals (through vfio_explain_*) before returning one.
 */
struct vfio_backend_ops {
	const char *name;
	enum prt_vfio_mode mode;
	/* Opens the container or /dev/iommu and checks the API. */
	int (*open)(struct vfio_backend *be);
	/* Gives the device @p bdf to the backend; returns its VFIO device fd in @p fd. */
	int (*attach_device)(struct vfio_backend *be, const char *bdf, int *fd);
	/* Takes back what attach_device did, closing the device fd @p fd. */
	void (*detach_device)(struct vfio_backend *be, int fd);
	/* Maps / unmaps one range; noiommu accepts and ignores them. */
	int (*dma_map)(struct vfio_backend *be, uint64_t vaddr, uint64_t iova, uint64_t len);
	int (*dma_unmap)(struct vfio_backend *be, uint64_t vaddr, uint64_t iova, uint64_t len);
	/* Closes what open() opened; every device is detached by then. */
	void (*close)(struct vfio_backend *be);
};

/* A group in a legacy container (type1, noiommu). */
struct vfio_group {
	struct vfio_group *next;
	struct vfio_group_info info;
	int fd;
	int *dev_fds; /**< device fds taken from it (its reference count) */
	unsigned int nb_devices;
};

/** The backend in use and its state. */
struct vfio_backend {
	const struct vfio_backend_ops *ops;
	int fd; /**< container (/dev/vfio/vfio) or iommufd (/dev/iommu) */
	uint32_t ioas_id; /**< iommufd: the IOAS every device is attached to */
	bool iommu_set; /**< container: VFIO_SET_IOMMU done (after the first group) */
	struct vfio_group *groups; /**< container: groups in it */
	unsigned int nb_devices;
	struct prt_vfio_iova_range ranges[VFIO_MAX_IOVA_RANGES];
	unsigned int nb_ranges; /**< 0 until known */
	uint64_t pinned; /**< bytes mapped (and so pinned) */
};

extern const struct vfio_backend_ops vfio_type1_ops;
extern const struct vfio_backend_ops vfio_noiommu_ops;
extern const struct vfio_backend_ops vfio_iommufd_ops;

/*
 * The legacy container shared by type1 and noiommu (vfio_container.c):
 * @p type is VFIO_TYPE1v2_IOMMU or VFIO_NOIOMMU_IOMMU.
 */
int vfio_container_open(struct vfio_backend *be, int type);
int vfio_container_attach(struct vfio_backend *be, const char *bdf, int type, int *fd);
void vfio_container_detach(struct vfio_backend *be, int fd);
void vfio_container_close(struct vfio_backend *be);

/**
 * Checks that [iova, iova + len) lies inside one range of @p be (any range
 * when none are known). Logs the refusal.
 * @return 0 or -ERANGE.
 */
int vfio_check_iova_range(const struct vfio_backend *be, uint64_t iova, uint64_t len);

/**
 * Logs the refusal of a DMA map ioctl @p what with errno @p err and returns
 * -err; ENOMEM is explained as memlock (with @p be->pinned + @p len needed).
 */
int vfio_dma_map_refused(const struct vfio_backend *be, const char *what, int err, uint64_t iova,
			 uint64_t len);

/* ---- Devices, for the PCI bus ------------------------------------------- */

/**
 * Opens PCI device @p bdf through the backend (choosing and opening one
 * first when no device is open, then mapping every memory segment).
 * @return 0 with the VFIO device fd in @p fd; a negative errno after one
 *         message that explains the refusal. Nothing stays open on failure.
 */
int vfio_device_open(const char *bdf, int *fd);

/** Closes what vfio_device_open() opened; the last one closes the backend. */
void vfio_device_close(const char *bdf, int fd);

/**
 * Reads the info of region @p index of the device @p fd, capability chain
 * included. @p *info is malloc()ed; the caller frees it.
 * @return 0; -errno of VFIO_DEVICE_GET_REGION_INFO; -ENOMEM.
 */
int vfio_region_info(int fd, uint32_t index, struct vfio_region_info **info);

/**
 * The capability @p id in the chain of @p info, or NULL.
 */
const struct vfio_info_cap_header *vfio_region_cap(const struct vfio_region_info *info,
						   uint16_t id);

/**
 * The mode "auto" resolves to on this host, without opening anything:
 * iommufd when /dev/iommu and device cdevs (sysfs class vfio-dev) exist, type1 when IOMMU groups
 * exist, noiommu when its module parameter is on; AUTO when none is usable.
 */
enum prt_vfio_mode vfio_host_mode(void);

struct eal_config;

/**
 * The IOVA mode for the options @p cfg when the user gave none: PA for
 * --vfio-mode=noiommu, and for auto on a host where auto means no-IOMMU
 * (unless --no-huge or --no-pci); VA otherwise.
 */
enum prt_iova_mode vfio_default_iova_mode(const struct eal_config *cfg);

/* ---- Interrupts (eal_interrupts.c) ------------------------------------- */

struct prt_intr_handle;

/** Fills @p h for device @p dev_fd: vectors per mode from VFIO_DEVICE_GET_IRQ_INFO, none enabled. */
void intr_handle_init(struct prt_intr_handle *h, int dev_fd);

/**
 * VFIO_DEVICE_SET_IRQS on irq @p index, vectors 0..@p count-1, with
 * @p flags (VFIO_IRQ_SET_DATA_* | VFIO_IRQ_SET_ACTION_*) and, for
 * DATA_EVENTFD, one fd per vector in @p efds.
 * @return 0; -errno.
 */
int vfio_set_irqs(int dev_fd, uint32_t index, uint32_t flags, uint32_t count, const int *efds);

/* ---- Explanations (vfio_explain.c) -------------------------------------- */
/*
 * Each writes one message into @p msg (size @p len): what was refused, why in
 * the user's terms, what to run. The library logs them; prt-doctor prints them.
 */

/** Lists the other processes holding @p dev_path open: "pid 12 (testpmd), pid 40 (x)"; "" if none. */
void vfio_explain_holders(const char *dev_path, char *msg, size_t len);

/**
 * Why device @p bdf cannot be opened through VFIO, from sysfs: it does not
 * exist, it is bound to a kernel driver, to no driver, or has no IOMMU group.
 * @return 0 when the device is bound to vfio-pci (msg then says so);
 *         -ENODEV (no such device), -EBUSY (bound to another driver),
 *         -ENOENT (no driver, or no group).
 */
int vfio_explain_device(const char *bdf, char *msg, size_t len);

/**
 * Why group @p group (of @p bdf) is not viable: its other devices that are
 * bound to a driver other than vfio-pci, named with their drivers.
 * @return how many such devices sysfs shows (0: viable as far as sysfs tells).
 */
int vfio_explain_not_viable(int group, const char *bdf, char *msg, size_t len);

/** Why opening group (or device cdev) @p dev_path for @p bdf failed with @p err. */
void vfio_explain_open(int err, const char *dev_path, const char *bdf, char *msg, size_t len);

/**
 * Why pinning failed: @p needed bytes pinned in all against RLIMIT_MEMLOCK,
 * and how to raise the limit.
 */
void vfio_explain_memlock(uint64_t needed, char *msg, size_t len);

/**
 * Whether no-IOMMU mode can be used: the module parameter and CAP_SYS_RAWIO.
 * @return 0 when both are there; -ENODEV (parameter off or vfio absent);
 *         -EPERM (no CAP_SYS_RAWIO).
 */
int vfio_explain_noiommu(char *msg, size_t len);

/**
 * Whether the host has an IOMMU on: groups in /sys/kernel/iommu_groups; if
 * not, the kernel command line to add for this CPU's vendor.
 * @return 0 when on; -ENODEV when off.
 */
int vfio_explain_iommu(char *msg, size_t len);

/** Why an ioctl @p what refused with @p err: the meaning of that errno for it. */
void vfio_explain_ioctl(const char *what, int err, char *msg, size_t len);

/** True when the process has capability @p cap (CAP_SYS_RAWIO, CAP_IPC_LOCK) in its effective set. */
bool vfio_has_cap(int cap);

#endif /* VFIO_PRIVATE_H */
