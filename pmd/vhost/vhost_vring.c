/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_vhost's data path: split virtqueues (virtio 1.2, 2.7) walked from the
 * device side. Rx takes the frames the front-end made available on its tx
 * virtqueue and copies them into mbufs; tx copies mbufs into the buffers it
 * made available on its rx virtqueue, several per frame with
 * VIRTIO_NET_F_MRG_RXBUF (5.1.6.4). Each burst publishes its used entries
 * with one store of used->idx (2.7.8) and notifies the front-end at most
 * once, as it asked (2.7.10: used_event with VIRTIO_F_RING_EVENT_IDX, else
 * VIRTQ_AVAIL_F_NO_INTERRUPT).
 *
 * Everything in the ring is the front-end's and may change under us: each
 * index, descriptor and flag is read once (volatile) into a local and
 * checked there. An avail index more than the ring size ahead, or a head
 * out of range, marks the vring broken (nothing more is taken from it until
 * the front-end sets it up again); a chain that is too long, loops, points
 * outside the memory table or has the wrong direction is returned used with
 * nothing written and counted (bad_desc), the frame dropped.
 */
#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>

#include "prt_mbuf.h"
#include "vhost_private.h"
#include "virtio_net.h"

/* ---- the handover with the control thread (vhost_private.h) ---- */

static inline bool vring_enter(struct vhost_vring *vr)
{
	/* seq_cst exchange, then seq_cst load: pairs with vhost_vring_quiesce()'s
	 * store of ready = 0 then load of busy (one of us sees the other). The
	 * load also acquires what the control thread wrote before ready = 1. */
	prt_atomic_exchange(&vr->busy, 1, memory_order_seq_cst);
	if (likely(prt_atomic_load(&vr->ready, memory_order_seq_cst) && !vr->broken))
		return true;
	prt_atomic_store(&vr->busy, 0, memory_order_release);
	return false;
}

static inline void vring_leave(struct vhost_vring *vr)
{
	/* Release: our ring accesses happen before the control thread, which
	 * acquires busy == 0, changes or unmaps the ring. */
	prt_atomic_store(&vr->busy, 0, memory_order_release);
}

void vhost_vring_quiesce(struct vhost_vring *vr)
{
	prt_atomic_store(&vr->ready, 0, memory_order_seq_cst);
	while (prt_atomic_load(&vr->busy, memory_order_seq_cst))
		prt_pause();
}

/* ---- reading what the front-end wrote ---- */

static inline void desc_read(const struct vhost_vring *vr, uint16_t i, struct virtq_desc *d)
{
	const volatile struct virtq_desc *s = &vr->desc[i];

	d->addr = s->addr;
	d->len = s->len;
	d->flags = s->flags;
	d->next = s->next;
}

/* Entries available to take, or -1 when the front-end's index is nonsense. */
static inline int avail_count(struct vhost_vring *vr)
{
	/* Acquire: pairs with the front-end's release of avail->idx after it
	 * wrote the ring entries and descriptors (2.7.13). */
	uint16_t n =
		(uint16_t)(prt_atomic_load(&vr->avail->idx, memory_order_acquire) - vr->last_avail);

	if (unlikely(n > vr->size)) {
		VHOST_LOG(ERR,
			  "port %u: vring avail index %u ahead by %u of a ring of %u: ring stopped",
			  vr->port_id, vr->last_avail, n, vr->size);
		vr->broken = true;
		return -1;
	}
	return n;
}

/* The head of the next available chain, or -1 (ring broken) when out of range. */
static inline int avail_head(struct vhost_vring *vr)
{
	uint16_t head =
		((const volatile uint16_t *)vr->avail->ring)[vr->last_avail & (vr->size - 1)];

	if (unlikely(head >= vr->size)) {
		VHOST_LOG(ERR, "port %u: avail ring entry %u is descriptor %u of %u: ring stopped",
			  vr->port_id, vr->last_avail, head, vr->size);
		vr->broken = true;
		return -1;
	}
	return head;
}

