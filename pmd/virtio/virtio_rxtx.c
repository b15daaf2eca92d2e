/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-net rx and tx (virtio 1.2, 5.1.6): frames in mbufs through the
 * virtqueue core, one doorbell per burst, refill and reclaim in batches.
 *
 * Rx (5.1.6.3, 5.1.6.4): every rx buffer is one mbuf, offered from
 * data_off - VIRTIO_NET_HDR_LEN to its end, so the header lands in the headroom and
 * the frame at data_off. Without VIRTIO_NET_F_MRG_RXBUF a frame is one
 * buffer; with it, the first buffer's header says how many buffers
 * (num_buffers) the frame spans, and the later ones carry frame bytes from
 * their first byte on: they become the mbuf chain. A frame's buffers may
 * arrive over several bursts; the queue keeps the frame being put together.
 *
 * What the device writes is checked: the core hands back a used length
 * beyond the buffer as VIRTQUEUE_LEN_BAD; a length that does not cover the
 * header, or a num_buffers of 0 or beyond the ring, drops the frame, counts
 * it in the queue's errors and its own counter, and never reads past the
 * buffer.
 *
 * Tx (5.1.6.2): the header goes into the headroom of a frame that is one
 * direct mbuf of ours (refcnt 1): one descriptor per frame. Other frames
 * (chains, shared or indirect mbufs, no headroom) take their header from
 * the queue's region for the buffer's id, and go through that region's
 * indirect table (VIRTIO_F_INDIRECT_DESC, up to VIRTIO_TX_INDIRECT_MAX
 * descriptors: one ring descriptor) or as a chain of descriptors. Sent
 * mbufs are freed once the device has used them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_logs.h"
#include "virtio_net.h"
#include "virtio_rxtx.h"

/* Descriptors handled per virtqueue call (bounds the stack arrays). */
#define VIRTIO_BATCH 64

/* The address a descriptor gives for @m's buffer: buf_iova, or buf_addr (use_va). */
static inline uint64_t mbuf_addr(const struct prt_mbuf *m, uint16_t off)
{
	uint64_t a;

	memcpy(&a, (const char *)m + off, sizeof(a));
	return a;
}

/* ---- rx ---- */

/* Bytes rx buffer @m offers the device: the header in its headroom, then the frame (5.1.6.3). */
static inline uint32_t rx_buf_len(const struct prt_mbuf *m)
{
	return (uint32_t)(m->buf_len - m->data_off + VIRTIO_NET_HDR_LEN);
}

uint16_t virtio_rx_queue_fill(struct virtnet_rx *rxq)
{
	struct virtqueue *vq = rxq->vq;

	while (virtqueue_free_count(vq) > 0) {
		struct prt_mbuf *m[VIRTIO_BATCH];
		struct vq_seg segs[VIRTIO_BATCH];
		uint16_t n = PRT_MIN(virtqueue_free_count(vq), (uint16_t)VIRTIO_BATCH), added;

		if (unlikely(prt_pktmbuf_alloc_bulk(rxq->mp, m, n) != 0)) {
			atomic_fetch_add_explicit(rxq->alloc_failed, n, memory_order_relaxed);
			break;
		}
		for (uint16_t i = 0; i < n; i++) {
			/* 5.1.6.3: the header, then the frame, in one buffer. */
			segs[i].addr = mbuf_addr(m[i], rxq->mbuf_addr_off) + m[i]->data_off -
				       VIRTIO_NET_HDR_LEN;
			segs[i].len = rx_buf_len(m[i]);
			segs[i].flags = VQ_SEG_WRITE;
		}
		added = virtqueue_add_bufs(vq, (void *const *)m, segs, n);
		if (unlikely(added < n)) { /* the queue is broken */
			prt_pktmbuf_free_bulk(m + added, n - added);
			break;
		}
	}
	return virtqueue_free_count(vq);
}

/* Refills once enough descriptors are free and rings the doorbell once. */
static inline void rx_refill(struct virtnet_rx *rxq)
{
	if (virtqueue_free_count(rxq->vq) < rxq->free_thresh)
		return;
	virtio_rx_queue_fill(rxq);
	virtqueue_kick(rxq->vq);
}

