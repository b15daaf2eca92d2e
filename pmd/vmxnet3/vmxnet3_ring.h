/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vmxnet3 rings (vmxnet3_defs.h): the bookkeeping of a tx queue (a command
 * ring of struct Vmxnet3_TxDesc and a completion ring of struct
 * Vmxnet3_TxCompDesc) and of an rx queue (two command rings of struct
 * Vmxnet3_RxDesc, ring 0 for a frame's head buffers and ring 1 for the
 * buffers it continues in, and one completion ring of struct
 * Vmxnet3_RxCompDesc), over opaque buffers (cookies: mbufs for the driver).
 *
 * The protocol is ownership by generation bit, not by head and tail
 * registers: every ring starts at generation VMXNET3_INIT_GEN and flips it
 * each time its index wraps.
 *
 * - Command rings: the driver writes a descriptor and its gen last; the
 *   device owns the descriptor while its gen is the one of the device's own
 *   lap. The producer registers (TXPROD, RXPROD, RXPROD2) only tell the
 *   device to look: TXPROD once txThreshold packets were queued
 *   (Vmxnet3_TxQueueCtrl), RXPROD only when the device asks for it
 *   (Vmxnet3_RxQueueCtrl.updateRxProd), each at most once per burst.
 * - Completion rings: the device writes a completion, its gen last; the
 *   driver takes completions in order while their gen is the driver's lap.
 *
 * What the device writes is never trusted. A completion is taken only when
 * it names what is in flight: a tx completion names the EOP descriptor of
 * a packet the device holds, an rx completion one of this queue's two
 * rings (rqID) and a descriptor that holds a buffer, with a length within
 * it, the oldest one the ring has in flight (the device fills each ring in
 * order; SOP only from ring 0). Anything else — an index not in flight, a
 * completion repeated or replayed with its generation flipped out of turn,
 * a length over the buffer — is consumed, counted in the ring's stats, and
 * its buffer (if it named a real one) handed back for the frame to be
 * dropped: never a crash, never a buffer given out twice.
 *
 * Threading: one thread polls a queue's rings (an lcore owns a queue).
 */
#ifndef VMXNET3_RING_H
#define VMXNET3_RING_H

#include <endian.h>
#include <stdbool.h>
#include <stdint.h>

#include "prt_common.h"
#include "prt_atomic.h"
#include "prt_io.h"

#include "vmxnet3_defs.h"

/** What went wrong on a queue's rings, for xstats (relaxed atomic stores). */
struct vmxnet3_ring_stats {
	uint64_t bad_index; /**< completions naming a descriptor not in flight */
	uint64_t bad_length; /**< rx: lengths over the buffer */
	uint64_t bad_queue; /**< rx: rqID of another queue, or SOP from ring 1 */
	uint64_t doorbells; /**< producer-register writes */
};

/** A command ring: a tx ring or one of an rx queue's two rings. */
struct vmxnet3_cmd_ring {
	volatile void *base; /**< size descriptors of 16 bytes, device-visible */
	void **cookie; /**< per descriptor: the buffer it holds (NULL: free) */
	uint8_t *eop; /**< tx: per descriptor, 1 on a packet's last one */
	volatile uint32_t *prod; /**< the producer register in BAR 0 */
	uint16_t size;
	uint16_t next2fill; /**< next descriptor to write */
	uint16_t next2comp; /**< oldest descriptor in flight (the next to complete) */
	uint16_t nb_inflight; /**< tx: descriptors the device holds */
	uint8_t gen; /**< generation of next2fill's lap */
	uint8_t btype; /**< rx: VMXNET3_RXD_BTYPE_* of its buffers */
	uint32_t buf_len; /**< rx: bytes the device may write into each buffer */
};

/** A completion ring. */
struct vmxnet3_comp_ring {
	volatile void *base;
	uint16_t size;
	uint16_t next2proc; /**< next completion to look at */
	uint8_t gen; /**< generation of next2proc's lap */
};

