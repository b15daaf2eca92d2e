/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_vhost's data path: split (virtio 1.2, 2.7) and packed (2.8) virtqueues
 * walked from the device side. Rx takes the frames the front-end made available on its tx
 * virtqueue and copies them into mbufs; tx copies mbufs into the buffers it
 * made available on its rx virtqueue, several per frame with
 * VIRTIO_NET_F_MRG_RXBUF (5.1.6.4). Each burst publishes its used entries
 * with one store of used->idx (2.7.8) and notifies the front-end at most
 * once, as it asked (2.7.10: used_event with VIRTIO_F_RING_EVENT_IDX, else
 * VIRTQ_AVAIL_F_NO_INTERRUPT). A packed vring gathers its used descriptors
 * (2.8.7) in vhost_vring.shadow and writes them at the end of the burst (or
 * of each batch of VHOST_SHADOW), each one's flags last with release
 * (2.8.21.2), then notifies as the driver event suppression area asks
 * (2.8.10, 2.8.14).
 *
 * What both ring types share is written once: the per-descriptor work
 * (translation and bounds, the virtio-net header, the copy between the
 * front-end's buffer and the mbufs: rx_desc(), tx_desc()) and each burst
 * (rx_burst(), frame_put(), tx_burst()). Those take the ring type as a
 * constant 'packed' and are always inlined: each public burst branches on
 * vr->packed once at entry, into a copy compiled for that type, so no branch
 * on the ring type is left per descriptor or per chain.
 *
 * Everything in the ring is the front-end's and may change under us: each
 * index, descriptor and flag is read once (volatile) into a local and
 * checked there. An avail index more than the ring size ahead, or a head
 * out of range, a packed buffer id out of range or a packed chain that runs
 * round the whole ring, marks the vring broken (nothing more is taken from
 * it until the front-end sets it up again); a chain that is too long, loops,
 * points outside the memory table or has the wrong direction (or INDIRECT,
 * not offered) is returned used with nothing written and counted (bad_desc),
 * the frame dropped.
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

/* What the front-end wrote breaks the ring (logged by the caller): stopped, and counted. */
static void vring_break(struct vhost_vring *vr)
{
	vr->broken = true;
	prt_eth_counter_add(&vr->stopped, 1);
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

/* ---- split rings (2.7): reading what the front-end wrote ---- */

/** One descriptor as the front-end wrote it, read once, whichever the ring type. */
struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags; /* VIRTQ_DESC_F_*: NEXT, WRITE, INDIRECT (and packed's AVAIL, USED) */
};

/*
 * What a chain walk does with each descriptor of a chain, @ctx its state.
 * @return 0 for the next descriptor; 1 when done with the chain (the rest
 * is skipped); -EINVAL for a bad descriptor; -ENOMEM when the pool ran dry.
 */
typedef int (*desc_fn)(const struct vhost_vring *vr, void *ctx, const struct vdesc *d);

static inline void desc_read(const struct vhost_vring *vr, uint16_t i, struct vdesc *d,
			     uint16_t *next)
{
	const volatile struct virtq_desc *s = &vr->desc[i];

	d->addr = s->addr;
	d->len = s->len;
	d->flags = s->flags;
	*next = s->next;
}

/* Entries available to take, or -1 when the front-end's index is nonsense. */
static inline int avail_count(struct vhost_vring *vr)
{
	/* Acquire: pairs with the front-end's release of avail->idx after it
	 * wrote the ring entries and descriptors (2.7.13). */
	uint16_t n = (uint16_t)(prt_atomic_load(&vr->avail->idx, memory_order_acquire) -
				vr->pos.last_avail);

	if (unlikely(n > vr->size)) {
		VHOST_LOG(ERR,
			  "port %u: vring avail index %u ahead by %u of a ring of %u: ring stopped",
			  vr->port_id, vr->pos.last_avail, n, vr->size);
		vring_break(vr);
		return -1;
	}
	return n;
}

/* The head of the next available chain, or -1 (ring broken) when out of range. */
static inline int avail_head(struct vhost_vring *vr)
{
	uint16_t head =
		((const volatile uint16_t *)vr->avail->ring)[vr->pos.last_avail & (vr->size - 1)];

	if (unlikely(head >= vr->size)) {
		VHOST_LOG(ERR, "port %u: avail ring entry %u is descriptor %u of %u: ring stopped",
			  vr->port_id, vr->pos.last_avail, head, vr->size);
		vring_break(vr);
		return -1;
	}
	return head;
}

/* Calls @fn on each descriptor of the chain at @head. @return @fn's error; -EINVAL for a chain
 * longer than the ring or VHOST_MAX_CHAIN (a loop), or a next index out of range. */
static __prt_always_inline int split_walk(const struct vhost_vring *vr, uint16_t head, desc_fn fn,
					  void *ctx)
{
	uint32_t limit = PRT_MIN((uint32_t)vr->size, VHOST_MAX_CHAIN);
	uint16_t idx = head;

	for (uint32_t count = 1;; count++) {
		struct vdesc d;
		int ret;

		if (count > limit)
			return -EINVAL; /* too long, or a loop */
		desc_read(vr, idx, &d, &idx);
		ret = fn(vr, ctx, &d);
		if (ret != 0 || !(d.flags & VIRTQ_DESC_F_NEXT))
			return ret < 0 ? ret : 0;
		if (idx >= vr->size)
			return -EINVAL;
	}
}

/*
 * Takes the next available chain of a split ring through @fn; *@u gets its
 * head. @return 0; @fn's -EINVAL (the chain is taken all the same); -ENOMEM
 * (nothing taken); -EFAULT when the ring is broken (nothing taken).
 */
static __prt_always_inline int split_take(struct vhost_vring *vr, desc_fn fn, void *ctx,
					  struct vhost_used_elem *u)
{
	int head = avail_head(vr), ret;

	if (head < 0)
		return -EFAULT;
	ret = split_walk(vr, (uint16_t)head, fn, ctx);
	if (ret == -ENOMEM)
		return ret;
	vr->pos.last_avail++;
	u->id = (uint16_t)head;
	u->ndesc = 1;
	return ret;
}

static inline void used_put(struct vhost_vring *vr, uint16_t head, uint32_t len)
{
	volatile struct virtq_used_elem *e = &vr->used->ring[vr->pos.last_used & (vr->size - 1)];

	e->id = head;
	e->len = len;
	vr->pos.last_used++;
}

/* Publishes the used entries from @old on and notifies the front-end if it asked (2.7.10). */
static void used_publish(struct vhost_vring *vr, uint16_t old)
{
	if (vr->pos.last_used == old)
		return;
	/* Release: the used entries and the buffers' bytes before the index (2.7.8). */
	prt_atomic_store(&vr->used->idx, vr->pos.last_used, memory_order_release);
	if (vr->callfd < 0)
		return;
	/* Our index store before the read of the front-end's wish (a seq_cst
	 * fence: store-load order), as the front-end orders its wish before
	 * its read of used->idx. */
	atomic_thread_fence(memory_order_seq_cst);
	if (vr->event_idx) {
		uint16_t ev = ((const volatile uint16_t *)vr->avail->ring)[vr->size];

		if (!virtq_need_event(ev, vr->pos.last_used, old))
			return;
	} else if (((const volatile struct virtq_avail *)vr->avail)->flags &
		   VIRTQ_AVAIL_F_NO_INTERRUPT) {
		return;
	}
	eventfd_write(vr->callfd, 1);
}

/* ---- packed rings (2.8) ---- */

/* 2.8.1: a descriptor is available when AVAIL == the wrap counter and USED != it. */
static inline bool packed_desc_avail(uint16_t flags, bool wrap)
{
	return !!(flags & VIRTQ_DESC_F_AVAIL) == wrap && !!(flags & VIRTQ_DESC_F_USED) != wrap;
}

/*
 * Calls @fn on each descriptor of the chain at pos.last_avail of a packed
 * ring (2.8.6: consecutive descriptors, NEXT on all but the last, the buffer
 * id in the last), and walks on to the chain's end after @fn fails or is
 * done, to find its id and length. *@err gets @fn's first error, or -EINVAL
 * for a chain longer than VHOST_MAX_CHAIN. @return the chain's number of
 * descriptors, its buffer id in *@id; -EAGAIN when the head is not
 * available; -EFAULT when the ring is broken: a buffer id out of range, or a
 * chain that runs round the whole ring (vring_break()).
 */
static __prt_always_inline int packed_walk(struct vhost_vring *vr, desc_fn fn, void *ctx,
					   uint16_t *id, int *err)
{
	uint16_t pos = vr->pos.last_avail;
	int ret = 0;

	for (uint32_t count = 1; count <= vr->size; count++) {
		const volatile struct pvirtq_desc *s = &vr->pdesc[pos];
		/* Acquire: pairs with the driver's release of the flags after the
		 * rest of the descriptor (2.8.21.3; the head's after the whole chain). */
		uint16_t flags = prt_atomic_load(&vr->pdesc[pos].flags, memory_order_acquire);
		struct vdesc d = { s->addr, s->len, flags };

		if (count == 1 && !packed_desc_avail(flags, vr->pos.avail_wrap))
			return -EAGAIN;
		if (ret == 0)
			ret = count > VHOST_MAX_CHAIN ? -EINVAL : fn(vr, ctx, &d);
		if (!(flags & VIRTQ_DESC_F_NEXT)) {
			*id = s->id;
			*err = ret < 0 ? ret : 0;
			if (likely(*id < vr->size))
				return (int)count;
			VHOST_LOG(
				ERR,
				"port %u: packed vring descriptor %u carries buffer id %u of %u: ring stopped",
				vr->port_id, pos, *id, vr->size);
			vring_break(vr);
			return -EFAULT;
		}
		if (++pos == vr->size)
			pos = 0;
	}
	VHOST_LOG(ERR,
		  "port %u: packed vring chain at %u runs round the whole ring of %u: ring stopped",
		  vr->port_id, vr->pos.last_avail, vr->size);
	vring_break(vr);
	return -EFAULT;
}

/*
 * Takes the next available chain of a packed ring through @fn; *@u gets its
 * buffer id and length in descriptors. @return as split_take(), and -EAGAIN
 * when nothing is available.
 */
static __prt_always_inline int packed_take(struct vhost_vring *vr, desc_fn fn, void *ctx,
					   struct vhost_used_elem *u)
{
	int err, n = packed_walk(vr, fn, ctx, &u->id, &err);

	if (n < 0)
		return n;
	if (err == -ENOMEM)
		return err;
	u->ndesc = (uint16_t)n;
	vr->pos.last_avail = (uint16_t)(vr->pos.last_avail + n);
	if (vr->pos.last_avail >= vr->size) {
		vr->pos.last_avail = (uint16_t)(vr->pos.last_avail - vr->size);
		vr->pos.avail_wrap ^= 1;
	}
	return err;
}

/*
 * Writes the gathered used descriptors into the ring (2.8.7), each at the
 * slot of its chain's head: id and len, then the flags (AVAIL and USED equal
 * to the device's wrap counter, WRITE when len counts written bytes) with
 * release, which hands it to the driver (2.8.21.2).
 */
static void packed_flush(struct vhost_vring *vr)
{
	uint16_t pos = vr->pos.last_used;
	bool wrap = vr->pos.used_wrap;

	for (uint16_t i = 0; i < vr->pos.nshadow; i++) {
		const struct vhost_used_elem *e = &vr->shadow[i];
		volatile struct pvirtq_desc *d = &vr->pdesc[pos];
		uint16_t flags = (wrap ? VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED : 0) |
				 (e->len ? VIRTQ_DESC_F_WRITE : 0);

		d->id = e->id;
		d->len = e->len;
		prt_atomic_store(&vr->pdesc[pos].flags, flags, memory_order_release);
		pos = (uint16_t)(pos + e->ndesc);
		if (pos >= vr->size) {
			pos = (uint16_t)(pos - vr->size);
			wrap ^= 1;
		}
	}
	vr->pos.last_used = pos;
	vr->pos.used_wrap = wrap;
	vr->pos.nshadow = 0;
}

/* Writes what the burst used and notifies the front-end if its driver event suppression area
 * asks (2.8.10), the burst having started at @old. */
static void packed_publish(struct vhost_vring *vr, const struct vhost_ring_pos *old)
{
	uint32_t snap;
	uint16_t flags;

	packed_flush(vr);
	if (vr->callfd < 0 ||
	    (vr->pos.last_used == old->last_used && vr->pos.used_wrap == old->used_wrap))
		return;
	/* Our flags stores before the read of the front-end's wish (store-load, 2.8.23). */
	atomic_thread_fence(memory_order_seq_cst);
	/* One load, so that off_wrap and flags agree. */
	snap = prt_atomic_load(&vr->driver_event->raw, memory_order_relaxed);
	flags = (uint16_t)(snap >> 16);
	if (flags == RING_EVENT_FLAGS_DISABLE)
		return;
	if (flags == RING_EVENT_FLAGS_DESC && vr->event_idx &&
	    !virtq_packed_need_event((uint16_t)snap, vr->pos.last_used, vr->pos.used_wrap,
				     old->last_used, old->used_wrap, vr->size))
		return;
	eventfd_write(vr->callfd, 1);
}

/* ---- what both ring types share ---- */

/* Most buffers one frame may fill with MRG_RXBUF (num_buffers is 16 bits; a
 * 64 KiB frame in 2 KiB buffers takes 33). */
#define VHOST_MAX_MRG_BUFS 256
_Static_assert(VHOST_SHADOW >= VHOST_MAX_MRG_BUFS, "a packed ring's shadow holds a whole frame");

/* The next available chain through @fn (split_take() or packed_take()). */
static __prt_always_inline int ring_take(struct vhost_vring *vr, desc_fn fn, void *ctx,
					 struct vhost_used_elem *u, bool packed)
{
	return packed ? packed_take(vr, fn, ctx, u) : split_take(vr, fn, ctx, u);
}

/* Returns the chain @u used with @len bytes written: into the used ring (split, published by
 * ring_publish()) or the shadow (packed). */
static __prt_always_inline void ring_used(struct vhost_vring *vr, const struct vhost_used_elem *u,
					  uint32_t len, bool packed)
{
	if (packed)
		vr->shadow[vr->pos.nshadow++] = (struct vhost_used_elem){ u->id, u->ndesc, len };
	else
		used_put(vr, u->id, len);
}

/* Room in the shadow for a whole frame (a packed ring writes what it has when there is not). */
static __prt_always_inline void ring_batch(struct vhost_vring *vr, bool packed)
{
	if (packed && vr->pos.nshadow > VHOST_SHADOW - VHOST_MAX_MRG_BUFS)
		packed_flush(vr);
}

static __prt_always_inline void ring_publish(struct vhost_vring *vr,
					     const struct vhost_ring_pos *old, bool packed)
{
	if (packed)
		packed_publish(vr, old);
	else
		used_publish(vr, old->last_used);
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

/* A frame being copied out of a tx chain: the mbuf chain, and header bytes still to skip. */
struct rx_frame {
	struct prt_mbuf *m, *tail;
	uint32_t skip;
};

/*
 * desc_fn of rx: appends the device-readable buffer of @d (a virtio-net
 * header, then the frame, across the chain) to the frame @arg, allocating
 * its first mbuf at the first descriptor. Frames are at most VHOST_MAX_FRAME
 * bytes; the buffer must lie in the memory table.
 */
static int rx_desc(const struct vhost_vring *vr, void *arg, const struct vdesc *d)
{
	struct rx_frame *f = arg;
	uint32_t len = d->len;
	const uint8_t *src;

	if (f->m == NULL) {
		f->m = f->tail = prt_pktmbuf_alloc(vr->mp);
		if (f->m == NULL)
			return -ENOMEM;
	}
	if (d->flags & (VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT))
		return -EINVAL; /* not offered (INDIRECT) or the wrong way (WRITE) */
	src = len ? vhost_gpa_to_va(vr->mem, d->addr, len) : NULL;
	if (len && src == NULL)
		return -EINVAL;
	if (f->skip && len) {
		uint32_t s = PRT_MIN(f->skip, len);

		f->skip -= s;
		src += s;
		len -= s;
	}
	if (len > VHOST_MAX_FRAME - f->m->pkt_len)
		return -EINVAL;
	if (len && mbuf_append(f->m, &f->tail, vr->mp, src, len) < 0)
		return -ENOMEM;
	return 0;
}

/*
 * Takes up to @n frames from the front-end's tx virtqueue @vr (inside the
 * handover) into @pkts. Bad chains are returned used and counted; the pool
 * running dry leaves the chain available. @return frames taken.
 */
static __prt_always_inline uint16_t rx_burst(struct vhost_vring *vr, struct prt_mbuf **pkts,
					     uint16_t n, bool packed)
{
	const struct vhost_ring_pos old = vr->pos;
	uint16_t got = 0;
	uint64_t bytes = 0, bad = 0;
	int avail = packed ? vr->size : avail_count(vr);

	for (int i = 0; i < avail && got < n; i++) {
		struct rx_frame f = { NULL, NULL, VIRTIO_NET_HDR_LEN };
		struct vhost_used_elem u;
		int ret;

		ring_batch(vr, packed);
		ret = ring_take(vr, rx_desc, &f, &u, packed);
		if (ret == 0 && (f.skip || f.m->pkt_len == 0))
			ret = -EINVAL; /* shorter than the header, or an empty frame */
		if (ret < 0)
			prt_pktmbuf_free(f.m);
		if (ret == -ENOMEM)
			prt_eth_counter_add(&vr->nombuf, 1); /* the chain stays available */
		if (ret == -ENOMEM || ret == -EAGAIN || ret == -EFAULT)
			break;
		ring_used(vr, &u, 0, packed);
		if (ret < 0) {
			bad++;
			continue;
		}
		f.m->port = vr->port_id;
		pkts[got++] = f.m;
		bytes += f.m->pkt_len;
	}
	ring_publish(vr, &old, packed);
	prt_eth_sw_stats_count(&vr->stats, got, bytes);
	if (bad) {
		prt_eth_counter_add(&vr->bad_desc, bad);
		prt_eth_counter_add(&vr->stats.errors, bad);
	}
	return got;
}

uint16_t vhost_rx_burst(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct vhost_vring *vr = queue;
	uint16_t got;

	if (!vring_enter(vr))
		return 0;
	/* The one branch on the ring type (vr->packed is stable inside the handover). */
	got = vr->packed ? rx_burst(vr, pkts, n, true) : rx_burst(vr, pkts, n, false);
	vring_leave(vr);
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

/* A frame being copied into one rx buffer: where it is, its header, the bytes written. */
struct tx_fill {
	struct tx_cursor *c;
	uint8_t **hdr; /* the frame's virtio-net header: NULL until written */
	uint32_t written;
};

/*
 * desc_fn of tx: fills the device-writable buffer of @d with the rest of
 * the frame of @arg (the virtio-net header first, whole in the frame's first
 * descriptor, as every driver lays its buffers out: 5.1.6.3.2 suggests it).
 * @return 1 once the frame is all written.
 */
static int tx_desc(const struct vhost_vring *vr, void *arg, const struct vdesc *d)
{
	struct tx_fill *t = arg;
	uint32_t len = d->len;
	uint8_t *dst;

	if ((d->flags & (VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT)) != VIRTQ_DESC_F_WRITE)
		return -EINVAL;
	dst = len ? vhost_gpa_to_va(vr->mem, d->addr, len) : NULL;
	if (len && dst == NULL)
		return -EINVAL;
	if (*t->hdr == NULL) {
		if (len < VIRTIO_NET_HDR_LEN)
			return -EINVAL;
		*t->hdr = dst;
		memset(dst, 0, VIRTIO_NET_HDR_LEN);
		dst += VIRTIO_NET_HDR_LEN;
		len -= VIRTIO_NET_HDR_LEN;
		t->written += VIRTIO_NET_HDR_LEN;
	}
	t->written += frame_copy(t->c, dst, len);
	return t->c->seg == NULL;
}

/*
 * Whether the frame that began at @save has taken every buffer of the ring
 * and goes on: it can never fit, however the front-end refills (split: as
 * many buffers as slots; packed: its walk came round to where it began).
 */
static __prt_always_inline bool frame_took_ring(const struct vhost_vring *vr,
						const struct vhost_ring_pos *save, uint16_t nbufs,
						bool packed)
{
	if (packed)
		return vr->pos.last_avail == save->last_avail &&
		       vr->pos.avail_wrap != save->avail_wrap;
	return nbufs == vr->size;
}

/*
 * Copies frame @m into as many available buffers as it needs (one without
 * MRG_RXBUF); split rings have *@avail of them left. @return 1 when sent;
 * 0 when the ring has too few buffers (nothing consumed: the frame waits);
 * -ENOSPC when it cannot fit (one buffer too small without MRG_RXBUF, more
 * than VHOST_MAX_MRG_BUFS, or more than the whole ring holds) and is
 * dropped, nothing consumed; -EINVAL for a bad chain: the buffers it took go
 * back used with nothing written.
 */
static __prt_always_inline int frame_put(struct vhost_vring *vr, const struct prt_mbuf *m,
					 int *avail, bool packed)
{
	struct vhost_used_elem bufs[VHOST_MAX_MRG_BUFS];
	struct tx_cursor c = { m, 0 };
	uint8_t *hdr = NULL; /* the front-end's buffer: maybe unaligned */
	const struct vhost_ring_pos save = vr->pos;
	uint16_t nbufs = 0;
	int ret = 0;

	while (c.seg) {
		struct tx_fill t = { &c, &hdr, 0 };
		int r;

		if (nbufs == (vr->mrg_rxbuf ? VHOST_MAX_MRG_BUFS : 1)) {
			ret = -ENOSPC;
			goto undo;
		}
		if (!packed && *avail - nbufs == 0) {
			if (frame_took_ring(vr, &save, nbufs, false))
				ret = -ENOSPC;
			goto undo;
		}
		r = ring_take(vr, tx_desc, &t, &bufs[nbufs], packed);
		if (r == -EAGAIN && frame_took_ring(vr, &save, nbufs, packed))
			ret = -ENOSPC;
		if (r == -EAGAIN || r == -EFAULT)
			goto undo;
		nbufs++;
		if (r < 0) {
			/* Each buffer taken goes back used, nothing written. */
			vr->pos.last_used = save.last_used;
			vr->pos.nshadow = save.nshadow;
			for (uint16_t i = 0; i < nbufs; i++)
				ring_used(vr, &bufs[i], 0, packed);
			*avail -= nbufs;
			return -EINVAL;
		}
		ring_used(vr, &bufs[nbufs - 1], t.written, packed);
	}
	memcpy(hdr + offsetof(struct virtio_net_hdr, num_buffers), &nbufs, sizeof(nbufs));
	*avail -= nbufs;
	return 1;
undo:
	vr->pos = save;
	return ret;
}

/* Sends up to @n frames into the front-end's rx virtqueue @vr (inside the handover). */
static __prt_always_inline uint16_t tx_burst(struct vhost_vring *vr, struct prt_mbuf **pkts,
					     uint16_t n, bool packed)
{
	const struct vhost_ring_pos old = vr->pos;
	uint16_t done = 0;
	uint64_t bytes = 0, nospace = 0, bad = 0;
	int avail = packed ? vr->size : avail_count(vr);

	for (; done < n && avail > 0; done++) {
		int r;

		ring_batch(vr, packed);
		r = frame_put(vr, pkts[done], &avail, packed);
		if (r == 0)
			break;
		if (r > 0)
			bytes += pkts[done]->pkt_len;
		else if (r == -ENOSPC)
			nospace++;
		else
			bad++;
	}
	ring_publish(vr, &old, packed);
	prt_eth_sw_stats_count(&vr->stats, done - nospace - bad, bytes);
	if (nospace || bad) {
		prt_eth_counter_add(&vr->stats.errors, nospace + bad);
		prt_eth_counter_add(&vr->bad_desc, bad);
		prt_eth_counter_add(&vr->too_big, nospace);
	}
	return done;
}

uint16_t vhost_tx_burst(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct vhost_vring *vr = queue;
	uint16_t done;

	if (!vring_enter(vr))
		return 0;
	/* The one branch on the ring type (vr->packed is stable inside the handover). */
	done = vr->packed ? tx_burst(vr, pkts, n, true) : tx_burst(vr, pkts, n, false);
	vring_leave(vr);
	prt_pktmbuf_free_bulk(pkts, done);
	return done;
}
