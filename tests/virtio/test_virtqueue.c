/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The virtqueue core (pmd/virtio/virtqueue*.c) against a simulated device
 * (vq_sim.c), for split and packed rings, with and without event index,
 * with and without in-order use, with indirect tables: buffers go round, doorbells are rung once
 * per burst and only when the device asks, and a device that breaks the
 * protocol is caught.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prt_atomic.h"
#include "prt_test.h"
#include "virtqueue.h"
#include "vq_sim.h"

#define QSIZE 64
#define BUF_LEN 256

struct fixture {
	unsigned int flags;
	struct virtqueue *vq;
	void *ring;
	struct vq_sim sim;
	unsigned int kicks;
	uint8_t bufs[QSIZE * 2][BUF_LEN];
};

static void count_kick(struct virtqueue *vq)
{
	struct fixture *f = vq->notify_arg;

	f->kicks++;
}

static int setup(void **state)
{
	const unsigned int *mode = *state;
	struct fixture *f = calloc(1, sizeof(*f));
	size_t len;

	assert_non_null(f);
	f->flags = *mode;
	len = virtqueue_ring_size(QSIZE, f->flags);
	assert_true(len > 0);
	f->ring = aligned_alloc(4096, len);
	assert_non_null(f->ring);
	f->vq = virtqueue_create(QSIZE, f->flags, f->ring, (uintptr_t)f->ring, 3, count_kick, f);
	assert_non_null(f->vq);
	vq_sim_init(&f->sim, f->vq);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	virtqueue_free(f->vq);
	free(f->ring);
	free(f);
	return 0;
}

static struct vq_seg seg_of(struct fixture *f, unsigned int i, uint16_t flags)
{
	return (struct vq_seg){ .addr = (uintptr_t)f->bufs[i], .len = BUF_LEN, .flags = flags };
}

/* Makes buffers first..first+n-1 available, one segment each. */
static uint16_t add_n(struct fixture *f, unsigned int first, uint16_t n, uint16_t flags)
{
	void *cookies[QSIZE * 2];
	struct vq_seg segs[QSIZE * 2];
	uint16_t i;

	for (i = 0; i < n; i++) {
		cookies[i] = f->bufs[first + i];
		segs[i] = seg_of(f, first + i, flags);
	}
	return virtqueue_add_bufs(f->vq, cookies, segs, n);
}

static void test_ring_size(void **state)
{
	(void)state;
	assert_int_equal(virtqueue_ring_size(0, 0), 0);
	assert_int_equal(virtqueue_ring_size(3, 0), 0);
	assert_int_equal(virtqueue_ring_size(100, VQ_F_PACKED), 0);
	assert_true(virtqueue_ring_size(256, 0) >= 16 * 256 + 6 + 2 * 256 + 6 + 8 * 256);
	assert_true(virtqueue_ring_size(32768, VQ_F_PACKED) >= 16 * 32768 + 8);
	errno = 0;
	assert_null(virtqueue_create(12, 0, (void *)4096, 4096, 0, count_kick, NULL));
	assert_int_equal(errno, EINVAL);
}

/* A burst of device-readable buffers (tx): one doorbell, all seen, all back. */
static void test_tx_burst(void **state)
{
	struct fixture *f = *state;
	struct vq_sim_buf b[32];
	void *cookies[32];
	uint32_t lens[32];
	bool seen[32] = { false };
	int i;

	vq_sim_set_notify(&f->sim, true);
	assert_int_equal(add_n(f, 0, 32, 0), 32);
	assert_int_equal(f->kicks, 0);
	assert_true(virtqueue_kick(f->vq));
	assert_int_equal(f->kicks, 1);
	assert_false(virtqueue_kick(f->vq)); /* nothing new: no second doorbell */
	assert_int_equal(virtqueue_free_count(f->vq), QSIZE - 32);
	for (i = 0; i < 32; i++) {
		assert_int_equal(vq_sim_pop(&f->sim, &b[i]), 1);
		assert_int_equal(b[i].ndescs, 1);
		assert_int_equal(b[i].segs[0].addr, (uintptr_t)f->bufs[i]);
		assert_int_equal(b[i].segs[0].flags, 0);
	}
	assert_int_equal(vq_sim_pop(&f->sim, &b[0]), 0);
	/* used in reverse order */
	for (i = 31; i >= 0; i--)
		vq_sim_push(&f->sim, &b[i], 0);
	vq_sim_publish(&f->sim);
	assert_int_equal(virtqueue_get_used(f->vq, cookies, lens, 32), 32);
	for (i = 0; i < 32; i++) {
		unsigned int k = (unsigned int)(((uint8_t(*)[BUF_LEN])cookies[i]) - f->bufs);

		assert_true(k < 32);
		assert_false(seen[k]);
		seen[k] = true;
		assert_int_equal(lens[i], 0);
	}
	assert_int_equal(virtqueue_free_count(f->vq), QSIZE);
	assert_int_equal(virtqueue_get_used(f->vq, cookies, lens, 32), 0);
}