/** The rings of an rx queue. */
struct vmxnet3_rx_rings {
	struct vmxnet3_cmd_ring cmd[2];
	struct vmxnet3_comp_ring comp;
	uint16_t rqid[2]; /**< the rqID of ring 0 (the queue id) and of ring 1 (+ numRxQueues) */
	struct vmxnet3_ring_stats stats;
};

/** The rings of a tx queue. */
struct vmxnet3_tx_rings {
	struct vmxnet3_cmd_ring cmd;
	struct vmxnet3_comp_ring comp;
	struct vmxnet3_ring_stats stats;
};

/** An rx completion as vmxnet3_rx_comp_next() reports it. */
struct vmxnet3_rx_done {
	void *cookie; /**< the buffer (its descriptor is free again), NULL when none was named */
	uint32_t len; /**< bytes in the buffer */
	uint32_t rss; /**< Vmxnet3_RxCompDesc.rssHash */
	uint16_t tci; /**< stripped VLAN tag, with ts */
	uint8_t ring; /**< 0 or 1 */
	bool sop, eop, err, ts;
};

/** What vmxnet3_rx_comp_next() found. */
enum vmxnet3_comp_verdict {
	VMXNET3_COMP_NONE, /**< nothing completed yet */
	VMXNET3_COMP_OK,
	VMXNET3_COMP_BAD, /**< consumed and counted; done->cookie, if set, is to be dropped */
};

/**
 * Prepares @p r over @p size descriptors at @p base (zeroed here), the
 * caller's @p cookie array (and @p eop for a tx ring, else NULL) of size
 * entries, the producer register @p prod; rx buffers of @p buf_len bytes
 * of type @p btype. Nothing is written to the device.
 */
void vmxnet3_cmd_ring_init(struct vmxnet3_cmd_ring *r, void *base, uint16_t size, void **cookie,
			   uint8_t *eop, volatile uint32_t *prod, uint32_t buf_len, uint8_t btype);

/** Prepares completion ring @p c over @p size completions at @p base (zeroed here). */
void vmxnet3_comp_ring_init(struct vmxnet3_comp_ring *c, void *base, uint16_t size);

/**
 * Detaches every buffer from @p r (the device must be quiesced), calling
 * @p release on each.
 */
void vmxnet3_cmd_ring_drain(struct vmxnet3_cmd_ring *r, void (*release)(void *cookie));

/* Moves a ring index on by one; past the end it wraps and flips the generation. */
static inline void vmxnet3_ring_idx_inc(uint16_t *idx, uint8_t *gen, uint16_t size)
{
	if (++*idx == size) {
		*idx = 0;
		*gen ^= 1;
	}
}

/** Counts one event in @p c (single writer, read by the control thread). */
static inline void vmxnet3_count(uint64_t *c)
{
	prt_atomic_store(c, prt_atomic_load(c, memory_order_relaxed) + 1, memory_order_relaxed);
}

/* ---- rx ---- */

/** Whether descriptor next2fill of rx ring @p r is free for a new buffer. */
static inline bool vmxnet3_rx_ring_can_post(const struct vmxnet3_cmd_ring *r)
{
	return r->cookie[r->next2fill] == NULL;
}

/**
 * Gives the device, at next2fill of @p r (free: vmxnet3_rx_ring_can_post()),
 * the buffer at @p iova. The address is written before the descriptor's gen,
 * which hands it over (the write barrier keeps that order for a device that
 * polls); the device hears of it through the producer register only when it
 * asked (vmxnet3_rx_ring_kick()).
 */
static inline void vmxnet3_rx_ring_post(struct vmxnet3_cmd_ring *r, void *cookie, prt_iova_t iova)
{
	volatile struct Vmxnet3_RxDesc *d =
		(volatile struct Vmxnet3_RxDesc *)r->base + r->next2fill;

	r->cookie[r->next2fill] = cookie;
	d->addr = htole64(iova);
	d->ext1 = 0;
	prt_wmb();
	d->dword2 = htole32(r->buf_len | (uint32_t)r->btype << VMXNET3_RXD_BTYPE_SHIFT |
			    (uint32_t)r->gen << VMXNET3_RXD_GEN_SHIFT);
	vmxnet3_ring_idx_inc(&r->next2fill, &r->gen, r->size);
}

