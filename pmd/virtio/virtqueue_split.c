/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split virtqueues (virtio 1.2, 2.7): a descriptor table the driver fills,
 * an available ring of chain heads the driver publishes, a used ring the
 * device fills.
 *
 * The free descriptors form a list through vq_desc_extra.next, in memory
 * the device cannot write; a chain is taken from the head of that list, so
 * its descriptors are already linked in the order the table's 'next' fields
 * repeat for the device. Freeing a chain follows the private links, never
 * the table's: a device that rewrites 'next' into a loop changes nothing.
 *
 * In order (2.7.9) the list is the ring order and stays so: chains take
 * consecutive descriptors ('next' is x + 1, and 0 after the table's last
 * descriptor, as 2.7.5 asks) and come back oldest first, counted.
 */
#include <errno.h>

#include "prt_atomic.h"
#include "virtqueue.h"
#include "virtqueue_private.h"

void vq_split_init(struct virtqueue *vq)
{
	struct vq_split *s = &vq->split;

	s->free_head = 0;
	s->avail_idx = 0;
	s->kicked_avail_idx = 0;
	s->last_used_idx = 0;
	/* Poll mode (2.7.7): no used buffer notifications. With EVENT_IDX the
	 * device ignores the flag and notifies when used->idx passes used_event:
	 * one behind the start means "not for another 65535 buffers". */
	s->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	*s->used_event = (uint16_t)(s->last_used_idx - 1);
}

/* Writes descriptor @idx and returns the private link to the next one. */
static inline uint16_t split_write_desc(struct virtqueue *vq, uint16_t idx,
					const struct vq_seg *seg, uint16_t more)
{
	struct virtq_desc *d = &vq->split.desc[idx];
	uint16_t next = vq->dx[idx].next;

	d->addr = seg->addr;
	d->len = seg->len;
	d->flags = (seg->flags & VQ_SEG_WRITE) | (more ? VIRTQ_DESC_F_NEXT : 0);
	d->next = more ? next : 0;
	return next;
}

/*
 * Puts chain @head in slot @slot of the available ring (2.7.13.2; published
 * by vq_split_kick_prepare()). Written only when the slot holds another
 * head: in order every lap puts the same heads in the same slots, and not
 * writing leaves the line shared with the device's core instead of taking
 * it back from there, a cross-core miss per 32 buffers for the device
 * (DPDK does the same).
 */
static inline void split_avail_put(struct virtqueue *vq, uint16_t slot, uint16_t head)
{
	uint16_t *e = &vq->split.avail->ring[slot & (vq->size - 1)];

	if (*e != head)
		*e = head;
}

uint16_t vq_split_add_bufs(struct virtqueue *vq, void *const *cookies, const struct vq_seg *segs,
			   uint16_t n)
{
	struct vq_split *s = &vq->split;
	/* The ring state in locals for the burst (the stores into the ring
	 * and dx could alias it otherwise); written back once at the end. */
	uint16_t mask = (uint16_t)(vq->size - 1), head = s->free_head, idx = s->avail_idx, i;
	bool in_order = vq->in_order;

	if (unlikely(vq->broken))
		return 0;
	n = PRT_MIN(n, vq->num_free);
	for (i = 0; i < n; i++) {
		struct vq_desc_extra *x = &vq->dx[head];
		uint16_t next = split_write_desc(vq, head, &segs[i], 0);

		x->cookie = cookies[i];
		x->ndescs = 1;
		x->in_len = (segs[i].flags & VQ_SEG_WRITE) ? segs[i].len : 0;
		split_avail_put(vq, idx++, head);
		/* In order the free list is the ring order: no load to wait for. */
		head = in_order ? (uint16_t)((head + 1) & mask) : next;
	}
	s->free_head = head;
	s->avail_idx = idx;
	vq->num_free -= n;
	vq->inflight += n;
	return n;
}

