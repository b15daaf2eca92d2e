/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt_malloc over both backings (run with --no-huge, and with memfd
 * hugepages): argument checks, alignment, zeroing, IOVA, growth past the
 * start-up memory, and a stress of alloc/free from every lcore at once that
 * checks no two blocks overlap and that the heap merges back to whole
 * segments.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "mem_test.h"

#include "prt_malloc.h"
#include "prt_memory.h"

static void test_bad_arguments(void **state)
{
	(void)state;
	errno = 0;
	assert_null(prt_malloc("t", 0, 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(prt_malloc("t", 64, 3));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(prt_malloc_socket("t", 64, 0, (int)prt_socket_count()));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(prt_calloc("t", SIZE_MAX / 2, 4, 0));
	assert_int_equal(errno, EINVAL);
	prt_free(NULL);
}

static void test_alignment_and_zeroing(void **state)
{
	static const unsigned int aligns[] = { 0, 1, 8, 64, 128, 4096, 65536, 1u << 21 };
	void *p[PRT_DIM(aligns)];

	(void)state;
	for (size_t i = 0; i < PRT_DIM(aligns); i++) {
		unsigned int a = aligns[i] < 64 ? 64 : aligns[i];

		p[i] = prt_zmalloc("t", 1000 + i * 77, aligns[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % a, 0);
		for (size_t k = 0; k < 1000 + i * 77; k++)
			assert_int_equal(((unsigned char *)p[i])[k], 0);
		memset(p[i], 0xa5, 1000 + i * 77);
	}
	for (size_t i = 0; i < PRT_DIM(aligns); i++)
		prt_free(p[i]);
}

static void test_calloc_zeroes(void **state)
{
	uint32_t *v;

	(void)state;
	v = prt_calloc("t", 1000, sizeof(*v), 0);
	assert_non_null(v);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(v[i], 0);
	prt_free(v);
}

/* Every allocation is IOVA-contiguous when it fits in one page. */
static void test_iova(void **state)
{
	char *p;
	int x = 0;

	(void)state;
	assert_int_equal(prt_mem_virt2iova(&x), PRT_BAD_IOVA);
	assert_int_equal(prt_malloc_virt2iova(&x), PRT_BAD_IOVA);
	for (int i = 0; i < 64; i++) {
		p = prt_malloc("t", 100000, 0);
		assert_non_null(p);
		assert_int_not_equal(prt_malloc_virt2iova(p), PRT_BAD_IOVA);
		assert_int_equal(prt_malloc_virt2iova(p + 4000), prt_malloc_virt2iova(p) + 4000);
		assert_int_equal(prt_mem_iova_contig(p, 100000), 1);
		if (prt_eal_iova_mode() == PRT_IOVA_VA)
			assert_int_equal(prt_malloc_virt2iova(p), (prt_iova_t)(uintptr_t)p);
		prt_free(p);
	}
}

/* Asking past the start-up memory adds a segment on the caller's node. */
static void test_grow(void **state)
{
	size_t before = prt_mem_total(PRT_SOCKET_ID_ANY);
	size_t big = before + (8u << 20);
	struct prt_malloc_socket_stats st;
	char *p;

	(void)state;
	if (prt_eal_has_hugepages())
		mem_test_need_hugepages((long)(big >> 21) + 2);
	p = prt_malloc("big", big, 0);
	assert_non_null(p);
	memset(p, 1, big);
	assert_true(prt_mem_total(PRT_SOCKET_ID_ANY) >= before + big);
	assert_int_equal(prt_malloc_get_socket_stats(prt_socket_id(), &st), 0);
	assert_true(st.alloc_count >= 1);
	prt_free(p);
	assert_int_equal(prt_malloc_get_socket_stats(prt_socket_id(), &st), 0);
	assert_int_equal(st.alloc_count, 0);
	assert_int_equal(st.heap_freesz_bytes, st.heap_totalsz_bytes);
}

/* Stress: every lcore allocates and frees at random; blocks carry a pattern. */
#define STRESS_SLOTS 64
#define STRESS_ROUNDS 20000

static atomic_int stress_errors;

static int stress_lcore(void *arg)
{
	struct {
		unsigned char *p;
		size_t len;
		unsigned char tag;
	} slot[STRESS_SLOTS] = { 0 };
	unsigned int seed = prt_lcore_id() * 7919u + 1;

	(void)arg;
	for (int r = 0; r < STRESS_ROUNDS; r++) {
		int i = rand_r(&seed) % STRESS_SLOTS;

		if (slot[i].p) {
			for (size_t k = 0; k < slot[i].len; k += 61)
				if (slot[i].p[k] != slot[i].tag)
					atomic_fetch_add(&stress_errors, 1);
			prt_free(slot[i].p);
			slot[i].p = NULL;
			continue;
		}
		slot[i].len = 1 + (size_t)rand_r(&seed) % (rand_r(&seed) % 8 ? 2048 : 300000);
		slot[i].tag = (unsigned char)(prt_lcore_id() * 31 + (unsigned int)r);
		slot[i].p = prt_malloc("stress", slot[i].len, 1u << (rand_r(&seed) % 13));
		if (slot[i].p == NULL) {
			atomic_fetch_add(&stress_errors, 1);
			continue;
		}
		memset(slot[i].p, slot[i].tag, slot[i].len);
	}
	for (int i = 0; i < STRESS_SLOTS; i++)
		prt_free(slot[i].p);
	return 0;
}

static void test_stress_all_lcores(void **state)
{
	struct prt_malloc_socket_stats st;

	(void)state;
	assert_true(prt_lcore_count() >= 2);
	assert_int_equal(prt_eal_mp_remote_launch(stress_lcore, NULL, 1), 0);
	prt_eal_mp_wait_lcore();
	assert_int_equal(atomic_load(&stress_errors), 0);
	for (unsigned int s = 0; s < prt_socket_count(); s++) {
		assert_int_equal(prt_malloc_get_socket_stats((int)s, &st), 0);
		assert_int_equal(st.alloc_count, 0);
		assert_int_equal(st.heap_freesz_bytes, st.heap_totalsz_bytes);
	}
}

/* Runs after the stress test: every block was freed. */
static void test_dump_stats(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	prt_malloc_dump_stats(f, NULL);
	fclose(f);
	assert_non_null(strstr(text, "heap node 0: total "));
	assert_non_null(strstr(text, " 0 blocks allocated"));
	free(text);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_alignment_and_zeroing),
		cmocka_unit_test(test_calloc_zeroes),
		cmocka_unit_test(test_iova),
		cmocka_unit_test(test_stress_all_lcores),
		cmocka_unit_test(test_dump_stats),
		cmocka_unit_test(test_grow),
	};

	return mem_test_run(tests, argc, argv);
}
