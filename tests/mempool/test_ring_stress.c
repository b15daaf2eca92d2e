/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt_ring under load: producers and consumers on every lcore (two of each
 * on a 2-CPU machine, two lcores per CPU) push STRESS_OBJS (10^8) objects
 * through a small ring in MP/MC and SP/SC modes, with random bulk and burst
 * sizes, and a tenth of that in the mixed modes (MP/SC, SP/MC) and through a
 * ring of 16-byte elements (the same code paths; the suite stays within
 * about 30 s on a loaded 2-CPU machine).
 *
 * Proof that nothing is lost or duplicated: each object is (producer id,
 * sequence number). Every consumer checks that it sees each producer's
 * sequence numbers strictly increasing (a ring is FIFO, and one producer's
 * later enqueue takes later slots), and the consumers' total count, sum and
 * sum of squares must equal the producers'.
 *
 * Under AddressSanitizer the count is cut by 10 (the test says so).
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem_test.h"

#include "prt_ring.h"

#if defined(__SANITIZE_ADDRESS__)
#define STRESS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STRESS_ASAN 1
#endif
#endif
#ifdef STRESS_ASAN
#define STRESS_OBJS 10000000ull
#else
#define STRESS_OBJS 100000000ull
#endif

#define RING_SIZE 1024
#define RECYCLE_ROUNDS ((unsigned int)(STRESS_OBJS / 100))
#define MAX_BURST 32
#define MAX_THREADS 8

/* An object: producer id in the top byte, sequence number (from 1) below. */
#define OBJ(p, seq) (((uint64_t)(p) << 56) | (seq))
#define OBJ_PRODUCER(o) ((unsigned int)((o) >> 56))
#define OBJ_SEQ(o) ((o) & ((1ull << 56) - 1))

struct stress {
	struct prt_ring *r;
	unsigned int esize; /* 8: pointers; 16: pairs (object, ~object) */
	unsigned int nb_prod, nb_cons;
	int prod_single, cons_single; /* use the sp/sc calls */
	uint64_t per_producer;
	/* Written by the consumers on every call: off the line the producers read. */
	_Atomic uint64_t consumed __prt_cache_aligned;
	_Atomic uint64_t sum, sumsq, count;
	_Atomic int errors;
};

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)*s;
}

static unsigned int do_enqueue(struct stress *st, uint64_t *objs, unsigned int n, uint32_t r)
{
	if (st->esize == 16)
		return r & 1 ? prt_ring_mp_enqueue_bulk_elem(st->r, objs, 16, n, NULL) :
			       prt_ring_mp_enqueue_burst_elem(st->r, objs, 16, n, NULL);
	if (st->prod_single)
		return r & 1 ? prt_ring_sp_enqueue_bulk(st->r, (void **)objs, n, NULL) :
			       prt_ring_sp_enqueue_burst(st->r, (void **)objs, n, NULL);
	return r & 1 ? prt_ring_mp_enqueue_bulk(st->r, (void **)objs, n, NULL) :
		       prt_ring_mp_enqueue_burst(st->r, (void **)objs, n, NULL);
}

static unsigned int do_dequeue(struct stress *st, uint64_t *objs, unsigned int n, uint32_t r)
{
	if (st->esize == 16)
		return r & 1 ? prt_ring_mc_dequeue_bulk_elem(st->r, objs, 16, n, NULL) :
			       prt_ring_mc_dequeue_burst_elem(st->r, objs, 16, n, NULL);
	if (st->cons_single)
		return r & 1 ? prt_ring_sc_dequeue_bulk(st->r, (void **)objs, n, NULL) :
			       prt_ring_sc_dequeue_burst(st->r, (void **)objs, n, NULL);
	return r & 1 ? prt_ring_mc_dequeue_bulk(st->r, (void **)objs, n, NULL) :
		       prt_ring_mc_dequeue_burst(st->r, (void **)objs, n, NULL);
}

