/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Descriptor rings of the 82574 and 82576: the receive and transmit
 * bookkeeping both drivers share, over the descriptors of e1000_desc.h.
 *
 * The ring moves opaque buffers: the caller hands the device a buffer (its
 * IOVA and a cookie, an mbuf for the drivers) and gets the cookie back once
 * the device is done with it. The drivers wrap these calls into their burst
 * functions; the unit tests drive them against a simulated device.
 *
 * The protocol (82574 7.1.8 and 7.2.10.2, 82576 7.1.5 and 7.2.3):
 *
 * - Receive: the device owns the descriptors from RDH up to RDT - 1 and
 *   fills them in order, writing back DD, EOP, errors and a length. RDT ==
 *   RDH means "no descriptor free", so software keeps the descriptor just
 *   behind the next one it will read: RDT is always one behind. The tail is
 *   written once per refill batch (rx_free_thresh descriptors), never per
 *   packet: each write is an uncached MMIO store that costs as much as a
 *   cache miss.
 * - Transmit: software writes descriptors at TDT and moves TDT past them
 *   once per burst. The device sets DD only on descriptors that asked for it
 *   (RS): prt sets RS on the last descriptor of a packet once tx_rs_thresh
 *   descriptors went by since the previous one, and reclaims every
 *   descriptor up to an RS one when its DD shows: one read per batch.
 *
 * What the device writes is never trusted: a written-back length beyond the
 * buffer is reported as E1000_RX_LEN_BAD (the caller drops the frame and
 * counts it); the ring only ever gives the device IOVAs it got from the
 * caller, and never reads an address back from a descriptor. Head registers
 * are read only by e1000_ring_head_check(), which rejects an index past the
 * ring.
 *
 * Threading: one thread polls a ring at a time (an lcore owns a queue).
 */
#ifndef E1000_RING_H
#define E1000_RING_H

#include <endian.h>
#include <stdbool.h>
#include <stdint.h>

#include "prt_common.h"
#include "prt_io.h"

#include "e1000_desc.h"

/** Length reported for a written-back length beyond the buffer. */
#define E1000_RX_LEN_BAD UINT32_MAX

/** What went wrong on a ring, for the drivers' xstats. */
struct e1000_ring_stats {
	uint64_t doorbells; /**< tail register writes */
	uint64_t bad_len; /**< rx: written-back lengths beyond the buffer */
	uint64_t frame_errors; /**< rx: descriptors written back with CE/SE/SEQ/CXE/RXE */
	uint64_t bad_head; /**< head register read past the ring (or all ones) */
};

/** A receive ring. Fields are the ring's own; read stats only. */
struct e1000_rx_ring {
	volatile union e1000_rx_desc *desc; /**< nb_desc descriptors, device-visible */
	void **cookie; /**< per descriptor: the buffer it holds */
	volatile uint32_t *rdh; /**< head register in BAR 0 */
	volatile uint32_t *rdt; /**< tail register in BAR 0 */
	uint16_t nb_desc;
	uint16_t next; /**< next descriptor to look at for DD */
	uint16_t nb_hold; /**< refilled descriptors not yet given back through RDT */
	uint16_t free_thresh; /**< give back (write RDT) past this many */
	uint32_t buf_len; /**< bytes the device may write into each buffer */
	struct e1000_ring_stats stats;
};

/** One written-back receive descriptor, as e1000_rx_ring_next() reports it. */
struct e1000_rx_done {
	void *cookie; /**< the buffer (its slot now waits for e1000_rx_ring_refill()) */
	uint32_t len; /**< bytes in the buffer, or E1000_RX_LEN_BAD */
	uint32_t status_error; /**< E1000_RXD_STAT_* and E1000_RXD_ERR_* */
	uint32_t rss; /**< RSS hash (meaningful with RXCSUM.PCSD and RSS on) */
	uint16_t vlan; /**< stripped VLAN tag (with E1000_RXD_STAT_VP) */
};

/**
 * Prepares @p r over @p nb_desc descriptors at @p desc (zeroed here) with
 * the caller's @p cookie array of nb_desc entries and the queue's head and
 * tail registers. Buffers hold @p buf_len bytes; the tail moves once
 * @p free_thresh descriptors were refilled. Nothing is written to the device.
 */
