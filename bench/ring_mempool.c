/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The buffer fast path: rings, mempools and mbufs, prt against DPDK 22.11,
 * in one process. Both EALs are initialised with the same lcores (0 and 1,
 * each pinned to the same CPU in both EALs) and the same memory (2 MiB
 * pages, or --no-huge for both with --no-huge). Each case runs the same
 * loop through each side, with the side a compile-time constant of one
 * inline function (no function pointers, no copy of the loop).
 *
 *   case=<name> prt=<cycles/op> dpdk=<cycles/op> ratio=<dpdk/prt>
 *
 * An op is one object (or mbuf) through the whole round trip: enqueue and
 * dequeue, get and put, alloc and free. Each case runs REPS short
 * repetitions (--reps), prt and DPDK alternately, the side that goes first
 * swapping every repetition; prt= and dpdk= are the fastest repetition of
 * each (the machine is shared: the least disturbed), prt_med= and
 * dpdk_med= the medians.
 *
 * Every measured loop is a function of its own, compiled for its side and
 * mode (one object or bursts, single or multi thread) as constants and kept
 * out of line, so that no case shares code or registers with another, and a
 * profiler can count one alone. Instructions per op, load-independent:
 *
 *   valgrind --tool=callgrind --collect-atstart=no \
 *       --toggle-collect='bench_*' bench_ring_mempool --no-huge --reps 1
 *   callgrind_annotate --inclusive=yes callgrind.out.<pid> | grep bench_
 *
 * (only the 1core/1lcore cases mean anything there: valgrind runs one
 * thread at a time, so the others count spinning).
 *
 * Cases:
 *   ring_{sp_sc,mp_mc}_{single,burst8,burst32}_{1core,2cores}
 *       1core: enqueue then dequeue on lcore 0; 2cores: lcore 1 enqueues,
 *       lcore 0 dequeues (a stream between two CPUs).
 *   mempool_{cache,nocache}_bulk{1,8,32}_{1lcore,2lcores,1lcore_const}
 *       get_bulk then put_bulk; 2lcores: both lcores on one pool at once;
 *       the size known at run time only, or (_const) a constant.
 *   mbuf_alloc_free_bulk32
 *       pktmbuf alloc_bulk then free_bulk of 32 mbufs, cached pool.
 *
 *   bench_ring_mempool [--no-huge] [--case SUBSTRING] [--reps N]
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "bench_cpu.h"
#include "prt_eal.h"
#include "prt_mbuf.h"
#include "prt_mempool.h"
#include "prt_ring.h"

#define REPS 51 /* default repetitions per case and side */
#define RING_SIZE 2048
#define RING_OBJS (1u << 17) /* objects per repetition */
#define POOL_SIZE 8191
#define POOL_CACHE 256
#define POOL_OPS (1u << 16) /* objects per repetition and lcore */
#define MBUF_OPS (1u << 15)

enum side { PRT, DPDK };

struct ring_fns;

/* One ring or pool of each side, for the case being measured. */
struct target {
	void *obj[2]; /* [PRT], [DPDK] */
	unsigned int n; /* burst size */
	const struct ring_fns *ring[2]; /* [PRT], [DPDK]: the ring functions of the mode */
	int (*pool[2])(void *t); /* the mempool function of the bulk size */
	_Atomic int go, ready;
	uint64_t cycles[2]; /* of the last repetition, per side */
};

static uint64_t tsc(void)
{
	return prt_get_tsc_cycles();
}

/* --- rings ------------------------------------------------------------- */

static __rte_always_inline unsigned int ring_enq(enum side s, int st, int single, struct target *t,
						 void **objs)
{
	void *r = t->obj[s];

	if (single) {
		if (s == PRT)
			return st ? prt_ring_sp_enqueue(r, objs[0]) == 0 :
				    prt_ring_mp_enqueue(r, objs[0]) == 0;
		return st ? rte_ring_sp_enqueue(r, objs[0]) == 0 :
			    rte_ring_mp_enqueue(r, objs[0]) == 0;
	}
	if (s == PRT)
		return st ? prt_ring_sp_enqueue_burst(r, objs, t->n, NULL) :
			    prt_ring_mp_enqueue_burst(r, objs, t->n, NULL);
	return st ? rte_ring_sp_enqueue_burst(r, objs, t->n, NULL) :
		    rte_ring_mp_enqueue_burst(r, objs, t->n, NULL);
}