static void produce(struct stress *st, unsigned int id)
{
	const unsigned int words = st->esize / 8;
	uint64_t objs[MAX_BURST * 2], seq = 1, seed = 0x9e3779b97f4a7c15ull * (id + 1);

	while (seq <= st->per_producer) {
		uint32_t r = rnd(&seed);
		unsigned int n = 1 + r % MAX_BURST, done;

		if (n > st->per_producer - seq + 1)
			n = (unsigned int)(st->per_producer - seq + 1);
		for (unsigned int i = 0; i < n; i++) {
			objs[i * words] = OBJ(id, seq + i);
			if (words == 2)
				objs[i * 2 + 1] = ~OBJ(id, seq + i);
		}
		done = do_enqueue(st, objs, n, r >> 8);
		if (done == 0)
			sched_yield(); /* a consumer may share this CPU */
		seq += done;
	}
}

static void consume(struct stress *st)
{
	const unsigned int words = st->esize / 8;
	const uint64_t total = st->per_producer * st->nb_prod;
	uint64_t objs[MAX_BURST * 2], last[MAX_THREADS] = { 0 }, seed = (uintptr_t)&seed;
	uint64_t sum = 0, sumsq = 0, count = 0;
	int errors = 0;

	while (atomic_load_explicit(&st->consumed, memory_order_relaxed) < total) {
		uint32_t r = rnd(&seed);
		unsigned int got = do_dequeue(st, objs, 1 + r % MAX_BURST, r >> 8);

		if (got == 0) {
			sched_yield(); /* a producer may share this CPU */
			continue;
		}
		for (unsigned int i = 0; i < got; i++) {
			uint64_t o = objs[i * words];
			unsigned int p = OBJ_PRODUCER(o);

			if (p >= st->nb_prod || OBJ_SEQ(o) <= last[p] ||
			    (words == 2 && objs[i * 2 + 1] != ~o)) {
				if (errors++ < 5)
					print_error(
						"bad object 0x%016llx (last from producer: %llu)\n",
						(unsigned long long)o,
						(unsigned long long)last[p % MAX_THREADS]);
				continue;
			}
			last[p] = OBJ_SEQ(o);
			sum += o;
			sumsq += o * o;
			count++;
		}
		atomic_fetch_add_explicit(&st->consumed, got, memory_order_relaxed);
	}
	atomic_fetch_add(&st->sum, sum);
	atomic_fetch_add(&st->sumsq, sumsq);
	atomic_fetch_add(&st->count, count);
	atomic_fetch_add(&st->errors, errors);
}

/*
 * The lcore id is the role: producers first, then consumers, others idle.
 * Lcore i runs on CPU i % nb_cpus, so the threads of one side are on
 * different CPUs: they contend for real. (Two threads of one multi-thread
 * side on one CPU would convoy: each claims while the other, preempted, has
 * not published, and waits for it to be scheduled again, one context switch
 * per call; the recycle test has that case on purpose, briefly.)
 */
static int worker(void *arg)
{
	struct stress *st = arg;
	unsigned int role = prt_lcore_id();

	if (role < st->nb_prod)
		produce(st, role);
	else if (role < st->nb_prod + st->nb_cons)
		consume(st);
	return 0;
}

