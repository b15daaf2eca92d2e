/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_af_xdp's bursts over the four XSK rings (Documentation/networking/
 * af_xdp.rst, "Rings"): the fill ring gives the kernel empty chunks, the rx
 * ring gives back the ones it wrote a frame into, the tx ring gives it
 * frames to send, the completion ring gives back the ones it sent. Every
 * chunk is an mbuf of the rx queue's pool (af_xdp_private.h), so rx takes
 * an mbuf off the rx ring as it is, and tx puts an mbuf of that pool on the
 * tx ring as it is and frees it when it comes back on the completion ring.
 *
 * need_wakeup (XDP_USE_NEED_WAKEUP): the kernel sets a flag on the fill or
 * tx ring when it will not look at the ring until a syscall asks it to;
 * only then do we make one (recvfrom() for rx, sendto() for tx), so a busy
 * queue makes no syscalls. With busy polling (busy_budget) the empty rx
 * poll always calls recvfrom(): that call is what runs the driver's NAPI
 * in our thread (SO_PREFER_BUSY_POLL).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "af_xdp_private.h"

/* ---- rx ---- */

uint32_t afxdp_fill(struct afxdp_rx_queue *q, uint32_t n)
{
	struct prt_mbuf *bufs[256];
	uint32_t want = n + q->fill_deficit, done = 0;

	while (done < want) {
		uint32_t k = PRT_MIN(want - done, (uint32_t)PRT_DIM(bufs)), idx = 0;

		k = PRT_MIN(k, xsk_prod_nb_free(&q->fq, k));
		if (k == 0)
			break;
		if (prt_pktmbuf_alloc_bulk(q->mp, bufs, k) != 0) {
			prt_eth_counter_add(&q->nombuf, 1);
			break;
		}
		/* Cannot fail: nb_free said there is room. */
		xsk_ring_prod__reserve(&q->fq, k, &idx);
		for (uint32_t i = 0; i < k; i++)
			*xsk_ring_prod__fill_addr(&q->fq, idx + i) = afxdp_mbuf_chunk(q, bufs[i]);
		/* Release (in submit): the addresses are written before the kernel sees them. */
		xsk_ring_prod__submit(&q->fq, k);
		done += k;
	}
	q->fill_deficit = want - done;
	return done;
}

/* Kicks the kernel when rx found nothing: with busy polling always (it runs
 * the NAPI loop), otherwise only when the fill ring asks for it. */
static void afxdp_rx_wakeup(struct afxdp_rx_queue *q)
{
	if (q->busy_poll || xsk_ring_prod__needs_wakeup(&q->fq))
		(void)recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

/*
 * Checks rx descriptor @d and returns its mbuf, or NULL when the kernel gave
 * an address or a length outside the chunk (not ours: it is not freed).
 * Unaligned mode: the address is the chunk's offset in the UMEM in the low
 * 48 bits and the data's offset in the chunk in the high 16.
 */
static struct prt_mbuf *afxdp_rx_desc(struct afxdp_rx_queue *q, const struct xdp_desc *d)
{
	uint64_t chunk = xsk_umem__extract_addr(d->addr);
	uint64_t off = xsk_umem__extract_offset(d->addr);
	struct prt_mbuf *m;

	if (unlikely(chunk + q->chunk_size > q->umem_size || off < q->data_start ||
		     off + d->len > q->chunk_size))
		return NULL;
	m = afxdp_chunk_mbuf(q, chunk);
	m->data_off = (uint16_t)(off - q->data_start);
	m->data_len = (uint16_t)d->len;
	m->pkt_len = d->len;
	m->port = q->port_id;
	return m;
}

uint16_t afxdp_rx(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct afxdp_rx_queue *q = queue;
	uint32_t idx, got, bad = 0;
	uint16_t k = 0;
	uint64_t bytes = 0;

	/* Acquire (in peek): the kernel's writes of the frames happen before. */
	got = xsk_ring_cons__peek(&q->rx, n, &idx);
	if (got == 0) {
		if (q->fill_deficit)
			afxdp_fill(q, 0);
		afxdp_rx_wakeup(q);
		return 0;
	}
	for (uint32_t i = 0; i < got; i++) {
		struct prt_mbuf *m = afxdp_rx_desc(q, xsk_ring_cons__rx_desc(&q->rx, idx + i));

		if (unlikely(m == NULL)) {
			bad++;
			continue;
		}
		pkts[k++] = m;
		bytes += m->pkt_len;
	}
	/* Release: our reads of the descriptors are done before the kernel reuses them. */
	xsk_ring_cons__release(&q->rx, got);
	afxdp_fill(q, k);
	prt_eth_sw_stats_count(&q->stats, k, bytes);
	if (unlikely(bad))
		prt_eth_counter_add(&q->stats.errors, bad);
	return k;
}

/* ---- tx ---- */

uint32_t afxdp_complete(struct afxdp_tx_queue *q)
{
	uint32_t idx, n = xsk_ring_cons__peek(&q->cq, q->cq.size, &idx);
	const struct afxdp_rx_queue *rxq = q->rxq;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t chunk = xsk_umem__extract_addr(*xsk_ring_cons__comp_addr(&q->cq, idx + i));

		/* Only addresses we put on the tx ring come back. */
		if (likely(chunk + rxq->chunk_size <= rxq->umem_size))
			prt_pktmbuf_free(afxdp_chunk_mbuf(rxq, chunk));
	}
	xsk_ring_cons__release(&q->cq, n);
	return n;
}