void e1000_rx_ring_init(struct e1000_rx_ring *r, void *desc, uint16_t nb_desc, void **cookie,
			volatile uint32_t *rdh, volatile uint32_t *rdt, uint32_t buf_len,
			uint16_t free_thresh);

/** Gives descriptor @p idx the buffer at @p iova (before e1000_rx_ring_start()). */
static inline void e1000_rx_ring_set(struct e1000_rx_ring *r, uint16_t idx, void *cookie,
				     prt_iova_t iova)
{
	r->cookie[idx] = cookie;
	r->desc[idx].read.buffer_addr = htole64(iova);
	r->desc[idx].read.hdr_addr = 0; /* clears DD */
}

/**
 * Hands every descriptor (all set with e1000_rx_ring_set()) to the device:
 * RDH = 0 and RDT = nb_desc - 1, one behind (see above).
 */
void e1000_rx_ring_start(struct e1000_rx_ring *r);

/**
 * Takes the next written-back descriptor, if its DD is set.
 * @return true with @p done filled (the descriptor's slot must be refilled
 *         with e1000_rx_ring_refill() before the next call); false when the
 *         device has not written it back yet.
 */
static inline bool e1000_rx_ring_next(struct e1000_rx_ring *r, struct e1000_rx_done *done)
{
	volatile union e1000_rx_desc *d = &r->desc[r->next];
	uint32_t staterr = le32toh(d->wb.status_error);
	uint32_t len;

	if (!(staterr & E1000_RXD_STAT_DD))
		return false;
	/*
	 * The device writes the descriptor before it sets DD in it (82574
	 * 7.1.4.2: DD is the last thing written). Read the other fields only
	 * after DD: the read barrier keeps them from being loaded first.
	 */
	prt_rmb();
	len = le16toh(d->wb.length);
	done->cookie = r->cookie[r->next];
	done->status_error = staterr;
	done->len = len <= r->buf_len ? len : E1000_RX_LEN_BAD;
	done->rss = le32toh(d->wb.rss);
	done->vlan = le16toh(d->wb.vlan);
	if (unlikely(done->len == E1000_RX_LEN_BAD))
		r->stats.bad_len++;
	if (unlikely(staterr & E1000_RXD_ERR_FRAME))
		r->stats.frame_errors++;
	return true;
}

/**
 * Refills the slot e1000_rx_ring_next() just emptied with the buffer at
 * @p iova and moves to the next descriptor. The device sees the slot only
 * after e1000_rx_ring_flush().
 */
static inline void e1000_rx_ring_refill(struct e1000_rx_ring *r, void *cookie, prt_iova_t iova)
{
	e1000_rx_ring_set(r, r->next, cookie, iova);
	r->next = r->next + 1 == r->nb_desc ? 0 : r->next + 1;
	r->nb_hold++;
}

/**
 * Gives refilled descriptors back to the device once more than
 * free_thresh are held: one RDT write for the batch. RDT is set to the
 * descriptor before r->next, so the device stops one short of the first
 * one software has not read yet.
 */
static inline void e1000_rx_ring_flush(struct e1000_rx_ring *r)
{
	uint16_t tail;

	if (r->nb_hold <= r->free_thresh)
		return;
	tail = r->next == 0 ? r->nb_desc - 1 : r->next - 1;
	/* prt_write32 orders the descriptor stores above before the doorbell. */
	prt_write32(tail, r->rdt);
	r->nb_hold = 0;
	r->stats.doorbells++;
}

/**
 * Detaches every buffer from @p r (the device must be stopped): calls
 * @p release on each cookie and clears the ring.
 */
void e1000_rx_ring_drain(struct e1000_rx_ring *r, void (*release)(void *cookie));