static void run(const char *mode, unsigned int esize, unsigned int nb_prod, unsigned int nb_cons,
		unsigned int flags, uint64_t objs)
{
	struct stress st = {
		.esize = esize,
		.nb_prod = nb_prod,
		.nb_cons = nb_cons,
		.prod_single = !!(flags & PRT_RING_F_SP_ENQ),
		.cons_single = !!(flags & PRT_RING_F_SC_DEQ),
		.per_producer = objs / nb_prod,
	};
	uint64_t sum = 0, sumsq = 0, t0 = prt_time_ns();

	assert_true(nb_prod + nb_cons <= prt_lcore_count());
	st.r = prt_ring_create_elem("stress", esize, RING_SIZE, PRT_SOCKET_ID_ANY, flags);
	assert_non_null(st.r);
	assert_int_equal(prt_eal_mp_remote_launch(worker, &st, 1), 0);
	prt_eal_mp_wait_lcore();

	for (unsigned int p = 0; p < nb_prod; p++)
		for (uint64_t s = 1; s <= st.per_producer; s++) {
			sum += OBJ(p, s);
			sumsq += OBJ(p, s) * OBJ(p, s);
		}
	printf("%s: %llu objects, %u producer(s), %u consumer(s), %u-byte elements: %.2f s\n", mode,
	       (unsigned long long)(st.per_producer * nb_prod), nb_prod, nb_cons, esize,
	       (double)(prt_time_ns() - t0) / 1e9);
	assert_int_equal(atomic_load(&st.errors), 0);
	assert_int_equal(atomic_load(&st.count), st.per_producer * nb_prod);
	assert_int_equal(atomic_load(&st.sum), sum);
	assert_int_equal(atomic_load(&st.sumsq), sumsq);
	assert_true(prt_ring_empty(st.r));
	prt_ring_free(st.r);
}

/*
 * A full ring of exactly RING_SIZE objects, lcores taking some out and
 * putting them back (as a mempool without cache does): what a thread took
 * always fits back, so an MP bulk enqueue must never fail, however stale
 * the indexes a thread read.
 */
struct recycle {
	struct prt_ring *r;
	unsigned int nb_lcores; /* the lcores with an id below it take part */
	unsigned int rounds; /* dequeue + enqueue per lcore, at most */
	uint64_t deadline_ns; /* or until then (prt_time_ns()) */
	_Atomic uint64_t done; /* rounds done, all lcores */
	_Atomic int failures;
};

static int recycle_worker(void *arg)
{
	struct recycle *rc = arg;
	uint64_t seed = 0x2545f4914f6cdd1dull * (prt_lcore_id() + 1);
	void *objs[MAX_BURST];

	unsigned int i;

	if (prt_lcore_id() >= rc->nb_lcores)
		return 0;
	for (i = 0; i < rc->rounds; i++) {
		unsigned int n = 1 + rnd(&seed) % MAX_BURST;

		if (i % 1024 == 0 && prt_time_ns() > rc->deadline_ns)
			break;
		if (prt_ring_mc_dequeue_bulk(rc->r, objs, n, NULL) == 0)
			continue;
		if (prt_ring_mp_enqueue_bulk(rc->r, objs, n, NULL) != n)
			atomic_fetch_add(&rc->failures, 1);
	}
	atomic_fetch_add(&rc->done, i);
	return 0;
}

/* @p nb_lcores recycle for @p rounds each, or for @p seconds. */
static void recycle(unsigned int nb_lcores, unsigned int rounds, double seconds)
{
	uint64_t t0 = prt_time_ns();
	struct recycle rc = {
		.nb_lcores = nb_lcores,
		.rounds = rounds,
		.deadline_ns = t0 + (uint64_t)(seconds * 1e9),
	};
	void *objs[RING_SIZE];

	rc.r = prt_ring_create("recycle", RING_SIZE, PRT_SOCKET_ID_ANY, PRT_RING_F_EXACT_SZ);
	assert_non_null(rc.r);
	for (uintptr_t i = 0; i < RING_SIZE; i++)
		objs[i] = (void *)(i + 1);
	assert_int_equal(prt_ring_enqueue_bulk(rc.r, objs, RING_SIZE, NULL), RING_SIZE);
	assert_int_equal(prt_eal_mp_remote_launch(recycle_worker, &rc, 1), 0);
	prt_eal_mp_wait_lcore();
	printf("recycle: %u lcores, %llu rounds: %.2f s\n", nb_lcores,
	       (unsigned long long)atomic_load(&rc.done), (double)(prt_time_ns() - t0) / 1e9);
	assert_int_equal(atomic_load(&rc.failures), 0);
	assert_true(prt_ring_full(rc.r));
	prt_ring_free(rc.r);
}