static inline void used_put(struct vhost_vring *vr, uint16_t head, uint32_t len)
{
	volatile struct virtq_used_elem *e = &vr->used->ring[vr->last_used & (vr->size - 1)];

	e->id = head;
	e->len = len;
	vr->last_used++;
}

/* Publishes the used entries from @old on and notifies the front-end if it asked (2.7.10). */
static void used_publish(struct vhost_vring *vr, uint16_t old)
{
	if (vr->last_used == old)
		return;
	/* Release: the used entries and the buffers' bytes before the index (2.7.8). */
	prt_atomic_store(&vr->used->idx, vr->last_used, memory_order_release);
	if (vr->callfd < 0)
		return;
	/* Our index store before the read of the front-end's wish (a seq_cst
	 * fence: store-load order), as the front-end orders its wish before
	 * its read of used->idx. */
	atomic_thread_fence(memory_order_seq_cst);
	if (vr->event_idx) {
		uint16_t ev = ((const volatile uint16_t *)vr->avail->ring)[vr->size];

		if (!virtq_need_event(ev, vr->last_used, old))
			return;
	} else if (((const volatile struct virtq_avail *)vr->avail)->flags &
		   VIRTQ_AVAIL_F_NO_INTERRUPT) {
		return;
	}
	eventfd_write(vr->callfd, 1);
}

/* ---- rx: the front-end's tx virtqueue into mbufs ---- */

/* Appends @len bytes at @src to the chain @head whose last segment is *@tail. */
static int mbuf_append(struct prt_mbuf *head, struct prt_mbuf **tail, struct prt_mempool *mp,
		       const uint8_t *src, uint32_t len)
{
	struct prt_mbuf *m = *tail;

	while (len > 0) {
		uint32_t room = (uint32_t)prt_pktmbuf_tailroom(m), chunk;

		if (room == 0) {
			struct prt_mbuf *n = prt_pktmbuf_alloc(mp);

			if (n == NULL)
				return -ENOMEM;
			m->next = n;
			head->nb_segs++;
			m = n;
			*tail = n;
			room = (uint32_t)prt_pktmbuf_tailroom(m);
		}
		chunk = PRT_MIN(len, room);
		memcpy(prt_pktmbuf_mtod_offset(m, uint8_t *, m->data_len), src, chunk);
		m->data_len = (uint16_t)(m->data_len + chunk);
		head->pkt_len += chunk;
		src += chunk;
		len -= chunk;
	}
	return 0;
}

/*
 * Copies the chain at @head (a virtio-net header, then the frame) into a
 * new mbuf chain in *@out. @return 0; -EINVAL for a bad chain (*@out NULL);
 * -ENOMEM when the pool ran dry (nothing taken).
 */
