/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rx and tx queues of a vmxnet3 port and their burst functions: mbufs
 * over the rings of vmxnet3_ring.h.
 *
 * Receive: ring 0 holds head buffers, ring 1 body buffers, one mbuf each
 * (data after the headroom). A frame arrives as completions from SOP to
 * EOP, head first, and is handed out as a chain. What the device gets
 * wrong is dropped and counted, never handed out: a completion the rings
 * refuse (vmxnet3_ring.h), a frame with err set, a frame without its SOP
 * or EOP, a frame longer than the port takes. Emptied descriptors are
 * refilled at the end of each burst, in order, as far as the pool allows
 * (rx_nombuf counts the shortfall; the next burst tries again).
 *
 * Transmit: one descriptor per segment, or per 4 KiB page of IOVA it
 * touches (ethdev_tx_pages.h), at most VMXNET3_MAX_TXD_PER_PKT a packet;
 * each packet's first descriptor handed over last; completions reclaimed
 * first in each burst; TXPROD written once per burst when txThreshold
 * packets are waiting (Vmxnet3_TxQueueCtrl).
 *
 * A queue whose port broke (device gone, queue error) is stopped: its
 * bursts return 0.
 */
#ifndef VMXNET3_RXTX_H
#define VMXNET3_RXTX_H

#include <stdbool.h>
#include <stdint.h>

#include "prt_mbuf.h"
#include "prt_memzone.h"

#include "vmxnet3_ring.h"

/** An rx queue. */
struct vmxnet3_rx_queue {
	struct vmxnet3_rx_rings rings;
	struct prt_mempool *mp;
	volatile struct Vmxnet3_RxQueueDesc *qdesc; /**< its queue descriptor (shared area) */
	struct prt_mbuf *pkt_first; /**< frame being gathered */
	struct prt_mbuf *pkt_last;
	bool in_frame; /**< a SOP came, its EOP not yet */
	bool pkt_bad; /**< the frame being gathered is dropped at its EOP */
	uint8_t stopped; /**< set (relaxed atomic) when the port broke */
	/** Longest frame the port takes (MTU + header + two VLAN tags); written before start. */
	uint32_t max_rx_pktlen;
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t nb_desc; /**< ring 0's size (ring 1's is chosen at start) */
	uint16_t nb_body; /**< ring 1's size at most (VMXNET3_RX_RING_MAX_SIZE) */
	_Atomic uint64_t *nombuf; /**< the port's rx_mbuf_alloc_failed */
	/* Written by the polling lcore only (prt_eth_counter_add). */
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors; /**< frames dropped, whatever the reason */
	uint64_t frame_errors; /**< of those, completed with err */
	uint64_t incomplete; /**< of those, without SOP or EOP (or a bad completion inside) */
	uint64_t oversize; /**< of those, longer than max_rx_pktlen */
	const struct prt_memzone *mz; /**< ring 0 (nb_desc), ring 1 (nb_body), their completions */
	void *cookies[]; /**< nb_desc + nb_body entries: ring 0's, then ring 1's */
};

/** A tx queue. */
struct vmxnet3_tx_queue {
	struct vmxnet3_tx_rings rings;
	volatile struct Vmxnet3_TxQueueDesc *qdesc;
	uint8_t stopped;
	uint16_t queue_id;
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors; /**< frames dropped: empty, or more than VMXNET3_MAX_TXD_PER_PKT pieces */
	const struct prt_memzone *mz; /**< the tx ring, then its completion ring */
	uint8_t *eop; /**< rings.cmd.size entries, after cookies */
	void *cookies[]; /**< rings.cmd.size entries: the segment of each descriptor */
};

/**
 * Receives up to @p nb_pkts frames from rx queue @p rxq (a struct
 * vmxnet3_rx_queue) into @p rx_pkts; the caller owns them. One thread per
 * queue. @return the number received.
 */
uint16_t vmxnet3_recv_pkts(void *rxq, struct prt_mbuf **rx_pkts, uint16_t nb_pkts);

/**
 * Queues up to @p nb_pkts frames of @p tx_pkts on tx queue @p txq (a struct
 * vmxnet3_tx_queue); the driver owns (and frees) the first n, those it took.
 * A frame without bytes or of more than VMXNET3_MAX_TXD_PER_PKT pieces is
 * taken, freed and counted as an error. One thread per queue.
 * @return the number taken.
 */
uint16_t vmxnet3_xmit_pkts(void *txq, struct prt_mbuf **tx_pkts, uint16_t nb_pkts);

/** Bytes of rings an rx queue needs: ring 0 of @p n0, ring 1 of @p n1, their completions. */
#define VMXNET3_RXQ_RING_BYTES(n0, n1) (2u * ((n0) + (n1)) * 16u)
/** Bytes of rings a tx queue needs: its ring, completions, and the data ring of revision 1. */
#define VMXNET3_TXQ_RING_BYTES(nb_desc) ((nb_desc) * (2u * 16u + 128u))

/**
 * Lays out rx queue @p q's rings at @p base (VMXNET3_RXQ_RING_BYTES(q->nb_desc,
 * q->nb_body), VMXNET3_RING_BA_ALIGN-aligned): ring 0 of q->nb_desc head
 * buffers, ring 1 of @p n1 (at most q->nb_body) body buffers, then n0 + n1 completions;
 * buffers of @p buf_len bytes; producer registers @p prod0, @p prod1; the
 * queue is number @p qid of @p nb_rxq (the completions' rqID). The rings
 * hold no buffer yet.
 */
void vmxnet3_rx_queue_layout(struct vmxnet3_rx_queue *q, void *base, uint16_t n1, uint32_t buf_len,
			     volatile uint32_t *prod0, volatile uint32_t *prod1, uint16_t qid,
			     uint16_t nb_rxq);

/**
 * Lays out tx queue @p q's ring of @p n descriptors and its completion ring
 * at @p base (VMXNET3_TXQ_RING_BYTES(n), aligned as above), producer
 * register @p prod. The ring is empty.
 */
void vmxnet3_tx_queue_layout(struct vmxnet3_tx_queue *q, void *base, uint16_t n,
			     volatile uint32_t *prod);

/**
 * Gives every descriptor of @p q's two rings (initialised) an mbuf.
 * @return 0; -ENOMEM when the pool runs dry (what was taken is given back).
 */
int vmxnet3_rx_queue_fill(struct vmxnet3_rx_queue *q);

/** Returns every mbuf @p q holds (rings, a half-gathered frame) to the pool. */
void vmxnet3_rx_queue_drain(struct vmxnet3_rx_queue *q);

/** Frees every mbuf still on @p q's ring. */
void vmxnet3_tx_queue_drain(struct vmxnet3_tx_queue *q);

#endif /* VMXNET3_RXTX_H */