static __rte_always_inline unsigned int ring_deq(enum side s, int st, int single, struct target *t,
						 void **objs)
{
	void *r = t->obj[s];

	if (single) {
		if (s == PRT)
			return st ? prt_ring_sc_dequeue(r, objs) == 0 :
				    prt_ring_mc_dequeue(r, objs) == 0;
		return st ? rte_ring_sc_dequeue(r, objs) == 0 : rte_ring_mc_dequeue(r, objs) == 0;
	}
	if (s == PRT)
		return st ? prt_ring_sc_dequeue_burst(r, objs, t->n, NULL) :
			    prt_ring_mc_dequeue_burst(r, objs, t->n, NULL);
	return st ? rte_ring_sc_dequeue_burst(r, objs, t->n, NULL) :
		    rte_ring_mc_dequeue_burst(r, objs, t->n, NULL);
}

static __rte_always_inline void ring_1core(enum side s, int st, int single, struct target *t)
{
	void *objs[32];
	uint64_t t0 = tsc();

	for (unsigned int i = 0; i < 32; i++)
		objs[i] = (void *)(uintptr_t)(i + 1);
	for (unsigned int done = 0; done < RING_OBJS; done += t->n) {
		ring_enq(s, st, single, t, objs);
		ring_deq(s, st, single, t, objs);
	}
	t->cycles[s] = tsc() - t0;
}

/* The producer half of a 2-core stream, on lcore 1. */
static __rte_always_inline void ring_producer(enum side s, int st, int single, struct target *t)
{
	void *objs[32];

	for (unsigned int i = 0; i < 32; i++)
		objs[i] = (void *)(uintptr_t)(i + 1);
	atomic_store(&t->ready, 1);
	while (!atomic_load(&t->go))
		;
	for (unsigned int sent = 0; sent < RING_OBJS;)
		sent += ring_enq(s, st, single, t, objs);
}

static __rte_always_inline void ring_consumer(enum side s, int st, int single, struct target *t)
{
	void *objs[32];
	uint64_t t0;

	while (!atomic_load(&t->ready))
		;
	t0 = tsc();
	atomic_store(&t->go, 1);
	for (unsigned int got = 0; got < RING_OBJS;)
		got += ring_deq(s, st, single, t, objs);
	t->cycles[s] = tsc() - t0;
}

/* The measured ring functions of one side and mode (see the top comment). */
#define RING_MODE(side, st, single, name)                                                  \
	static __attribute__((noinline)) void bench_ring_1core_##name(struct target *t)    \
	{                                                                                  \
		ring_1core(side, st, single, t);                                           \
	}                                                                                  \
	static __attribute__((noinline)) int bench_ring_producer_##name(void *t)           \
	{                                                                                  \
		ring_producer(side, st, single, t);                                        \
		return 0;                                                                  \
	}                                                                                  \
	static __attribute__((noinline)) void bench_ring_consumer_##name(struct target *t) \
	{                                                                                  \
		ring_consumer(side, st, single, t);                                        \
	}
RING_MODE(PRT, 1, 1, prt_sp_sc_single)
RING_MODE(PRT, 1, 0, prt_sp_sc_burst)
RING_MODE(PRT, 0, 1, prt_mp_mc_single)
RING_MODE(PRT, 0, 0, prt_mp_mc_burst)
RING_MODE(DPDK, 1, 1, dpdk_sp_sc_single)
RING_MODE(DPDK, 1, 0, dpdk_sp_sc_burst)
RING_MODE(DPDK, 0, 1, dpdk_mp_mc_single)
RING_MODE(DPDK, 0, 0, dpdk_mp_mc_burst)

struct ring_fns {
	void (*one_core)(struct target *t);
	int (*producer)(void *t);
	void (*consumer)(struct target *t);
};

#define RING_FNS(name)                                                                          \
	{                                                                                       \
		bench_ring_1core_##name, bench_ring_producer_##name, bench_ring_consumer_##name \
	}

/* [side][single thread][single object] */
static const struct ring_fns ring_fns[2][2][2] = {
	[PRT] = { { RING_FNS(prt_mp_mc_burst), RING_FNS(prt_mp_mc_single) },
		  { RING_FNS(prt_sp_sc_burst), RING_FNS(prt_sp_sc_single) } },
	[DPDK] = { { RING_FNS(dpdk_mp_mc_burst), RING_FNS(dpdk_mp_mc_single) },
		   { RING_FNS(dpdk_sp_sc_burst), RING_FNS(dpdk_sp_sc_single) } },
};