/* Device-writable buffers (rx): the used lengths come back. */
static void test_rx_lengths(void **state)
{
	struct fixture *f = *state;
	struct vq_sim_buf b;
	void *cookies[8];
	uint32_t lens[8];
	int i;

	assert_int_equal(add_n(f, 0, 8, VQ_SEG_WRITE), 8);
	virtqueue_kick(f->vq);
	for (i = 0; i < 8; i++) {
		assert_int_equal(vq_sim_pop(&f->sim, &b), 1);
		assert_int_equal(b.segs[0].flags, VQ_SEG_WRITE);
		vq_sim_push(&f->sim, &b, (uint32_t)(60 + i));
	}
	vq_sim_publish(&f->sim);
	assert_int_equal(virtqueue_get_used(f->vq, cookies, lens, 3), 3);
	assert_int_equal(virtqueue_get_used(f->vq, cookies + 3, lens + 3, 8), 5);
	for (i = 0; i < 8; i++) {
		assert_ptr_equal(cookies[i], f->bufs[i]);
		assert_int_equal(lens[i], 60 + i);
	}
}

/* Chains: readable then writable segments, in order, one used entry. */
static void test_chains(void **state)
{
	struct fixture *f = *state;
	struct vq_seg segs[3] = { seg_of(f, 0, 0), seg_of(f, 1, VQ_SEG_WRITE),
				  seg_of(f, 2, VQ_SEG_WRITE) };
	struct vq_seg bad[2] = { seg_of(f, 0, VQ_SEG_WRITE), seg_of(f, 1, 0) };
	struct vq_seg many[QSIZE + 1];
	struct vq_sim_buf b;
	void *cookie;
	uint32_t len;
	int i, round;

	for (i = 0; i <= QSIZE; i++)
		many[i] = seg_of(f, 0, 0);
	/* 2.7.5.3.1: no indirect table unless VIRTIO_F_INDIRECT_DESC was negotiated. */
	assert_int_equal(virtqueue_add_indirect(f->vq, f->bufs[0], segs, 3, f->bufs[9],
						(uintptr_t)f->bufs[9]),
			 -ENOTSUP);
	assert_int_equal(virtqueue_add_chain(f->vq, f->bufs[0], bad, 2), -EINVAL);
	assert_int_equal(virtqueue_add_chain(f->vq, NULL, segs, 3), -EINVAL);
	assert_int_equal(virtqueue_add_chain(f->vq, f->bufs[0], segs, 0), -EINVAL);
	assert_int_equal(virtqueue_add_chain(f->vq, f->bufs[0], many, QSIZE + 1), -ENOSPC);
	/* many rounds, so that chains wrap around the ring */
	for (round = 0; round < 3 * QSIZE; round++) {
		assert_int_equal(virtqueue_add_chain(f->vq, f->bufs[round % 8], segs, 3), 0);
		virtqueue_kick(f->vq);
		assert_int_equal(vq_sim_pop(&f->sim, &b), 1);
		assert_int_equal(b.ndescs, 3);
		for (i = 0; i < 3; i++) {
			assert_int_equal(b.segs[i].addr, segs[i].addr);
			assert_int_equal(b.segs[i].flags, segs[i].flags);
		}
		vq_sim_push(&f->sim, &b, 2 * BUF_LEN);
		vq_sim_publish(&f->sim);
		assert_int_equal(virtqueue_get_used(f->vq, &cookie, &len, 1), 1);
		assert_ptr_equal(cookie, f->bufs[round % 8]);
		assert_int_equal(len, 2 * BUF_LEN);
		assert_int_equal(virtqueue_free_count(f->vq), QSIZE);
	}
	/* a full ring of chains, then ENOSPC */
	for (i = 0; i < QSIZE / 3; i++)
		assert_int_equal(virtqueue_add_chain(f->vq, f->bufs[i], segs, 3), 0);
	assert_int_equal(virtqueue_add_chain(f->vq, f->bufs[0], segs, 3), -ENOSPC);
}

/* Makes buffer @i available through indirect table @i, with @segs; checks the ring took one descriptor. */
static void add_indirect(struct fixture *f, uint8_t (*tables)[3 * VQ_INDIRECT_DESC_LEN],
			 unsigned int i, const struct vq_seg *segs)
{
	uint16_t before = virtqueue_free_count(f->vq);

	assert_int_equal(virtqueue_add_indirect(f->vq, f->bufs[i], segs, 3, tables[i],
						(uintptr_t)tables[i]),
			 0);
	assert_int_equal(virtqueue_free_count(f->vq), before - 1);
}

