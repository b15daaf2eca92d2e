/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt_ring, one thread: sizes and flags, bulk (all or nothing) against
 * burst (as many as fit), counts, wrap-around, FIFO order, rings of other
 * element sizes, rings in caller memory, and create/lookup/free by name.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem_test.h"

#include "prt_ring.h"

static int setup(void **state)
{
	char *argv[] = { "test_ring", "--no-huge", NULL };

	(void)state;
	return mem_test_eal_init(2, argv) > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return prt_eal_cleanup();
}

static void *ptr(uintptr_t v)
{
	return (void *)v;
}

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(prt_ring_get_memsize(0), -EINVAL);
	assert_int_equal(prt_ring_get_memsize(1000), -EINVAL);
	assert_int_equal(prt_ring_get_memsize_elem(6, 1024), -EINVAL);
	assert_true(prt_ring_get_memsize(1024) >= (ssize_t)(sizeof(struct prt_ring) + 8192));
	assert_true(prt_ring_get_memsize_elem(16, 1024) >=
		    (ssize_t)(sizeof(struct prt_ring) + 16384));
	/* The two sides never share a cache line pair. */
	assert_true(offsetof(struct prt_ring, cons) - offsetof(struct prt_ring, prod) >=
		    2 * PRT_CACHE_LINE_SIZE);
	/* Nor a side's head (which only it reads) and its tail (which the other side polls). */
	assert_true(offsetof(struct prt_ring_headtail, tail) -
			    offsetof(struct prt_ring_headtail, head_seen) >=
		    2 * PRT_CACHE_LINE_SIZE);
}

/* A ring in the caller's memory, as the ring pmd and tests build them. */
static struct prt_ring *init_ring(unsigned int esize, unsigned int count, unsigned int flags)
{
	unsigned int slots = (flags & PRT_RING_F_EXACT_SZ) ? prt_align32pow2(count + 1) : count;
	ssize_t sz = prt_ring_get_memsize_elem(esize, slots);
	struct prt_ring *r;

	assert_true(sz > 0);
	r = aligned_alloc(PRT_CACHE_LINE_SIZE, PRT_ALIGN_CEIL((size_t)sz, PRT_CACHE_LINE_SIZE));
	assert_non_null(r);
	assert_int_equal(prt_ring_init_elem(r, "test", esize, count, flags), 0);
	return r;
}

static void test_init_errors(void **state)
{
	char buf[4096] __attribute__((aligned(64)));
	struct prt_ring *r = (struct prt_ring *)buf;

	(void)state;
	assert_int_equal(prt_ring_init(r, "x", 3, 0), -EINVAL);
	assert_int_equal(prt_ring_init(r, "x", 8, 0x100), -EINVAL);
	assert_int_equal(prt_ring_init((struct prt_ring *)(buf + 8), "x", 8, 0), -EINVAL);
	assert_int_equal(prt_ring_init(r, "a-name-that-is-much-too-long-for-a-ring", 8, 0),
			 -ENAMETOOLONG);
	assert_int_equal(prt_ring_init(r, "x", 8, 0), 0);
	assert_int_equal(prt_ring_get_size(r), 8);
	assert_int_equal(prt_ring_get_capacity(r), 7);
	/* prt_ring_free() refuses caller memory (logs, does not crash). */
	prt_ring_free(r);
	prt_ring_free(NULL);
}

static void test_bulk_burst_counts(void **state)
{
	struct prt_ring *r = init_ring(sizeof(void *), 16, 0);
	void *in[32], *out[32];
	unsigned int space, avail;

	(void)state;
	for (unsigned int i = 0; i < 32; i++)
		in[i] = ptr(i + 1);
	assert_true(prt_ring_empty(r));
	assert_int_equal(prt_ring_free_count(r), 15);

	/* Bulk: all or nothing. */
	assert_int_equal(prt_ring_enqueue_bulk(r, in, 10, &space), 10);
	assert_int_equal(space, 5);
	assert_int_equal(prt_ring_enqueue_bulk(r, in + 10, 6, &space), 0);
	assert_int_equal(space, 5);
	assert_int_equal(prt_ring_count(r), 10);
	/* Burst: as many as fit. */
	assert_int_equal(prt_ring_sp_enqueue_burst(r, in + 10, 6, &space), 5);
	assert_int_equal(space, 0);
	assert_true(prt_ring_full(r));
	assert_int_equal(prt_ring_enqueue(r, in[0]), -ENOBUFS);

	assert_int_equal(prt_ring_dequeue_bulk(r, out, 16, &avail), 0);
	assert_int_equal(avail, 15);
	assert_int_equal(prt_ring_mc_dequeue_bulk(r, out, 4, &avail), 4);
	assert_int_equal(avail, 11);
	assert_int_equal(prt_ring_sc_dequeue_burst(r, out + 4, 32, &avail), 11);
	assert_int_equal(avail, 0);
	for (unsigned int i = 0; i < 15; i++)
		assert_ptr_equal(out[i], in[i]);
	assert_true(prt_ring_empty(r));
	assert_int_equal(prt_ring_dequeue(r, &out[0]), -ENOENT);
	assert_int_equal(prt_ring_dequeue_burst(r, out, 8, NULL), 0);
	free(r);
}