/* 5.1.6.4.1: checksum state of a received frame, as mbuf flags (GUEST_CSUM). */
static inline uint64_t rx_csum_flags(const struct virtio_net_hdr *h)
{
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		return PRT_MBUF_F_RX_L4_CKSUM_NONE; /* partial checksum, data verified */
	if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID)
		return PRT_MBUF_F_RX_L4_CKSUM_GOOD;
	return 0;
}

/* The header of the frame in rx buffer @m (in its headroom). */
static inline const struct virtio_net_hdr *rx_hdr(const struct prt_mbuf *m)
{
	return prt_pktmbuf_mtod_offset(m, const struct virtio_net_hdr *, -(int)VIRTIO_NET_HDR_LEN);
}

/* Fills the first segment of a frame whose buffer holds @len bytes, header included. */
static inline void rx_first_seg(struct virtnet_rx *rxq, struct prt_mbuf *m, uint32_t len)
{
	m->data_len = (uint16_t)(len - VIRTIO_NET_HDR_LEN);
	m->pkt_len = len - VIRTIO_NET_HDR_LEN;
	m->port = rxq->port_id;
	if (rxq->csum)
		m->ol_flags = rx_csum_flags(rx_hdr(m));
}

/*
 * Starts loading the headers the device wrote in front of @n received
 * buffers, when their checksum flags are to be read (GUEST_CSUM): each is a
 * cache line last written by the device's core, and the parsing loop reads
 * them one after the other; fetched together, the misses overlap instead of
 * adding up. Without GUEST_CSUM a header is read only for a full mergeable
 * buffer (mrg_start()).
 */
static inline void rx_prefetch_hdrs(struct prt_mbuf *const *m, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++)
		prt_prefetch0(rx_hdr(m[i]));
}

/* A buffer the device wrote badly: dropped and counted. */
static inline void rx_drop(struct virtnet_rx *rxq, struct prt_mbuf *m, uint64_t *why)
{
	prt_pktmbuf_free(m);
	prt_eth_counter_add(why, 1);
	prt_eth_counter_add(&rxq->stats.errors, 1);
}

uint16_t virtio_recv_pkts(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct virtnet_rx *rxq = queue;
	uint32_t lens[VIRTIO_BATCH];
	uint16_t got, nb = 0;
	uint64_t bytes = 0;

	got = virtqueue_get_used(rxq->vq, (void **)pkts, lens, PRT_MIN(n, (uint16_t)VIRTIO_BATCH));
	if (rxq->csum)
		rx_prefetch_hdrs(pkts, got);
	for (uint16_t i = 0; i < got; i++) {
		struct prt_mbuf *m = pkts[i];

		/* LEN_BAD is above any real length: one test covers both. */
		if (unlikely(lens[i] <= VIRTIO_NET_HDR_LEN || lens[i] == VIRTQUEUE_LEN_BAD)) {
			rx_drop(rxq, m, &rxq->stats.bad_len);
			continue;
		}
		rx_first_seg(rxq, m, lens[i]);
		bytes += m->pkt_len;
		pkts[nb++] = m;
	}
	rx_refill(rxq);
	prt_eth_counter_add(&rxq->stats.packets, nb);
	prt_eth_counter_add(&rxq->stats.bytes, bytes);
	return nb;
}

/* MRG_RXBUF: @m is the first buffer of a frame; starts it, or drops a bad one. */
static inline void mrg_start(struct virtnet_rx *rxq, struct prt_mbuf *m, uint32_t len)
{
	uint16_t num_buffers;

	if (unlikely(len <= VIRTIO_NET_HDR_LEN || len == VIRTQUEUE_LEN_BAD)) {
		rx_drop(rxq, m, &rxq->stats.bad_len);
		return;
	}
	/*
	 * 5.1.6.4.1 (device requirements, incoming packets): the device uses
	 * every buffer of a frame but the last completely, so a first buffer
	 * it did not fill holds the whole frame: its header, a line the
	 * device's core wrote (a cross-core miss per frame), is not read for
	 * num_buffers. A full one may be continued.
	 */
	num_buffers = len < rx_buf_len(m) ? 1 : rx_hdr(m)->num_buffers;
	/* 5.1.6.4: at least one, and never more buffers than the ring holds. */
	if (unlikely(num_buffers == 0 || num_buffers > rxq->vq->size)) {
		rx_drop(rxq, m, &rxq->stats.bad_num_buffers);
		return;
	}
	rx_first_seg(rxq, m, len);
	rxq->mrg_head = m;
	rxq->mrg_tail = m;
	rxq->mrg_left = (uint16_t)(num_buffers - 1);
	rxq->mrg_drop = false;
}