/*
 * Indirect tables (VIRTIO_F_INDIRECT_DESC, 2.7.5.3 / 2.8.19): a buffer of
 * three segments takes one ring descriptor, so a full ring holds QSIZE of
 * them; the device finds the segments in the table (the simulated device
 * checks the table against the specification's rules); direct chains and
 * indirect buffers mix on one ring; a used length beyond the table's
 * writable bytes is caught as for a chain.
 */
static void test_indirect(void **state)
{
	struct fixture *f = *state;
	_Alignas(16) static uint8_t tables[QSIZE][3 * VQ_INDIRECT_DESC_LEN];
	struct vq_seg segs[3] = { seg_of(f, 0, 0), seg_of(f, 1, VQ_SEG_WRITE),
				  seg_of(f, 2, VQ_SEG_WRITE) };
	struct vq_seg bad[2] = { seg_of(f, 0, VQ_SEG_WRITE), seg_of(f, 1, 0) };
	struct vq_seg many[QSIZE + 1];
	void *cookies[QSIZE];
	uint32_t lens[QSIZE];
	struct vq_sim_buf b;
	unsigned int i, round;

	for (i = 0; i <= QSIZE; i++)
		many[i] = seg_of(f, 0, 0);
	vq_sim_allow_tables(&f->sim, tables, sizeof(tables));
	assert_int_equal(virtqueue_add_indirect(f->vq, f->bufs[0], bad, 2, tables[0],
						(uintptr_t)tables[0]),
			 -EINVAL);
	assert_int_equal(virtqueue_add_indirect(f->vq, NULL, segs, 3, tables[0],
						(uintptr_t)tables[0]),
			 -EINVAL);
	assert_int_equal(virtqueue_add_indirect(f->vq, f->bufs[0], segs, 0, tables[0],
						(uintptr_t)tables[0]),
			 -EINVAL);
	/* 2.7.5.3.1: no chain longer than the queue size, even in a table. */
	assert_int_equal(virtqueue_add_indirect(f->vq, f->bufs[0], many, QSIZE + 1, tables[0],
						(uintptr_t)tables[0]),
			 -EINVAL);
	for (round = 0; round < 3; round++) {
		/* A full ring of three-segment buffers, then ENOSPC. */
		for (i = 0; i < QSIZE; i++)
			add_indirect(f, tables, i, segs);
		assert_int_equal(virtqueue_add_indirect(f->vq, f->bufs[0], segs, 3, tables[0],
							(uintptr_t)tables[0]),
				 -ENOSPC);
		virtqueue_kick(f->vq);
		for (i = 0; i < QSIZE; i++) {
			assert_int_equal(vq_sim_pop(&f->sim, &b), 1);
			assert_true(b.indirect);
			assert_int_equal(b.ndescs, 1);
			assert_int_equal(b.nsegs, 3);
			for (unsigned int k = 0; k < 3; k++) {
				assert_int_equal(b.segs[k].addr, segs[k].addr);
				assert_int_equal(b.segs[k].len, segs[k].len);
				assert_int_equal(b.segs[k].flags, segs[k].flags);
			}
			/* The last one of the first round claims a byte too many. */
			vq_sim_push(&f->sim, &b,
				    round == 0 && i == QSIZE - 1 ? 2 * BUF_LEN + 1 : 2 * BUF_LEN);
		}
		vq_sim_publish(&f->sim);
		assert_int_equal(virtqueue_get_used(f->vq, cookies, lens, QSIZE), QSIZE);
		for (i = 0; i < QSIZE; i++) {
			assert_ptr_equal(cookies[i], f->bufs[i]);
			assert_int_equal(lens[i], round == 0 && i == QSIZE - 1 ? VIRTQUEUE_LEN_BAD :
										 2 * BUF_LEN);
		}
		assert_int_equal(virtqueue_free_count(f->vq), QSIZE);
	}
	assert_int_equal(f->vq->stats.bad_used_len, 1);
	assert_false(f->vq->broken);

	/* A direct chain between two indirect buffers. */
	add_indirect(f, tables, 0, segs);
	assert_int_equal(virtqueue_add_chain(f->vq, f->bufs[1], segs, 3), 0);
	add_indirect(f, tables, 2, segs);
	virtqueue_kick(f->vq);
	for (i = 0; i < 3; i++) {
		assert_int_equal(vq_sim_pop(&f->sim, &b), 1);
		assert_int_equal(b.indirect, i != 1);
		assert_int_equal(b.ndescs, i == 1 ? 3 : 1);
		assert_int_equal(b.nsegs, 3);
		vq_sim_push(&f->sim, &b, BUF_LEN);
	}
	vq_sim_publish(&f->sim);
	assert_int_equal(virtqueue_get_used(f->vq, cookies, lens, QSIZE), 3);
	for (i = 0; i < 3; i++)
		assert_ptr_equal(cookies[i], f->bufs[i]);
	assert_int_equal(virtqueue_free_count(f->vq), QSIZE);
}

