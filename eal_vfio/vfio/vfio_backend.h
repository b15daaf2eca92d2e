/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VFIO backend interface (as Linux's vfio_iommu_driver_ops) and what
 * its three implementations share: type1 and noiommu over the legacy
 * container (vfio_container.c), iommufd (vfio_iommufd.c). Only vfio/ uses it.
 * Not installed.
 */
#ifndef VFIO_BACKEND_H
#define VFIO_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/vfio.h>

#include "prt_vfio.h"
#include "vfio_host.h"

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

/**
 * The SR-IOV VF token of --vfio-vf-token (16 bytes, a UUID), or NULL when
 * none was given (or outside prt_eal_init(): tools). The backends pass it to
 * the kernel with each device they open; vfio.c sets it on a PF once opened.
 */
const unsigned char *vfio_vf_token(void);

/**
 * Logs why the kernel refused to open @p bdf (ioctl @p what, errno @p err):
 * for EACCES on an SR-IOV PF or VF, that the VF token is missing or wrong and
 * the option that gives it (vfio_explain_vf_token()); otherwise as
 * vfio_log_refusal(). @return -@p err.
 */
int vfio_log_open_refusal(const char *what, const char *bdf, int err);

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

#endif /* VFIO_BACKEND_H */
