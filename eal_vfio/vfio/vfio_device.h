/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The narrow VFIO calls the rest of the EAL makes: open and close a PCI
 * device through the backend in use, its region info, and the modes "auto"
 * resolves to on this host.
 * Not installed.
 */
#ifndef VFIO_DEVICE_H
#define VFIO_DEVICE_H

#include <stdint.h>

#include <linux/vfio.h>

#include "prt_eal.h"
#include "prt_vfio.h"

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
 * The capability @p id in the chain of @p info (VFIO_REGION_INFO_FLAG_CAPS),
 * its first @p len bytes inside info->argsz, which vfio_region_info()
 * allocated; NULL when absent or shorter. A chain that goes back,
 * misaligned or past argsz ends the walk (the kernel appends each
 * capability after the last).
 */
const struct vfio_info_cap_header *vfio_region_cap(const struct vfio_region_info *info, uint16_t id,
						   size_t len);

/**
 * The areas of region @p info that may be mmap()ed
 * (VFIO_REGION_INFO_CAP_SPARSE_MMAP: a BAR holding the MSI-X table), each
 * checked to be page-aligned and inside the region, in @p *areas (pointing
 * into @p info).
 * @return the number of areas (0: none may be mapped); -ENOENT without the
 *         capability (the whole region may be); -EPROTO when it is malformed
 *         (its areas past argsz, an area outside the region or unaligned).
 */
int vfio_region_sparse_areas(const struct vfio_region_info *info,
			     const struct vfio_region_sparse_mmap_area **areas);

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

#endif /* VFIO_DEVICE_H */