/* Many laps with random bursts and out-of-order completion: every buffer comes back once. */
static void test_laps_random(void **state)
{
	struct fixture *f = *state;
	unsigned int seed = 7, outstanding = 0, next = 0, back = 0, i;
	struct vq_sim_buf held[QSIZE];
	unsigned int nheld = 0;
	unsigned int count[QSIZE * 2] = { 0 };

	for (i = 0; i < 2000; i++) {
		uint16_t room = (uint16_t)(QSIZE * 2 - next % (QSIZE * 2));
		uint16_t want = PRT_MIN((uint16_t)(rand_r(&seed) % 17), room), got, k;
		void *cookies[QSIZE];
		uint32_t lens[QSIZE];

		got = add_n(f, next % (QSIZE * 2), want, VQ_SEG_WRITE);
		next += got;
		outstanding += got;
		virtqueue_kick(f->vq);
		while (nheld < QSIZE && vq_sim_pop(&f->sim, &held[nheld]) == 1)
			nheld++;
		/* complete a random subset, in random order */
		for (k = (uint16_t)(rand_r(&seed) % (nheld + 1)); k > 0; k--) {
			unsigned int j = (unsigned int)rand_r(&seed) % nheld;

			vq_sim_push(&f->sim, &held[j], 1);
			held[j] = held[--nheld];
		}
		vq_sim_publish(&f->sim);
		got = virtqueue_get_used(f->vq, cookies, lens, QSIZE);
		for (k = 0; k < got; k++) {
			count[((uint8_t(*)[BUF_LEN])cookies[k]) - f->bufs]++;
			assert_int_equal(lens[k], 1);
		}
		back += got;
		outstanding -= got;
		assert_int_equal(virtqueue_free_count(f->vq), QSIZE - outstanding);
	}
	assert_int_equal(f->vq->stats.bad_used_id + f->vq->stats.bad_used_len, 0);
	assert_false(f->vq->broken);
	for (i = 0; i < QSIZE * 2; i++)
		back -= count[i];
	assert_int_equal(back, 0);
	assert_true(next > 10 * QSIZE);
}

/* The device says "don't notify me": no doorbell. */
static void test_kick_suppressed(void **state)
{
	struct fixture *f = *state;

	vq_sim_set_notify(&f->sim, false);
	add_n(f, 0, 4, 0);
	if (f->flags & VQ_F_EVENT_IDX) {
		/* with event index, split rings ignore the flag; packed DISABLE still holds */
		vq_sim_set_event(&f->sim, 100, 1);
		if (f->flags & VQ_F_PACKED)
			vq_sim_set_notify(&f->sim, false);
	}
	assert_false(virtqueue_kick(f->vq));
	assert_int_equal(f->kicks, 0);
	assert_int_equal(f->vq->stats.notifications, 0);
}

/* Event index: a doorbell exactly when the driver passes the device's event. */
static void test_kick_event_idx(void **state)
{
	struct fixture *f = *state;

	vq_sim_set_event(&f->sim, 5, 1); /* notify once descriptor 5 (lap 1) is made available */
	add_n(f, 0, 4, 0); /* 0..3 */
	assert_false(virtqueue_kick(f->vq));
	add_n(f, 4, 1, 0); /* 4 */
	assert_false(virtqueue_kick(f->vq));
	add_n(f, 5, 3, 0); /* 5..7: passes 5 */
	assert_true(virtqueue_kick(f->vq));
	add_n(f, 8, 2, 0);
	assert_false(virtqueue_kick(f->vq));
	assert_int_equal(f->kicks, 1);
}

/* Rx interrupt mode: enable reports waiting buffers, and the device-visible request. */
static void test_intr_enable(void **state)
{
	struct fixture *f = *state;
	struct vq_sim_buf b;
	void *cookie;
	uint32_t len;

	add_n(f, 0, 2, VQ_SEG_WRITE);
	virtqueue_kick(f->vq);
	assert_false(virtqueue_intr_enable(f->vq));
	if (f->flags & VQ_F_PACKED) {
		const struct pvirtq_event_suppress *ev = f->sim.ring.driver_va;

		assert_int_equal(ev->flags, (f->flags & VQ_F_EVENT_IDX) ? RING_EVENT_FLAGS_DESC :
									  RING_EVENT_FLAGS_ENABLE);
	} else if (!(f->flags & VQ_F_EVENT_IDX)) {
		assert_int_equal(((struct virtq_avail *)f->sim.ring.driver_va)->flags, 0);
	}
	assert_int_equal(vq_sim_pop(&f->sim, &b), 1);
	vq_sim_push(&f->sim, &b, 10);
	vq_sim_publish(&f->sim);
	assert_true(virtqueue_intr_enable(f->vq));
	virtqueue_intr_disable(f->vq);
	assert_int_equal(virtqueue_get_used(f->vq, &cookie, &len, 1), 1);
	assert_false(virtqueue_intr_enable(f->vq));
	virtqueue_intr_disable(f->vq);
	if (f->flags & VQ_F_PACKED)
		assert_int_equal(((struct pvirtq_event_suppress *)f->sim.ring.driver_va)->flags,
				 RING_EVENT_FLAGS_DISABLE);
}

