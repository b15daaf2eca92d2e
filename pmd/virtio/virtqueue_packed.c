/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed virtqueues (virtio 1.2, 2.8): one ring of descriptors that the
 * driver makes available and the device overwrites with used descriptors,
 * told apart by the AVAIL/USED flag bits and each side's wrap counter.
 *
 * Buffer ids are allocated from a free list in vq_desc_extra.next (memory
 * the device cannot write); the chain of a used buffer is never walked in
 * the ring, its length is the driver's own record (2.8.6: the device skips
 * the rest of a used chain, and so does the driver).
 *
 * In order (2.8.8) ids are handed out in sequence and never relinked, so
 * the oldest buffer in flight is the one 'inflight' ids before the next.
 */
#include <errno.h>

#include "prt_atomic.h"
#include "virtqueue.h"
#include "virtqueue_private.h"

void vq_packed_init(struct virtqueue *vq)
{
	struct vq_packed *p = &vq->packed;

	/* 2.8.1: both wrap counters start at 1. */
	p->next_avail = 0;
	p->last_used = 0;
	p->avail_wrap = 1;
	p->used_wrap = 1;
	p->free_id = 0;
	p->num_added = 0;
	p->kicked_avail = 0;
	p->kicked_wrap = 1;
	/* Poll mode: no used buffer notifications (2.8.10). */
	p->driver_event->flags = RING_EVENT_FLAGS_DISABLE;
}

/* 2.8.1: a descriptor is available when AVAIL == wrap and USED != wrap. */
static inline uint16_t packed_avail_flags(const struct vq_packed *p)
{
	return p->avail_wrap ? VIRTQ_DESC_F_AVAIL : VIRTQ_DESC_F_USED;
}

/* 2.8.1: the device marks a descriptor used by writing AVAIL == USED == its wrap counter. */
static inline bool packed_desc_is_used(uint16_t flags, uint16_t wrap)
{
	return !!(flags & VIRTQ_DESC_F_AVAIL) == wrap && !!(flags & VIRTQ_DESC_F_USED) == wrap;
}

static inline void packed_advance(struct virtqueue *vq)
{
	struct vq_packed *p = &vq->packed;

	if (++p->next_avail == vq->size) {
		p->next_avail = 0;
		p->avail_wrap ^= 1;
	}
}

/* Takes a buffer id from the free list and records the buffer under it. */
static inline uint16_t packed_take_id(struct virtqueue *vq, void *cookie, uint16_t ndescs,
				      uint32_t in_len)
{
	uint16_t id = vq->packed.free_id;
	struct vq_desc_extra *x = &vq->dx[id];

	vq->packed.free_id = x->next;
	x->cookie = cookie;
	x->ndescs = ndescs;
	x->in_len = in_len;
	return id;
}

uint16_t vq_packed_add_bufs(struct virtqueue *vq, void *const *cookies, const struct vq_seg *segs,
			    uint16_t n)
{
	struct vq_packed *p = &vq->packed;
	/* The ring state in locals for the burst (the stores into the ring
	 * and dx could alias it otherwise, and every field would be reloaded
	 * per descriptor); written back once at the end. */
	uint16_t size = vq->size, pos = p->next_avail, id = p->free_id, i;
	uint16_t avail = packed_avail_flags(p);
	bool in_order = vq->in_order;

	if (unlikely(vq->broken))
		return 0;
	n = PRT_MIN(n, vq->num_free);
	for (i = 0; i < n; i++) {
		uint16_t wflag = segs[i].flags & VQ_SEG_WRITE;
		struct vq_desc_extra *x = &vq->dx[id];
		struct pvirtq_desc *d = &p->desc[pos];

		x->cookie = cookies[i];
		x->ndescs = 1;
		x->in_len = wflag ? segs[i].len : 0;
		d->addr = segs[i].addr;
		d->len = segs[i].len;
		d->id = id;
		/* 2.8.6 / 2.8.21.3: the flags make the descriptor available, so
		 * they are written last, with release after addr/len/id. */
		prt_atomic_store(&d->flags, (uint16_t)(wflag | avail), memory_order_release);
		/* In order the free "list" is the id sequence: no load to wait for. */
		id = in_order ? (uint16_t)((id + 1) & (size - 1)) : x->next;
		if (++pos == size) {
			pos = 0;
			p->avail_wrap ^= 1;
			avail = packed_avail_flags(p);
		}
	}
	p->next_avail = pos;
	p->free_id = id;
	vq->num_free -= n;
	vq->inflight += n;
	p->num_added += n;
	return n;
}