/* --- mempools and mbufs ------------------------------------------------- */

/*
 * @p n: the bulk size, t->n (known at run time only) or a constant (as in a
 * driver's refill of a fixed batch, which lets the compiler unroll both
 * sides' copies).
 */
static __rte_always_inline void mempool_loop(enum side s, unsigned int n, struct target *t)
{
	void *objs[32];
	uint64_t t0;

	atomic_fetch_add(&t->ready, 1);
	while (!atomic_load(&t->go))
		;
	t0 = tsc();
	for (unsigned int done = 0; done < POOL_OPS; done += n) {
		if (s == PRT) {
			prt_mempool_get_bulk(t->obj[PRT], objs, n);
			prt_mempool_put_bulk(t->obj[PRT], objs, n);
		} else {
			rte_mempool_get_bulk(t->obj[DPDK], objs, n);
			rte_mempool_put_bulk(t->obj[DPDK], objs, n);
		}
	}
	/* The main lcore's figure (the worker's runs at the same time). */
	if (prt_lcore_id() == 0 || (s == DPDK && rte_lcore_id() == 0))
		t->cycles[s] = tsc() - t0;
}

/* The measured mempool functions, one per side and bulk size; also the workers. */
#define MEMPOOL_BULK(side, n, name)                                          \
	static __attribute__((noinline)) int bench_mempool_##name(void *arg) \
	{                                                                    \
		struct target *t = arg;                                      \
		mempool_loop(side, n, t);                                    \
		return 0;                                                    \
	}
MEMPOOL_BULK(PRT, t->n, prt)
MEMPOOL_BULK(PRT, 1, prt_const1)
MEMPOOL_BULK(PRT, 8, prt_const8)
MEMPOOL_BULK(PRT, 32, prt_const32)
MEMPOOL_BULK(DPDK, t->n, dpdk)
MEMPOOL_BULK(DPDK, 1, dpdk_const1)
MEMPOOL_BULK(DPDK, 8, dpdk_const8)
MEMPOOL_BULK(DPDK, 32, dpdk_const32)

static const unsigned int mempool_sizes[] = { 1, 8, 32 };

/* [side][index in mempool_sizes]: the functions with a constant size */
static int (*const mempool_const_fns[2][3])(void *t) = {
	[PRT] = { bench_mempool_prt_const1, bench_mempool_prt_const8, bench_mempool_prt_const32 },
	[DPDK] = { bench_mempool_dpdk_const1, bench_mempool_dpdk_const8,
		   bench_mempool_dpdk_const32 },
};

static __rte_always_inline void mbuf_loop(enum side s, struct target *t)
{
	void *m[32];
	uint64_t t0 = tsc();

	for (unsigned int done = 0; done < MBUF_OPS; done += 32) {
		if (s == PRT) {
			prt_pktmbuf_alloc_bulk(t->obj[PRT], (struct prt_mbuf **)m, 32);
			prt_pktmbuf_free_bulk((struct prt_mbuf **)m, 32);
		} else {
			rte_pktmbuf_alloc_bulk(t->obj[DPDK], (struct rte_mbuf **)m, 32);
			rte_pktmbuf_free_bulk((struct rte_mbuf **)m, 32);
		}
	}
	t->cycles[s] = tsc() - t0;
}

static __attribute__((noinline)) void bench_mbuf_prt(struct target *t)
{
	mbuf_loop(PRT, t);
}

static __attribute__((noinline)) void bench_mbuf_dpdk(struct target *t)
{
	mbuf_loop(DPDK, t);
}

/* --- cases -------------------------------------------------------------- */

enum kind { RING_1CORE, RING_2CORES, MEMPOOL_1, MEMPOOL_2, MBUF };

/* Objects (or mbufs) through one repetition of @p kind. */
static unsigned int ops_of(enum kind kind)
{
	switch (kind) {
	case MEMPOOL_1:
	case MEMPOOL_2:
		return POOL_OPS;
	case MBUF:
		return MBUF_OPS;
	default:
		return RING_OBJS;
	}
}