/* MRG_RXBUF: @m continues the frame at rxq->mrg_head. */
static inline void mrg_append(struct virtnet_rx *rxq, struct prt_mbuf *m, uint32_t len)
{
	struct prt_mbuf *head = rxq->mrg_head;

	rxq->mrg_left--;
	if (unlikely(len == VIRTQUEUE_LEN_BAD)) {
		prt_pktmbuf_free(m);
		if (!rxq->mrg_drop)
			prt_eth_counter_add(&rxq->stats.bad_len, 1);
		rxq->mrg_drop = true;
		return;
	}
	if (unlikely(rxq->mrg_drop)) {
		prt_pktmbuf_free(m);
		return;
	}
	/* The device wrote frame bytes from the buffer's first byte (where a header would be). */
	m->data_off = (uint16_t)(m->data_off - VIRTIO_NET_HDR_LEN);
	m->data_len = (uint16_t)len;
	head->pkt_len += len;
	head->nb_segs++;
	rxq->mrg_tail->next = m;
	rxq->mrg_tail = m;
}

uint16_t virtio_recv_mergeable_pkts(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct virtnet_rx *rxq = queue;
	struct prt_mbuf *bufs[VIRTIO_BATCH];
	uint32_t lens[VIRTIO_BATCH];
	uint16_t got, nb = 0;
	uint64_t bytes = 0;

	/* Each frame takes at least one buffer: n buffers make at most n frames. */
	got = virtqueue_get_used(rxq->vq, (void **)bufs, lens, PRT_MIN(n, (uint16_t)VIRTIO_BATCH));
	if (rxq->csum)
		rx_prefetch_hdrs(bufs, got);
	for (uint16_t i = 0; i < got; i++) {
		if (rxq->mrg_head == NULL) {
			mrg_start(rxq, bufs[i], lens[i]);
			if (rxq->mrg_head == NULL)
				continue;
		} else {
			mrg_append(rxq, bufs[i], lens[i]);
		}
		if (rxq->mrg_left > 0)
			continue;
		if (unlikely(rxq->mrg_drop)) {
			prt_pktmbuf_free(rxq->mrg_head);
			prt_eth_counter_add(&rxq->stats.errors, 1);
		} else {
			bytes += rxq->mrg_head->pkt_len;
			pkts[nb++] = rxq->mrg_head;
		}
		rxq->mrg_head = NULL;
	}
	rx_refill(rxq);
	prt_eth_counter_add(&rxq->stats.packets, nb);
	prt_eth_counter_add(&rxq->stats.bytes, bytes);
	return nb;
}

/* ---- tx ---- */

/* Frees the mbufs of every buffer the device has used. */
static void tx_reclaim(struct virtnet_tx *txq)
{
	struct prt_mbuf *done[VIRTIO_BATCH];
	uint32_t lens[VIRTIO_BATCH];
	uint16_t n;

	do {
		n = virtqueue_get_used(txq->vq, (void **)done, lens, VIRTIO_BATCH);
		prt_pktmbuf_free_bulk(done, n);
	} while (n == VIRTIO_BATCH);
}

/*
 * 5.1.6.2: the header of frame @m at @dst: a checksum request (CSUM), no
 * segmentation, num_buffers 0 (5.1.6.2.1).
 *
 * Written only where it differs from what @dst holds: a tx mbuf comes back
 * from the device with last time's header in its headroom, nearly always
 * the same one, and that cache line was last read by the device's core.
 * Reading it is a local hit; writing it would take the line back from the
 * device's cache (a cross-core round trip per frame). DPDK does the same.
 */
