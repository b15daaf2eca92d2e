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
 * dequeue, get and put, alloc and free. The figure is the best of REPS
 * repetitions (the machine is shared; the best is the least disturbed),
 * prt and DPDK repetitions interleaved.
 *
 * Cases:
 *   ring_{sp_sc,mp_mc}_{single,burst8,burst32}_{1core,2cores}
 *       1core: enqueue then dequeue on lcore 0; 2cores: lcore 1 enqueues,
 *       lcore 0 dequeues (a stream between two CPUs).
 *   mempool_{cache,nocache}_bulk{1,8,32}_{1lcore,2lcores}
 *       get_bulk then put_bulk; 2lcores: both lcores on one pool at once.
 *   mbuf_alloc_free_bulk32
 *       pktmbuf alloc_bulk then free_bulk of 32 mbufs, cached pool.
 *
 *   bench_ring_mempool [--no-huge] [--case SUBSTRING]
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

#include "prt_eal.h"
#include "prt_mbuf.h"
#include "prt_mempool.h"
#include "prt_ring.h"

#define REPS 41
#define RING_SIZE 2048
#define RING_OBJS (1u << 17) /* objects per repetition */
#define POOL_SIZE 8191
#define POOL_CACHE 256
#define POOL_OPS (1u << 16) /* objects per repetition and lcore */
#define MBUF_OPS (1u << 15)

enum side { PRT, DPDK };

/* One ring or pool of each side, for the case being measured. */
struct target {
	void *obj[2]; /* [PRT], [DPDK] */
	unsigned int n; /* burst size */
	int single_thread; /* sp/sc, or mp/mc */
	int single_obj; /* the one-object calls */
	_Atomic int go, ready;
	uint64_t cycles[2]; /* of the last repetition, per side */
};

static uint64_t tsc(void)
{
	return prt_get_tsc_cycles();
}

/* --- rings ------------------------------------------------------------- */

static __rte_always_inline unsigned int ring_enq(enum side s, struct target *t, void **objs)
{
	void *r = t->obj[s];

	if (t->single_obj) {
		if (s == PRT)
			return t->single_thread ? prt_ring_sp_enqueue(r, objs[0]) == 0 :
						  prt_ring_mp_enqueue(r, objs[0]) == 0;
		return t->single_thread ? rte_ring_sp_enqueue(r, objs[0]) == 0 :
					  rte_ring_mp_enqueue(r, objs[0]) == 0;
	}
	if (s == PRT)
		return t->single_thread ? prt_ring_sp_enqueue_burst(r, objs, t->n, NULL) :
					  prt_ring_mp_enqueue_burst(r, objs, t->n, NULL);
	return t->single_thread ? rte_ring_sp_enqueue_burst(r, objs, t->n, NULL) :
				  rte_ring_mp_enqueue_burst(r, objs, t->n, NULL);
}

static __rte_always_inline unsigned int ring_deq(enum side s, struct target *t, void **objs)
{
	void *r = t->obj[s];

	if (t->single_obj) {
		if (s == PRT)
			return t->single_thread ? prt_ring_sc_dequeue(r, objs) == 0 :
						  prt_ring_mc_dequeue(r, objs) == 0;
		return t->single_thread ? rte_ring_sc_dequeue(r, objs) == 0 :
					  rte_ring_mc_dequeue(r, objs) == 0;
	}
	if (s == PRT)
		return t->single_thread ? prt_ring_sc_dequeue_burst(r, objs, t->n, NULL) :
					  prt_ring_mc_dequeue_burst(r, objs, t->n, NULL);
	return t->single_thread ? rte_ring_sc_dequeue_burst(r, objs, t->n, NULL) :
				  rte_ring_mc_dequeue_burst(r, objs, t->n, NULL);
}