/* Bad input: a used id out of range breaks the queue, counted, nothing returned. */
static void test_bad_id_range(void **state)
{
	struct fixture *f = *state;
	struct vq_sim_buf b;
	void *cookies[4];
	uint32_t lens[4];

	add_n(f, 0, 4, VQ_SEG_WRITE);
	virtqueue_kick(f->vq);
	assert_int_equal(vq_sim_pop(&f->sim, &b), 1);
	vq_sim_push(&f->sim, &b, 10); /* a good one first */
	b.id = 1000;
	vq_sim_push(&f->sim, &b, 10);
	vq_sim_publish(&f->sim);
	assert_int_equal(virtqueue_get_used(f->vq, cookies, lens, 4), 1);
	assert_ptr_equal(cookies[0], f->bufs[0]);
	assert_true(f->vq->broken);
	assert_int_equal(f->vq->stats.bad_used_id, 1);
	assert_int_equal(virtqueue_get_used(f->vq, cookies, lens, 4), 0);
	assert_int_equal(add_n(f, 8, 1, 0), 0);
	assert_int_equal(virtqueue_add_chain(f->vq, f->bufs[9], &(struct vq_seg){ 0, 1, 0 }, 1),
			 -EIO);
	assert_false(virtqueue_kick(f->vq));
}

/* Bad input: the same buffer used twice (an id not in flight). */
static void test_bad_id_not_inflight(void **state)
{
	struct fixture *f = *state;
	struct vq_sim_buf b;
	void *cookies[4];
	uint32_t lens[4];

	add_n(f, 0, 2, 0);
	virtqueue_kick(f->vq);
	assert_int_equal(vq_sim_pop(&f->sim, &b), 1);
	vq_sim_push(&f->sim, &b, 0);
	vq_sim_push(&f->sim, &b, 0);
	vq_sim_publish(&f->sim);
	assert_int_equal(virtqueue_get_used(f->vq, cookies, lens, 4), 1);
	assert_true(f->vq->broken);
	assert_int_equal(f->vq->stats.bad_used_id, 1);
}

/* Bad input: a used length beyond the buffer is reported as VIRTQUEUE_LEN_BAD, counted. */
static void test_bad_len(void **state)
{
	struct fixture *f = *state;
	struct vq_sim_buf b;
	void *cookies[2];
	uint32_t lens[2];

	add_n(f, 0, 2, VQ_SEG_WRITE);
	virtqueue_kick(f->vq);
	assert_int_equal(vq_sim_pop(&f->sim, &b), 1);
	vq_sim_push(&f->sim, &b, BUF_LEN + 1);
	assert_int_equal(vq_sim_pop(&f->sim, &b), 1);
	vq_sim_push(&f->sim, &b, BUF_LEN);
	vq_sim_publish(&f->sim);
	assert_int_equal(virtqueue_get_used(f->vq, cookies, lens, 2), 2);
	assert_int_equal(lens[0], VIRTQUEUE_LEN_BAD);
	assert_int_equal(lens[1], BUF_LEN);
	assert_int_equal(f->vq->stats.bad_used_len, 1);
	assert_false(f->vq->broken);
	assert_int_equal(virtqueue_free_count(f->vq), QSIZE);
}

/* Bad input (split): used->idx moved further than the buffers in flight. */
static void test_bad_used_idx(void **state)
{
	struct fixture *f = *state;
	void *cookies[4];
	uint32_t lens[4];

	add_n(f, 0, 2, 0);
	virtqueue_kick(f->vq);
	((struct virtq_used *)f->sim.ring.device_va)->idx = 3;
	assert_int_equal(virtqueue_get_used(f->vq, cookies, lens, 4), 0);
	assert_true(f->vq->broken);
	assert_int_equal(f->vq->stats.bad_used_idx, 1);
}

/* Bad input: the device rewrites the descriptor table into a loop; the core
 * frees chains from its own records, and the ring works on. */
