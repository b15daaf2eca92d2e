/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The segment table over each backing: every segment is where it says (its
 * NUMA node, read back with move_pages()), its IOVAs are the kernel's
 * (read back from /proc/self/pagemap in PA mode), and listeners hear of
 * every segment: replayed when they register, announced before an
 * allocation from a new one is returned, able to refuse one, and told FREE
 * at cleanup.
 */
#include <errno.h>
#include <fcntl.h>
#include <numa.h>
#include <numaif.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem_test.h"

#include "prt_malloc.h"
#include "prt_memory.h"

/* The physical address of @va as the kernel tells it, independently of prt. */
static uint64_t pagemap_pa(const void *va)
{
	long pg = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e = 0;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &e, 8, (off_t)((uintptr_t)va / (uintptr_t)pg) * 8), 8);
	close(fd);
	return (e & ((UINT64_C(1) << 55) - 1)) * (uint64_t)pg + (uintptr_t)va % (uintptr_t)pg;
}

static int check_seg(const struct prt_memseg *ms, void *arg)
{
	(*(int *)arg)++;
	assert_int_equal((uintptr_t)ms->addr % ms->hugepage_sz, 0);
	assert_int_equal(ms->len % ms->hugepage_sz, 0);
	assert_int_equal(ms->iova, prt_mem_virt2iova(ms->addr));
	for (size_t off = 0; off < ms->len; off += ms->hugepage_sz * 7 + 4096) {
		const char *va = (const char *)ms->addr + off;
		int node = -1;
		void *page = (void *)va;

		if (prt_eal_iova_mode() == PRT_IOVA_PA)
			assert_int_equal(prt_mem_virt2iova(va), pagemap_pa(va));
		else
			assert_int_equal(prt_mem_virt2iova(va), (prt_iova_t)(uintptr_t)va);
		if (numa_available() >= 0) {
			assert_int_equal(move_pages(0, 1, &page, NULL, &node, 0), 0);
			assert_int_equal(node, ms->socket_id);
		}
	}
	return 0;
}

static void test_segments_are_what_they_say(void **state)
{
	int n = 0;

	(void)state;
	assert_int_equal(prt_memseg_walk(check_seg, &n), 0);
	assert_true(n >= 1);
	assert_true(prt_mem_total(PRT_SOCKET_ID_ANY) >= (16u << 20));
}

/* Start-up memory is what the options say (this test runs before any growth). */
static void test_startup_size(void **state)
{
	size_t want = 64u << 20; /* the default: 64 MiB on each node with an lcore */
	int node = PRT_SOCKET_ID_ANY;

	(void)state;
	for (int i = 1; i + 1 < mem_test_argc; i++) {
		if (strcmp(mem_test_argv[i], "-m") == 0)
			want = (size_t)atoi(mem_test_argv[i + 1]) << 20;
		if (strcmp(mem_test_argv[i], "--socket-mem") == 0) {
			want = (size_t)atoi(mem_test_argv[i + 1]) << 20; /* node 0's */
			node = 0;
		}
	}
	if (node == PRT_SOCKET_ID_ANY && prt_socket_count() > 1)
		skip(); /* the default depends on where the lcores are */
	assert_int_equal(prt_mem_total(node), want);
}

static void test_dump_layout(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	prt_dump_physmem_layout(f);
	fclose(f);
	printf("%s", text);
	assert_non_null(strstr(text, "segment 0: addr "));
	assert_non_null(strstr(text, prt_eal_has_hugepages() ? "pages 2 MiB" : "pages 4 KiB"));
	assert_non_null(strstr(text, "node 0: "));
	free(text);
}

static int stop_at_first(const struct prt_memseg *ms, void *arg)
{
	(void)ms;
	(void)arg;
	return 42;
}

static void test_walk_stops(void **state)
{
	(void)state;
	assert_int_equal(prt_memseg_walk(stop_at_first, NULL), 42);
}

/* What a listener heard. */
struct heard {
	unsigned int allocs, frees;
	const char *last_addr;
	size_t last_len;
	int refuse; /* error to return for ALLOC once @accept were accepted; 0: accept all */
	unsigned int accept;
	int iova_ok; /* prt_mem_virt2iova() worked inside the callback */
};

static int listener(enum prt_mem_event ev, const void *addr, size_t len, void *arg)
{
	struct heard *h = arg;

	if (ev == PRT_MEM_EVENT_FREE) {
		h->frees++;
		return 0;
	}
	if (h->refuse && h->allocs >= h->accept)
		return h->refuse;
	h->allocs++;
	h->last_addr = addr;
	h->last_len = len;
	h->iova_ok = prt_mem_virt2iova(addr) != PRT_BAD_IOVA;
	return 0;
}

