/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The virtqueue core, shared by virtio transports (PCI modern, vhost-user)
 * and by the virtio-net rx/tx paths: split rings (virtqueue_split.c) and
 * packed rings (virtqueue_packed.c) behind one set of calls.
 *
 * The core moves opaque buffers: a caller makes a chain of segments
 * (IOVA, length, device-writable or not) available with a cookie (an mbuf
 * for virtio-net, never NULL), and gets the cookie back with the number of
 * bytes the device wrote once the device has used the buffer. A chain
 * takes one descriptor per segment, or one in all through an indirect
 * table the caller provides (VIRTIO_F_INDIRECT_DESC).
 *
 * What the device writes into shared memory is never trusted: every used
 * entry is checked (id in range and in flight, length within the chain's
 * writable bytes, no more used entries than buffers in flight); the core's
 * own bookkeeping (free lists, chain links, buffer ids) lives in memory the
 * device cannot reach. A device that breaks the protocol in a way that makes
 * the ring state unknowable (an id out of range or not in flight) makes the
 * queue "broken": it is counted, the queue stops touching the ring, and the
 * driver reports it. A used length beyond the buffer is counted and the
 * buffer is handed back with VIRTQUEUE_LEN_BAD so that the caller drops it.
 *
 * In order (VIRTIO_F_IN_ORDER, 2.7.9 / 2.8.8): descriptors are taken in ring
 * order and buffer ids in sequence, so the free "lists" are the ring order
 * itself and reclaiming is counting; the device may write one used entry
 * for a batch of buffers (the id of the batch's last one), and the core
 * hands back every buffer of the batch, the skipped ones as used completely
 * (2.8.8). A used id outside the buffers in flight breaks the queue.
 *
 * Threading: a virtqueue is used by one thread at a time (one lcore polls
 * one queue), as DPDK's. Memory ordering against the device is argued in
 * each function.
 */
#ifndef VIRTQUEUE_H
#define VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prt_common.h"
#include "virtio_ring.h"

/** Segment flag: the device writes this segment (rx buffer); otherwise it reads it. */
#define VQ_SEG_WRITE VIRTQ_DESC_F_WRITE

/** One segment of a buffer: IOVA, length in bytes, VQ_SEG_WRITE or 0. */
struct vq_seg {
	prt_iova_t addr;
	uint32_t len;
	uint16_t flags;
};

/** Length reported for a used buffer whose used length exceeded its writable bytes. */
#define VIRTQUEUE_LEN_BAD UINT32_MAX

/** Options of virtqueue_create(). */
#define VQ_F_PACKED 0x1 /**< packed ring (VIRTIO_F_RING_PACKED negotiated) */
#define VQ_F_EVENT_IDX 0x2 /**< VIRTIO_F_RING_EVENT_IDX negotiated */
#define VQ_F_IN_ORDER 0x4 /**< VIRTIO_F_IN_ORDER negotiated */
#define VQ_F_INDIRECT 0x8 /**< VIRTIO_F_INDIRECT_DESC negotiated */

/** Bytes an indirect table takes per segment (2.7.5.3, 2.8.19: one descriptor each). */
#define VQ_INDIRECT_DESC_LEN 16

/** What a device did wrong, and what the queue did. Read by the driver's xstats. */
struct virtqueue_stats {
	uint64_t notifications; /**< doorbells rung (notify callback calls) */
	uint64_t bad_used_id; /**< used entries naming a buffer out of range or not in flight */
	uint64_t bad_used_len; /**< used lengths beyond the buffer (buffer returned as LEN_BAD) */
	uint64_t bad_used_idx; /**< split: used idx ahead of the buffers in flight */
};

struct virtqueue;

/** Rings the doorbell of @p vq (PCI: write to the notify BAR; vhost-user: kick eventfd). */
typedef void (*virtqueue_notify_t)(struct virtqueue *vq);

/** The core's private record of one buffer (by head descriptor for split, by buffer id for packed). */
struct vq_desc_extra {
	void *cookie; /**< NULL when not in flight */
	uint32_t in_len; /**< device-writable bytes of the chain */
	uint16_t ndescs; /**< descriptors (ring slots) the chain takes */
	uint16_t next; /**< free list / chain link (split: descriptor index; packed: buffer id);
			    in order: always the next one in ring order */
};

/** The split ring's state (2.7). */
struct vq_split {
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t *used_event; /**< avail->ring[size]: written by the driver */
	const uint16_t *avail_event; /**< used->ring[size]: written by the device */
	uint16_t avail_idx; /**< next avail->idx; published at kick time */
	uint16_t kicked_avail_idx; /**< avail->idx at the last kick decision */
	uint16_t last_used_idx; /**< next used entry to read */
	uint16_t free_head; /**< first free descriptor (chain through vq_desc_extra.next) */
};

/** The packed ring's state (2.8). */
struct vq_packed {
	struct pvirtq_desc *desc;
	struct pvirtq_event_suppress *driver_event; /**< written by the driver */
	const struct pvirtq_event_suppress *device_event; /**< written by the device */
	uint16_t next_avail; /**< ring slot of the next descriptor to make available */
	uint16_t last_used; /**< ring slot of the next used descriptor */
	uint16_t avail_wrap; /**< driver ring wrap counter (0 or 1) */
	uint16_t used_wrap; /**< device ring wrap counter as seen by the driver (0 or 1) */
	uint16_t free_id; /**< first free buffer id (chain through vq_desc_extra.next) */
	uint16_t num_added; /**< descriptors made available since the last kick decision */
	uint16_t kicked_avail; /**< next_avail at the last kick decision */
	uint16_t kicked_wrap; /**< avail_wrap at the last kick decision */
};

/** A virtqueue. Created by virtqueue_create(); fields are the core's. */
struct virtqueue {
	union {
		struct vq_split split;
		struct vq_packed packed;
	};
	uint16_t size; /**< descriptors (queue size), a power of two */
	uint16_t num_free; /**< free descriptors */
	uint16_t inflight; /**< buffers (chains) owned by the device */
	bool packed_ring;
	bool event_idx;
	bool intr_enabled; /**< used buffer notifications wanted (rx interrupt mode) */
	bool broken; /**< the device broke the protocol; the queue is unusable */
	bool in_order; /**< VIRTIO_F_IN_ORDER */
	bool indirect; /**< VIRTIO_F_INDIRECT_DESC: virtqueue_add_indirect() allowed */
	bool in_batch; /**< in order: handing back a used batch that ends at batch_last */
	uint16_t batch_last; /**< in order: id of the last buffer of that batch */
	uint32_t batch_len; /**< in order: the used length the device wrote for it */
	uint16_t queue_index; /**< the transport's queue number (notify data, logs) */
	virtqueue_notify_t notify;
	void *notify_arg; /**< the transport's per-queue data for notify */
	void *ring_va; /**< ring memory: virtqueue_ring_size() bytes, shared with the device */
	prt_iova_t ring_iova;
	size_t ring_len;
	struct virtqueue_stats stats;
	struct vq_desc_extra dx[]; /**< size entries */
};

/**
 * Bytes of shared memory a ring of @p size descriptors takes (split: descriptor
 * table, avail ring with used_event, used ring with avail_event on its own
 * 4 KiB; packed: descriptor ring and both event suppression structures), to
 * be allocated IOVA-contiguous and aligned on 4096 bytes.
 * @return bytes; 0 when @p size is not a power of two in 1..VIRTQ_MAX_SIZE.
 */
size_t virtqueue_ring_size(uint16_t size, unsigned int flags);

/**
 * Creates a virtqueue of @p size descriptors over the ring memory at @p ring_va
 * (IOVA @p ring_iova, virtqueue_ring_size() bytes, 4096-aligned, owned by the
 * caller, which frees it after virtqueue_free()). Zeroes the ring and lays it
 * out; used buffer notifications start disabled (poll mode).
 *
 * @param size   power of two, 1..32768 (2.7: split queues must be powers of two;
 *               prt asks the same of packed queues to index with a mask)
 * @param flags  VQ_F_PACKED, VQ_F_EVENT_IDX, VQ_F_IN_ORDER, VQ_F_INDIRECT
 * @param notify called to ring the doorbell; @p notify_arg is stored in the queue
 * @return the queue (free with virtqueue_free()), or NULL with errno EINVAL
 *         (bad size, NULL ring) or ENOMEM.
 */
struct virtqueue *virtqueue_create(uint16_t size, unsigned int flags, void *ring_va,
				   prt_iova_t ring_iova, uint16_t queue_index,
				   virtqueue_notify_t notify, void *notify_arg);

/** Frees @p vq (not its ring memory, nor the buffers still in flight: see virtqueue_detach()). NULL is ignored. */
void virtqueue_free(struct virtqueue *vq);

/**
 * Takes back every buffer still in flight, whatever the device did with it:
 * calls @p fn on each cookie, then resets the ring to empty. Only once the
 * device no longer uses the queue (after a device reset or vhost-user
 * GET_VRING_BASE). Clears the broken state.
 */
void virtqueue_detach(struct virtqueue *vq, void (*fn)(void *cookie, void *arg), void *arg);

/** IOVAs of the three ring parts, as transports program them (2.7: descriptor table, driver area, device area). */
struct vq_ring_addrs {
	prt_iova_t desc;
	prt_iova_t driver; /**< split: avail ring; packed: driver event suppression */
	prt_iova_t device; /**< split: used ring; packed: device event suppression */
	void *desc_va, *driver_va, *device_va; /**< the same, as addresses in this process */
};

/** Fills @p a with the ring parts' IOVAs and addresses. */
void virtqueue_ring_addrs(const struct virtqueue *vq, struct vq_ring_addrs *a);

/* ---- split (virtqueue_split.c) and packed (virtqueue_packed.c) ---- */

uint16_t vq_split_add_bufs(struct virtqueue *vq, void *const *cookies, const struct vq_seg *segs,
			   uint16_t n);
int vq_split_add_chain(struct virtqueue *vq, void *cookie, const struct vq_seg *segs,
		       uint16_t nsegs);
void vq_split_add_indirect(struct virtqueue *vq, void *cookie, prt_iova_t table, uint32_t len,
			   uint32_t in_len);
uint16_t vq_split_get_used(struct virtqueue *vq, void **cookies, uint32_t *lens, uint16_t n);
bool vq_split_kick_prepare(struct virtqueue *vq);
bool vq_split_intr_enable(struct virtqueue *vq);
void vq_split_intr_disable(struct virtqueue *vq);
void vq_split_init(struct virtqueue *vq);

uint16_t vq_packed_add_bufs(struct virtqueue *vq, void *const *cookies, const struct vq_seg *segs,
			    uint16_t n);
int vq_packed_add_chain(struct virtqueue *vq, void *cookie, const struct vq_seg *segs,
			uint16_t nsegs);
void vq_packed_add_indirect(struct virtqueue *vq, void *cookie, prt_iova_t table, uint32_t len,
			    uint32_t in_len);
uint16_t vq_packed_get_used(struct virtqueue *vq, void **cookies, uint32_t *lens, uint16_t n);
bool vq_packed_kick_prepare(struct virtqueue *vq);
bool vq_packed_intr_enable(struct virtqueue *vq);
void vq_packed_intr_disable(struct virtqueue *vq);
void vq_packed_init(struct virtqueue *vq);

/* ---- the calls transports and rx/tx use ---- */

/**
 * Makes @p n one-segment buffers available: buffer i is segs[i] with cookie
 * cookies[i] (never NULL). The device sees them at the next virtqueue_kick().
 * @return how many were added (fewer when descriptors run out; 0 when broken).
 */
static inline uint16_t virtqueue_add_bufs(struct virtqueue *vq, void *const *cookies,
					  const struct vq_seg *segs, uint16_t n)
{
	return vq->packed_ring ? vq_packed_add_bufs(vq, cookies, segs, n) :
				 vq_split_add_bufs(vq, cookies, segs, n);
}

/**
 * Makes one buffer of @p nsegs segments (device-readable ones first, then
 * device-writable ones, 2.7.4.2 / 2.8.21) available with @p cookie (not NULL).
 * @return 0; -ENOSPC when fewer than @p nsegs descriptors are free;
 *         -EINVAL for 0 segments, readable after writable, or a NULL cookie;
 *         -EIO when the queue is broken.
 */
static inline int virtqueue_add_chain(struct virtqueue *vq, void *cookie, const struct vq_seg *segs,
				      uint16_t nsegs)
{
	return vq->packed_ring ? vq_packed_add_chain(vq, cookie, segs, nsegs) :
				 vq_split_add_chain(vq, cookie, segs, nsegs);
}

/**
 * Makes one buffer of @p nsegs segments (device-readable ones first, as
 * virtqueue_add_chain()) available through an indirect descriptor table
 * (VIRTIO_F_INDIRECT_DESC; 2.7.5.3 split, 2.8.19 packed): the core writes
 * the segments as descriptors into @p table, in the ring type's layout,
 * and the whole buffer takes one descriptor of the ring, however many
 * segments it has.
 *
 * @param table       nsegs * VQ_INDIRECT_DESC_LEN bytes, 16-byte aligned, that
 *                    the device can read, at IOVA @p table_iova; the caller's,
 *                    and left alone until the buffer comes back used (a
 *                    per-buffer-id area: virtqueue_next_id())
 * @return 0; -ENOTSUP when the queue was not created with VQ_F_INDIRECT
 *         (2.7.5.3.1: not negotiated); -ENOSPC when no descriptor is free;
 *         -EINVAL for 0 segments, more than the queue size (2.7.5.3.1: no
 *         longer chain), readable after writable, or a NULL cookie;
 *         -EIO when the queue is broken.
 */
int virtqueue_add_indirect(struct virtqueue *vq, void *cookie, const struct vq_seg *segs,
			   uint16_t nsegs, void *table, prt_iova_t table_iova);

/**
 * Takes up to @p n buffers the device has used: their cookies in @p cookies
 * and the bytes written in @p lens (0 for device-readable buffers;
 * VIRTQUEUE_LEN_BAD when the device claimed more than the buffer holds;
 * in order, all of its writable bytes for a buffer a batch skipped).
 * Their descriptors become free. @return how many (0 when broken).
 */
static inline uint16_t virtqueue_get_used(struct virtqueue *vq, void **cookies, uint32_t *lens,
					  uint16_t n)
{
	return vq->packed_ring ? vq_packed_get_used(vq, cookies, lens, n) :
				 vq_split_get_used(vq, cookies, lens, n);
}

/**
 * Publishes what was added since the last call and rings the doorbell once
 * if the device wants to be notified (2.7.10 / 2.8.10, event index or flags).
 * Call once per burst. @return true when the doorbell was rung.
 */
static inline bool virtqueue_kick(struct virtqueue *vq)
{
	bool kick = vq->packed_ring ? vq_packed_kick_prepare(vq) : vq_split_kick_prepare(vq);

	if (kick) {
		vq->stats.notifications++;
		vq->notify(vq);
	}
	return kick;
}

/**
 * Asks for used buffer notifications (rx interrupt mode, 2.7.7 / 2.8.10).
 * @return true when used buffers are already waiting: poll again instead of sleeping.
 */
static inline bool virtqueue_intr_enable(struct virtqueue *vq)
{
	return vq->packed_ring ? vq_packed_intr_enable(vq) : vq_split_intr_enable(vq);
}

/** Stops used buffer notifications (poll mode; the state after virtqueue_create()). */
static inline void virtqueue_intr_disable(struct virtqueue *vq)
{
	if (vq->packed_ring)
		vq_packed_intr_disable(vq);
	else
		vq_split_intr_disable(vq);
}

/**
 * The id the next buffer made available will get (split: its head
 * descriptor; packed: its buffer id), below vq->size, unique among the
 * buffers in flight: a caller keeps per-buffer data of its own under it
 * (virtio-net's tx header table). Only while a descriptor is free.
 */
static inline uint16_t virtqueue_next_id(const struct virtqueue *vq)
{
	return vq->packed_ring ? vq->packed.free_id : vq->split.free_head;
}

/** Descriptors free for new buffers. */
static inline uint16_t virtqueue_free_count(const struct virtqueue *vq)
{
	return vq->num_free;
}

#endif /* VIRTQUEUE_H */