static inline void tx_hdr_fill(struct virtio_net_hdr *dst, const struct prt_mbuf *m, bool csum)
{
	struct virtio_net_hdr h = { .gso_type = VIRTIO_NET_HDR_GSO_NONE };
	uint64_t l4 = m->ol_flags & PRT_MBUF_F_TX_L4_MASK;

	if (csum && l4 != PRT_MBUF_F_TX_L4_NO_CKSUM) {
		/* 5.1.6.2.1: the device completes the checksum from csum_start on
		 * and stores it at csum_start + csum_offset; the field holds the
		 * pseudo-header sum, as for any NIC's checksum offload. */
		h.csum_start = (uint16_t)(m->l2_len + m->l3_len);
		if (l4 == PRT_MBUF_F_TX_TCP_CKSUM) {
			h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
			h.csum_offset = 16; /* RFC 9293: checksum at byte 16 of the TCP header */
		} else if (l4 == PRT_MBUF_F_TX_UDP_CKSUM) {
			h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
			h.csum_offset = 6; /* RFC 768 */
		}
	}
	if (memcmp(dst, &h, sizeof(h)) != 0)
		memcpy(dst, &h, sizeof(h));
}

/*
 * Starts loading the lines where the headers of @n frames go (their
 * headroom), before tx_hdr_fill() compares them one after the other. In a
 * forwarding loop each is a line the device's core last wrote (the rx
 * header, num_buffers 1): fetched together, the misses overlap instead of
 * adding up, and the io loop forwards about a fifth more frames
 * (doc/performance.md). A read, not a prefetch for writing: a header that
 * already holds the right bytes is not written, and its line stays shared
 * with the device's core.
 */
static inline void tx_prefetch_hdrs(struct prt_mbuf *const *m, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++)
		prt_prefetch0(
			prt_pktmbuf_mtod_offset(m[i], const char *, -(int)VIRTIO_NET_HDR_LEN));
}

/* True when the header can go into @m's headroom: the buffer is ours alone. */
static inline bool tx_can_push(const struct prt_mbuf *m)
{
	return m->nb_segs == 1 && PRT_MBUF_DIRECT(m) && prt_mbuf_refcnt_read(m) == 1 &&
	       prt_pktmbuf_headroom(m) >= VIRTIO_NET_HDR_LEN;
}

/*
 * Makes chained (or shared) frame @m available with a header from its
 * buffer id's region: through the region's indirect table when the device
 * takes them and the chain fits (one ring descriptor), else as a direct
 * chain (one per segment).
 */
static int tx_add_chain(struct virtnet_tx *txq, struct prt_mbuf *m)
{
	struct vq_seg segs[VIRTIO_TX_MAX_SEGS + 1];
	uint16_t nsegs = (uint16_t)(m->nb_segs + 1), i = 1;
	bool indirect = txq->vq->indirect && nsegs <= VIRTIO_TX_INDIRECT_MAX;
	const struct prt_mbuf *s = m;
	struct virtnet_tx_region *r;
	uint64_t raddr;
	uint16_t id;

	if (virtqueue_free_count(txq->vq) < (indirect ? 1 : nsegs))
		return -ENOSPC;
	/* At most the nb_segs it claims: the size of segs and of the indirect table. */
	for (; s != NULL && i < nsegs; s = s->next, i++)
		segs[i] = (struct vq_seg){
			.addr = mbuf_addr(s, txq->mbuf_addr_off) + s->data_off,
			.len = s->data_len,
		};
	if (unlikely(s != NULL || i != nsegs))
		return -EINVAL; /* the chain is not as long as its nb_segs says */
	id = virtqueue_next_id(txq->vq);
	r = &txq->regions[id];
	raddr = txq->regions_addr + id * sizeof(*r);
	tx_hdr_fill(&r->hdr, m, txq->csum);
	segs[0] = (struct vq_seg){ .addr = raddr + offsetof(struct virtnet_tx_region, hdr),
				   .len = VIRTIO_NET_HDR_LEN };
	if (indirect)
		return virtqueue_add_indirect(txq->vq, m, segs, i, r->indirect,
					      raddr + offsetof(struct virtnet_tx_region, indirect));
	return virtqueue_add_chain(txq->vq, m, segs, i);
}

/*
 * Frees a chain whose nb_segs does not match it, segment by segment:
 * prt_pktmbuf_free() trusts (and with debug checks, asserts) the header.
 */
static void tx_drop_malformed(struct prt_mbuf *m)
{
	while (m != NULL) {
		struct prt_mbuf *next = m->next;

		prt_pktmbuf_free_seg(m);
		m = next;
	}
}