/* Many rounds of odd sizes: the indexes wrap the ring again and again, the order holds. */
static void test_wrap_fifo(void **state)
{
	struct prt_ring *r = init_ring(sizeof(void *), 64, PRT_RING_F_SP_ENQ | PRT_RING_F_SC_DEQ);
	uintptr_t next_in = 1, next_out = 1;
	void *buf[40];

	(void)state;
	for (unsigned int round = 0; round < 10000; round++) {
		unsigned int n = 1 + round % 37, got;

		for (unsigned int i = 0; i < n; i++)
			buf[i] = ptr(next_in + i);
		got = round & 1 ? prt_ring_enqueue_burst(r, buf, n, NULL) :
				  prt_ring_mp_enqueue_bulk(r, buf, n, NULL);
		next_in += got;
		n = 1 + (round * 7) % 29;
		got = round & 2 ? prt_ring_dequeue_burst(r, buf, n, NULL) :
				  prt_ring_mc_dequeue_bulk(r, buf, n, NULL);
		for (unsigned int i = 0; i < got; i++)
			assert_int_equal((uintptr_t)buf[i], next_out++);
		assert_int_equal(prt_ring_count(r), next_in - next_out);
	}
	free(r);
}

static void test_exact_size(void **state)
{
	struct prt_ring *r = init_ring(sizeof(void *), 100, PRT_RING_F_EXACT_SZ);
	void *buf[128] = { 0 };

	(void)state;
	assert_int_equal(prt_ring_get_capacity(r), 100);
	assert_int_equal(prt_ring_get_size(r), 128);
	assert_int_equal(prt_ring_enqueue_burst(r, buf, 128, NULL), 100);
	assert_true(prt_ring_full(r));
	free(r);
}

/* Element sizes of 4, 12 (not a power of two), 16 and 20 bytes, across the wrap. */
static void test_elem_sizes(void **state)
{
	static const unsigned int sizes[] = { 4, 12, 16, 20 };

	(void)state;
	for (unsigned int s = 0; s < PRT_DIM(sizes); s++) {
		unsigned int esize = sizes[s], words = esize / 4;
		struct prt_ring *r = init_ring(esize, 32, 0);
		uint32_t in[16 * 5], out[16 * 5], seq = 0, check = 0;

		for (unsigned int round = 0; round < 100; round++) {
			unsigned int n = 1 + round % 16, got;

			for (unsigned int i = 0; i < n * words; i++)
				in[i] = seq++;
			assert_int_equal(prt_ring_enqueue_bulk_elem(r, in, esize, n, NULL), n);
			got = prt_ring_dequeue_burst_elem(r, out, esize, 16, NULL);
			assert_int_equal(got, n);
			for (unsigned int i = 0; i < got * words; i++)
				assert_int_equal(out[i], check++);
		}
		assert_int_equal(prt_ring_enqueue_elem(r, in, esize), 0);
		assert_int_equal(prt_ring_dequeue_elem(r, out, esize), 0);
		assert_memory_equal(in, out, esize);
		free(r);
	}
}

static void test_create_lookup_free(void **state)
{
	struct prt_ring *r, *r2;
	void *obj = ptr(42), *out;

	(void)state;
	r = prt_ring_create("test_named", 1024, PRT_SOCKET_ID_ANY, 0);
	assert_non_null(r);
	assert_string_equal(r->name, "test_named");
	assert_ptr_equal(prt_ring_lookup("test_named"), r);
	errno = 0;
	assert_null(prt_ring_create("test_named", 1024, PRT_SOCKET_ID_ANY, 0));
	assert_int_equal(errno, EEXIST);
	errno = 0;
	assert_null(prt_ring_create("bad_count", 1000, PRT_SOCKET_ID_ANY, 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(prt_ring_lookup("no_such_ring"));
	assert_int_equal(errno, ENOENT);

	assert_int_equal(prt_ring_enqueue(r, obj), 0);
	assert_int_equal(prt_ring_dequeue(r, &out), 0);
	assert_ptr_equal(out, obj);
	prt_ring_free(r);
	assert_null(prt_ring_lookup("test_named"));

	/* The name is free again; an element ring this time. */
	r2 = prt_ring_create_elem("test_named", 16, 64, PRT_SOCKET_ID_ANY,
				  PRT_RING_F_SP_ENQ | PRT_RING_F_SC_DEQ);
	assert_non_null(r2);
	assert_int_equal(r2->esize, 16);
	assert_int_equal(r2->prod.sync_type, PRT_RING_SYNC_ST);
	assert_int_equal(r2->cons.sync_type, PRT_RING_SYNC_ST);
	prt_ring_free(r2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_bulk_burst_counts),
		cmocka_unit_test(test_wrap_fifo),
		cmocka_unit_test(test_exact_size),
		cmocka_unit_test(test_elem_sizes),
		cmocka_unit_test(test_create_lookup_free),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
