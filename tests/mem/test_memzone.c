/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memzones over each backing: every documented error, alignment of the
 * address and of the IOVA, IOVA contiguity, page-size flags, reuse of a
 * freed name, and a race of every lcore for one name.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "mem_test.h"

#include "prt_memory.h"
#include "prt_memzone.h"

static void expect_error(const struct prt_memzone *mz, int err)
{
	assert_null(mz);
	assert_int_equal(errno, err);
}

static void test_errors(void **state)
{
	const struct prt_memzone *mz;

	(void)state;
	expect_error(prt_memzone_reserve(NULL, 64, PRT_SOCKET_ID_ANY, 0), EINVAL);
	expect_error(prt_memzone_reserve("", 64, PRT_SOCKET_ID_ANY, 0), EINVAL);
	expect_error(prt_memzone_reserve("z", 0, PRT_SOCKET_ID_ANY, 0), EINVAL);
	expect_error(prt_memzone_reserve_aligned("z", 64, PRT_SOCKET_ID_ANY, 0, 3), EINVAL);
	expect_error(prt_memzone_reserve("z", 64, PRT_SOCKET_ID_ANY, 0x8), EINVAL);
	expect_error(prt_memzone_reserve("z", 64, (int)prt_socket_count(), 0), EINVAL);
	expect_error(prt_memzone_reserve("a-name-of-exactly-32-characters!", 64, PRT_SOCKET_ID_ANY,
					 0),
		     ENAMETOOLONG);
	expect_error(prt_memzone_lookup("nothing"), ENOENT);

	mz = prt_memzone_reserve("a-name-of-31-characters-is-fine", 64, PRT_SOCKET_ID_ANY, 0);
	assert_non_null(mz);
	expect_error(prt_memzone_reserve("a-name-of-31-characters-is-fine", 64, 0, 0), EEXIST);
	assert_int_equal(prt_memzone_free(mz), 0);
	assert_int_equal(prt_memzone_free(mz), -EINVAL);
	assert_int_equal(prt_memzone_free(NULL), -EINVAL);
}

static void test_reserve_lookup_free(void **state)
{
	const struct prt_memzone *mz, *again;

	(void)state;
	mz = prt_memzone_reserve("ring0", 10000, 0, 0);
	assert_non_null(mz);
	assert_string_equal(mz->name, "ring0");
	assert_int_equal(mz->len, 10000);
	assert_int_equal(mz->socket_id, 0);
	assert_int_equal((uintptr_t)mz->addr % PRT_CACHE_LINE_SIZE, 0);
	assert_int_equal(mz->iova, prt_mem_virt2iova(mz->addr));
	assert_int_equal(mz->hugepage_sz, prt_eal_has_hugepages() ? PRT_PGSIZE_2M : PRT_PGSIZE_4K);
	memset(mz->addr, 0x5a, mz->len);
	assert_ptr_equal(prt_memzone_lookup("ring0"), mz);
	assert_int_equal(prt_memzone_free(mz), 0);
	assert_null(prt_memzone_lookup("ring0"));
	again = prt_memzone_reserve("ring0", 64, PRT_SOCKET_ID_ANY, 0);
	assert_non_null(again);
	assert_int_equal(prt_memzone_free(again), 0);
}

/* The address, and the IOVA up to the page size, are aligned as asked. */
static void test_alignment(void **state)
{
	(void)state;
	for (unsigned int a = 64; a <= (4u << 20); a <<= 1) {
		const struct prt_memzone *mz;
		char name[32];

		snprintf(name, sizeof(name), "align%u", a);
		mz = prt_memzone_reserve_aligned(name, 3000, PRT_SOCKET_ID_ANY, 0, a);
		assert_non_null(mz);
		assert_int_equal((uintptr_t)mz->addr % a, 0);
		if (a <= mz->hugepage_sz)
			assert_int_equal(mz->iova % a, 0);
	}
	for (unsigned int a = 64; a <= (4u << 20); a <<= 1) {
		char name[32];

		snprintf(name, sizeof(name), "align%u", a);
		assert_int_equal(prt_memzone_free(prt_memzone_lookup(name)), 0);
	}
}