uint16_t virtio_xmit_pkts(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct virtnet_tx *txq = queue;
	struct virtqueue *vq = txq->vq;
	struct vq_seg segs[VIRTIO_BATCH];
	uint16_t done = 0, batch = 0, dropped = 0, i;
	uint64_t bytes = 0;
	int ret;

	if (virtqueue_free_count(vq) < PRT_MAX(n, txq->free_thresh))
		tx_reclaim(txq);
	tx_prefetch_hdrs(pkts, n);
	/* pkts[done, done + batch) wait in segs for one virtqueue_add_bufs(). */
	for (i = 0; i < n; i++) {
		struct prt_mbuf *m = pkts[i];

		if (likely(tx_can_push(m))) {
			if (batch == VIRTIO_BATCH || batch == virtqueue_free_count(vq)) {
				uint16_t k = virtqueue_add_bufs(vq, (void *const *)&pkts[done],
								segs, batch);
				done += k;
				if (k < batch || virtqueue_free_count(vq) == 0)
					break;
				batch = 0;
			}
			tx_hdr_fill(prt_pktmbuf_mtod_offset(m, struct virtio_net_hdr *,
							    -(int)VIRTIO_NET_HDR_LEN),
				    m, txq->csum);
			segs[batch++] = (struct vq_seg){
				.addr = mbuf_addr(m, txq->mbuf_addr_off) + m->data_off -
					VIRTIO_NET_HDR_LEN,
				.len = (uint32_t)m->data_len + VIRTIO_NET_HDR_LEN,
			};
			bytes += m->pkt_len;
			continue;
		}
		if (batch > 0) {
			uint16_t k =
				virtqueue_add_bufs(vq, (void *const *)&pkts[done], segs, batch);

			done += k;
			if (k < batch)
				break;
			batch = 0;
		}
		if (unlikely(m->nb_segs > VIRTIO_TX_MAX_SEGS)) {
			prt_pktmbuf_free(m); /* taken and counted: never silently lost */
			dropped++;
			done++;
			continue;
		}
		ret = tx_add_chain(txq, m);
		if (unlikely(ret == -EINVAL)) {
			tx_drop_malformed(m); /* taken and counted: never silently lost */
			dropped++;
			done++;
			continue;
		}
		if (ret < 0)
			break;
		bytes += m->pkt_len;
		done++;
	}
	if (batch > 0 && i == n) {
		uint16_t k = virtqueue_add_bufs(vq, (void *const *)&pkts[done], segs, batch);

		done += k;
	}
	/* Bytes of frames the ring did not take (only when broken or full mid-batch). */
	for (uint16_t j = done; j < i; j++)
		bytes -= pkts[j]->pkt_len;
	virtqueue_kick(vq);
	if (unlikely(dropped))
		prt_eth_counter_add(&txq->stats.errors, dropped);
	prt_eth_counter_add(&txq->stats.packets, done - dropped);
	prt_eth_counter_add(&txq->stats.bytes, bytes);
	return done;
}

/* ---- set-up ---- */

struct virtqueue *virtio_vq_alloc(struct virtio_hw *hw, uint16_t qidx, uint16_t size, size_t extra,
				  const struct prt_memzone **mzp)
{
	unsigned int flags =
		(virtio_with_feature(hw, VIRTIO_F_RING_PACKED) ? VQ_F_PACKED : 0) |
		(virtio_with_feature(hw, VIRTIO_F_RING_EVENT_IDX) ? VQ_F_EVENT_IDX : 0) |
		(virtio_with_feature(hw, VIRTIO_F_IN_ORDER) ? VQ_F_IN_ORDER : 0) |
		(virtio_with_feature(hw, VIRTIO_F_INDIRECT_DESC) ? VQ_F_INDIRECT : 0);
	size_t len = virtqueue_ring_size(size, flags) + extra;
	char name[PRT_MEMZONE_NAMESIZE];
	const struct prt_memzone *mz;
	struct virtqueue *vq;
	prt_iova_t iova;

	snprintf(name, sizeof(name), "virtio_p%u_vq%u", hw->eth->data.port_id, qidx);
	mz = prt_memzone_reserve_aligned(name, len, hw->socket_id, PRT_MEMZONE_IOVA_CONTIG, 4096);
	if (mz == NULL) {
		VIRTIO_LOG(ERR, "%s: queue %u: cannot reserve %zu bytes of ring memory: %s",
			   hw->eth->data.name, qidx, len, strerror(errno));
		return NULL;
	}
	iova = hw->use_va ? (prt_iova_t)(uintptr_t)mz->addr : mz->iova;
	vq = virtqueue_create(size, flags, mz->addr, iova, qidx, hw->ops->notify, hw);
	if (vq == NULL) {
		VIRTIO_LOG(ERR, "%s: queue %u: cannot create a virtqueue of %u descriptors: %s",
			   hw->eth->data.name, qidx, size, strerror(errno));
		prt_memzone_free(mz);
		return NULL;
	}
	*mzp = mz;
	return vq;
}

