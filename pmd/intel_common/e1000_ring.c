/* SPDX-License-Identifier: BSD-3-Clause */
/* Descriptor rings of the 82574 and 82576: set-up, reclaim, tear-down (see e1000_ring.h). */
#include <errno.h>
#include <string.h>

#include "e1000_ring.h"

void e1000_rx_ring_init(struct e1000_rx_ring *r, void *desc, uint16_t nb_desc, void **cookie,
			volatile uint32_t *rdh, volatile uint32_t *rdt, uint32_t buf_len,
			uint16_t free_thresh)
{
	memset(r, 0, sizeof(*r));
	memset(desc, 0, (size_t)nb_desc * sizeof(union e1000_rx_desc));
	memset(cookie, 0, (size_t)nb_desc * sizeof(*cookie));
	r->desc = desc;
	r->cookie = cookie;
	r->rdh = rdh;
	r->rdt = rdt;
	r->nb_desc = nb_desc;
	r->buf_len = buf_len;
	r->free_thresh = free_thresh < nb_desc ? free_thresh : nb_desc - 1;
}

void e1000_rx_ring_start(struct e1000_rx_ring *r)
{
	r->next = 0;
	r->nb_hold = 0;
	/* 82574 10.2.5.6 RDH, 82576 8.10.11 RDH: software may write it only while the queue is off. */
	prt_write32_relaxed(0, r->rdh);
	/* 82574 10.2.5.7 RDT, 82576 8.10.12 RDT: all but one descriptor to the device. */
	prt_write32(r->nb_desc - 1, r->rdt);
	r->stats.doorbells++;
}

void e1000_rx_ring_drain(struct e1000_rx_ring *r, void (*release)(void *cookie))
{
	for (uint16_t i = 0; i < r->nb_desc; i++) {
		if (r->cookie[i] != NULL)
			release(r->cookie[i]);
		r->cookie[i] = NULL;
		r->desc[i].read.buffer_addr = 0;
		r->desc[i].read.hdr_addr = 0;
	}
	r->next = 0;
	r->nb_hold = 0;
}

void e1000_tx_ring_init(struct e1000_tx_ring *t, void *desc, uint16_t nb_desc, void **cookie,
			uint16_t *rs_fifo, volatile uint32_t *tdh, volatile uint32_t *tdt,
			uint32_t cmd, uint8_t paylen_shift, uint16_t rs_thresh)
{
	memset(t, 0, sizeof(*t));
	memset(desc, 0, (size_t)nb_desc * sizeof(struct e1000_tx_desc));
	memset(cookie, 0, (size_t)nb_desc * sizeof(*cookie));
	t->desc = desc;
	t->cookie = cookie;
	t->rs_fifo = rs_fifo;
	t->tdh = tdh;
	t->tdt = tdt;
	t->cmd = cmd;
	t->paylen_shift = paylen_shift;
	t->nb_desc = nb_desc;
	/*
	 * One descriptor stays unused, as on receive: TDT == TDH means "ring
	 * empty" to the device, so a full ring could not be told from it.
	 */
	t->nb_free = nb_desc - 1;
	t->rs_thresh = rs_thresh == 0 ? 1 : rs_thresh;
}

uint16_t e1000_tx_ring_reclaim(struct e1000_tx_ring *t, void **done, uint16_t max)
{
	uint16_t n = 0;

	while (t->rs_count > 0) {
		uint16_t rs = t->rs_fifo[t->rs_head];
		uint16_t batch =
			(uint16_t)((rs >= t->clean ? rs - t->clean : rs + t->nb_desc - t->clean) +
				   1);

		if (!(le32toh(t->desc[rs].upper) & E1000_TXD_STAT_DD))
			break;
		if (batch > max - n)
			break;
		/* DD read before the cookies are released: nothing of theirs is read after. */
		prt_rmb();
		for (uint16_t i = 0; i < batch; i++) {
			if (t->cookie[t->clean] != NULL)
				done[n++] = t->cookie[t->clean];
			t->cookie[t->clean] = NULL;
			t->clean = t->clean + 1 == t->nb_desc ? 0 : t->clean + 1;
		}
		t->nb_free += batch;
		t->rs_head = t->rs_head + 1 == t->nb_desc ? 0 : t->rs_head + 1;
		t->rs_count--;
	}
	return n;
}

void e1000_tx_ring_drain(struct e1000_tx_ring *t, void (*release)(void *cookie))
{
	for (uint16_t i = 0; i < t->nb_desc; i++) {
		if (t->cookie[i] != NULL)
			release(t->cookie[i]);
		t->cookie[i] = NULL;
	}
	memset((void *)t->desc, 0, (size_t)t->nb_desc * sizeof(struct e1000_tx_desc));
	t->tail = 0;
	t->clean = 0;
	t->nb_free = t->nb_desc - 1;
	t->since_rs = 0;
	t->rs_head = 0;
	t->rs_count = 0;
}

int e1000_ring_head_check(volatile uint32_t *head, uint16_t nb_desc, struct e1000_ring_stats *stats)
{
	uint32_t h = prt_read32(head);

	if (h >= nb_desc) {
		stats->bad_head++;
		return -EIO;
	}
	return (int)h;
}
