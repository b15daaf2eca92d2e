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
	uint16_t ndescs;
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
};

/** Attaches a simulated device to @p vq's ring (as a device reset would leave it). */
void vq_sim_init(struct vq_sim *sim, const struct virtqueue *vq);

/**
 * Pops the next available buffer into @p buf.
 * @return 1; 0 when none is available; -ELOOP when its chain is longer than
 *         the queue (a loop) or VQ_SIM_MAX_SEGS.
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