void virtio_vq_free(struct virtqueue *vq, const struct prt_memzone *mz)
{
	virtqueue_free(vq);
	prt_memzone_free(mz);
}

static uint16_t mbuf_addr_offset(const struct virtio_hw *hw)
{
	return hw->use_va ? offsetof(struct prt_mbuf, buf_addr) :
			    offsetof(struct prt_mbuf, buf_iova);
}

struct virtnet_rx *virtio_rx_queue_create(struct virtio_hw *hw, uint16_t qid, uint16_t size,
					  struct prt_mempool *mp)
{
	struct virtnet_rx *rxq;

	rxq = aligned_alloc(PRT_CACHE_LINE_SIZE, sizeof(*rxq));
	if (rxq == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	*rxq = (struct virtnet_rx){
		.mp = mp,
		.alloc_failed = &hw->eth->data.rx_mbuf_alloc_failed,
		.port_id = hw->eth->data.port_id,
		.queue_id = qid,
		.mbuf_addr_off = mbuf_addr_offset(hw),
		.free_thresh = (uint16_t)PRT_MAX(1, PRT_MIN(32, size / 4)),
		.csum = virtio_with_feature(hw, VIRTIO_NET_F_GUEST_CSUM),
	};
	rxq->vq = virtio_vq_alloc(hw, virtio_rxq_index(qid), size, 0, &rxq->mz);
	if (rxq->vq == NULL) {
		free(rxq);
		errno = ENOMEM;
		return NULL;
	}
	return rxq;
}

struct virtnet_tx *virtio_tx_queue_create(struct virtio_hw *hw, uint16_t qid, uint16_t size)
{
	struct virtnet_tx *txq;

	txq = aligned_alloc(PRT_CACHE_LINE_SIZE, sizeof(*txq));
	if (txq == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	*txq = (struct virtnet_tx){
		.mbuf_addr_off = mbuf_addr_offset(hw),
		.free_thresh = (uint16_t)PRT_MAX(1, PRT_MIN(32, size / 4)),
		.csum = virtio_with_feature(hw, VIRTIO_NET_F_CSUM),
	};
	/* The ring, then one region per buffer id (virtqueue_next_id()). */
	txq->vq = virtio_vq_alloc(hw, virtio_txq_index(qid), size,
				  sizeof(struct virtnet_tx_region) * size, &txq->mz);
	if (txq->vq == NULL) {
		free(txq);
		errno = ENOMEM;
		return NULL;
	}
	/* ring_len is a multiple of 4096: the regions are aligned. */
	txq->regions = (struct virtnet_tx_region *)((char *)txq->vq->ring_va + txq->vq->ring_len);
	txq->regions_addr = txq->vq->ring_iova + txq->vq->ring_len;
	return txq;
}

static void mbuf_free_cb(void *cookie, void *arg)
{
	(void)arg;
	prt_pktmbuf_free(cookie);
}

void virtio_rx_queue_reset(struct virtnet_rx *rxq)
{
	virtqueue_detach(rxq->vq, mbuf_free_cb, NULL);
	prt_pktmbuf_free(rxq->mrg_head);
	rxq->mrg_head = NULL;
	rxq->mrg_left = 0;
}

void virtio_tx_queue_reset(struct virtnet_tx *txq)
{
	virtqueue_detach(txq->vq, mbuf_free_cb, NULL);
}

void virtio_rx_queue_free(struct virtnet_rx *rxq)
{
	if (rxq == NULL)
		return;
	virtio_rx_queue_reset(rxq);
	virtio_vq_free(rxq->vq, rxq->mz);
	free(rxq);
}

void virtio_tx_queue_free(struct virtnet_tx *txq)
{
	if (txq == NULL)
		return;
	virtio_tx_queue_reset(txq);
	virtio_vq_free(txq->vq, txq->mz);
	free(txq);
}
