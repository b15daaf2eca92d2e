/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hugepage discovery against a fake sysfs/proc tree (two sizes, two NUMA
 * nodes, three hugetlbfs mounts, one with a space in its path) and against
 * the real one; and the shortfall message, whose numbers and fix command
 * come from the same counts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem_test.h"

#include "eal_memory.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put_pool(const char *dir, const char *nr, const char *free_pages, const char *resv)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "%s/nr_hugepages", dir);
	put(rel, nr);
	snprintf(rel, sizeof(rel), "%s/free_hugepages", dir);
	put(rel, free_pages);
	if (resv) {
		snprintf(rel, sizeof(rel), "%s/resv_hugepages", dir);
		put(rel, resv);
	}
}

static int make_fake_tree(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/prt-fake-sysXXXXXX");
	assert_non_null(mkdtemp(root));
	put_pool("sys/kernel/mm/hugepages/hugepages-2048kB", "300\n", "200\n", "20\n");
	put_pool("sys/kernel/mm/hugepages/hugepages-1048576kB", "2\n", "1\n", "0\n");
	put_pool("sys/devices/system/node/node0/hugepages/hugepages-2048kB", "250\n", "190\n",
		 NULL);
	put_pool("sys/devices/system/node/node1/hugepages/hugepages-2048kB", "50\n", "10\n", NULL);
	put_pool("sys/devices/system/node/node0/hugepages/hugepages-1048576kB", "2\n", "1\n", NULL);
	put_pool("sys/devices/system/node/node1/hugepages/hugepages-1048576kB", "0\n", "0\n", NULL);
	put("proc/meminfo", "MemTotal:       24000000 kB\nHugePages_Total:     300\n"
			    "Hugepagesize:       2048 kB\nHugetlb:         2662400 kB\n");
	put("proc/mounts", "proc /proc proc rw 0 0\n"
			   "nodev /mnt/huge hugetlbfs rw,relatime,pagesize=2M 0 0\n"
			   "nodev /mnt/huge\\0401g hugetlbfs rw,relatime,pagesize=1024M 0 0\n"
			   "tmpfs /tmp tmpfs rw 0 0\n"
			   "hugetlbfs /dev/hugepages hugetlbfs rw,relatime 0 0\n");
	return 0;
}

