/* SPDX-License-Identifier: BSD-3-Clause */
/* Burst functions of the vmxnet3 ports (see vmxnet3_rxtx.h). */
#include <errno.h>
#include <string.h>

#include "ethdev_driver.h"
#include "ethdev_tx_pages.h"
#include "prt_atomic.h"

#include "vmxnet3_rxtx.h"

/* IOVA the device writes a received frame to: the buffer after the headroom. */
static inline prt_iova_t rx_buf_iova(const struct prt_mbuf *m)
{
	return m->buf_iova + PRT_PKTMBUF_HEADROOM;
}

/* Drops the frame being gathered (its mbufs back to the pool). */
static inline void rx_frame_drop(struct vmxnet3_rx_queue *q)
{
	if (q->pkt_first != NULL)
		prt_pktmbuf_free(q->pkt_first);
	q->pkt_first = NULL;
	q->pkt_last = NULL;
}

/* Adds a buffer of @p len bytes to the frame being gathered, unless the frame grows too long. */
static inline void rx_frame_add(struct vmxnet3_rx_queue *q, struct prt_mbuf *m, uint32_t len)
{
	uint32_t have = q->pkt_first != NULL ? q->pkt_first->pkt_len : 0;

	if (unlikely(have + len > q->max_rx_pktlen)) {
		/* A device that never sets EOP must not chain the whole pool. */
		prt_pktmbuf_free(m);
		rx_frame_drop(q);
		q->pkt_bad = true;
		prt_eth_counter_add(&q->oversize, 1);
		return;
	}
	if (unlikely(len == 0)) {
		prt_pktmbuf_free(m); /* nothing in it */
		return;
	}
	m->data_len = (uint16_t)len;
	if (q->pkt_first == NULL) {
		q->pkt_first = m;
		m->pkt_len = len;
	} else {
		q->pkt_last->next = m;
		q->pkt_first->nb_segs++;
		q->pkt_first->pkt_len += len;
	}
	q->pkt_last = m;
}

/* Refills each ring's free descriptors, in order; a producer write when the device asks for it. */
static void rx_refill(struct vmxnet3_rx_queue *q)
{
	bool tell = q->qdesc->ctrl.updateRxProd != 0;

	for (unsigned int i = 0; i < 2; i++) {
		struct vmxnet3_cmd_ring *r = &q->rings.cmd[i];
		unsigned int posted = 0;

		while (vmxnet3_rx_ring_can_post(r)) {
			struct prt_mbuf *m = prt_pktmbuf_alloc(q->mp);

			if (unlikely(m == NULL)) {
				atomic_fetch_add_explicit(q->nombuf, 1, memory_order_relaxed);
				break;
			}
			vmxnet3_rx_ring_post(r, m, rx_buf_iova(m));
			posted++;
		}
		if (posted && tell)
			vmxnet3_rx_ring_kick(r, &q->rings.stats);
	}
}

uint16_t vmxnet3_recv_pkts(void *rxq, struct prt_mbuf **rx_pkts, uint16_t nb_pkts)
{
	struct vmxnet3_rx_queue *q = rxq;
	uint64_t bytes = 0, errors = 0;
	uint16_t nb_rx = 0;

	if (unlikely(prt_atomic_load(&q->stopped, memory_order_relaxed)))
		return 0;
	while (nb_rx < nb_pkts) {
		struct vmxnet3_rx_done d;
		enum vmxnet3_comp_verdict v = vmxnet3_rx_comp_next(&q->rings, &d);
		struct prt_mbuf *m = d.cookie;

		if (v == VMXNET3_COMP_NONE)
			break;
		if (unlikely(v == VMXNET3_COMP_BAD)) {
			/* Counted by the ring; the frame it was part of is dropped, the rest as it comes. */
			if (m != NULL)
				prt_pktmbuf_free(m);
			if (q->in_frame) {
				rx_frame_drop(q);
				q->pkt_bad = true;
			}
			continue;
		}
		if (d.sop) {
			if (unlikely(q->in_frame)) {
				/* The frame before never got its EOP. */
				rx_frame_drop(q);
				errors++;
				prt_eth_counter_add(&q->incomplete, 1);
			}
			q->in_frame = true;
			q->pkt_bad = false;
		} else if (unlikely(!q->in_frame)) {
			/* A body without a head. */
			prt_pktmbuf_free(m);
			errors++;
			prt_eth_counter_add(&q->incomplete, 1);
			continue;
		}
		if (unlikely(q->pkt_bad))
			prt_pktmbuf_free(m);
		else
			rx_frame_add(q, m, d.len);
		if (!d.eop)
			continue;
		m = q->pkt_first;
		q->in_frame = false;
		if (unlikely(q->pkt_bad || d.err || m == NULL)) {
			if (d.err && !q->pkt_bad)
				prt_eth_counter_add(&q->frame_errors, 1);
			rx_frame_drop(q);
			q->pkt_bad = false;
			errors++;
			continue;
		}
		q->pkt_first = NULL;
		q->pkt_last = NULL;
		m->port = q->port_id;
		rx_pkts[nb_rx++] = m;
		bytes += m->pkt_len;
	}
	rx_refill(q);
	if (nb_rx) {
		prt_eth_counter_add(&q->packets, nb_rx);
		prt_eth_counter_add(&q->bytes, bytes);
	}
	if (unlikely(errors))
		prt_eth_counter_add(&q->errors, errors);
	return nb_rx;
}

