/* SPDX-License-Identifier: BSD-3-Clause */
/* Burst functions of the 82574 and 82576 ports (see e1000_rxtx.h). */
#include <errno.h>

#include "ethdev_driver.h"
#include "ethdev_tx_pages.h"

#include "e1000_rxtx.h"
#include "prt_atomic.h"

/* IOVA the device writes a received frame to: the buffer after the headroom. */
static inline prt_iova_t rx_buf_iova(const struct prt_mbuf *m)
{
	return m->buf_iova + PRT_PKTMBUF_HEADROOM;
}

/* Ends the frame being gathered: hands it out, or drops it when it went bad. */
static inline bool rx_frame_end(struct e1000_rx_queue *q, const struct e1000_rx_done *d,
				uint64_t *errors)
{
	struct prt_mbuf *first = q->pkt_first;
	bool bad = q->pkt_bad || (d->status_error & E1000_RXD_ERR_FRAME);

	q->pkt_first = NULL;
	q->pkt_last = NULL;
	q->pkt_bad = false;
	if (unlikely(bad)) {
		if (first != NULL)
			prt_pktmbuf_free(first);
		(*errors)++;
		return false;
	}
	first->port = q->port_id;
	if (q->rss_hash) {
		first->ol_flags = PRT_MBUF_F_RX_RSS_HASH;
		first->hash.rss = d->rss;
	}
	return true;
}

uint16_t e1000_recv_pkts(void *rxq, struct prt_mbuf **rx_pkts, uint16_t nb_pkts)
{
	struct e1000_rx_queue *q = rxq;
	uint64_t bytes = 0, errors = 0;
	uint16_t nb_rx = 0;

	if (unlikely(prt_atomic_load(&q->stopped, memory_order_relaxed)))
		return 0;
	while (nb_rx < nb_pkts) {
		struct e1000_rx_done d;
		struct prt_mbuf *m;

		/* The refill mbuf first: a descriptor is never left without one. */
		if (q->spare == NULL) {
			q->spare = prt_pktmbuf_alloc(q->mp);
			if (unlikely(q->spare == NULL)) {
				atomic_fetch_add_explicit(q->nombuf, 1, memory_order_relaxed);
				break;
			}
		}
		if (!e1000_rx_ring_next(&q->ring, &d))
			break;
		e1000_rx_ring_refill(&q->ring, q->spare, rx_buf_iova(q->spare));
		q->spare = NULL;
		m = d.cookie;
		if (unlikely(d.len == E1000_RX_LEN_BAD || q->pkt_bad)) {
			/* Its bytes cannot be trusted: drop the whole frame at EOP. */
			prt_pktmbuf_free(m);
			q->pkt_bad = true;
		} else if (unlikely((q->pkt_first != NULL ? q->pkt_first->pkt_len : 0) + d.len >
				    prt_atomic_load(&q->max_rx_pktlen, memory_order_relaxed))) {
			/*
			 * Longer than any frame the port takes: a device that
			 * never sets EOP would chain the whole pool (and wrap
			 * nb_segs), and one that fills a buffer larger than the
			 * MTU allows would hand the application more than it
			 * asked for. Drop what was gathered now, the rest as it
			 * comes, and the frame at EOP.
			 */
			if (q->pkt_first != NULL)
				prt_pktmbuf_free(q->pkt_first);
			prt_pktmbuf_free(m);
			q->pkt_first = NULL;
			q->pkt_last = NULL;
			q->pkt_bad = true;
			prt_eth_counter_add(&q->oversize, 1);
		} else {
			m->data_len = (uint16_t)d.len;
			if (q->pkt_first == NULL) {
				q->pkt_first = m;
				m->pkt_len = d.len;
			} else {
				q->pkt_last->next = m;
				q->pkt_first->nb_segs++;
				q->pkt_first->pkt_len += d.len;
			}
			q->pkt_last = m;
		}
		if (!(d.status_error & E1000_RXD_STAT_EOP))
			continue;
		m = q->pkt_first;
		if (rx_frame_end(q, &d, &errors)) {
			rx_pkts[nb_rx++] = m;
			bytes += m->pkt_len;
		}
	}
	/* One RDT write for the batch, once enough descriptors were refilled. */
	e1000_rx_ring_flush(&q->ring);
	if (nb_rx) {
		prt_eth_counter_add(&q->packets, nb_rx);
		prt_eth_counter_add(&q->bytes, bytes);
	}
	if (unlikely(errors))
		prt_eth_counter_add(&q->errors, errors);
	return nb_rx;
}

