/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rx and tx queues of the 82574 and 82576 ports and their burst
 * functions: mbufs over the shared descriptor rings (e1000_ring.h).
 *
 * Receive: each descriptor holds one mbuf whose buffer starts after the
 * headroom; a frame longer than one buffer arrives over several
 * descriptors and is handed out as a chain (EOP ends it). A descriptor the
 * device wrote back with a length beyond its buffer, or a frame with an
 * error bit, is dropped whole and counted; its mbufs go back to the pool.
 * A descriptor is refilled with a new mbuf before the received one is
 * handed out, so the ring never runs short; when the pool is empty the
 * burst stops and the frame stays in the ring (counted in rx_nombuf).
 *
 * Transmit: one descriptor per segment, or per 4 KiB page it touches (see
 * ethdev_tx_pages.h); RS every tx_rs_thresh descriptors and reclaim by DD
 * (e1000_ring.h); one tail write per burst.
 *
 * A queue whose port was found broken (device gone, a head register past
 * the ring) is stopped: its bursts return 0 from then on.
 */
#ifndef E1000_RXTX_H
#define E1000_RXTX_H

#include <stdbool.h>
#include <stdint.h>

#include "prt_mbuf.h"
#include "prt_memzone.h"

#include "e1000_ring.h"

/** Most segments one transmitted frame may have. */
#define E1000_TX_MAX_SEGS 32
/** Most descriptors one transmitted frame may take (QEMU's models gather 64). */
#define E1000_TX_MAX_DESC_PER_PKT 64
/** Largest tx_rs_thresh: a reclaim batch (up to an RS descriptor) fits the burst's buffer. */
#define E1000_TX_RS_THRESH_MAX 64

/** An rx queue. */
struct e1000_rx_queue {
	struct e1000_rx_ring ring;
	struct prt_mempool *mp;
	struct prt_mbuf *spare; /**< the next descriptor's new mbuf, taken ahead */
	struct prt_mbuf *pkt_first; /**< frame being gathered over descriptors */
	struct prt_mbuf *pkt_last;
	bool pkt_bad; /**< a descriptor of the frame being gathered was bad: drop it at EOP */
	/**
	 * Longest frame the port takes, in bytes (MTU + header + two VLAN tags):
	 * a device that never sets EOP cannot chain more than this. Written by
	 * the control thread (relaxed atomic), read per descriptor.
	 */
	uint32_t max_rx_pktlen;
	bool rss_hash; /**< report the RSS hash (PRT_MBUF_F_RX_RSS_HASH) */
	uint8_t stopped; /**< set (relaxed atomic) when the port broke */
	uint16_t port_id;
	uint16_t queue_id;
	_Atomic uint64_t *nombuf; /**< the port's rx_mbuf_alloc_failed */
	/* Written by the polling lcore only (prt_eth_counter_add). */
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors; /**< frames dropped: bad length, error bits, too long */
	uint64_t oversize; /**< of those, longer than max_rx_pktlen (EOP late or never, or a big buffer) */
	const struct prt_memzone *mz; /**< the descriptors */
	void *cookies[]; /**< ring.nb_desc entries: the mbuf of each descriptor */
};

/** A tx queue. */
struct e1000_tx_queue {
	struct e1000_tx_ring ring;
	uint16_t free_thresh; /**< reclaim when fewer descriptors are free */
	uint8_t stopped;
	uint16_t queue_id;
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors; /**< frames dropped: too many segments or empty */
	const struct prt_memzone *mz;
	uint16_t *rs_fifo; /**< ring.nb_desc entries, after cookies */
	void *cookies[]; /**< ring.nb_desc entries: the segment of each descriptor */
};

/**
 * Receives up to @p nb_pkts frames from rx queue @p rxq (a struct
 * e1000_rx_queue) into @p rx_pkts; the caller owns them. One thread per
 * queue. @return the number received.
 */
uint16_t e1000_recv_pkts(void *rxq, struct prt_mbuf **rx_pkts, uint16_t nb_pkts);

/**
 * Queues up to @p nb_pkts frames of @p tx_pkts on tx queue @p txq (a struct
 * e1000_tx_queue); the driver owns (and frees) those it took, the first n.
 * A frame with more than E1000_TX_MAX_SEGS segments, more than
 * E1000_TX_MAX_DESC_PER_PKT descriptors' worth of pages, or no bytes is taken,
 * freed and counted as an error. One thread per queue.
 * @return the number taken.
 */
uint16_t e1000_xmit_pkts(void *txq, struct prt_mbuf **tx_pkts, uint16_t nb_pkts);

/**
 * Gives every descriptor of @p q (its ring initialised) a new mbuf.
 * @return 0; -ENOMEM when the pool runs dry (what was taken is given back).
 */
int e1000_rx_queue_fill(struct e1000_rx_queue *q);

/** Returns every mbuf @p q holds (ring, spare, a half-gathered frame) to the pool. */
void e1000_rx_queue_drain(struct e1000_rx_queue *q);

/** Frees every mbuf still on @p q's ring. */
void e1000_tx_queue_drain(struct e1000_tx_queue *q);

#endif /* E1000_RXTX_H */
