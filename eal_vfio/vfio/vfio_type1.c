/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The type1 backend: a legacy container with VFIO_TYPE1v2_IOMMU. Each
 * range is one VFIO_IOMMU_MAP_DMA (a container holds at most
 * dma_entry_limit of them, 65535 by default, so prt maps a whole segment at
 * once), inside the IOVA ranges VFIO_IOMMU_GET_INFO reports
 * (VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE; x86 leaves out the MSI window).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "prt_log.h"
#include "vfio_backend.h"

static int type1_open(struct vfio_backend *be)
{
	return vfio_container_open(be, VFIO_TYPE1v2_IOMMU);
}

/* Reads the allowed IOVA ranges; a kernel without the capability allows everything. */
static int type1_read_ranges(struct vfio_backend *be)
{
	struct vfio_iommu_type1_info *info;
	const struct vfio_info_cap_header *h;
	const struct vfio_iommu_type1_info_cap_iova_range *cap;
	uint32_t argsz = sizeof(*info);
	int ret;

	for (;;) {
		info = calloc(1, argsz);
		if (!info)
			return -ENOMEM;
		info->argsz = argsz;
		if (ioctl(be->fd, VFIO_IOMMU_GET_INFO, info) < 0) {
			ret = -errno;
			free(info);
			return ret;
		}
		if (info->argsz <= argsz)
			break;
		argsz = info->argsz;
		free(info);
	}
	be->nb_ranges = 0;
	for (uint32_t off = (info->flags & VFIO_IOMMU_INFO_CAPS) ? info->cap_offset : 0;
	     off >= sizeof(*info) && off + sizeof(*h) <= argsz; off = h->next) {
		h = (const void *)((const char *)info + off);
		if (h->id != VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE)
			continue;
		cap = (const void *)h;
		for (uint32_t i = 0; i < cap->nr_iovas && i < VFIO_MAX_IOVA_RANGES; i++) {
			be->ranges[i].start = cap->iova_ranges[i].start;
			be->ranges[i].last = cap->iova_ranges[i].end;
			be->nb_ranges++;
		}
		break;
	}
	free(info);
	return 0;
}

static int type1_attach(struct vfio_backend *be, const char *bdf, int *fd)
{
	int ret = vfio_container_attach(be, bdf, VFIO_TYPE1v2_IOMMU, fd);

	/* Each group may narrow the ranges (its reserved regions): read them again. */
	if (ret == 0 && type1_read_ranges(be) < 0)
		PRT_LOG(WARNING, PRT_LOGTYPE_VFIO,
			"VFIO_IOMMU_GET_INFO failed: the IOVA ranges the IOMMU allows are unknown");
	return ret;
}

static int type1_dma_map(struct vfio_backend *be, uint64_t vaddr, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = vaddr,
		.iova = iova,
		.size = len,
	};
	int ret = vfio_check_iova_range(be, iova, len);

	if (ret < 0)
		return ret;
	if (ioctl(be->fd, VFIO_IOMMU_MAP_DMA, &map) < 0)
		return vfio_dma_map_refused(be, "VFIO_IOMMU_MAP_DMA", errno, iova, len);
	return 0;
}

static int type1_dma_unmap(struct vfio_backend *be, uint64_t vaddr, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = len,
	};

	(void)vaddr;
	if (ioctl(be->fd, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0)
		return -errno;
	return unmap.size == len ? 0 : -ENOENT;
}

const struct vfio_backend_ops vfio_type1_ops = {
	.name = "type1",
	.mode = PRT_VFIO_MODE_TYPE1,
	.open = type1_open,
	.attach_device = type1_attach,
	.detach_device = vfio_container_detach,
	.dma_map = type1_dma_map,
	.dma_unmap = type1_dma_unmap,
	.close = vfio_container_close,
};