/* Frees the segments of every descriptor the device is done with. */
static void tx_reclaim(struct e1000_tx_queue *q)
{
	/* A batch ends on an RS descriptor: at most rs_thresh - 1 + one frame's descriptors. */
	void *done[E1000_TX_RS_THRESH_MAX + E1000_TX_MAX_DESC_PER_PKT];
	uint16_t n;

	while ((n = e1000_tx_ring_reclaim(&q->ring, done, PRT_DIM(done))) > 0)
		for (uint16_t i = 0; i < n; i++)
			prt_pktmbuf_free_seg(done[i]);
}

/* Descriptors frame @p m takes, or UINT16_MAX when it has too many. */
static inline uint16_t pkt_desc_count(const struct prt_mbuf *m)
{
	uint32_t n = 0;

	if (unlikely(m->nb_segs > E1000_TX_MAX_SEGS))
		return UINT16_MAX;
	for (; m != NULL; m = m->next)
		n += prt_eth_tx_page_pieces(prt_pktmbuf_iova(m), m->data_len);
	return n <= E1000_TX_MAX_DESC_PER_PKT ? (uint16_t)n : UINT16_MAX;
}

/*
 * Writes segment @p seg's descriptors, one per page piece (ethdev_tx_pages.h);
 * its cookie on the last one, EOP on the frame's last.
 */
static inline void seg_put(struct e1000_tx_ring *t, struct prt_mbuf *seg, uint32_t pkt_len)
{
	prt_iova_t iova = prt_pktmbuf_iova(seg);
	uint16_t len = seg->data_len;

	do {
		uint16_t chunk = prt_eth_tx_page_piece(iova, len);
		bool last = chunk == len;

		e1000_tx_ring_put(t, iova, chunk, last ? seg : NULL, last && seg->next == NULL,
				  pkt_len);
		iova += chunk;
		len = (uint16_t)(len - chunk);
	} while (len != 0);
}

uint16_t e1000_xmit_pkts(void *txq, struct prt_mbuf **tx_pkts, uint16_t nb_pkts)
{
	struct e1000_tx_queue *q = txq;
	struct e1000_tx_ring *t = &q->ring;
	uint64_t bytes = 0, errors = 0;
	uint16_t nb_tx, nb_desc = 0;

	if (unlikely(prt_atomic_load(&q->stopped, memory_order_relaxed)))
		return 0;
	if (t->nb_free < q->free_thresh)
		tx_reclaim(q);
	for (nb_tx = 0; nb_tx < nb_pkts; nb_tx++) {
		struct prt_mbuf *m = tx_pkts[nb_tx];
		uint16_t need = pkt_desc_count(m);

		if (unlikely(need == UINT16_MAX || m->pkt_len == 0)) {
			prt_pktmbuf_free(m);
			errors++;
			continue;
		}
		if (unlikely(need > t->nb_free)) {
			tx_reclaim(q);
			if (need > t->nb_free)
				break;
		}
		for (struct prt_mbuf *seg = m; seg != NULL; seg = seg->next)
			seg_put(t, seg, m->pkt_len);
		nb_desc += need;
		bytes += m->pkt_len;
	}
	if (nb_desc)
		e1000_tx_ring_kick(t);
	prt_eth_counter_add(&q->packets, (uint64_t)(nb_tx - errors));
	prt_eth_counter_add(&q->bytes, bytes);
	if (unlikely(errors))
		prt_eth_counter_add(&q->errors, errors);
	return nb_tx;
}

int e1000_rx_queue_fill(struct e1000_rx_queue *q)
{
	for (uint16_t i = 0; i < q->ring.nb_desc; i++) {
		struct prt_mbuf *m = prt_pktmbuf_alloc(q->mp);

		if (m == NULL) {
			e1000_rx_queue_drain(q);
			return -ENOMEM;
		}
		e1000_rx_ring_set(&q->ring, i, m, rx_buf_iova(m));
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

void e1000_rx_queue_drain(struct e1000_rx_queue *q)
{
	e1000_rx_ring_drain(&q->ring, mbuf_release);
	if (q->spare != NULL)
		prt_pktmbuf_free(q->spare);
	if (q->pkt_first != NULL)
		prt_pktmbuf_free(q->pkt_first);
	q->spare = NULL;
	q->pkt_first = NULL;
	q->pkt_last = NULL;
	q->pkt_bad = false;
}

void e1000_tx_queue_drain(struct e1000_tx_queue *q)
{
	e1000_tx_ring_drain(&q->ring, seg_release);
}
