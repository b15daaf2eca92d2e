/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-net rx and tx queues (virtio 1.2, 5.1.6 Device Operation) over the
 * virtqueue core: what a queue holds, its burst functions, and the set-up
 * calls virtio_ethdev.c makes. Private to the driver.
 *
 * Every frame carries a struct virtio_net_hdr in front of it. On rx the
 * header lands in the mbuf's headroom, just before data_off, so the frame
 * needs no copy; on tx it is written into the headroom when the mbuf is
 * ours alone (one direct segment, refcnt 1) so the frame takes one
 * descriptor, and otherwise comes from the queue's own header table as the
 * first descriptor of a chain.
 */
#ifndef VIRTIO_RXTX_H
#define VIRTIO_RXTX_H

#include <stdbool.h>
#include <stdint.h>

#include "prt_mbuf.h"
#include "prt_memzone.h"
#include "virtio_hw.h"
#include "virtqueue.h"

/** Most segments of one tx frame (the header takes one more descriptor). */
#define VIRTIO_TX_MAX_SEGS 64

/**
 * Most descriptors (the header's included) a chained tx frame puts in an
 * indirect table (VIRTIO_F_INDIRECT_DESC), taking one ring descriptor
 * instead of one per segment; longer chains go direct. As DPDK's
 * VIRTIO_MAX_TX_INDIRECT.
 */
#define VIRTIO_TX_INDIRECT_MAX 8

/**
 * What the device reads, besides the frame, for a chained (or shared) tx
 * frame sent under one buffer id (virtqueue_next_id()): its header and,
 * with VIRTIO_F_INDIRECT_DESC, its indirect table.
 */
struct virtnet_tx_region {
	struct virtio_net_hdr hdr;
	_Alignas(16) uint8_t indirect[VIRTIO_TX_INDIRECT_MAX * VQ_INDIRECT_DESC_LEN];
};

/** Counters of an rx queue: written by its polling thread (prt_eth_counter_add), read by any. */
struct virtnet_rx_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors; /**< frames dropped for what the device wrote (below) */
	uint64_t bad_len; /**< used length shorter than the header, or beyond the buffer */
	uint64_t bad_num_buffers; /**< MRG_RXBUF: num_buffers 0 or more than the ring holds */
};

struct virtnet_rx {
	struct virtqueue *vq;
	struct prt_mempool *mp;
	_Atomic uint64_t *alloc_failed; /**< the port's rx_mbuf_alloc_failed */
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t mbuf_addr_off; /**< offsetof buf_addr (use_va) or buf_iova in struct prt_mbuf */
	uint16_t free_thresh; /**< refill once this many descriptors are free */
	bool csum; /**< VIRTIO_NET_F_GUEST_CSUM: header flags become ol_flags */
	/* MRG_RXBUF: the frame being put together across bursts. */
	struct prt_mbuf *mrg_head;
	struct prt_mbuf *mrg_tail;
	uint16_t mrg_left; /**< buffers still to come for it */
	bool mrg_drop; /**< it is bad: drop its remaining buffers */
	struct virtnet_rx_stats stats;
	const struct prt_memzone *mz; /**< ring memory */
} __prt_cache_aligned;

struct virtnet_tx_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors; /**< frames dropped: more than VIRTIO_TX_MAX_SEGS segments */
};

struct virtnet_tx {
	struct virtqueue *vq;
	struct virtnet_tx_region *regions; /**< one per buffer id, for chains */
	uint64_t regions_addr; /**< regions as the device addresses them */
	uint16_t mbuf_addr_off;
	uint16_t free_thresh; /**< reclaim sent buffers when fewer descriptors are free */
	bool csum; /**< VIRTIO_NET_F_CSUM: checksum requests go into the header */
	struct virtnet_tx_stats stats;
	const struct prt_memzone *mz; /**< ring, then regions */
} __prt_cache_aligned;

/**
 * Reserves the memory of virtqueue @p qidx (its ring of @p size descriptors,
 * laid out for the features negotiated, then @p extra bytes of the caller's
 * at vq->ring_va + vq->ring_len) in a memzone on hw->socket_id, and creates
 * the virtqueue with the transport's doorbell. The ring's addresses are
 * virtual with hw->use_va, IOVAs otherwise.
 * @return the queue with its memzone in @p mz; NULL with errno after a log line.
 */
struct virtqueue *virtio_vq_alloc(struct virtio_hw *hw, uint16_t qidx, uint16_t size, size_t extra,
				  const struct prt_memzone **mz);

/** Frees a queue made by virtio_vq_alloc() and its memory (not the buffers in flight). */
void virtio_vq_free(struct virtqueue *vq, const struct prt_memzone *mz);

/* The burst functions (prt_eth_rx_burst_t / prt_eth_tx_burst_t). */
uint16_t virtio_recv_pkts(void *rxq, struct prt_mbuf **pkts, uint16_t n);
uint16_t virtio_recv_mergeable_pkts(void *rxq, struct prt_mbuf **pkts, uint16_t n);
uint16_t virtio_xmit_pkts(void *txq, struct prt_mbuf **pkts, uint16_t n);

/**
 * Creates the virtqueue of rx queue @p qid (virtqueue index 2 * qid) with
 * @p size descriptors in a memzone of its own, over the features negotiated.
 * @return the queue, or NULL with errno (ENOMEM, EINVAL) after a log line.
 */
struct virtnet_rx *virtio_rx_queue_create(struct virtio_hw *hw, uint16_t qid, uint16_t size,
					  struct prt_mempool *mp);

/** Creates tx queue @p qid (virtqueue index 2 * qid + 1). As virtio_rx_queue_create(). */
struct virtnet_tx *virtio_tx_queue_create(struct virtio_hw *hw, uint16_t qid, uint16_t size);

/** Frees @p rxq, its ring and every mbuf it holds. NULL is ignored. */
void virtio_rx_queue_free(struct virtnet_rx *rxq);
/** Frees @p txq, its ring and every mbuf it holds. NULL is ignored. */
void virtio_tx_queue_free(struct virtnet_tx *txq);

/**
 * Takes back every buffer of a queue the device no longer uses (after a
 * reset) and empties its ring: mbufs go back to their pool, a frame half
 * received is dropped.
 */
void virtio_rx_queue_reset(struct virtnet_rx *rxq);
void virtio_tx_queue_reset(struct virtnet_tx *txq);

/**
 * Fills the free descriptors of @p rxq with mbufs, without ringing the
 * doorbell (the device may not be live yet: virtqueue_kick() later).
 * @return the number of descriptors still free (0 when full).
 */
uint16_t virtio_rx_queue_fill(struct virtnet_rx *rxq);

#endif /* VIRTIO_RXTX_H */