int vq_split_add_chain(struct virtqueue *vq, void *cookie, const struct vq_seg *segs,
		       uint16_t nsegs)
{
	struct vq_split *s = &vq->split;
	uint16_t head = s->free_head, idx = head, i;
	uint32_t in_len;
	int rc;

	rc = vq_check_chain(vq, cookie, segs, nsegs, nsegs, &in_len);
	if (rc < 0)
		return rc;
	for (i = 0; i < nsegs; i++)
		idx = split_write_desc(vq, idx, &segs[i], (uint16_t)(nsegs - 1 - i));
	s->free_head = idx;
	vq->dx[head].cookie = cookie;
	vq->dx[head].ndescs = nsegs;
	vq->dx[head].in_len = in_len;
	vq->num_free -= nsegs;
	vq->inflight++;
	split_avail_put(vq, s->avail_idx++, head);
	return 0;
}

/* One descriptor pointing at an indirect table (2.7.5.3; checked by virtqueue_add_indirect()). */
void vq_split_add_indirect(struct virtqueue *vq, void *cookie, prt_iova_t table, uint32_t len,
			   uint32_t in_len)
{
	struct vq_split *s = &vq->split;
	uint16_t head = s->free_head;
	struct virtq_desc *d = &s->desc[head];
	struct vq_desc_extra *x = &vq->dx[head];

	/* 2.7.5.3.1: INDIRECT without NEXT; the device ignores WRITE here. */
	d->addr = table;
	d->len = len;
	d->flags = VIRTQ_DESC_F_INDIRECT;
	d->next = 0;
	s->free_head = x->next;
	x->cookie = cookie;
	x->ndescs = 1;
	x->in_len = in_len;
	vq->num_free--;
	vq->inflight++;
	split_avail_put(vq, s->avail_idx++, head);
}

/* Returns chain @head to the free list, following the private links only. */
static inline void split_free_chain(struct virtqueue *vq, uint16_t head)
{
	struct vq_desc_extra *x = &vq->dx[head];
	uint16_t tail = head, i;

	for (i = 1; i < x->ndescs; i++)
		tail = vq->dx[tail].next;
	vq->dx[tail].next = vq->split.free_head;
	vq->split.free_head = head;
	vq->num_free += x->ndescs;
	vq->inflight--;
}

/*
 * 2.7.9: with VIRTIO_F_IN_ORDER a used entry may stand for a batch: it sits
 * where the batch's first buffer would have its entry, names the batch's
 * last buffer, and used->idx counts every buffer of the batch. The buffers
 * come back oldest first; the oldest in flight is the one @span descriptors
 * before the first free one. A device that does not batch (DPDK's vhost on
 * rx rings) names the oldest buffer in every entry: that case takes no batch
 * state at all. The ring state stays in locals for the burst.
 */
static uint16_t split_get_used_in_order(struct virtqueue *vq, void **cookies, uint32_t *lens,
					uint16_t n)
{
	struct vq_split *s = &vq->split;
	const uint16_t mask = (uint16_t)(vq->size - 1);
	uint16_t span = (uint16_t)(vq->size - vq->num_free);
	uint16_t oldest = (uint16_t)(s->free_head - span) & mask;
	uint16_t used_idx = s->last_used_idx, i;

	for (i = 0; i < n; i++) {
		struct vq_desc_extra *x = &vq->dx[oldest];
		uint32_t len;

		if (unlikely(vq->in_batch)) {
			len = vq_batch_len(vq, oldest, x);
		} else {
			const struct virtq_used_elem *e = &s->used->ring[used_idx & mask];
			uint32_t id = VQ_READ_ONCE(e->id);

			len = VQ_READ_ONCE(e->len);
			if (!vq_in_order_used(vq, id, &len, oldest, span))
				break;
		}
		vq_hand_back(vq, x, len, &cookies[i], &lens[i]);
		span = (uint16_t)(span - x->ndescs);
		oldest = (uint16_t)(oldest + x->ndescs) & mask;
		used_idx++;
	}
	vq->num_free = (uint16_t)(vq->size - span);
	vq->inflight = (uint16_t)(vq->inflight - i);
	s->last_used_idx = used_idx;
	return i;
}

