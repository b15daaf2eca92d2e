/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_vfio.h
 * VFIO: how prt reaches PCI devices and makes its memory reachable by them.
 *
 * One backend serves the whole process, chosen by --vfio-mode when the first
 * device is opened:
 *  - iommufd: /dev/iommu, device cdevs /dev/vfio/devices/vfioN, one IOAS;
 *  - type1: container /dev/vfio/vfio + groups /dev/vfio/N, VFIO_TYPE1v2_IOMMU;
 *  - noiommu: container + groups /dev/vfio/noiommu-N, no DMA translation
 *    (IOVA = physical address, needs CAP_SYS_RAWIO, unsafe).
 * "auto" picks iommufd, then type1, then noiommu (with a warning).
 *
 * The backend maps every prt memory segment for DMA (one mapping per
 * segment, IOVA = VA, only inside the IOVA ranges the kernel allows) from
 * the first device open until the last device closes. Drivers do not call
 * this layer for ordinary operation: the PCI bus (prt_pci.h) opens devices,
 * and memory from prt_malloc()/memzones is already mapped. The calls below
 * are for memory prt does not own (an application's own buffers) and for
 * diagnostics.
 *
 * Every refusal of the kernel is logged as one message (type "eal.vfio")
 * that says what was refused, why in the user's terms, and what to run.
 */
#ifndef PRT_VFIO_H
#define PRT_VFIO_H

#include <stdint.h>

#include "prt_common.h"
#include "prt_eal.h"

/** One range of IOVAs the IOMMU accepts, inclusive bounds. */
struct prt_vfio_iova_range {
	uint64_t start;
	uint64_t last;
};

/**
 * The backend in use: PRT_VFIO_MODE_IOMMUFD, _TYPE1 or _NOIOMMU while at
 * least one device is open, PRT_VFIO_MODE_AUTO when none is. Thread-safe.
 */
enum prt_vfio_mode prt_vfio_mode_in_use(void);

/** "iommufd", "type1", "noiommu" or "auto". */
const char *prt_vfio_mode_name(enum prt_vfio_mode mode);

/**
 * Maps @p len bytes of process memory at @p vaddr for device DMA at IOVA
 * @p iova. With a device open, the backend maps it now (a no-op in noiommu
 * mode, where the IOVA must be the physical address); with none, the range
 * is remembered and mapped when the first device opens. It stays remembered
 * (and is mapped again by each later backend) until prt_vfio_dma_unmap().
 * The memory must stay mapped in the process until then. Pinned memory
 * counts against RLIMIT_MEMLOCK unless the process has CAP_IPC_LOCK.
 * Thread-safe.
 *
 * @param vaddr page-aligned address
 * @param iova  page-aligned IOVA (in VA mode, normally == vaddr)
 * @param len   bytes, a multiple of the page size
 * @return 0; -EINVAL for unaligned or zero arguments; -EEXIST when the same
 *         range is mapped already, or it overlaps a mapping; -ERANGE when the
 *         IOVA range is not inside one range the IOMMU allows (see
 *         prt_vfio_iova_ranges()); -ENOMEM when the memlock limit is reached
 *         (the message says how much is needed) or out of memory; -ENOSPC
 *         when the container holds as many mappings as it may (type1's
 *         dma_entry_limit); other errors of the kernel, each logged.
 */
int prt_vfio_dma_map(uint64_t vaddr, prt_iova_t iova, uint64_t len);

/**
 * Removes a mapping made by prt_vfio_dma_map() with the same arguments.
 * Thread-safe.
 * @return 0; -ENOENT when no such mapping exists; kernel errors.
 */
int prt_vfio_dma_unmap(uint64_t vaddr, prt_iova_t iova, uint64_t len);

/**
 * Copies the IOVA ranges the IOMMU allows into @p r (room for @p n).
 * Known once a device is open; with noiommu, every address is allowed.
 * Thread-safe.
 *
 * @return the number of ranges (may exceed @p n; only @p n are copied);
 *         -ENODEV when no device is open.
 */
int prt_vfio_iova_ranges(struct prt_vfio_iova_range *r, unsigned int n);

#endif /* PRT_VFIO_H */