static void test_chain_loop(void **state)
{
	struct fixture *f = *state;
	struct vq_seg segs[4] = { seg_of(f, 0, 0), seg_of(f, 1, 0), seg_of(f, 2, 0),
				  seg_of(f, 3, 0) };
	struct vq_sim_buf b;
	void *cookie;
	uint32_t len;
	int i, round;

	for (round = 0; round < QSIZE; round++) {
		assert_int_equal(virtqueue_add_chain(f->vq, f->bufs[5], segs, 4), 0);
		virtqueue_kick(f->vq);
		assert_int_equal(vq_sim_pop(&f->sim, &b), 1);
		assert_int_equal(b.ndescs, 4);
		/* the device makes every descriptor point back at the head */
		if (f->flags & VQ_F_PACKED) {
			struct pvirtq_desc *d = f->sim.ring.desc_va;

			for (i = 0; i < QSIZE; i++)
				d[i].flags |= VIRTQ_DESC_F_NEXT;
		} else {
			struct virtq_desc *d = f->sim.ring.desc_va;

			for (i = 0; i < QSIZE; i++) {
				d[i].next = b.id;
				d[i].flags |= VIRTQ_DESC_F_NEXT;
			}
		}
		vq_sim_push(&f->sim, &b, 0);
		vq_sim_publish(&f->sim);
		assert_int_equal(virtqueue_get_used(f->vq, &cookie, &len, 1), 1);
		assert_int_equal(virtqueue_free_count(f->vq), QSIZE);
	}
	assert_false(f->vq->broken);
	/* the simulated device itself stops at a loop it is shown */
	if (!(f->flags & VQ_F_PACKED)) {
		struct virtq_avail *avail = f->sim.ring.driver_va;
		struct virtq_desc *d = f->sim.ring.desc_va;
		uint16_t head, tail;

		assert_int_equal(virtqueue_add_chain(f->vq, f->bufs[5], segs, 2), 0);
		virtqueue_kick(f->vq);
		head = avail->ring[(uint16_t)(avail->idx - 1) % QSIZE];
		tail = d[head].next;
		d[tail].flags |= VIRTQ_DESC_F_NEXT;
		d[tail].next = head;
		assert_int_equal(vq_sim_pop(&f->sim, &b), -ELOOP);
	}
}

/* In order: what the driver made available, by sequence number, and what should come back. */
#define SEQS (QSIZE * 2)
struct in_order_log {
	void *cookie[SEQS];
	uint32_t in_len[SEQS];
	uint32_t used_len[SEQS];
	unsigned int added, back;
};

/* Makes one chain of 1-3 segments available (the last one device-writable
 * when @write): false when the ring has no room for it. */
static bool in_order_add(struct fixture *f, struct in_order_log *log, uint16_t nsegs, bool write)
{
	unsigned int k = log->added % SEQS;
	struct vq_seg segs[3];
	uint16_t i;

	if (virtqueue_free_count(f->vq) < nsegs)
		return false;
	for (i = 0; i < nsegs; i++)
		segs[i] = seg_of(f, k, (write && i == nsegs - 1) ? VQ_SEG_WRITE : 0);
	if (nsegs == 1) {
		void *cookie = f->bufs[k];

		assert_int_equal(virtqueue_add_bufs(f->vq, &cookie, segs, 1), 1);
	} else {
		assert_int_equal(virtqueue_add_chain(f->vq, f->bufs[k], segs, nsegs), 0);
	}
	log->cookie[k] = f->bufs[k];
	log->in_len[k] = write ? BUF_LEN : 0;
	log->added++;
	return true;
}

/* Takes back what the device used and checks it: oldest first, with its length. */
static void in_order_take(struct fixture *f, struct in_order_log *log, uint16_t n)
{
	void *cookies[QSIZE];
	uint32_t lens[QSIZE];
	uint16_t got = virtqueue_get_used(f->vq, cookies, lens, n), i;

	for (i = 0; i < got; i++, log->back++) {
		assert_ptr_equal(cookies[i], log->cookie[log->back % SEQS]);
		assert_int_equal(lens[i], log->used_len[log->back % SEQS]);
	}
}

/* In order: a batch's single used entry hands back every buffer of it, the
 * skipped ones as written completely (2.8.8), over several bursts and laps,
 * chains included; descriptors (split) and ids (packed) go in ring order. */