static int remove_fake_tree(void **state)
{
	char cmd[128];

	(void)state;
	eal_hugepage_info_set_roots(NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void use_fake_tree(void)
{
	char sys[128], proc[128];

	snprintf(sys, sizeof(sys), "%s/sys", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	eal_hugepage_info_set_roots(sys, proc);
}

static void test_fake_sizes_and_nodes(void **state)
{
	struct eal_hugepage_info hi;
	const struct eal_hugepage_size *s2, *s1g;

	(void)state;
	use_fake_tree();
	eal_hugepage_info_read(&hi);
	assert_int_equal(hi.default_sz, PRT_PGSIZE_2M);
	assert_int_equal(hi.nb_sizes, 2);
	assert_int_equal(hi.sizes[0].page_sz, PRT_PGSIZE_2M); /* smallest first */
	assert_int_equal(hi.sizes[1].page_sz, PRT_PGSIZE_1G);
	assert_int_equal(hi.nb_nodes, 2);
	s2 = eal_hugepage_size_find(&hi, PRT_PGSIZE_2M);
	s1g = eal_hugepage_size_find(&hi, PRT_PGSIZE_1G);
	assert_non_null(s2);
	assert_non_null(s1g);
	assert_null(eal_hugepage_size_find(&hi, 16u << 20));
	assert_int_equal(s2->nr_pages, 300);
	assert_int_equal(s2->free_pages, 200);
	assert_int_equal(s2->resv_pages, 20);
	assert_int_equal(s2->node_nr[0], 250);
	assert_int_equal(s2->node_free[1], 10);
	/* Available: free minus promised, and on a node at most its free pages. */
	assert_int_equal(eal_hugepage_avail(&hi, s2, -1), 180);
	assert_int_equal(eal_hugepage_avail(&hi, s2, 0), 180);
	assert_int_equal(eal_hugepage_avail(&hi, s2, 1), 10);
	assert_int_equal(eal_hugepage_avail(&hi, s1g, 1), 0);
}

static void test_fake_mounts(void **state)
{
	struct eal_hugepage_info hi;

	(void)state;
	use_fake_tree();
	eal_hugepage_info_read(&hi);
	assert_int_equal(hi.nb_mounts, 3);
	assert_string_equal(hi.mounts[0].path, "/mnt/huge");
	assert_int_equal(hi.mounts[0].page_sz, PRT_PGSIZE_2M);
	assert_string_equal(hi.mounts[1].path, "/mnt/huge 1g");
	assert_int_equal(hi.mounts[1].page_sz, PRT_PGSIZE_1G);
	assert_string_equal(hi.mounts[2].path, "/dev/hugepages");
	assert_int_equal(hi.mounts[2].page_sz, PRT_PGSIZE_2M); /* no pagesize=: the default */
}

static void test_fix_command(void **state)
{
	struct eal_hugepage_info hi;
	char cmd[400];

	(void)state;
	use_fake_tree();
	eal_hugepage_info_read(&hi);
	/* 40 asked on node 1, 10 free there: 30 more than its 50. */
	eal_hugepage_fix_cmd(&hi, PRT_PGSIZE_2M, 1, 40, cmd, sizeof(cmd));
	assert_string_equal(cmd, "echo 80 > /sys/devices/system/node/node1/hugepages/"
				 "hugepages-2048kB/nr_hugepages");
	eal_hugepage_fix_cmd(&hi, PRT_PGSIZE_2M, -1, 200, cmd, sizeof(cmd));
	assert_string_equal(cmd, "echo 320 > /sys/kernel/mm/hugepages/hugepages-2048kB/"
				 "nr_hugepages");
	eal_hugepage_fix_cmd(&hi, PRT_PGSIZE_1G, -1, 3, cmd, sizeof(cmd));
	assert_non_null(strstr(cmd, "echo 4 > /sys/kernel/mm/hugepages/hugepages-1048576kB"));
	assert_non_null(strstr(cmd, "hugepagesz=1G hugepages=4"));
}

/* One line: what was asked, what is free, and the command that fixes it. */
static void test_shortfall_message(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	use_fake_tree();
	f = mem_test_log_begin(&text, &len);
	eal_hugepage_shortfall_log(PRT_PGSIZE_2M, 1, 40, "--socket-mem");
	eal_hugepage_shortfall_log(16u << 20, -1, 1, "memzone");
	mem_test_log_end(f);
	printf("%s", text);
	assert_non_null(strstr(text, "--socket-mem: 40 pages of 2 MiB (80 MiB) asked on NUMA "
				     "node 1, 10 free"));
	assert_non_null(strstr(text, "echo 80 > /sys/devices/system/node/node1/"));
	assert_non_null(strstr(text, "this kernel offers no 16 MiB pages"));
	free(text);
}

static void test_size_strings(void **state)
{
	char b[16];

	(void)state;
	assert_string_equal(eal_size_str(PRT_PGSIZE_2M, b, sizeof(b)), "2 MiB");
	assert_string_equal(eal_size_str(PRT_PGSIZE_1G, b, sizeof(b)), "1 GiB");
	assert_string_equal(eal_size_str(PRT_PGSIZE_4K, b, sizeof(b)), "4 KiB");
	assert_string_equal(eal_size_str(96u << 20, b, sizeof(b)), "96 MiB");
}

/* The real tree: the counts agree with what sysfs says directly. */
static void test_real_tree(void **state)
{
	struct eal_hugepage_info hi;
	const struct eal_hugepage_size *s;
	struct stat st;

	(void)state;
	eal_hugepage_info_set_roots(NULL, NULL);
	eal_hugepage_info_read(&hi);
	if (stat(MEM_TEST_HP_DIR, &st) != 0) {
		assert_null(eal_hugepage_size_find(&hi, PRT_PGSIZE_2M));
		return;
	}
	assert_true(hi.default_sz != 0);
	s = eal_hugepage_size_find(&hi, PRT_PGSIZE_2M);
	assert_non_null(s);
	assert_int_equal(s->nr_pages, mem_test_hp_count("nr_hugepages"));
	if (hi.nb_nodes > 0) {
		unsigned int sum = 0;

		for (unsigned int n = 0; n < hi.nb_nodes; n++)
			sum += s->node_nr[n];
		assert_int_equal(sum, s->nr_pages);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fake_sizes_and_nodes),
		cmocka_unit_test(test_fake_mounts),
		cmocka_unit_test(test_fix_command),
		cmocka_unit_test(test_shortfall_message),
		cmocka_unit_test(test_size_strings),
		cmocka_unit_test(test_real_tree),
	};

	return cmocka_run_group_tests(tests, make_fake_tree, remove_fake_tree);
}
