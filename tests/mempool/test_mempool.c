/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt_mempool: creation and its errors, object layout (alignment, IOVA,
 * no object across non-contiguous pages), get/put through the caches and
 * the ring, accounting while every lcore gets and puts at once, the
 * explicit cache flush and the flush when a worker's function returns.
 *
 * Run with the memory options it is given (--no-huge, hugepages, PA mode).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem_test.h"

#include "prt_memory.h"
#include "prt_mempool.h"

static int g_argc;
static char **g_argv;

/*
 * The EAL with the program's memory options and two lcores per CPU (up to
 * 4 CPUs), so that lcores contend even on a 2-CPU machine.
 */
static int setup(void **state)
{
	static char lcores[128];
	char *args[32] = { "test_mempool", "--lcores", lcores };
	int n = 3, len = 0, nb_cpus = 0, cpus[4];
	cpu_set_t set;

	(void)state;
	if (!mem_test_has_arg(g_argc, g_argv, "--no-huge"))
		mem_test_need_hugepages(64);
	sched_getaffinity(0, sizeof(set), &set);
	for (int c = 0; c < CPU_SETSIZE && nb_cpus < 4; c++)
		if (CPU_ISSET(c, &set))
			cpus[nb_cpus++] = c;
	for (int i = 0; i < 2 * nb_cpus; i++)
		len += snprintf(lcores + len, sizeof(lcores) - (size_t)len, "%s%d@%d",
				len ? "," : "", i, cpus[i % nb_cpus]);
	for (int i = 1; i < g_argc && n < 31; i++)
		args[n++] = g_argv[i];
	args[n] = NULL;
	return prt_eal_init(n, args) > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return prt_eal_cleanup();
}

static unsigned int cached_total(const struct prt_mempool *mp)
{
	unsigned int n = 0;

	for (unsigned int i = 0; mp->local_cache != NULL && i < PRT_MAX_LCORE; i++)
		n += mp->local_cache[i].len;
	return n;
}