uint16_t vq_split_get_used(struct virtqueue *vq, void **cookies, uint32_t *lens, uint16_t n)
{
	struct vq_split *s = &vq->split;
	uint16_t used_idx, ready, i;

	if (unlikely(vq->broken))
		return 0;
	/* Acquire pairs with the device's write of used->idx after the used
	 * elements (2.7.8.2: the device updates idx after the ring entries). */
	used_idx = prt_atomic_load(&s->used->idx, memory_order_acquire);
	ready = (uint16_t)(used_idx - s->last_used_idx);
	if (unlikely(ready > vq->inflight)) {
		vq->stats.bad_used_idx++;
		vq_set_broken(vq, "used idx ahead of the buffers in flight by", ready);
		return 0;
	}
	n = PRT_MIN(n, ready);
	if (vq->in_order)
		return split_get_used_in_order(vq, cookies, lens, n);
	for (i = 0; i < n; i++) {
		const struct virtq_used_elem *e = &s->used->ring[s->last_used_idx & (vq->size - 1)];
		uint32_t id = VQ_READ_ONCE(e->id);
		uint32_t len = VQ_READ_ONCE(e->len);
		struct vq_desc_extra *x;

		/* 2.7.8: id is the head of a chain the driver made available. */
		if (unlikely(id >= vq->size || vq->dx[id].cookie == NULL)) {
			vq->stats.bad_used_id++;
			vq_set_broken(vq, "used id not a buffer in flight", id);
			break;
		}
		x = &vq->dx[id];
		vq_hand_back(vq, x, len, &cookies[i], &lens[i]);
		split_free_chain(vq, (uint16_t)id);
		s->last_used_idx++;
	}
	return i;
}

bool vq_split_kick_prepare(struct virtqueue *vq)
{
	struct vq_split *s = &vq->split;
	uint16_t old = s->kicked_avail_idx, new_idx = s->avail_idx;

	if (old == new_idx || unlikely(vq->broken))
		return false;
	/* Release: the descriptors and ring entries written before are visible
	 * to the device once it sees the new idx (2.7.13.3). */
	prt_atomic_store(&s->avail->idx, new_idx, memory_order_release);
	s->kicked_avail_idx = new_idx;
	/* Store-load fence (2.7.13.4): the device must see the new idx before
	 * the driver reads whether it wants a notification, or both may wait. */
	atomic_thread_fence(memory_order_seq_cst);
	if (vq->event_idx)
		return virtq_need_event(VQ_READ_ONCE(*s->avail_event), new_idx, old);
	return !(VQ_READ_ONCE(s->used->flags) & VIRTQ_USED_F_NO_NOTIFY);
}

bool vq_split_intr_enable(struct virtqueue *vq)
{
	struct vq_split *s = &vq->split;

	vq->intr_enabled = true;
	/* 2.7.7: ask for a notification at the next used buffer. */
	if (vq->event_idx)
		prt_atomic_store(s->used_event, s->last_used_idx, memory_order_relaxed);
	else
		prt_atomic_store(&s->avail->flags, 0, memory_order_relaxed);
	/* The request must be visible before the re-check below, or a buffer
	 * used in between would be neither seen nor notified. */
	atomic_thread_fence(memory_order_seq_cst);
	return prt_atomic_load(&s->used->idx, memory_order_acquire) != s->last_used_idx;
}

void vq_split_intr_disable(struct virtqueue *vq)
{
	struct vq_split *s = &vq->split;

	vq->intr_enabled = false;
	if (vq->event_idx)
		prt_atomic_store(s->used_event, (uint16_t)(s->last_used_idx - 1),
				 memory_order_relaxed);
	else
		prt_atomic_store(&s->avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT,
				 memory_order_relaxed);
}