static void test_in_order_batches(void **state)
{
	struct fixture *f = *state;
	static const uint16_t nsegs[5] = { 1, 2, 1, 1, 3 };
	struct in_order_log log = { 0 };
	struct vq_sim_buf b[5];
	uint16_t next_desc = 0, next_id = 0;
	int round, i;

	for (round = 0; round < 40; round++) {
		for (i = 0; i < 5; i++)
			assert_true(in_order_add(f, &log, nsegs[i], true));
		virtqueue_kick(f->vq);
		for (i = 0; i < 5; i++) {
			assert_int_equal(vq_sim_pop(&f->sim, &b[i]), 1);
			assert_int_equal(b[i].ndescs, nsegs[i]);
			/* 2.7.5 / 2.8.8: descriptors and buffer ids in ring order */
			assert_int_equal(b[i].id, (f->flags & VQ_F_PACKED) ? next_id : next_desc);
			next_desc = (uint16_t)((next_desc + nsegs[i]) % QSIZE);
			next_id = (uint16_t)((next_id + 1) % QSIZE);
		}
		/* two batches: buffers 0-2 (last one wrote 33 bytes) and 3-4 (44) */
		for (i = 0; i < 5; i++)
			log.used_len[(log.back + (unsigned int)i) % SEQS] = BUF_LEN;
		log.used_len[(log.back + 2) % SEQS] = 33;
		log.used_len[(log.back + 4) % SEQS] = 44;
		vq_sim_push_batch(&f->sim, b, 3, 33);
		vq_sim_push_batch(&f->sim, b + 3, 2, 44);
		vq_sim_publish(&f->sim);
		in_order_take(f, &log, 2); /* stops inside the first batch */
		in_order_take(f, &log, QSIZE);
		assert_int_equal(log.back, log.added);
		assert_int_equal(virtqueue_free_count(f->vq), QSIZE);
	}
	assert_false(f->vq->broken);
	assert_int_equal(f->vq->stats.bad_used_len, 0);
}

/* In order: random bursts of chains used in random batches over many laps. */
static void test_in_order_laps(void **state)
{
	struct fixture *f = *state;
	struct in_order_log log = { 0 };
	struct vq_sim_buf held[QSIZE];
	unsigned int seed = 11, nheld = 0, popped = 0, iter;

	for (iter = 0; iter < 3000; iter++) {
		unsigned int want = (unsigned int)rand_r(&seed) % 12, m;

		while (want-- > 0 &&
		       in_order_add(f, &log, (uint16_t)(1 + rand_r(&seed) % 3), rand_r(&seed) & 1))
			;
		virtqueue_kick(f->vq);
		while (nheld < QSIZE && vq_sim_pop(&f->sim, &held[nheld]) == 1)
			nheld++;
		/* the device uses the oldest m buffers, in batches of random sizes */
		for (m = (unsigned int)rand_r(&seed) % (nheld + 1); m > 0;) {
			uint16_t n = (uint16_t)(1 + (unsigned int)rand_r(&seed) % m), i;
			unsigned int last = popped + n - 1u;
			uint32_t len = log.in_len[last % SEQS] ?
					       (uint32_t)rand_r(&seed) % (BUF_LEN + 1) :
					       0;

			for (i = 0; i < n; i++)
				log.used_len[(popped + i) % SEQS] = log.in_len[(popped + i) % SEQS];
			log.used_len[last % SEQS] = len;
			vq_sim_push_batch(&f->sim, held, n, len);
			memmove(held, held + n, (nheld - n) * sizeof(held[0]));
			nheld -= n;
			popped += n;
			m -= n;
		}
		vq_sim_publish(&f->sim);
		in_order_take(f, &log, (uint16_t)(1 + rand_r(&seed) % QSIZE));
		assert_false(f->vq->broken);
	}
	in_order_take(f, &log, QSIZE);
	in_order_take(f, &log, QSIZE);
	assert_int_equal(log.back, popped);
	assert_true(log.added > 10 * QSIZE);
	assert_int_equal(f->vq->stats.bad_used_id + f->vq->stats.bad_used_len, 0);
}

/* In order, bad input: a batch's id outside the buffers in flight (or, split,
 * inside a chain rather than at its head) breaks the queue. */
static void test_in_order_bad_id(void **state)
{
	struct fixture *f = *state;
	struct in_order_log log = { 0 };
	struct vq_sim_buf b[3];
	void *cookies[4];
	uint32_t lens[4];
	int i;

	assert_true(in_order_add(f, &log, 2, false)); /* split: descriptors 0-1 */
	assert_true(in_order_add(f, &log, 1, false)); /* split: 2 */
	virtqueue_kick(f->vq);
	for (i = 0; i < 2; i++)
		assert_int_equal(vq_sim_pop(&f->sim, &b[i]), 1);
	b[2] = b[1];
	b[2].id = (f->flags & VQ_F_PACKED) ? 2 : 1; /* packed: not made available yet */
	vq_sim_push_batch(&f->sim, b + 1, 2, 0);
	vq_sim_publish(&f->sim);
	assert_int_equal(virtqueue_get_used(f->vq, cookies, lens, 4), 0);
	assert_true(f->vq->broken);
	assert_int_equal(f->vq->stats.bad_used_id, 1);
}

/* In order, split: a batch entry seen before used->idx covers the whole
 * batch: only the buffers idx counts come back, the rest later. */