int vq_packed_add_chain(struct virtqueue *vq, void *cookie, const struct vq_seg *segs,
			uint16_t nsegs)
{
	struct vq_packed *p = &vq->packed;
	struct pvirtq_desc *head;
	uint16_t head_flags = 0, id, i;
	uint32_t in_len;
	int rc;

	rc = vq_check_chain(vq, cookie, segs, nsegs, nsegs, &in_len);
	if (rc < 0)
		return rc;
	id = packed_take_id(vq, cookie, nsegs, in_len);
	head = &p->desc[p->next_avail];
	for (i = 0; i < nsegs; i++) {
		struct pvirtq_desc *d = &p->desc[p->next_avail];
		uint16_t f = (segs[i].flags & VQ_SEG_WRITE) | packed_avail_flags(p) |
			     (i + 1 < nsegs ? VIRTQ_DESC_F_NEXT : 0);

		d->addr = segs[i].addr;
		d->len = segs[i].len;
		d->id = id;
		if (i == 0)
			head_flags = f;
		else
			d->flags = f;
		packed_advance(vq);
	}
	/* 2.8.21.3.1: the head's flags last, so the device never sees a partial chain. */
	prt_atomic_store(&head->flags, head_flags, memory_order_release);
	vq->num_free -= nsegs;
	vq->inflight++;
	p->num_added += nsegs;
	return 0;
}

/* One descriptor pointing at an indirect table (2.8.19; checked by virtqueue_add_indirect()). */
void vq_packed_add_indirect(struct virtqueue *vq, void *cookie, prt_iova_t table, uint32_t len,
			    uint32_t in_len)
{
	struct vq_packed *p = &vq->packed;
	struct pvirtq_desc *d = &p->desc[p->next_avail];
	uint16_t id = packed_take_id(vq, cookie, 1, in_len);

	d->addr = table;
	d->len = len;
	d->id = id;
	/* 2.8.21.3: the flags, written last, make it available. */
	prt_atomic_store(&d->flags, (uint16_t)(VIRTQ_DESC_F_INDIRECT | packed_avail_flags(p)),
			 memory_order_release);
	packed_advance(vq);
	vq->num_free--;
	vq->inflight++;
	p->num_added++;
}

/* Moves @pos (and @wrap) past a used buffer of @ndescs descriptors (2.8.6: the device skips the rest of a chain). */
static inline void packed_used_advance(uint16_t *pos, uint16_t *wrap, uint16_t ndescs,
				       uint16_t size)
{
	*pos = (uint16_t)(*pos + ndescs);
	if (*pos >= size) {
		*pos = (uint16_t)(*pos - size);
		*wrap ^= 1;
	}
}

/*
 * 2.8.8: with VIRTIO_F_IN_ORDER one used descriptor may stand for a batch:
 * it overwrites the batch's first descriptor and carries the id of its
 * last buffer; the next one comes after the whole batch. A device that
 * does not batch (DPDK's vhost on rx rings) names the oldest buffer in every
 * used descriptor: that case takes no batch state at all. The ring state
 * stays in locals for the burst.
 */
static uint16_t packed_get_used_in_order(struct virtqueue *vq, void **cookies, uint32_t *lens,
					 uint16_t n)
{
	struct vq_packed *p = &vq->packed;
	const uint16_t mask = (uint16_t)(vq->size - 1);
	uint16_t inflight = vq->inflight, oldest = (uint16_t)(p->free_id - inflight) & mask;
	uint16_t last_used = p->last_used, wrap = p->used_wrap, nfree = 0, i;

	n = PRT_MIN(n, inflight);
	for (i = 0; i < n; i++) {
		struct vq_desc_extra *x = &vq->dx[oldest];
		uint32_t len;

		if (unlikely(vq->in_batch)) {
			len = vq_batch_len(vq, oldest, x);
		} else {
			const struct pvirtq_desc *d = &p->desc[last_used];
			/* Acquire: as in vq_packed_get_used(). */
			uint16_t flags = prt_atomic_load(&d->flags, memory_order_acquire), id;

			if (!packed_desc_is_used(flags, wrap))
				break;
			id = VQ_READ_ONCE(d->id);
			len = VQ_READ_ONCE(d->len);
			if (!vq_in_order_used(vq, id, &len, oldest, inflight))
				break;
		}
		vq_hand_back(vq, x, len, &cookies[i], &lens[i]);
		nfree = (uint16_t)(nfree + x->ndescs);
		packed_used_advance(&last_used, &wrap, x->ndescs, vq->size);
		oldest = (uint16_t)(oldest + 1) & mask;
		inflight--;
	}
	p->last_used = last_used;
	p->used_wrap = wrap;
	vq->inflight = inflight;
	vq->num_free = (uint16_t)(vq->num_free + nfree);
	return i;
}