static __rte_always_inline void ring_1core(enum side s, struct target *t)
{
	void *objs[32];
	uint64_t t0 = tsc();

	for (unsigned int i = 0; i < 32; i++)
		objs[i] = (void *)(uintptr_t)(i + 1);
	for (unsigned int done = 0; done < RING_OBJS; done += t->n) {
		ring_enq(s, t, objs);
		ring_deq(s, t, objs);
	}
	t->cycles[s] = tsc() - t0;
}

/* The producer half of a 2-core stream, on lcore 1. */
static __rte_always_inline void ring_producer(enum side s, struct target *t)
{
	void *objs[32];

	for (unsigned int i = 0; i < 32; i++)
		objs[i] = (void *)(uintptr_t)(i + 1);
	atomic_store(&t->ready, 1);
	while (!atomic_load(&t->go))
		;
	for (unsigned int sent = 0; sent < RING_OBJS;)
		sent += ring_enq(s, t, objs);
}

static __rte_always_inline void ring_consumer(enum side s, struct target *t)
{
	void *objs[32];
	uint64_t t0;

	while (!atomic_load(&t->ready))
		;
	t0 = tsc();
	atomic_store(&t->go, 1);
	for (unsigned int got = 0; got < RING_OBJS;)
		got += ring_deq(s, t, objs);
	t->cycles[s] = tsc() - t0;
}

static int prt_ring_producer(void *arg)
{
	ring_producer(PRT, arg);
	return 0;
}

static int dpdk_ring_producer(void *arg)
{
	ring_producer(DPDK, arg);
	return 0;
}

/* --- mempools and mbufs ------------------------------------------------- */

static __rte_always_inline void mempool_loop(enum side s, struct target *t)
{
	void *objs[32];
	uint64_t t0;

	atomic_fetch_add(&t->ready, 1);
	while (!atomic_load(&t->go))
		;
	t0 = tsc();
	for (unsigned int done = 0; done < POOL_OPS; done += t->n) {
		if (s == PRT) {
			prt_mempool_get_bulk(t->obj[PRT], objs, t->n);
			prt_mempool_put_bulk(t->obj[PRT], objs, t->n);
		} else {
			rte_mempool_get_bulk(t->obj[DPDK], objs, t->n);
			rte_mempool_put_bulk(t->obj[DPDK], objs, t->n);
		}
	}
	/* The main lcore's figure (the worker's runs at the same time). */
	if (prt_lcore_id() == 0 || (s == DPDK && rte_lcore_id() == 0))
		t->cycles[s] = tsc() - t0;
}

static int prt_mempool_worker(void *arg)
{
	mempool_loop(PRT, arg);
	return 0;
}

static int dpdk_mempool_worker(void *arg)
{
	mempool_loop(DPDK, arg);
	return 0;
}

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

/* --- cases -------------------------------------------------------------- */

enum kind { RING_1CORE, RING_2CORES, MEMPOOL_1, MEMPOOL_2, MBUF };

/* Runs one repetition of @p kind on side @p s; returns cycles per op. */
static double run_once(enum kind kind, enum side s, struct target *t)
{
	unsigned int ops = RING_OBJS;

	atomic_store(&t->go, 0);
	atomic_store(&t->ready, 0);
	switch (kind) {
	case RING_1CORE:
		if (s == PRT)
			ring_1core(PRT, t);
		else
			ring_1core(DPDK, t);
		break;
	case RING_2CORES:
		if (s == PRT) {
			prt_eal_remote_launch(prt_ring_producer, t, 1);
			ring_consumer(PRT, t);
			prt_eal_wait_lcore(1);
		} else {
			rte_eal_remote_launch(dpdk_ring_producer, t, 1);
			ring_consumer(DPDK, t);
			rte_eal_wait_lcore(1);
		}
		break;
	case MEMPOOL_1:
	case MEMPOOL_2:
		ops = POOL_OPS;
		if (kind == MEMPOOL_2) {
			if (s == PRT)
				prt_eal_remote_launch(prt_mempool_worker, t, 1);
			else
				rte_eal_remote_launch(dpdk_mempool_worker, t, 1);
			while (atomic_load(&t->ready) < 1)
				;
		}
		atomic_store(&t->go, 1);
		if (s == PRT)
			mempool_loop(PRT, t);
		else
			mempool_loop(DPDK, t);
		if (kind == MEMPOOL_2 && s == PRT)
			prt_eal_wait_lcore(1);
		else if (kind == MEMPOOL_2)
			rte_eal_wait_lcore(1);
		break;
	case MBUF:
		ops = MBUF_OPS;
		if (s == PRT)
			mbuf_loop(PRT, t);
		else
			mbuf_loop(DPDK, t);
		break;
	}
	return (double)t->cycles[s] / ops;
}