/* Frees the segments of every packet the device completed. */
static void tx_reclaim(struct vmxnet3_tx_queue *q)
{
	int n;

	/* A refused completion (-1) frees nothing; the next one may. */
	while ((n = vmxnet3_tx_comp_next(&q->rings)) != 0) {
		for (int i = 0; i < n; i++) {
			struct prt_mbuf *seg = vmxnet3_tx_ring_take(&q->rings.cmd);

			if (seg != NULL)
				prt_pktmbuf_free_seg(seg);
		}
	}
}

/* Descriptors frame @p m takes, or UINT16_MAX when it has too many. */
static inline uint16_t pkt_desc_count(const struct prt_mbuf *m)
{
	uint32_t n = 0;

	if (unlikely(m->nb_segs > VMXNET3_MAX_TXD_PER_PKT))
		return UINT16_MAX;
	for (; m != NULL; m = m->next)
		n += prt_eth_tx_page_pieces(prt_pktmbuf_iova(m), m->data_len);
	return n <= VMXNET3_MAX_TXD_PER_PKT ? (uint16_t)n : UINT16_MAX;
}

/* Writes frame @p m's descriptors, its first one handed over last. */
static inline void pkt_put(struct vmxnet3_cmd_ring *r, struct prt_mbuf *m)
{
	uint16_t sop_idx = r->next2fill;
	bool sop = true;

	for (struct prt_mbuf *seg = m; seg != NULL; seg = seg->next) {
		prt_iova_t iova = prt_pktmbuf_iova(seg);
		uint16_t len = seg->data_len;

		do {
			uint16_t piece = prt_eth_tx_page_piece(iova, len);
			bool last = piece == len;

			vmxnet3_tx_ring_put(r, iova, piece, last ? seg : NULL, sop,
					    last && seg->next == NULL);
			sop = false;
			iova += piece;
			len = (uint16_t)(len - piece);
		} while (len != 0);
	}
	vmxnet3_tx_ring_commit(r, sop_idx);
}