uint16_t vq_packed_get_used(struct virtqueue *vq, void **cookies, uint32_t *lens, uint16_t n)
{
	struct vq_packed *p = &vq->packed;
	uint16_t i;

	if (unlikely(vq->broken))
		return 0;
	if (vq->in_order)
		return packed_get_used_in_order(vq, cookies, lens, n);
	for (i = 0; i < n; i++) {
		const struct pvirtq_desc *d = &p->desc[p->last_used];
		/* Acquire pairs with the device's release of the flags after
		 * writing id and len (2.8.21.2). */
		uint16_t flags = prt_atomic_load(&d->flags, memory_order_acquire);
		struct vq_desc_extra *x;
		uint16_t id;

		if (!packed_desc_is_used(flags, p->used_wrap))
			break;
		id = VQ_READ_ONCE(d->id);
		if (unlikely(id >= vq->size || vq->dx[id].cookie == NULL)) {
			vq->stats.bad_used_id++;
			vq_set_broken(vq, "used buffer id not in flight", id);
			break;
		}
		x = &vq->dx[id];
		vq_hand_back(vq, x, VQ_READ_ONCE(d->len), &cookies[i], &lens[i]);
		packed_used_advance(&p->last_used, &p->used_wrap, x->ndescs, vq->size);
		vq->num_free += x->ndescs;
		vq->inflight--;
		x->next = p->free_id;
		p->free_id = id;
	}
	return i;
}

bool vq_packed_kick_prepare(struct virtqueue *vq)
{
	struct vq_packed *p = &vq->packed;
	uint16_t old = p->kicked_avail, new_idx = p->next_avail, old_wrap = p->kicked_wrap;
	uint32_t snap;
	uint16_t flags, off_wrap;

	if (p->num_added == 0 || unlikely(vq->broken))
		return false;
	p->num_added = 0;
	p->kicked_avail = new_idx;
	p->kicked_wrap = p->avail_wrap;
	/* Store-load fence (2.8.23): the descriptors must be visible before the
	 * driver reads whether the device wants a notification. */
	atomic_thread_fence(memory_order_seq_cst);
	/* One load for off_wrap and flags, so the two agree. */
	snap = prt_atomic_load(&p->device_event->raw, memory_order_relaxed);
	off_wrap = (uint16_t)snap;
	flags = (uint16_t)(snap >> 16);
	if (flags != RING_EVENT_FLAGS_DESC || !vq->event_idx)
		return flags != RING_EVENT_FLAGS_DISABLE;
	/* 2.8.10: notify when the driver passed descriptor 'off' of lap 'wrap'. */
	return virtq_packed_need_event(off_wrap, new_idx, p->avail_wrap, old, old_wrap, vq->size);
}

bool vq_packed_intr_enable(struct virtqueue *vq)
{
	struct vq_packed *p = &vq->packed;
	uint16_t flags = RING_EVENT_FLAGS_ENABLE, off_wrap = 0;

	vq->intr_enabled = true;
	if (vq->event_idx) {
		/* 2.8.10: a notification once the device used the next descriptor. */
		off_wrap = (uint16_t)(p->last_used | (p->used_wrap << RING_EVENT_WRAP_SHIFT));
		flags = RING_EVENT_FLAGS_DESC;
	}
	/* One store, so that the device never sees DESC with a stale offset. */
	prt_atomic_store(&p->driver_event->raw, off_wrap | ((uint32_t)flags << 16),
			 memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	return packed_desc_is_used(
		prt_atomic_load(&p->desc[p->last_used].flags, memory_order_acquire), p->used_wrap);
}

void vq_packed_intr_disable(struct virtqueue *vq)
{
	vq->intr_enabled = false;
	prt_atomic_store(&vq->packed.driver_event->flags, RING_EVENT_FLAGS_DISABLE,
			 memory_order_relaxed);
}