/* Runs one repetition of @p kind on side @p s; returns cycles per op. */
static double run_once(enum kind kind, enum side s, struct target *t)
{
	atomic_store(&t->go, 0);
	atomic_store(&t->ready, 0);
	switch (kind) {
	case RING_1CORE:
		t->ring[s]->one_core(t);
		break;
	case RING_2CORES:
		if (s == PRT)
			prt_eal_remote_launch(t->ring[s]->producer, t, 1);
		else
			rte_eal_remote_launch(t->ring[s]->producer, t, 1);
		t->ring[s]->consumer(t);
		if (s == PRT)
			prt_eal_wait_lcore(1);
		else
			rte_eal_wait_lcore(1);
		break;
	case MEMPOOL_1:
	case MEMPOOL_2:
		if (kind == MEMPOOL_2) {
			if (s == PRT)
				prt_eal_remote_launch(t->pool[s], t, 1);
			else
				rte_eal_remote_launch(t->pool[s], t, 1);
			while (atomic_load(&t->ready) < 1)
				;
		}
		atomic_store(&t->go, 1);
		t->pool[s](t);
		if (kind == MEMPOOL_2 && s == PRT)
			prt_eal_wait_lcore(1);
		else if (kind == MEMPOOL_2)
			rte_eal_wait_lcore(1);
		break;
	case MBUF:
		if (s == PRT)
			bench_mbuf_prt(t);
		else
			bench_mbuf_dpdk(t);
		break;
	}
	return (double)t->cycles[s] / ops_of(kind);
}

static int reps = REPS;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Runs @p kind reps times per side, the side that goes first alternating,
 * and prints the fastest repetition and the median of each.
 */
static void report(const char *name, enum kind kind, struct target *t)
{
	double *c[2], ratio;

	c[PRT] = calloc((size_t)reps * 2, sizeof(double));
	if (c[PRT] == NULL) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	c[DPDK] = c[PRT] + reps;
	for (int rep = 0; rep < reps; rep++) {
		enum side first = rep % 2 ? DPDK : PRT;

		c[first][rep] = run_once(kind, first, t);
		c[!first][rep] = run_once(kind, (enum side) !first, t);
	}
	qsort(c[PRT], (size_t)reps, sizeof(double), cmp_double);
	qsort(c[DPDK], (size_t)reps, sizeof(double), cmp_double);
	ratio = c[DPDK][0] / c[PRT][0];
	printf("case=%s prt=%.2f dpdk=%.2f ratio=%.2f prt_med=%.2f dpdk_med=%.2f ratio_med=%.2f "
	       "ops=%u\n",
	       name, c[PRT][0], c[DPDK][0], ratio, c[PRT][reps / 2], c[DPDK][reps / 2],
	       c[DPDK][reps / 2] / c[PRT][reps / 2], ops_of(kind));
	fflush(stdout);
	free(c[PRT]);
}

static const char *filter;

static bool wanted(const char *name)
{
	return filter == NULL || strstr(name, filter) != NULL;
}

static void ring_cases(void)
{
	static const unsigned int sizes[] = { 1, 8, 32 };

	for (int st = 1; st >= 0; st--) {
		struct target t = { 0 };
		unsigned int flags = st ? RING_F_SP_ENQ | RING_F_SC_DEQ : 0;

		t.obj[PRT] = prt_ring_create("bench", RING_SIZE, 0, flags);
		t.obj[DPDK] = rte_ring_create("bench", RING_SIZE, 0, flags);
		if (t.obj[PRT] == NULL || t.obj[DPDK] == NULL) {
			fprintf(stderr, "bench: cannot create the rings\n");
			exit(1);
		}
		for (unsigned int i = 0; i < PRT_DIM(sizes); i++) {
			for (int cores = 1; cores <= 2; cores++) {
				const int single = sizes[i] == 1;
				char name[64];

				t.n = sizes[i];
				t.ring[PRT] = &ring_fns[PRT][st][single];
				t.ring[DPDK] = &ring_fns[DPDK][st][single];
				snprintf(name, sizeof(name), "ring_%s_%s%s_%s",
					 st ? "sp_sc" : "mp_mc", single ? "single" : "burst",
					 single ? "" : (sizes[i] == 8 ? "8" : "32"),
					 cores == 1 ? "1core" : "2cores");
				if (wanted(name))
					report(name, cores == 1 ? RING_1CORE : RING_2CORES, &t);
			}
		}
		prt_ring_free(t.obj[PRT]);
		rte_ring_free(t.obj[DPDK]);
	}
}