/* PRT_MEMZONE_IOVA_CONTIG: the whole zone has contiguous IOVAs. */
static void test_iova_contig(void **state)
{
	static const size_t sizes[] = { 4096, 1u << 20, 2u << 20, 6u << 20 };

	(void)state;
	for (size_t i = 0; i < PRT_DIM(sizes); i++) {
		const struct prt_memzone *mz;
		char name[32];

		snprintf(name, sizeof(name), "contig%zu", i);
		mz = prt_memzone_reserve(name, sizes[i], PRT_SOCKET_ID_ANY,
					 PRT_MEMZONE_IOVA_CONTIG);
		if (mz == NULL && sizes[i] > PRT_PGSIZE_2M && prt_eal_iova_mode() == PRT_IOVA_PA) {
			/* Several physically contiguous pages may not exist. */
			assert_int_equal(errno, ENOMEM);
			continue;
		}
		assert_non_null(mz);
		assert_int_equal(prt_mem_iova_contig(mz->addr, mz->len), 1);
		assert_int_equal(prt_mem_virt2iova((char *)mz->addr + mz->len - 1),
				 mz->iova + mz->len - 1);
		assert_int_equal(prt_memzone_free(mz), 0);
	}
}

static void test_page_size_flags(void **state)
{
	const struct prt_memzone *mz;

	(void)state;
	mz = prt_memzone_reserve("two-mb", 4096, PRT_SOCKET_ID_ANY, PRT_MEMZONE_2MB);
	if (!prt_eal_has_hugepages()) {
		expect_error(mz, ENOMEM); /* --no-huge has only small pages */
		return;
	}
	assert_non_null(mz);
	assert_int_equal(mz->hugepage_sz, PRT_PGSIZE_2M);
	assert_int_equal(prt_memzone_free(mz), 0);
	mz = prt_memzone_reserve("either", 4096, PRT_SOCKET_ID_ANY,
				 PRT_MEMZONE_2MB | PRT_MEMZONE_1GB);
	assert_non_null(mz);
	assert_int_equal(prt_memzone_free(mz), 0);
}

/* 1 GiB pages only, on a machine that has none free: ENOMEM and a message saying so. */
static void test_no_1g_pages(void **state)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", "r");
	const struct prt_memzone *mz;
	char *log = NULL;
	size_t len = 0;
	long free_1g = 0;
	FILE *cap;
	int err;

	(void)state;
	if (f != NULL) {
		assert_int_equal(fscanf(f, "%ld", &free_1g), 1);
		fclose(f);
	}
	if (!prt_eal_has_hugepages() || free_1g > 0)
		skip(); /* --no-huge refuses any page size (above); 1 GiB pages would work */
	cap = mem_test_log_begin(&log, &len);
	mz = prt_memzone_reserve("one-gb", 4096, PRT_SOCKET_ID_ANY, PRT_MEMZONE_1GB);
	err = errno; /* before the calls below, which may change it */
	mem_test_log_end(cap);
	printf("%s", log);
	assert_null(mz);
	assert_int_equal(err, ENOMEM);
	assert_non_null(strstr(log, "1 GiB"));
	assert_non_null(strstr(log, f == NULL ? "offers no" : "hugepagesz=1G"));
	free(log);
}

static void walk_counter(const struct prt_memzone *mz, void *arg)
{
	(void)mz;
	(*(int *)arg)++;
}

/* Every lcore asks for the same name at once: exactly one gets it. */
static atomic_int race_winners;

static int race_lcore(void *arg)
{
	(void)arg;
	if (prt_memzone_reserve("contended", 256, PRT_SOCKET_ID_ANY, 0) != NULL)
		atomic_fetch_add(&race_winners, 1);
	else if (errno != EEXIST)
		atomic_fetch_add(&race_winners, 100);
	return 0;
}

static void test_race_for_a_name(void **state)
{
	int n = 0;

	(void)state;
	assert_int_equal(prt_eal_mp_remote_launch(race_lcore, NULL, 1), 0);
	prt_eal_mp_wait_lcore();
	assert_int_equal(atomic_load(&race_winners), 1);
	prt_memzone_walk(walk_counter, &n);
	assert_int_equal(n, 1);
	assert_int_equal(prt_memzone_free(prt_memzone_lookup("contended")), 0);
}

static void test_dump(void **state)
{
	const struct prt_memzone *mz = prt_memzone_reserve("dumped", 256, PRT_SOCKET_ID_ANY, 0);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(mz);
	prt_memzone_dump(f);
	fclose(f);
	assert_non_null(strstr(text, "memzone 'dumped': len 256 "));
	free(text);
	assert_int_equal(prt_memzone_free(mz), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),		cmocka_unit_test(test_reserve_lookup_free),
		cmocka_unit_test(test_alignment),	cmocka_unit_test(test_iova_contig),
		cmocka_unit_test(test_page_size_flags), cmocka_unit_test(test_no_1g_pages),
		cmocka_unit_test(test_race_for_a_name), cmocka_unit_test(test_dump),
	};

	return mem_test_run(tests, argc, argv);
}
