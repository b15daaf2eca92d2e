/* SPDX-License-Identifier: BSD-3-Clause */
/* What virtqueue.c shares with virtqueue_split.c and virtqueue_packed.c. */
#ifndef VIRTQUEUE_PRIVATE_H
#define VIRTQUEUE_PRIVATE_H

#include <errno.h>
#include <stdbool.h>

#include "prt_atomic.h"
#include "virtqueue.h"

/* Reads a field the device may change at any time exactly once (no reload by the compiler). */
#define VQ_READ_ONCE(x) prt_atomic_load(&(x), memory_order_relaxed)

/** Marks @p vq broken (logged once): @p why names the violation, @p value its figure. */
void vq_set_broken(struct virtqueue *vq, const char *why, uint32_t value);

/**
 * The length to report for a used buffer @p x of which the device claims to
 * have written @p len bytes: 0 for device-readable buffers (2.7.8: the driver
 * does not rely on len for them), VIRTQUEUE_LEN_BAD (counted) when it exceeds
 * the writable bytes.
 */
static inline uint32_t vq_used_len(struct virtqueue *vq, const struct vq_desc_extra *x,
				   uint32_t len)
{
	if (x->in_len == 0)
		return 0;
	if (unlikely(len > x->in_len)) {
		vq->stats.bad_used_len++;
		return VIRTQUEUE_LEN_BAD;
	}
	return len;
}

/**
 * In order (2.7.9, 2.8.8): the device reported buffer @p id with used
 * length *@p len where the oldest buffer in flight, @p oldest, was due. The
 * buffers in flight have the ids @p oldest, ... in ring order (split: head
 * descriptors among @p span descriptors in flight; packed: @p span buffer
 * ids in sequence). A device that does not batch (DPDK's vhost on rx
 * rings) names @p oldest itself: nothing to do. Otherwise @p id must be
 * one of them, the last of a batch whose earlier buffers the device used
 * completely: the batch starts, and *@p len becomes the oldest's writable
 * bytes. @return false, the queue broken and the error counted, when @p id
 * is not a buffer in flight.
 */
static inline bool vq_in_order_used(struct virtqueue *vq, uint32_t id, uint32_t *len,
				    uint16_t oldest, uint16_t span)
{
	if (likely(id == oldest))
		return true;
	if (unlikely(id >= vq->size || ((id - oldest) & (vq->size - 1u)) >= span ||
		     vq->dx[id].cookie == NULL)) {
		vq->stats.bad_used_id++;
		vq_set_broken(vq, "in-order used id not a buffer in flight", id);
		return false;
	}
	vq->batch_last = (uint16_t)id;
	vq->batch_len = *len;
	vq->in_batch = true;
	*len = vq->dx[oldest].in_len; /* the oldest was used completely */
	return true;
}

/**
 * In order, inside a used batch: the used length of buffer @p id (@p x):
 * what the device wrote for the batch's last buffer, which ends the batch;
 * all of its writable bytes for an earlier one (2.7.9, 2.8.8: used
 * completely).
 */
static inline uint32_t vq_batch_len(struct virtqueue *vq, uint16_t id,
				    const struct vq_desc_extra *x)
{
	if (id != vq->batch_last)
		return x->in_len;
	vq->in_batch = false;
	return vq->batch_len;
}

/**
 * Hands back used buffer @p x into @p cookie and @p len (@p used: what the
 * device says it wrote, checked) and marks it no longer in flight. The
 * caller frees its descriptors.
 */
static inline void vq_hand_back(struct virtqueue *vq, struct vq_desc_extra *x, uint32_t used,
				void **cookie, uint32_t *len)
{
	*cookie = x->cookie;
	*len = vq_used_len(vq, x, used);
	x->cookie = NULL;
}

/**
 * Checks a chain to be added: at least one segment, @p ndescs descriptors
 * free (the chain's segments, or 1 for an indirect table), device-readable
 * segments before device-writable ones (2.7.4.2, 2.8.21.1), a cookie.
 * Returns 0, -EINVAL, -ENOSPC or -EIO and the chain's writable bytes in
 * @p in_len.
 */
static inline int vq_check_chain(const struct virtqueue *vq, const void *cookie,
				 const struct vq_seg *segs, uint16_t nsegs, uint16_t ndescs,
				 uint32_t *in_len)
{
	bool writable = false;
	uint64_t in = 0;
	uint16_t i;

	if (vq->broken)
		return -EIO;
	if (nsegs == 0 || cookie == NULL)
		return -EINVAL;
	if (ndescs > vq->num_free)
		return -ENOSPC;
	for (i = 0; i < nsegs; i++) {
		if (segs[i].flags & VQ_SEG_WRITE) {
			writable = true;
			in += segs[i].len;
		} else if (writable) {
			return -EINVAL;
		}
	}
	*in_len = in > UINT32_MAX ? UINT32_MAX : (uint32_t)in;
	return 0;
}

#endif /* VIRTQUEUE_PRIVATE_H */
