/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The no-IOMMU backend: a legacy container with VFIO_NOIOMMU_IOMMU over
 * /dev/vfio/noiommu-N groups. Nothing translates device addresses, so there
 * is nothing to map: devices are given physical addresses (IOVA mode PA) and
 * can reach all of memory. The kernel taints itself and demands
 * CAP_SYS_RAWIO; prt says so once, loudly, when the backend opens.
 */
#include "prt_log.h"
#include "vfio_backend.h"

static int noiommu_open(struct vfio_backend *be)
{
	int ret = vfio_container_open(be, VFIO_NOIOMMU_IOMMU);

	if (ret == 0)
		PRT_LOG(WARNING, PRT_LOGTYPE_VFIO,
			"no-IOMMU mode: devices get physical addresses and nothing stops them "
			"from writing anywhere in memory (no isolation, the kernel is tainted); "
			"use an IOMMU (type1 or iommufd) where the machine has one");
	return ret;
}

static int noiommu_attach(struct vfio_backend *be, const char *bdf, int *fd)
{
	return vfio_container_attach(be, bdf, VFIO_NOIOMMU_IOMMU, fd);
}

/* The device uses physical addresses: nothing to map or unmap. */
static int noiommu_dma_nop(struct vfio_backend *be, uint64_t vaddr, uint64_t iova, uint64_t len)
{
	(void)be;
	(void)vaddr;
	(void)iova;
	(void)len;
	return 0;
}

const struct vfio_backend_ops vfio_noiommu_ops = {
	.name = "noiommu",
	.mode = PRT_VFIO_MODE_NOIOMMU,
	.open = noiommu_open,
	.attach_device = noiommu_attach,
	.detach_device = vfio_container_detach,
	.dma_map = noiommu_dma_nop,
	.dma_unmap = noiommu_dma_nop,
	.close = vfio_container_close,
};