static int chain_to_mbuf(struct vhost_vring *vr, uint16_t head, struct prt_mbuf **out)
{
	struct prt_mbuf *m = prt_pktmbuf_alloc(vr->mp), *tail = m;
	uint32_t skip = VIRTIO_NET_HDR_LEN, limit = PRT_MIN((uint32_t)vr->size, VHOST_MAX_CHAIN);
	uint16_t idx = head;

	*out = NULL;
	if (m == NULL)
		return -ENOMEM;
	for (uint32_t count = 1;; count++) {
		struct virtq_desc d;
		const uint8_t *src;
		uint32_t len;

		if (count > limit)
			goto bad; /* too long, or a loop */
		desc_read(vr, idx, &d);
		if (d.flags & (VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT))
			goto bad; /* not offered (INDIRECT) or the wrong way (WRITE) */
		len = d.len;
		src = len ? vhost_gpa_to_va(vr->mem, d.addr, len) : NULL;
		if (len && src == NULL)
			goto bad;
		if (skip && len) {
			uint32_t s = PRT_MIN(skip, len);

			skip -= s;
			src += s;
			len -= s;
		}
		if (len > VHOST_MAX_FRAME - m->pkt_len)
			goto bad;
		if (len && mbuf_append(m, &tail, vr->mp, src, len) < 0) {
			prt_pktmbuf_free(m);
			return -ENOMEM;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		idx = d.next;
		if (idx >= vr->size)
			goto bad;
	}
	if (skip || m->pkt_len == 0)
		goto bad; /* shorter than the header, or an empty frame */
	m->port = vr->port_id;
	*out = m;
	return 0;
bad:
	prt_pktmbuf_free(m);
	return -EINVAL;
}

uint16_t vhost_rx_burst(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct vhost_vring *vr = queue;
	uint16_t got = 0, old;
	uint64_t bytes = 0, bad = 0;
	int avail;

	if (!vring_enter(vr))
		return 0;
	old = vr->last_used;
	avail = avail_count(vr);
	for (int i = 0; i < avail && got < n; i++) {
		int head = avail_head(vr), ret;

		if (head < 0)
			break;
		ret = chain_to_mbuf(vr, (uint16_t)head, &pkts[got]);
		if (ret == -ENOMEM) {
			prt_eth_counter_add(&vr->nombuf, 1);
			break; /* the chain stays available for the next burst */
		}
		vr->last_avail++;
		used_put(vr, (uint16_t)head, 0);
		if (ret < 0) {
			bad++;
			continue;
		}
		bytes += pkts[got]->pkt_len;
		got++;
	}
	used_publish(vr, old);
	vring_leave(vr);
	prt_eth_sw_stats_count(&vr->stats, got, bytes);
	if (bad) {
		prt_eth_counter_add(&vr->bad_desc, bad);
		prt_eth_counter_add(&vr->stats.errors, bad);
	}
	return got;
}

/* ---- tx: mbufs into the front-end's rx virtqueue ---- */

struct tx_cursor {
	const struct prt_mbuf *seg; /* the segment being copied */
	uint32_t off; /* bytes of it copied */
};

/*
 * Copies what fits of the frame at @c into @len bytes at @dst. @return bytes
 * written. Empty segments are passed over, so c->seg is NULL once every byte
 * is copied: a frame that ends in one (a zero-length last segment) is done
 * when its bytes fill the buffer exactly, and needs no further buffer.
 */
static uint32_t frame_copy(struct tx_cursor *c, uint8_t *dst, uint32_t len)
{
	uint32_t done = 0, chunk;

	/* Each turn copies at least a byte, or returns. */
	for (;;) {
		while (c->seg && c->off == c->seg->data_len) {
			c->seg = c->seg->next;
			c->off = 0;
		}
		if (done == len || c->seg == NULL)
			return done;
		chunk = PRT_MIN(len - done, (uint32_t)c->seg->data_len - c->off);
		memcpy(dst + done, prt_pktmbuf_mtod_offset(c->seg, const uint8_t *, c->off), chunk);
		done += chunk;
		c->off += chunk;
	}
}

/*
 * Fills the chain at @head with the rest of the frame at @c (the header
 * first when *@hdr is NULL: then *@hdr points at it). @return bytes
 * written into the chain; -EINVAL for a bad chain.
 */
static int64_t chain_fill(struct vhost_vring *vr, uint16_t head, struct tx_cursor *c, uint8_t **hdr)
{
	uint32_t limit = PRT_MIN((uint32_t)vr->size, VHOST_MAX_CHAIN), written = 0;
	uint16_t idx = head;

	for (uint32_t count = 1;; count++) {
		struct virtq_desc d;
		uint8_t *dst;
		uint32_t len;

		if (count > limit)
			return -EINVAL;
		desc_read(vr, idx, &d);
		if ((d.flags & (VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT)) != VIRTQ_DESC_F_WRITE)
			return -EINVAL;
		len = d.len;
		dst = len ? vhost_gpa_to_va(vr->mem, d.addr, len) : NULL;
		if (len && dst == NULL)
			return -EINVAL;
		if (*hdr == NULL) {
			/* The header whole in the first descriptor, as every driver
			 * lays its buffers out (5.1.6.3.2 suggests it). */
			if (len < VIRTIO_NET_HDR_LEN)
				return -EINVAL;
			*hdr = dst;
			memset(dst, 0, VIRTIO_NET_HDR_LEN);
			dst += VIRTIO_NET_HDR_LEN;
			len -= VIRTIO_NET_HDR_LEN;
			written += VIRTIO_NET_HDR_LEN;
		}
		written += frame_copy(c, dst, len);
		if (c->seg == NULL || !(d.flags & VIRTQ_DESC_F_NEXT))
			return written;
		idx = d.next;
		if (idx >= vr->size)
			return -EINVAL;
	}
}

/* Most buffers one frame may fill with MRG_RXBUF (num_buffers is 16 bits; a
 * 64 KiB frame in 2 KiB buffers takes 33). */
#define VHOST_MAX_MRG_BUFS 256

/*
 * Copies frame @m into as many available buffers as it needs (one without
 * MRG_RXBUF), @p avail of them left. @return 1 when sent; 0 when the ring
 * has too few buffers (nothing consumed: the frame waits); -ENOSPC when
 * it cannot fit (one buffer too small without MRG_RXBUF, or more than
 * VHOST_MAX_MRG_BUFS) and is dropped, nothing consumed; -EINVAL for a bad
 * chain: the buffers it took go back used with nothing written.
 */
static int frame_put(struct vhost_vring *vr, const struct prt_mbuf *m, int *avail)
{
	uint16_t heads[VHOST_MAX_MRG_BUFS];
	struct tx_cursor c = { m, 0 };
	uint8_t *hdr = NULL; /* the front-end's buffer: maybe unaligned */
	uint16_t save_avail = vr->last_avail, save_used = vr->last_used, nbufs = 0;
	int ret = 0;

	while (c.seg) {
		int head;
		int64_t w;

		if (nbufs == (vr->mrg_rxbuf ? VHOST_MAX_MRG_BUFS : 1)) {
			ret = -ENOSPC;
			goto undo;
		}
		if (*avail - nbufs == 0)
			goto undo;
		head = avail_head(vr);
		if (head < 0)
			goto undo;
		heads[nbufs++] = (uint16_t)head;
		vr->last_avail++;
		w = chain_fill(vr, (uint16_t)head, &c, &hdr);
		if (w < 0) {
			vr->last_used = save_used;
			for (uint16_t i = 0; i < nbufs; i++)
				used_put(vr, heads[i], 0);
			*avail -= nbufs;
			return -EINVAL;
		}
		used_put(vr, (uint16_t)head, (uint32_t)w);
	}
	memcpy(hdr + offsetof(struct virtio_net_hdr, num_buffers), &nbufs, sizeof(nbufs));
	*avail -= nbufs;
	return 1;
undo:
	vr->last_avail = save_avail;
	vr->last_used = save_used;
	return ret;
}

uint16_t vhost_tx_burst(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct vhost_vring *vr = queue;
	uint16_t done = 0, old;
	uint64_t bytes = 0, nospace = 0, bad = 0;
	int avail;

	if (!vring_enter(vr))
		return 0;
	old = vr->last_used;
	avail = avail_count(vr);
	for (; done < n && avail > 0; done++) {
		int r = frame_put(vr, pkts[done], &avail);

		if (r == 0)
			break;
		if (r > 0)
			bytes += pkts[done]->pkt_len;
		else if (r == -ENOSPC)
			nospace++;
		else
			bad++;
	}
	used_publish(vr, old);
	vring_leave(vr);
	prt_pktmbuf_free_bulk(pkts, done);
	prt_eth_sw_stats_count(&vr->stats, done - nospace - bad, bytes);
	if (nospace || bad) {
		prt_eth_counter_add(&vr->stats.errors, nospace + bad);
		prt_eth_counter_add(&vr->bad_desc, bad);
		prt_eth_counter_add(&vr->too_big, nospace);
	}
	return done;
}
