/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit buffers cut at 4 KiB pages of IOVA, for the PCI drivers whose
 * QEMU models need it (e1000e, igb, vmxnet3). The devices need no such
 * thing, but QEMU's models fetch a transmit buffer with one DMA mapping,
 * which an IOMMU (the VM lab's vIOMMU) cuts at its page boundary; they then
 * drop the whole frame without a word or a count. A driver gives the
 * device each segment in pieces that do not cross a page: one compare per
 * segment, and a frame in one mbuf rarely crosses a page. For drivers; not
 * installed.
 */
#ifndef ETHDEV_TX_PAGES_H
#define ETHDEV_TX_PAGES_H

#include <stdint.h>

#include "prt_common.h"

#define PRT_ETH_TX_PAGE_SHIFT 12
#define PRT_ETH_TX_PAGE_SIZE (1u << PRT_ETH_TX_PAGE_SHIFT)

/** Pieces (descriptors) a segment of @p len bytes at @p iova takes: 1 for an empty one. */
static inline uint16_t prt_eth_tx_page_pieces(prt_iova_t iova, uint16_t len)
{
	if (len == 0)
		return 1;
	return (uint16_t)(((iova + len - 1) >> PRT_ETH_TX_PAGE_SHIFT) -
			  (iova >> PRT_ETH_TX_PAGE_SHIFT) + 1);
}

/** Bytes of the first piece of @p len bytes at @p iova: up to the end of its page. */
static inline uint16_t prt_eth_tx_page_piece(prt_iova_t iova, uint16_t len)
{
	return (uint16_t)PRT_MIN((uint32_t)len,
				 PRT_ETH_TX_PAGE_SIZE -
					 (uint32_t)(iova & (PRT_ETH_TX_PAGE_SIZE - 1)));
}

#endif /* ETHDEV_TX_PAGES_H */