/** Writes rx ring @p r's producer register (next2fill): once per burst, when the device asks. */
static inline void vmxnet3_rx_ring_kick(struct vmxnet3_cmd_ring *r, struct vmxnet3_ring_stats *st)
{
	prt_write32(r->next2fill, r->prod);
	vmxnet3_count(&st->doorbells);
}

/**
 * Takes the next rx completion of @p rr when its gen is the ring's lap
 * (struct Vmxnet3_RxCompDesc: rxdIdx, sop, eop, rqID, len, err; checked as
 * the header says). @return VMXNET3_COMP_NONE, _OK with @p done filled,
 * or _BAD (counted in rr->stats; done->cookie is the buffer it named when
 * that one was in flight, to be dropped, else NULL).
 */
static inline enum vmxnet3_comp_verdict vmxnet3_rx_comp_next(struct vmxnet3_rx_rings *rr,
							     struct vmxnet3_rx_done *done)
{
	struct vmxnet3_comp_ring *c = &rr->comp;
	volatile struct Vmxnet3_RxCompDesc *rcd =
		(volatile struct Vmxnet3_RxCompDesc *)c->base + c->next2proc;
	uint32_t w3 = le32toh(rcd->dword3), w0, w2, rqid, idx;
	struct vmxnet3_cmd_ring *r;

	if ((w3 >> VMXNET3_RCD_GEN_SHIFT) != c->gen)
		return VMXNET3_COMP_NONE;
	/* The device writes the gen last: read the rest only after it. */
	prt_rmb();
	w0 = le32toh(rcd->dword0);
	w2 = le32toh(rcd->dword2);
	vmxnet3_ring_idx_inc(&c->next2proc, &c->gen, c->size);
	done->cookie = NULL;
	rqid = (w0 >> VMXNET3_RCD_RQID_SHIFT) & VMXNET3_RCD_RQID_MASK;
	done->sop = w0 & VMXNET3_RCD_SOP;
	if (rqid == rr->rqid[0])
		done->ring = 0;
	else if (rqid == rr->rqid[1] && !done->sop)
		done->ring = 1;
	else {
		vmxnet3_count(&rr->stats.bad_queue);
		return VMXNET3_COMP_BAD;
	}
	r = &rr->cmd[done->ring];
	idx = w0 & VMXNET3_RCD_RXIDX_MASK;
	/* The device fills each ring in order: only the oldest posted buffer can be done. */
	if (idx != r->next2comp || r->cookie[idx] == NULL) {
		vmxnet3_count(&rr->stats.bad_index);
		return VMXNET3_COMP_BAD;
	}
	done->cookie = r->cookie[idx];
	r->cookie[idx] = NULL;
	r->next2comp = (uint16_t)(idx + 1 == r->size ? 0 : idx + 1);
	done->len = w2 & VMXNET3_RCD_LEN_MASK;
	done->eop = w0 & VMXNET3_RCD_EOP;
	done->err = w2 & VMXNET3_RCD_ERR;
	done->ts = w2 & VMXNET3_RCD_TS;
	done->tci = (uint16_t)(w2 >> VMXNET3_RCD_TCI_SHIFT);
	done->rss = le32toh(rcd->rssHash);
	if (unlikely(done->len > r->buf_len)) {
		vmxnet3_count(&rr->stats.bad_length);
		return VMXNET3_COMP_BAD;
	}
	return VMXNET3_COMP_OK;
}

/* ---- tx ---- */

/** Descriptors free on tx ring @p r. */
static inline uint16_t vmxnet3_tx_ring_free(const struct vmxnet3_cmd_ring *r)
{
	return (uint16_t)(r->size - r->nb_inflight);
}