static void test_create_errors(void **state)
{
	struct prt_mempool *mp;

	(void)state;
	errno = 0;
	assert_null(prt_mempool_create("e", 0, 64, 0, 0, NULL, NULL, NULL, NULL, -1, 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	/* A cache larger than 2/3 of the pool would hide it. */
	assert_null(prt_mempool_create("e", 100, 64, 100, 0, NULL, NULL, NULL, NULL, -1, 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(prt_mempool_create("e", 4096, 64, PRT_MEMPOOL_CACHE_MAX_SIZE + 1, 0, NULL, NULL,
				       NULL, NULL, -1, 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(prt_mempool_create("a-mempool-name-longer-than-allowed", 10, 64, 0, 0, NULL,
				       NULL, NULL, NULL, -1, 0));
	assert_int_equal(errno, ENAMETOOLONG);
	errno = 0;
	assert_null(prt_mempool_create("e", 10, 64, 0, 0, NULL, NULL, NULL, NULL, -1, 0x4000));
	assert_int_equal(errno, EINVAL);

	mp = prt_mempool_create("dup", 10, 64, 0, 0, NULL, NULL, NULL, NULL, -1, 0);
	assert_non_null(mp);
	errno = 0;
	assert_null(prt_mempool_create("dup", 10, 64, 0, 0, NULL, NULL, NULL, NULL, -1, 0));
	assert_int_equal(errno, EEXIST);
	assert_ptr_equal(prt_mempool_lookup("dup"), mp);
	prt_mempool_free(mp);
	errno = 0;
	assert_null(prt_mempool_lookup("dup"));
	assert_int_equal(errno, ENOENT);
	prt_mempool_free(NULL);
}

struct layout {
	char *prev_end;
	unsigned int count;
	int check_contig;
};

static void check_obj(struct prt_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct layout *l = arg;

	assert_int_equal(idx, l->count);
	assert_int_equal((uintptr_t)obj % PRT_CACHE_LINE_SIZE, 0);
	assert_ptr_equal(prt_mempool_from_obj(obj), mp);
	assert_true((char *)obj >= l->prev_end); /* in order, no overlap */
	assert_int_equal(prt_mempool_virt2iova(obj), prt_mem_virt2iova(obj));
	if (l->check_contig)
		assert_int_equal(prt_mem_iova_contig(obj, mp->elt_size), 1);
	/* obj_init wrote its index. */
	assert_int_equal(*(uint32_t *)obj, idx);
	l->prev_end = (char *)obj + mp->elt_size;
	l->count++;
}

static void write_idx(struct prt_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	(void)mp;
	(void)arg;
	*(uint32_t *)obj = idx;
}

static void set_priv(struct prt_mempool *mp, void *arg)
{
	memcpy(prt_mempool_get_priv(mp), arg, strlen(arg) + 1);
}

/*
 * Objects of 3000 bytes, 5000 of them (15 MB, several 2 MiB pages): each is
 * aligned, knows its IOVA and, in PA mode too, is IOVA-contiguous.
 */
static void test_layout(void **state)
{
	struct layout l = { .check_contig = 1 };
	struct prt_mempool *mp;

	(void)state;
	mp = prt_mempool_create("layout", 5000, 3000, 32, 16, set_priv, "private", write_idx, NULL,
				PRT_SOCKET_ID_ANY, 0);
	assert_non_null(mp);
	assert_string_equal(prt_mempool_get_priv(mp), "private");
	assert_int_equal(mp->elt_size, 3000);
	assert_int_equal(prt_mempool_obj_iter(mp, check_obj, &l), 5000);
	assert_int_equal(l.count, 5000);
	assert_int_equal(prt_mempool_avail_count(mp), 5000);
	assert_int_equal(prt_mempool_in_use_count(mp), 0);
	assert_true(prt_mempool_full(mp));
	prt_mempool_dump(stdout, mp);
	prt_mempool_free(mp);

	/* Without the contiguity promise the layout is the same, minus the check. */
	l = (struct layout){ 0 };
	mp = prt_mempool_create("layout_nc", 100, 200, 0, 0, NULL, NULL, write_idx, NULL,
				PRT_SOCKET_ID_ANY, PRT_MEMPOOL_F_NO_IOVA_CONTIG);
	assert_non_null(mp);
	assert_int_equal(prt_mempool_obj_iter(mp, check_obj, &l), 100);
	prt_mempool_free(mp);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* The main lcore can get every object (its cache refills from the ring), each once. */
static void test_get_all_put_all(void **state)
{
	enum { N = 1000 };
	struct prt_mempool *mp;
	void *objs[N + 1];
	unsigned int got = 0;

	(void)state;
	mp = prt_mempool_create("all", N, 64, 64, 0, NULL, NULL, NULL, NULL, -1, 0);
	assert_non_null(mp);
	while (got < N) {
		unsigned int n = PRT_MIN(1 + got % 37, N - got);

		assert_int_equal(prt_mempool_get_bulk(mp, objs + got, n), 0);
		got += n;
		assert_int_equal(prt_mempool_in_use_count(mp), got);
	}
	assert_int_equal(prt_mempool_get(mp, &objs[N]), -ENOENT);
	assert_int_equal(prt_mempool_get_bulk(mp, objs, 2), -ENOENT);
	assert_true(prt_mempool_empty(mp));
	qsort(objs, N, sizeof(objs[0]), cmp_ptr);
	for (unsigned int i = 1; i < N; i++)
		assert_ptr_not_equal(objs[i - 1], objs[i]);

	for (unsigned int i = 0; i < N; i += 10)
		prt_mempool_put_bulk(mp, objs + i, 10);
	assert_int_equal(prt_mempool_avail_count(mp), N);
	/* Puts past the flush threshold went to the ring; the rest sit in the cache. */
	assert_true(mp->local_cache[prt_lcore_id()].len <= mp->local_cache[0].flushthresh);
	prt_mempool_cache_flush(NULL, mp);
	assert_int_equal(mp->local_cache[prt_lcore_id()].len, 0);
	assert_int_equal(prt_ring_count(mp->ring), N);
	prt_mempool_free(mp);
}

/* A thread that is not an lcore bypasses the caches. */
static void *non_lcore_thread(void *arg)
{
	struct prt_mempool *mp = arg;
	void *objs[8];

	if (prt_lcore_id() != PRT_LCORE_ID_ANY || prt_mempool_get_bulk(mp, objs, 8) != 0)
		return (void *)1;
	if (prt_ring_count(mp->ring) != mp->size - 8 || cached_total(mp) != 0)
		return (void *)2;
	prt_mempool_put_bulk(mp, objs, 8);
	return prt_ring_count(mp->ring) == mp->size ? NULL : (void *)3;
}

static void test_non_lcore_thread(void **state)
{
	struct prt_mempool *mp;
	pthread_t t;
	void *ret;

	(void)state;
	mp = prt_mempool_create("nonlcore", 100, 64, 16, 0, NULL, NULL, NULL, NULL, -1, 0);
	assert_non_null(mp);
	assert_int_equal(pthread_create(&t, NULL, non_lcore_thread, mp), 0);
	pthread_join(t, &ret);
	assert_null(ret);
	prt_mempool_free(mp);
}

/* Concurrent get/put with caches on every lcore; each lcore then holds HOLD objects. */
#define HOLD 50
struct concurrent {
	struct prt_mempool *mp;
	_Atomic unsigned int arrived;
	_Atomic int checked;
	_Atomic int errors;
};

static int get_put_worker(void *arg)
{
	struct concurrent *c = arg;
	uint64_t owner = (uint64_t)prt_lcore_id() + 1, seed = owner * 0x9e3779b97f4a7c15ull;
	void *held[HOLD + 64];
	unsigned int n_held = 0;

	for (unsigned int iter = 0; iter < 200000; iter++) {
		unsigned int n;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		n = 1 + (unsigned int)(seed % 32);
		if ((seed & 0x100) && n_held + n <= HOLD + 32 &&
		    prt_mempool_get_bulk(c->mp, held + n_held, n) == 0) {
			/* Stamp each object: a second owner would find the stamp set. */
			for (unsigned int i = 0; i < n; i++) {
				uint64_t *o = held[n_held + i];

				if (*o != 0)
					atomic_fetch_add(&c->errors, 1);
				*o = owner;
			}
			n_held += n;
		} else if (n_held >= n) {
			n_held -= n;
			for (unsigned int i = 0; i < n; i++) {
				uint64_t *o = held[n_held + i];

				if (*o != owner)
					atomic_fetch_add(&c->errors, 1);
				*o = 0;
			}
			prt_mempool_put_bulk(c->mp, held + n_held, n);
		}
	}
	/* Hold exactly HOLD objects while the main lcore counts. */
	while (n_held < HOLD) {
		if (prt_mempool_get(c->mp, &held[n_held]) != 0)
			continue;
		*(uint64_t *)held[n_held++] = owner;
	}
	for (; n_held > HOLD; n_held--)
		*(uint64_t *)held[n_held - 1] = 0, prt_mempool_put(c->mp, held[n_held - 1]);
	atomic_fetch_add(&c->arrived, 1);
	while (!atomic_load(&c->checked))
		sched_yield();
	for (unsigned int i = 0; i < n_held; i++)
		*(uint64_t *)held[i] = 0;
	prt_mempool_put_bulk(c->mp, held, n_held);
	return 0;
}

static void zero_obj(struct prt_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	(void)mp;
	(void)arg;
	(void)idx;
	*(uint64_t *)obj = 0;
}

static void test_concurrent_accounting(void **state)
{
	struct concurrent c = { 0 };
	unsigned int workers = prt_lcore_count() - 1, id;

	(void)state;
	if (workers == 0)
		skip();
	c.mp = prt_mempool_create("concurrent", 2048, 64, 128, 0, NULL, NULL, zero_obj, NULL, -1,
				  0);
	assert_non_null(c.mp);
	PRT_LCORE_FOREACH_WORKER(id)
		assert_int_equal(prt_eal_remote_launch(get_put_worker, &c, id), 0);
	while (atomic_load(&c.arrived) < workers)
		sched_yield();
	/* Every worker holds HOLD objects; the rest is in rings and caches. */
	assert_int_equal(prt_mempool_in_use_count(c.mp), workers * HOLD);
	assert_int_equal(prt_ring_count(c.mp->ring) + cached_total(c.mp), 2048 - workers * HOLD);
	atomic_store(&c.checked, 1);
	prt_eal_mp_wait_lcore();
	assert_int_equal(atomic_load(&c.errors), 0);
	/* Flush on lcore exit: the workers' caches are back in the ring. */
	PRT_LCORE_FOREACH_WORKER(id)
		assert_int_equal(c.mp->local_cache[id].len, 0);
	assert_int_equal(prt_ring_count(c.mp->ring) + c.mp->local_cache[prt_lcore_id()].len, 2048);
	assert_int_equal(prt_mempool_in_use_count(c.mp), 0);
	prt_mempool_free(c.mp);
}

/* What a worker leaves in its cache when its function returns goes back to the ring. */
static int leave_in_cache(void *arg)
{
	struct prt_mempool *mp = arg;
	void *objs[10];

	if (prt_mempool_get_bulk(mp, objs, 10) != 0)
		return -1;
	prt_mempool_put_bulk(mp, objs, 10);
	/* The refill brought a cache-full; all of it is in this lcore's cache now. */
	return (int)mp->local_cache[prt_lcore_id()].len;
}

static void test_flush_on_lcore_exit(void **state)
{
	unsigned int w = prt_get_next_lcore(-1, 1, 0);
	struct prt_mempool *mp;

	(void)state;
	if (w >= PRT_MAX_LCORE)
		skip();
	mp = prt_mempool_create("exitflush", 256, 64, 32, 0, NULL, NULL, NULL, NULL, -1, 0);
	assert_non_null(mp);
	assert_int_equal(prt_eal_remote_launch(leave_in_cache, mp, w), 0);
	assert_int_equal(prt_eal_wait_lcore(w), 32 + 10);
	assert_int_equal(mp->local_cache[w].len, 0);
	assert_int_equal(prt_ring_count(mp->ring), 256);
	/* The main lcore can now take every object. */
	{
		void *objs[256];

		assert_int_equal(prt_mempool_get_bulk(mp, objs, 256), 0);
		prt_mempool_put_bulk(mp, objs, 256);
	}
	prt_mempool_free(mp);
}

static void test_sp_sc_flags(void **state)
{
	struct prt_mempool *mp;
	void *obj;

	(void)state;
	mp = prt_mempool_create("spsc", 64, 64, 0, 0, NULL, NULL, NULL, NULL, -1,
				PRT_MEMPOOL_F_SP_PUT | PRT_MEMPOOL_F_SC_GET);
	assert_non_null(mp);
	assert_null(mp->local_cache);
	assert_int_equal(mp->ring->prod.sync_type, PRT_RING_SYNC_ST);
	assert_int_equal(mp->ring->cons.sync_type, PRT_RING_SYNC_ST);
	assert_int_equal(prt_mempool_get(mp, &obj), 0);
	assert_int_equal(prt_ring_count(mp->ring), 63);
	prt_mempool_put(mp, obj);
	assert_int_equal(prt_ring_count(mp->ring), 64);
	prt_mempool_free(mp);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_get_all_put_all),
		cmocka_unit_test(test_non_lcore_thread),
		cmocka_unit_test(test_concurrent_accounting),
		cmocka_unit_test(test_flush_on_lcore_exit),
		cmocka_unit_test(test_sp_sc_flags),
	};

	g_argc = argc;
	g_argv = argv;
	return cmocka_run_group_tests(tests, setup, teardown);
}