static int count_segs(const struct prt_memseg *ms, void *arg)
{
	(void)ms;
	(*(unsigned int *)arg)++;
	return 0;
}

static unsigned int nb_segments(void)
{
	unsigned int n = 0;

	prt_memseg_walk(count_segs, &n);
	return n;
}

static void test_listener_replay_and_growth(void **state)
{
	struct heard h = { 0 };
	size_t big = prt_mem_total(PRT_SOCKET_ID_ANY) + (4u << 20);
	char *p;

	(void)state;
	assert_int_equal(prt_mem_event_callback_register(NULL, listener, &h), -EINVAL);
	assert_int_equal(prt_mem_event_callback_register("l", NULL, &h), -EINVAL);
	assert_int_equal(prt_mem_event_callback_register("l", listener, &h), 0);
	assert_int_equal(h.allocs, nb_segments());
	assert_int_equal(prt_mem_event_callback_register("l", listener, &h), -EEXIST);

	if (prt_eal_has_hugepages())
		mem_test_need_hugepages((long)(big >> 21) + 2);
	h.allocs = 0;
	p = prt_malloc("big", big, 0);
	assert_non_null(p);
	/* Announced before prt_malloc() returned, and the block lies in it. */
	assert_int_equal(h.allocs, 1);
	assert_true(h.iova_ok);
	assert_true(p >= h.last_addr && p + big <= h.last_addr + h.last_len);
	prt_free(p);
	assert_int_equal(prt_mem_event_callback_unregister("l"), 0);
	assert_int_equal(prt_mem_event_callback_unregister("l"), -ENOENT);
}

/* A listener that refuses a new segment makes the allocation that needed it fail. */
static void test_listener_refuses(void **state)
{
	struct heard ok = { 0 }, no = { 0 };
	size_t total = prt_mem_total(PRT_SOCKET_ID_ANY);
	unsigned int segs = nb_segments();

	(void)state;
	if (prt_eal_has_hugepages()) /* else the growth fails for want of pages, not the listener */
		mem_test_need_hugepages((long)(total >> 21) + 4);
	assert_int_equal(prt_mem_event_callback_register("ok", listener, &ok), 0);
	assert_int_equal(prt_mem_event_callback_register("no", listener, &no), 0);
	no.refuse = -EIO;
	errno = 0;
	assert_null(prt_malloc("big", total + (4u << 20), 0));
	assert_int_equal(errno, ENOMEM);
	/* "ok" accepted it first, so it is told the segment went away. */
	assert_int_equal(ok.frees, 1);
	assert_int_equal(prt_mem_total(PRT_SOCKET_ID_ANY), total);
	assert_int_equal(nb_segments(), segs);
	assert_int_equal(prt_mem_event_callback_unregister("no"), 0);
	assert_int_equal(prt_mem_event_callback_unregister("ok"), 0);
}

/* A listener that fails during the replay is not registered, and is told FREE for what it took. */
static void test_listener_fails_replay(void **state)
{
	struct heard h = { .refuse = -EPERM, .accept = 1 };

	(void)state;
	assert_true(nb_segments() >= 2); /* the growth test added one */
	assert_int_equal(prt_mem_event_callback_register("bad", listener, &h), -EPERM);
	assert_int_equal(h.allocs, 1);
	assert_int_equal(h.frees, 1);
	assert_int_equal(prt_mem_event_callback_unregister("bad"), -ENOENT);
	h.refuse = 0;
	assert_int_equal(prt_mem_event_callback_register("bad", listener, &h), 0);
	assert_int_equal(prt_mem_event_callback_unregister("bad"), 0);
}

/* prt_eal_cleanup() tells every listener about every segment; runs last. */
static void test_cleanup_frees(void **state)
{
	struct heard h = { 0 };
	unsigned int segs = nb_segments();

	(void)state;
	assert_int_equal(prt_mem_event_callback_register("c", listener, &h), 0);
	assert_int_equal(prt_eal_cleanup(), 0);
	assert_int_equal(h.frees, segs);
	assert_int_equal(prt_mem_event_callback_register("c", listener, &h), -ENODEV);
	assert_int_equal(prt_mem_virt2iova(h.last_addr), PRT_BAD_IOVA);
	assert_true(mem_test_eal_init(mem_test_argc, mem_test_argv) > 0); /* for teardown */
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_startup_size),
		cmocka_unit_test(test_segments_are_what_they_say),
		cmocka_unit_test(test_dump_layout),
		cmocka_unit_test(test_walk_stops),
		cmocka_unit_test(test_listener_replay_and_growth),
		cmocka_unit_test(test_listener_refuses),
		cmocka_unit_test(test_listener_fails_replay),
		cmocka_unit_test(test_cleanup_frees),
	};

	return mem_test_run(tests, argc, argv);
}