static unsigned int nb_cpus; /* CPUs the lcores run on (lcore i on the i % nb_cpus-th) */

static void test_recycle_never_fails(void **state)
{
	(void)state;
	/*
	 * One lcore per CPU, all at once: between a thread's load of the
	 * indexes and its CAS, the other CPUs move them.
	 */
	recycle(nb_cpus, RECYCLE_ROUNDS, 60);
	/*
	 * Every lcore, two per CPU on a 2-CPU machine: a thread is also
	 * preempted between its load and its CAS, for a whole time slice. Two
	 * threads of one side on one CPU convoy (see worker()): every call
	 * then waits for a context switch, so the same rounds would take
	 * minutes. Two seconds: tens of thousands of preempted claims.
	 */
	if (prt_lcore_count() > nb_cpus)
		recycle(prt_lcore_count(), RECYCLE_ROUNDS, 2);
}

/* Half the lcores produce, half consume (at least one of each). */
static unsigned int half(void)
{
	unsigned int n = prt_lcore_count() / 2;

	return n == 0 ? 1 : (n > MAX_THREADS ? MAX_THREADS : n);
}

static void test_mp_mc(void **state)
{
	(void)state;
	run("MP/MC", 8, half(), half(), 0, STRESS_OBJS);
}

static void test_sp_sc(void **state)
{
	(void)state;
	run("SP/SC", 8, 1, 1, PRT_RING_F_SP_ENQ | PRT_RING_F_SC_DEQ, STRESS_OBJS);
}

static void test_mp_sc(void **state)
{
	(void)state;
	run("MP/SC", 8, half(), 1, PRT_RING_F_SC_DEQ, STRESS_OBJS / 10);
}

static void test_sp_mc(void **state)
{
	(void)state;
	run("SP/MC", 8, 1, half(), PRT_RING_F_SP_ENQ, STRESS_OBJS / 10);
}

static void test_mp_mc_elem16(void **state)
{
	(void)state;
	/* The element path is the same code with another copy size: a tenth. */
	run("MP/MC elem16", 16, half(), half(), 0, STRESS_OBJS / 10);
}

static int setup(void **state)
{
	static char lcores[128];
	char *argv[] = { "test_ring_stress", "--no-huge", "--lcores", lcores, NULL };
	cpu_set_t set;
	int n = 0, cpus[8];

	(void)state;
	sched_getaffinity(0, sizeof(set), &set);
	for (int c = 0; c < CPU_SETSIZE && nb_cpus < PRT_DIM(cpus); c++)
		if (CPU_ISSET(c, &set))
			cpus[nb_cpus++] = c;
	if (nb_cpus < 2)
		prt_test_skip("needs 2 CPUs for producers and consumers to run at once (has %u)",
			      nb_cpus);
	/* Two CPUs: 4 lcores, 2 per CPU, for 2 producers and 2 consumers. */
	for (unsigned int i = 0; i < (nb_cpus == 2 ? 4 : nb_cpus); i++)
		n += snprintf(lcores + n, sizeof(lcores) - (size_t)n, "%s%u@%d", n ? "," : "", i,
			      cpus[i % nb_cpus]);
#ifdef STRESS_ASAN
	printf("AddressSanitizer build: %llu objects per mode instead of 10^8\n", STRESS_OBJS);
#endif
	return prt_eal_init(4, argv) > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return prt_eal_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mp_mc),	     cmocka_unit_test(test_sp_sc),
		cmocka_unit_test(test_mp_sc),	     cmocka_unit_test(test_sp_mc),
		cmocka_unit_test(test_mp_mc_elem16), cmocka_unit_test(test_recycle_never_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
