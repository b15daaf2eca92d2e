/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A simulated virtio device for tests: the device side of split (2.7) and
 * packed (2.8) virtqueues, reading what prt's virtqueue core makes
 * available and writing used entries, in the test's own address space
 * (IOVA = virtual address). The unit tests and the fuzz target drive the
 * core through it; tests that play a misbehaving device write the ring
 * directly.
 */
#ifndef VQ_SIM_H
#define VQ_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "virtqueue.h"

/** Most segments the simulated device follows in one chain. */
#define VQ_SIM_MAX_SEGS 64

/** One buffer as the device popped it. */
struct vq_sim_buf {
	uint16_t id; /**< split: head descriptor; packed: buffer id */
	uint16_t ndescs; /**< ring descriptors it took (1 for an indirect table) */
	uint16_t nsegs; /**< segments in segs */
	bool indirect; /**< came through an indirect table (2.7.5.3, 2.8.19) */
	struct vq_seg segs[VQ_SIM_MAX_SEGS];
};

struct vq_sim {
	bool packed;
	uint16_t size;
	struct vq_ring_addrs ring;
	/* split */
	uint16_t last_avail;
	uint16_t used_idx;
	/* packed */
	uint16_t avail_pos, avail_wrap;
	uint16_t used_pos, used_wrap;
	/* where indirect tables may be: the device reads them (vq_sim_allow_tables()) */
	const uint8_t *tables;
	size_t tables_len;
};

/** Attaches a simulated device to @p vq's ring (as a device reset would leave it). */
void vq_sim_init(struct vq_sim *sim, const struct virtqueue *vq);

/**
 * Lets the device follow indirect tables inside @p len bytes at @p mem, as
 * an IOMMU would map them; an indirect descriptor pointing elsewhere (a
 * ring some test scribbled on) makes vq_sim_pop() fail with -EFAULT
 * instead of reading it. None are allowed after vq_sim_init().
 */
void vq_sim_allow_tables(struct vq_sim *sim, const void *mem, size_t len);

/**
 * Pops the next available buffer into @p buf.
 * Indirect tables (2.7.5.3, 2.8.19) are followed: their segments in
 * @p buf->segs, and the one ring descriptor in @p buf->ndescs.
 * @return 1; 0 when none is available; -ELOOP when its chain is longer than
 *         the queue (a loop) or VQ_SIM_MAX_SEGS; -EFAULT for an indirect
 *         table outside vq_sim_allow_tables()'s memory; -EPROTO for an indirect
 *         descriptor the specification forbids (with NEXT, in a chain,
 *         nested, a table length not a multiple of 16, packed table flags
 *         other than WRITE).
 */
int vq_sim_pop(struct vq_sim *sim, struct vq_sim_buf *buf);

/** Writes a used entry for @p buf with @p len bytes written (split: visible after vq_sim_publish()). */
void vq_sim_push(struct vq_sim *sim, const struct vq_sim_buf *buf, uint32_t len);

/**
 * In order (VIRTIO_F_IN_ORDER, 2.7.9 / 2.8.8): one used entry for the @p n
 * buffers of @p bufs (popped in this order): the id of the last one with
 * @p len, at the place of the first; the device then skips past all of them.
 */
void vq_sim_push_batch(struct vq_sim *sim, const struct vq_sim_buf *bufs, uint16_t n, uint32_t len);

/** Split: publishes the used entries pushed so far (used->idx, release). Packed: nothing to do. */
void vq_sim_publish(struct vq_sim *sim);

/** Sets the device's notification suppression: @p enable false = "don't kick me". */
void vq_sim_set_notify(struct vq_sim *sim, bool enable);

/** Sets the device's event index (split: avail_event; packed: off_wrap with DESC flags). */
void vq_sim_set_event(struct vq_sim *sim, uint16_t off, uint16_t wrap);

#endif /* VQ_SIM_H */