/**
 * Writes one tx descriptor at next2fill of @p r: @p len bytes (at most
 * VMXNET3_MAX_TX_BUF_SIZE - 1) at @p iova, @p cookie released once the
 * device completed it (may be NULL). @p eop ends the packet (and asks for
 * its completion). A packet's first descriptor (@p sop) gets the gen of the
 * lap before, so that the device sees none of the packet until
 * vmxnet3_tx_ring_commit() flips it.
 * @return the descriptor's index. The caller checked there was room.
 */
static inline uint16_t vmxnet3_tx_ring_put(struct vmxnet3_cmd_ring *r, prt_iova_t iova,
					   uint16_t len, void *cookie, bool sop, bool eop)
{
	uint16_t idx = r->next2fill;
	volatile struct Vmxnet3_TxDesc *d = (volatile struct Vmxnet3_TxDesc *)r->base + idx;
	uint32_t gen = sop ? r->gen ^ 1u : r->gen;

	r->cookie[idx] = cookie;
	r->eop[idx] = eop;
	d->addr = htole64(iova);
	d->dword3 = htole32(eop ? VMXNET3_TXD_EOP | VMXNET3_TXD_CQ : 0);
	d->dword2 = htole32(len | gen << VMXNET3_TXD_GEN_SHIFT);
	vmxnet3_ring_idx_inc(&r->next2fill, &r->gen, r->size);
	r->nb_inflight++;
	return idx;
}

/** Hands the packet whose first descriptor is @p sop_idx to the device: its gen flips last. */
static inline void vmxnet3_tx_ring_commit(struct vmxnet3_cmd_ring *r, uint16_t sop_idx)
{
	volatile struct Vmxnet3_TxDesc *d = (volatile struct Vmxnet3_TxDesc *)r->base + sop_idx;

	prt_wmb();
	d->dword2 = htole32(le32toh(d->dword2) ^ (1u << VMXNET3_TXD_GEN_SHIFT));
}

/**
 * Takes the next tx completion of @p t when its gen is the ring's lap
 * (struct Vmxnet3_TxCompDesc.txdIdx: the EOP descriptor of the last packet
 * it completes; one completion may complete several packets).
 * @return the descriptors it completes, from t->cmd.next2comp on (free them
 *         with vmxnet3_tx_ring_take()); 0 when there is none; -1 when it
 *         named a descriptor that is not a packet's last one in flight
 *         (consumed, counted in t->stats.bad_index).
 */
static inline int vmxnet3_tx_comp_next(struct vmxnet3_tx_rings *t)
{
	struct vmxnet3_comp_ring *c = &t->comp;
	struct vmxnet3_cmd_ring *r = &t->cmd;
	volatile struct Vmxnet3_TxCompDesc *tcd =
		(volatile struct Vmxnet3_TxCompDesc *)c->base + c->next2proc;
	uint32_t idx, dist;

	if ((le32toh(tcd->dword3) >> VMXNET3_TCD_GEN_SHIFT) != c->gen)
		return 0;
	prt_rmb();
	idx = le32toh(tcd->dword0) & VMXNET3_TCD_TXIDX_MASK;
	vmxnet3_ring_idx_inc(&c->next2proc, &c->gen, c->size);
	dist = idx >= r->next2comp ? idx - r->next2comp : idx + r->size - r->next2comp;
	if (unlikely(idx >= r->size || dist >= r->nb_inflight || !r->eop[idx])) {
		vmxnet3_count(&t->stats.bad_index);
		return -1;
	}
	return (int)dist + 1;
}

/** Frees the oldest in-flight descriptor of @p r. @return its cookie (may be NULL). */
static inline void *vmxnet3_tx_ring_take(struct vmxnet3_cmd_ring *r)
{
	void *cookie = r->cookie[r->next2comp];
	uint8_t unused = 0;

	r->cookie[r->next2comp] = NULL;
	r->eop[r->next2comp] = 0;
	vmxnet3_ring_idx_inc(&r->next2comp, &unused, r->size);
	r->nb_inflight--;
	return cookie;
}

#endif /* VMXNET3_RING_H */