/** A transmit ring. Fields are the ring's own; read stats only. */
struct e1000_tx_ring {
	volatile struct e1000_tx_desc *desc; /**< nb_desc descriptors, device-visible */
	void **cookie; /**< per descriptor: released once it is done (may be NULL) */
	uint16_t *rs_fifo; /**< descriptors carrying RS, oldest first (nb_desc entries) */
	volatile uint32_t *tdh;
	volatile uint32_t *tdt;
	uint32_t cmd; /**< command bits on every descriptor (IFCS; 82576: DEXT, DTYP) */
	uint8_t paylen_shift; /**< 82576: PAYLEN position in .upper; 0: none */
	uint16_t nb_desc;
	uint16_t tail; /**< next descriptor to write */
	uint16_t clean; /**< oldest descriptor not reclaimed */
	uint16_t nb_free; /**< descriptors free for writing */
	uint16_t rs_thresh; /**< descriptors between two RS */
	uint16_t since_rs; /**< descriptors written since the last RS */
	uint16_t rs_head; /**< oldest entry of rs_fifo */
	uint16_t rs_count; /**< entries in rs_fifo */
	struct e1000_ring_stats stats;
};

/**
 * Prepares @p t over @p nb_desc descriptors at @p desc (zeroed here), with
 * the caller's arrays @p cookie and @p rs_fifo of nb_desc entries, the
 * queue's head and tail registers, the command bits every descriptor
 * carries (@p cmd) and, for 82576 advanced descriptors, the PAYLEN shift
 * (0 otherwise). Nothing is written to the device.
 */
void e1000_tx_ring_init(struct e1000_tx_ring *t, void *desc, uint16_t nb_desc, void **cookie,
			uint16_t *rs_fifo, volatile uint32_t *tdh, volatile uint32_t *tdt,
			uint32_t cmd, uint8_t paylen_shift, uint16_t rs_thresh);

/**
 * Writes one descriptor: @p len bytes at @p iova, @p cookie released once
 * the device is done. @p eop marks the packet's last segment; @p pkt_len
 * is the whole packet's length (82576 PAYLEN). The caller checked that a
 * descriptor is free (t->nb_free).
 */
static inline void e1000_tx_ring_put(struct e1000_tx_ring *t, prt_iova_t iova, uint16_t len,
				     void *cookie, bool eop, uint32_t pkt_len)
{
	volatile struct e1000_tx_desc *d = &t->desc[t->tail];
	uint32_t cmd = t->cmd | len;

	t->since_rs++;
	if (eop) {
		cmd |= E1000_TXD_CMD_EOP;
		/* Report status on a packet's last descriptor only (82576 7.2.2.3 RS). */
		if (t->since_rs >= t->rs_thresh) {
			uint16_t slot = t->rs_head + t->rs_count;

			cmd |= E1000_TXD_CMD_RS;
			t->rs_fifo[slot >= t->nb_desc ? slot - t->nb_desc : slot] = t->tail;
			t->rs_count++;
			t->since_rs = 0;
		}
	}
	t->cookie[t->tail] = cookie;
	d->buffer_addr = htole64(iova);
	d->lower = htole32(cmd);
	d->upper = htole32(t->paylen_shift ? pkt_len << t->paylen_shift : 0);
	t->tail = t->tail + 1 == t->nb_desc ? 0 : t->tail + 1;
	t->nb_free--;
}

/** Moves TDT past the descriptors written since the last call: one write per burst. */
static inline void e1000_tx_ring_kick(struct e1000_tx_ring *t)
{
	prt_write32(t->tail, t->tdt);
	t->stats.doorbells++;
}

/**
 * Reclaims descriptors up to the newest RS descriptor whose DD is set,
 * storing their cookies (NULL ones skipped) into @p done.
 * @param max room in @p done: at least nb_desc guarantees every cookie fits
 * @return the number of cookies stored; the freed descriptors are in t->nb_free.
 */
uint16_t e1000_tx_ring_reclaim(struct e1000_tx_ring *t, void **done, uint16_t max);

/**
 * Detaches every cookie still on @p t (the device must be stopped), calling
 * @p release on each, and empties the ring.
 */
void e1000_tx_ring_drain(struct e1000_tx_ring *t, void (*release)(void *cookie));

/**
 * Reads head register @p head of a ring of @p nb_desc descriptors.
 * @return the head index; -EIO when it reads past the ring (a device
 *         gone wrong: all ones when it vanished from the bus), counted in
 *         @p stats->bad_head.
 */
int e1000_ring_head_check(volatile uint32_t *head, uint16_t nb_desc,
			  struct e1000_ring_stats *stats);

#endif /* E1000_RING_H */