static void report(const char *name, enum kind kind, struct target *t)
{
	double best[2] = { 1e30, 1e30 };

	for (int rep = 0; rep < REPS; rep++) {
		for (int s = PRT; s <= DPDK; s++) {
			double c = run_once(kind, (enum side)s, t);

			if (c < best[s])
				best[s] = c;
		}
	}
	printf("case=%s prt=%.2f dpdk=%.2f ratio=%.2f\n", name, best[PRT], best[DPDK],
	       best[DPDK] / best[PRT]);
	fflush(stdout);
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
		struct target t = { .single_thread = st };
		unsigned int flags = st ? RING_F_SP_ENQ | RING_F_SC_DEQ : 0;

		t.obj[PRT] = prt_ring_create("bench", RING_SIZE, 0, flags);
		t.obj[DPDK] = rte_ring_create("bench", RING_SIZE, 0, flags);
		if (t.obj[PRT] == NULL || t.obj[DPDK] == NULL) {
			fprintf(stderr, "bench: cannot create the rings\n");
			exit(1);
		}
		for (unsigned int i = 0; i < PRT_DIM(sizes); i++) {
			for (int cores = 1; cores <= 2; cores++) {
				char name[64];

				t.n = sizes[i];
				t.single_obj = sizes[i] == 1;
				snprintf(name, sizeof(name), "ring_%s_%s%s_%s",
					 st ? "sp_sc" : "mp_mc", t.single_obj ? "single" : "burst",
					 t.single_obj ? "" : (sizes[i] == 8 ? "8" : "32"),
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
	static const unsigned int sizes[] = { 1, 8, 32 };

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
		for (unsigned int i = 0; i < PRT_DIM(sizes); i++) {
			for (int lcores = 1; lcores <= 2; lcores++) {
				char name[64];

				t.n = sizes[i];
				snprintf(name, sizeof(name), "mempool_%s_bulk%u_%s",
					 cached ? "cache" : "nocache", sizes[i],
					 lcores == 1 ? "1lcore" : "2lcores");
				if (wanted(name))
					report(name, lcores == 1 ? MEMPOOL_1 : MEMPOOL_2, &t);
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
			      "--in-memory",
			      "--no-telemetry",
			      "--log-level=error",
			      NULL,
			      NULL };
	int prt_argc = 6, dpdk_argc = 9;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-huge") == 0) {
			prt_argv[prt_argc++] = "--no-huge";
			dpdk_argv[dpdk_argc++] = "--no-huge";
		} else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
			filter = argv[++i];
		} else {
			fprintf(stderr, "usage: %s [--no-huge] [--case SUBSTRING]\n", argv[0]);
			return 2;
		}
	}
	if (prt_eal_init(prt_argc, prt_argv) < 0) {
		fprintf(stderr, "bench: prt_eal_init failed (hugepages? try --no-huge)\n");
		return 1;
	}
	if (rte_eal_init(dpdk_argc, dpdk_argv) < 0) {
		fprintf(stderr, "bench: rte_eal_init failed (hugepages? try --no-huge)\n");
		return 1;
	}
	ring_cases();
	mempool_cases();
	mbuf_cases();
	rte_eal_cleanup();
	prt_eal_cleanup();
	return 0;
}