static void mempool_cases(void)
{
	for (int cached = 1; cached >= 0; cached--) {
		unsigned int cache = cached ? POOL_CACHE : 0;
		struct target t = { 0 };

		t.obj[PRT] = prt_mempool_create("bench", POOL_SIZE, 64, cache, 0, NULL, NULL, NULL,
						NULL, 0, 0);
		t.obj[DPDK] = rte_mempool_create("bench", POOL_SIZE, 64, cache, 0, NULL, NULL, NULL,
						 NULL, 0, 0);
		if (t.obj[PRT] == NULL || t.obj[DPDK] == NULL) {
			fprintf(stderr, "bench: cannot create the mempools\n");
			exit(1);
		}
		for (unsigned int i = 0; i < PRT_DIM(mempool_sizes); i++) {
			/* Run-time size on 1 and 2 lcores, then a constant size on 1. */
			for (int run = 0; run < 3; run++) {
				const int constant = run == 2;
				char name[64];

				t.n = mempool_sizes[i];
				t.pool[PRT] = constant ? mempool_const_fns[PRT][i] :
							 bench_mempool_prt;
				t.pool[DPDK] = constant ? mempool_const_fns[DPDK][i] :
							  bench_mempool_dpdk;
				snprintf(name, sizeof(name), "mempool_%s_bulk%u_%s%s",
					 cached ? "cache" : "nocache", mempool_sizes[i],
					 run == 1 ? "2lcores" : "1lcore", constant ? "_const" : "");
				if (wanted(name))
					report(name, run == 1 ? MEMPOOL_2 : MEMPOOL_1, &t);
			}
		}
		prt_mempool_free(t.obj[PRT]);
		rte_mempool_free(t.obj[DPDK]);
	}
}

static void mbuf_cases(void)
{
	struct target t = { .n = 32 };

	if (!wanted("mbuf_alloc_free_bulk32"))
		return;
	t.obj[PRT] = prt_pktmbuf_pool_create("bench_mbuf", POOL_SIZE, POOL_CACHE, 0,
					     PRT_MBUF_DEFAULT_BUF_SIZE, 0);
	t.obj[DPDK] = rte_pktmbuf_pool_create("bench_mbuf", POOL_SIZE, POOL_CACHE, 0,
					      RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (t.obj[PRT] == NULL || t.obj[DPDK] == NULL) {
		fprintf(stderr, "bench: cannot create the mbuf pools\n");
		exit(1);
	}
	report("mbuf_alloc_free_bulk32", MBUF, &t);
	prt_mempool_free(t.obj[PRT]);
	rte_mempool_free(t.obj[DPDK]);
}

int main(int argc, char **argv)
{
	char *prt_argv[] = { "bench", "-l", "0-1", "-m", "96", "--log-level=error", NULL, NULL };
	char *dpdk_argv[] = { "bench",
			      "-l",
			      "0-1",
			      "-m",
			      "96",
			      "--no-pci",
			      "--no-telemetry",
			      "--log-level=error",
			      "--in-memory",
			      NULL };
	int prt_argc = 6;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-huge") == 0) {
			prt_argv[prt_argc++] = "--no-huge";
			/* DPDK refuses --in-memory with --no-huge (no files either way). */
			dpdk_argv[8] = "--no-huge";
		} else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
			filter = argv[++i];
		} else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc &&
			   atoi(argv[i + 1]) > 0) {
			reps = atoi(argv[++i]);
		} else {
			fprintf(stderr, "usage: %s [--no-huge] [--case SUBSTRING] [--reps N]\n",
				argv[0]);
			return 2;
		}
	}
	if (prt_eal_init(prt_argc, prt_argv) < 0) {
		fprintf(stderr, "bench: prt_eal_init failed (hugepages? try --no-huge)\n");
		return 1;
	}
	if (rte_eal_init((int)PRT_DIM(dpdk_argv) - 1, dpdk_argv) < 0) {
		fprintf(stderr, "bench: rte_eal_init failed (hugepages? try --no-huge)\n");
		return 1;
	}
	bench_print_cpu(stdout);
	ring_cases();
	mempool_cases();
	mbuf_cases();
	rte_eal_cleanup();
	prt_eal_cleanup();
	return 0;
}