uint16_t vmxnet3_xmit_pkts(void *txq, struct prt_mbuf **tx_pkts, uint16_t nb_pkts)
{
	struct vmxnet3_tx_queue *q = txq;
	struct vmxnet3_cmd_ring *r = &q->rings.cmd;
	uint64_t bytes = 0, errors = 0;
	uint32_t queued = 0, deferred;
	uint16_t nb_tx;

	if (unlikely(prt_atomic_load(&q->stopped, memory_order_relaxed)))
		return 0;
	tx_reclaim(q);
	for (nb_tx = 0; nb_tx < nb_pkts; nb_tx++) {
		struct prt_mbuf *m = tx_pkts[nb_tx];
		uint16_t need = pkt_desc_count(m);

		if (unlikely(need == UINT16_MAX || m->pkt_len == 0)) {
			prt_pktmbuf_free(m);
			errors++;
			continue;
		}
		if (unlikely(need > vmxnet3_tx_ring_free(r))) {
			tx_reclaim(q);
			if (need > vmxnet3_tx_ring_free(r))
				break;
		}
		pkt_put(r, m);
		queued++;
		bytes += m->pkt_len;
	}
	if (queued) {
		/* One TXPROD write per burst, once txThreshold packets wait (Vmxnet3_TxQueueCtrl). */
		deferred = le32toh(q->qdesc->ctrl.txNumDeferred) + queued;
		if (deferred >= le32toh(q->qdesc->ctrl.txThreshold)) {
			q->qdesc->ctrl.txNumDeferred = 0;
			prt_write32(r->next2fill, r->prod);
			vmxnet3_count(&q->rings.stats.doorbells);
		} else {
			q->qdesc->ctrl.txNumDeferred = htole32(deferred);
		}
	}
	prt_eth_counter_add(&q->packets, queued);
	prt_eth_counter_add(&q->bytes, bytes);
	if (unlikely(errors))
		prt_eth_counter_add(&q->errors, errors);
	return nb_tx;
}

void vmxnet3_rx_queue_layout(struct vmxnet3_rx_queue *q, void *base, uint16_t n1, uint32_t buf_len,
			     volatile uint32_t *prod0, volatile uint32_t *prod1, uint16_t qid,
			     uint16_t nb_rxq)
{
	uint16_t n0 = q->nb_desc;
	uint8_t *b = base;

	vmxnet3_cmd_ring_init(&q->rings.cmd[0], b, n0, q->cookies, NULL, prod0, buf_len,
			      VMXNET3_RXD_BTYPE_HEAD);
	vmxnet3_cmd_ring_init(&q->rings.cmd[1], b + 16u * n0, n1, q->cookies + n0, NULL, prod1,
			      buf_len, VMXNET3_RXD_BTYPE_BODY);
	vmxnet3_comp_ring_init(&q->rings.comp, b + 16u * (n0 + n1), (uint16_t)(n0 + n1));
	q->rings.rqid[0] = qid;
	q->rings.rqid[1] = (uint16_t)(qid + nb_rxq);
	memset(&q->rings.stats, 0, sizeof(q->rings.stats));
	q->stopped = 0;
}

void vmxnet3_tx_queue_layout(struct vmxnet3_tx_queue *q, void *base, uint16_t n,
			     volatile uint32_t *prod)
{
	vmxnet3_cmd_ring_init(&q->rings.cmd, base, n, q->cookies, q->eop, prod, 0, 0);
	vmxnet3_comp_ring_init(&q->rings.comp, (uint8_t *)base + 16u * n, n);
	memset(&q->rings.stats, 0, sizeof(q->rings.stats));
	q->stopped = 0;
}

int vmxnet3_rx_queue_fill(struct vmxnet3_rx_queue *q)
{
	for (unsigned int i = 0; i < 2; i++) {
		struct vmxnet3_cmd_ring *r = &q->rings.cmd[i];

		for (uint16_t n = 0; n < r->size; n++) {
			struct prt_mbuf *m = prt_pktmbuf_alloc(q->mp);

			if (m == NULL) {
				vmxnet3_rx_queue_drain(q);
				return -ENOMEM;
			}
			vmxnet3_rx_ring_post(r, m, rx_buf_iova(m));
		}
	}
	return 0;
}

static void mbuf_release(void *cookie)
{
	prt_pktmbuf_free(cookie);
}

static void seg_release(void *cookie)
{
	prt_pktmbuf_free_seg(cookie);
}

void vmxnet3_rx_queue_drain(struct vmxnet3_rx_queue *q)
{
	for (unsigned int i = 0; i < 2; i++)
		if (q->rings.cmd[i].cookie != NULL)
			vmxnet3_cmd_ring_drain(&q->rings.cmd[i], mbuf_release);
	rx_frame_drop(q);
	q->in_frame = false;
	q->pkt_bad = false;
}

void vmxnet3_tx_queue_drain(struct vmxnet3_tx_queue *q)
{
	if (q->rings.cmd.cookie != NULL)
		vmxnet3_cmd_ring_drain(&q->rings.cmd, seg_release);
}
