/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers of the 'mem' suite: start the EAL on every allowed CPU with the
 * memory options a test program was given, skipping (never passing) when
 * the hugepages it needs are not free; read the kernel's free page count;
 * capture log lines to check their text.
 */
#ifndef MEM_TEST_H
#define MEM_TEST_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "prt_test.h"

#include "prt_eal.h"

#define MEM_TEST_HP_DIR "/sys/kernel/mm/hugepages/hugepages-2048kB/"

/** Reads a count of the 2 MiB pool ("free_hugepages", "resv_hugepages", "nr_hugepages"). */
static inline long mem_test_hp_count(const char *file)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), MEM_TEST_HP_DIR "%s", file);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/** 2 MiB pages a new mapping can get now: free minus promised. */
static inline long mem_test_hp_avail(void)
{
	long free_pages = mem_test_hp_count("free_hugepages");

	return free_pages < 0 ? 0 : free_pages - mem_test_hp_count("resv_hugepages");
}

/** Skips the program unless @p pages 2 MiB pages are free. */
static inline void mem_test_need_hugepages(long pages)
{
	long avail = mem_test_hp_avail();

	if (avail < pages)
		prt_test_skip("needs %ld free 2 MiB hugepages, %ld free (as root: "
			      "tools/hugepages reserve 512)",
			      pages, avail);
}

/** True when the program's arguments hold @p opt. */
static inline bool mem_test_has_arg(int argc, char **argv, const char *opt)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], opt) == 0)
			return true;
	return false;
}

/**
 * prt_eal_init() with --lcores on every CPU and the program's own arguments
 * (e.g. --no-huge, --iova-mode=pa, -m 128). Without --no-huge, skips unless
 * 32 free 2 MiB pages (the default 64 MiB) are free.
 * @return prt_eal_init()'s value.
 */
static inline int mem_test_eal_init(int argc, char **argv)
{
	static char lcores[128];
	char *args[32] = { "mem_test", "--lcores", lcores };
	int n = 3;

	if (!mem_test_has_arg(argc, argv, "--no-huge"))
		mem_test_need_hugepages(32);
	prt_test_lcores(lcores, sizeof(lcores));
	for (int i = 1; i < argc && n < 31; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	return prt_eal_init(n, args);
}

static int mem_test_argc;
static char **mem_test_argv;

/** Group setup: mem_test_eal_init() with the program's arguments. */
static inline int mem_test_setup(void **state)
{
	(void)state;
	return mem_test_eal_init(mem_test_argc, mem_test_argv) > 0 ? 0 : -1;
}

/** Group teardown: prt_eal_cleanup(). */
static inline int mem_test_teardown(void **state)
{
	(void)state;
	return prt_eal_cleanup();
}

/**
 * Runs the cmocka array @p tests as one group between mem_test_setup() and
 * mem_test_teardown(), the EAL started with the program's @p argc/@p argv.
 */
#define mem_test_run(tests, argc, argv)                  \
	(mem_test_argc = (argc), mem_test_argv = (argv), \
	 cmocka_run_group_tests(tests, mem_test_setup, mem_test_teardown))

/** Number of entries in directory @p dir, "." and ".." left out. */
static inline int mem_test_files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/** Starts capturing log lines into a memory buffer; mem_test_log_end() returns them. */
static inline FILE *mem_test_log_begin(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	prt_log_set_stream(f);
	return f;
}

/** Stops capturing; the text is in the buffer given to mem_test_log_begin() (free() it). */
static inline void mem_test_log_end(FILE *f)
{
	prt_log_set_stream(NULL);
	fclose(f);
}

#endif /* MEM_TEST_H */
