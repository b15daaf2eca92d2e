/* SPDX-License-Identifier: BSD-3-Clause */
/* The simulated vmxnet3 of vmxnet3_sim.h. */
#include <endian.h>
#include <string.h>

#include "prt_atomic.h"
#include "vmxnet3_sim.h"

static void sim_ring_attach(struct sim_ring *r, volatile void *base, uint16_t size)
{
	*r = (struct sim_ring){ .base = base, .size = size, .gen = VMXNET3_INIT_GEN };
}

static void sim_ring_inc(struct sim_ring *r)
{
	if (++r->next == r->size) {
		r->next = 0;
		r->gen ^= 1;
	}
}

void sim_attach(struct vmxnet3_sim *s, const struct vmxnet3_rx_rings *rx,
		const struct vmxnet3_tx_rings *tx)
{
	if (rx != NULL) {
		for (int i = 0; i < 2; i++) {
			sim_ring_attach(&s->rx[i], rx->cmd[i].base, rx->cmd[i].size);
			s->rqid[i] = rx->rqid[i];
		}
		sim_ring_attach(&s->rx_comp, rx->comp.base, rx->comp.size);
	}
	if (tx != NULL) {
		sim_ring_attach(&s->tx, tx->cmd.base, tx->cmd.size);
		sim_ring_attach(&s->tx_comp, tx->comp.base, tx->comp.size);
	}
}

/* The rx descriptor at the device's position of ring @p i, when its gen gives it to the device. */
static volatile struct Vmxnet3_RxDesc *rx_owned(struct vmxnet3_sim *s, int i)
{
	struct sim_ring *r = &s->rx[i];
	volatile struct Vmxnet3_RxDesc *d = (volatile struct Vmxnet3_RxDesc *)r->base + r->next;

	return le32toh(d->dword2) >> VMXNET3_RXD_GEN_SHIFT == r->gen ? d : NULL;
}

static uint16_t rx_owned_count(struct vmxnet3_sim *s, int i)
{
	struct sim_ring save = s->rx[i];
	uint16_t n = 0;

	while (n < s->rx[i].size && rx_owned(s, i) != NULL) {
		sim_ring_inc(&s->rx[i]);
		n++;
	}
	s->rx[i] = save;
	return n;
}

/* Writes the next completion: the gen last, after the rest. */
static void rx_comp_write(struct vmxnet3_sim *s, uint32_t w0, uint32_t w2)
{
	volatile struct Vmxnet3_RxCompDesc *c =
		(volatile struct Vmxnet3_RxCompDesc *)s->rx_comp.base + s->rx_comp.next;

	c->dword0 = htole32(w0);
	c->rssHash = 0;
	c->dword2 = htole32(w2);
	prt_atomic_store(&c->dword3, htole32((uint32_t)s->rx_comp.gen << VMXNET3_RCD_GEN_SHIFT),
			 memory_order_release);
	sim_ring_inc(&s->rx_comp);
}

int sim_rx_frame(struct vmxnet3_sim *s, const void *data, uint32_t len, bool err)
{
	volatile struct Vmxnet3_RxDesc *head = rx_owned(s, 0);
	uint32_t head_len = head ? le32toh(head->dword2) & VMXNET3_RXD_LEN_MASK : 0;
	uint32_t body_len = 0, need_body = 0;
	const uint8_t *p = data;

	if (head != NULL && len > head_len && rx_owned(s, 1) != NULL) {
		volatile struct Vmxnet3_RxDesc *b = rx_owned(s, 1);

		body_len = le32toh(b->dword2) & VMXNET3_RXD_LEN_MASK;
		need_body = (len - head_len + body_len - 1) / body_len;
	}
	if (head == NULL || head_len == 0 ||
	    (len > head_len && (body_len == 0 || need_body > rx_owned_count(s, 1)))) {
		s->rx_out_of_buf++;
		return -1;
	}
	for (uint32_t done = 0, n = 0; done < len; n++) {
		int ring = n == 0 ? 0 : 1;
		volatile struct Vmxnet3_RxDesc *d = rx_owned(s, ring);
		uint32_t room = le32toh(d->dword2) & VMXNET3_RXD_LEN_MASK;
		uint32_t chunk = len - done < room ? len - done : room;
		uint32_t w0 = s->rx[ring].next | (uint32_t)s->rqid[ring] << VMXNET3_RCD_RQID_SHIFT;

		memcpy((void *)(uintptr_t)le64toh(d->addr), p + done, chunk);
		done += chunk;
		if (n == 0)
			w0 |= VMXNET3_RCD_SOP;
		if (done == len)
			w0 |= VMXNET3_RCD_EOP;
		sim_ring_inc(&s->rx[ring]);
		rx_comp_write(s, w0, chunk | (done == len && err ? VMXNET3_RCD_ERR : 0));
	}
	return 0;
}

void sim_rx_comp_raw(struct vmxnet3_sim *s, uint32_t dword0, uint32_t dword2)
{
	rx_comp_write(s, dword0, dword2);
}

void sim_rx_skip(struct vmxnet3_sim *s, int ring)
{
	sim_ring_inc(&s->rx[ring]);
}

void sim_rx_comp_replay(struct vmxnet3_sim *s, uint16_t back)
{
	uint16_t at = (uint16_t)((s->rx_comp.next + s->rx_comp.size - back) % s->rx_comp.size);
	volatile struct Vmxnet3_RxCompDesc *old =
		(volatile struct Vmxnet3_RxCompDesc *)s->rx_comp.base + at;

	rx_comp_write(s, le32toh(old->dword0), le32toh(old->dword2));
}

static void tx_comp_write(struct vmxnet3_sim *s, uint16_t idx)
{
	volatile struct Vmxnet3_TxCompDesc *c =
		(volatile struct Vmxnet3_TxCompDesc *)s->tx_comp.base + s->tx_comp.next;

	c->dword0 = htole32(idx);
	prt_atomic_store(&c->dword3, htole32((uint32_t)s->tx_comp.gen << VMXNET3_TCD_GEN_SHIFT),
			 memory_order_release);
	sim_ring_inc(&s->tx_comp);
}

void sim_tx_process(struct vmxnet3_sim *s)
{
	for (;;) {
		volatile struct Vmxnet3_TxDesc *d =
			(volatile struct Vmxnet3_TxDesc *)s->tx.base + s->tx.next;
		uint32_t w2 = le32toh(d->dword2), w3 = le32toh(d->dword3);
		uint32_t len = w2 & VMXNET3_TXD_LEN_MASK;
		uint16_t idx = s->tx.next;

		if ((w2 >> VMXNET3_TXD_GEN_SHIFT & 1) != s->tx.gen)
			return;
		if (len == 0)
			len = VMXNET3_MAX_TX_BUF_SIZE;
		if (s->tx_len + len <= sizeof(s->tx_frame)) {
			memcpy(s->tx_frame + s->tx_len, (const void *)(uintptr_t)le64toh(d->addr),
			       len);
			s->tx_len += len;
		} else {
			s->tx_bad++;
		}
		sim_ring_inc(&s->tx);
		if (w3 & VMXNET3_TXD_EOP) {
			if (s->tx_out != NULL)
				s->tx_out(s->tx_frame, s->tx_len, s->tx_arg);
			s->tx_len = 0;
			tx_comp_write(s, idx);
		}
	}
}

void sim_tx_comp_raw(struct vmxnet3_sim *s, uint16_t txd_idx)
{
	tx_comp_write(s, txd_idx);
}