/* True when @m can go on the tx ring as it is: one segment of the UMEM's
 * pool whose data lie in its own buffer. */
static bool afxdp_tx_in_umem(const struct afxdp_rx_queue *rxq, const struct prt_mbuf *m)
{
	return m->pool == rxq->mp && m->nb_segs == 1 && PRT_MBUF_DIRECT(m);
}

/*
 * Replaces *@mp (another pool, a chain, an indirect mbuf) by a UMEM mbuf
 * holding a copy of it, and frees it. @return 0; -ENOBUFS when the pool is
 * empty (*@mp unchanged, still the caller's); -EINVAL when the chain holds
 * fewer bytes than its pkt_len says (freed: the caller counts the drop).
 */
static int afxdp_tx_copy(struct afxdp_tx_queue *q, struct prt_mbuf **mp)
{
	struct prt_mbuf *m = *mp, *c = prt_pktmbuf_alloc(q->rxq->mp);
	const void *src;
	char *dst;

	if (c == NULL)
		return -ENOBUFS;
	dst = prt_pktmbuf_mtod(c, char *);
	src = prt_pktmbuf_read(m, 0, m->pkt_len, dst);
	if (src == NULL) {
		prt_pktmbuf_free(c);
		prt_pktmbuf_free(m);
		return -EINVAL;
	}
	if (src != dst)
		memcpy(dst, src, m->pkt_len);
	c->data_len = (uint16_t)m->pkt_len;
	c->pkt_len = m->pkt_len;
	prt_pktmbuf_free(m);
	prt_eth_counter_add(&q->copied, 1);
	*mp = c;
	return 0;
}

/* Tells the kernel the tx ring has frames, if it asks for it (always in copy
 * mode, where the sendto() is what sends them). */
static void afxdp_tx_kick(struct afxdp_tx_queue *q)
{
	if (!xsk_ring_prod__needs_wakeup(&q->tx))
		return;
	if (sendto(q->rxq->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN &&
	    errno != EBUSY && errno != ENOBUFS && errno != EINTR)
		prt_eth_counter_add(&q->wakeup_errors, 1);
}

uint16_t afxdp_tx(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct afxdp_tx_queue *q = queue;
	const struct afxdp_rx_queue *rxq = q->rxq;
	uint32_t idx = 0, room, put = 0;
	uint16_t done = 0;
	uint64_t bytes = 0, dropped = 0;

	afxdp_complete(q);
	room = xsk_prod_nb_free(&q->tx, n);
	if (room == 0) {
		afxdp_tx_kick(q);
		return 0;
	}
	n = (uint16_t)PRT_MIN((uint32_t)n, room);
	xsk_ring_prod__reserve(&q->tx, n, &idx);
	for (; done < n; done++) {
		struct prt_mbuf *m = pkts[done];
		struct xdp_desc *d;
		uint64_t chunk, off;

		if (unlikely(m->pkt_len > q->frame_max)) {
			/* The kernel would refuse it and never complete it. */
			prt_pktmbuf_free(m);
			dropped++;
			continue;
		}
		if (!afxdp_tx_in_umem(rxq, m)) {
			int ret = afxdp_tx_copy(q, &m);

			if (ret == -ENOBUFS)
				break; /* this frame and the rest stay the caller's */
			if (ret < 0) {
				dropped++;
				continue;
			}
		}
		chunk = afxdp_mbuf_chunk(rxq, m);
		off = (uint64_t)(prt_pktmbuf_mtod(m, char *) - (char *)m) + rxq->hdr_size;
		d = xsk_ring_prod__tx_desc(&q->tx, idx + put);
		d->addr = chunk | (off << XSK_UNALIGNED_BUF_OFFSET_SHIFT);
		d->len = m->data_len;
		d->options = 0;
		bytes += m->data_len;
		put++;
	}
	/* Reserved slots we did not fill are handed back before the submit. */
	q->tx.cached_prod -= n - put;
	/* Release (in submit): the descriptors are written before the kernel reads them. */
	xsk_ring_prod__submit(&q->tx, put);
	afxdp_tx_kick(q);
	prt_eth_sw_stats_count(&q->stats, put, bytes);
	if (dropped)
		prt_eth_counter_add(&q->stats.errors, dropped);
	return done;
}