static void test_in_order_idx_behind(void **state)
{
	struct fixture *f = *state;
	struct in_order_log log = { 0 };
	struct virtq_used *used = f->sim.ring.device_va;
	struct vq_sim_buf b[4];
	int i;

	for (i = 0; i < 4; i++) {
		assert_true(in_order_add(f, &log, 1, false));
		log.used_len[i] = 0;
	}
	virtqueue_kick(f->vq);
	for (i = 0; i < 4; i++)
		assert_int_equal(vq_sim_pop(&f->sim, &b[i]), 1);
	vq_sim_push_batch(&f->sim, b, 4, 0);
	prt_atomic_store(&used->idx, 2, memory_order_release);
	in_order_take(f, &log, 4);
	assert_int_equal(log.back, 2);
	vq_sim_publish(&f->sim);
	in_order_take(f, &log, 4);
	assert_int_equal(log.back, 4);
	assert_false(f->vq->broken);
	assert_int_equal(virtqueue_free_count(f->vq), QSIZE);
}

static void release(void *cookie, void *arg)
{
	unsigned int *n = arg;

	(void)cookie;
	(*n)++;
}

/* Detach hands back every buffer in flight and leaves an empty ring. */
static void test_detach(void **state)
{
	struct fixture *f = *state;
	unsigned int n = 0;

	add_n(f, 0, 10, VQ_SEG_WRITE);
	virtqueue_kick(f->vq);
	virtqueue_detach(f->vq, release, &n);
	assert_int_equal(n, 10);
	assert_int_equal(virtqueue_free_count(f->vq), QSIZE);
	vq_sim_init(&f->sim, f->vq);
	assert_int_equal(add_n(f, 0, QSIZE, VQ_SEG_WRITE), QSIZE);
}

static const unsigned int m_split = 0, m_split_ev = VQ_F_EVENT_IDX, m_packed = VQ_F_PACKED,
			  m_packed_ev = VQ_F_PACKED | VQ_F_EVENT_IDX, m_split_io = VQ_F_IN_ORDER,
			  m_packed_io = VQ_F_PACKED | VQ_F_EVENT_IDX | VQ_F_IN_ORDER,
			  m_split_ind = VQ_F_INDIRECT, m_packed_ind = VQ_F_PACKED | VQ_F_INDIRECT,
			  m_split_io_ind = VQ_F_IN_ORDER | VQ_F_EVENT_IDX | VQ_F_INDIRECT,
			  m_packed_io_ind = VQ_F_PACKED | VQ_F_IN_ORDER | VQ_F_INDIRECT;

#define SPLIT_MODES(t)                                                                  \
	cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&m_split), \
		cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&m_split_ev)
#define EVENT_IDX_MODES(t)                                                                 \
	cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&m_split_ev), \
		cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&m_packed_ev)
#define IN_ORDER_MODES(t)                                                                  \
	cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&m_split_io), \
		cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&m_packed_io)
#define INDIRECT_MODES(t)                                                                   \
	cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&m_split_ind), \
		cmocka_unit_test_prestate_setup_teardown(t, setup, teardown,                \
							 (void *)&m_packed_ind),            \
		cmocka_unit_test_prestate_setup_teardown(t, setup, teardown,                \
							 (void *)&m_split_io_ind),          \
		cmocka_unit_test_prestate_setup_teardown(t, setup, teardown,                \
							 (void *)&m_packed_io_ind)
/* Every mode, in order too, for tests whose device uses buffers in order. */
#define ORDERED_MODES(t) FOR_EACH_MODE(t), IN_ORDER_MODES(t)
#define FOR_EACH_MODE(t)                                                                           \
	cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&m_split),            \
		cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&m_split_ev), \
		cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&m_packed),   \
		cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&m_packed_ev)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_size),
		FOR_EACH_MODE(test_tx_burst),
		ORDERED_MODES(test_rx_lengths),
		ORDERED_MODES(test_chains),
		INDIRECT_MODES(test_indirect),
		FOR_EACH_MODE(test_laps_random),
		ORDERED_MODES(test_kick_suppressed),
		EVENT_IDX_MODES(test_kick_event_idx),
		ORDERED_MODES(test_intr_enable),
		ORDERED_MODES(test_bad_id_range),
		ORDERED_MODES(test_bad_id_not_inflight),
		ORDERED_MODES(test_bad_len),
		SPLIT_MODES(test_bad_used_idx),
		ORDERED_MODES(test_chain_loop),
		ORDERED_MODES(test_detach),
		IN_ORDER_MODES(test_in_order_batches),
		IN_ORDER_MODES(test_in_order_laps),
		IN_ORDER_MODES(test_in_order_bad_id),
		cmocka_unit_test_prestate_setup_teardown(test_in_order_idx_behind, setup, teardown,
							 (void *)&m_split_io),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
