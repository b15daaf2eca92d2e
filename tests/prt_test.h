/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by prt's cmocka tests.
 *
 * A test program that cannot run on this machine (no hugepages, no second
 * CPU, not root) calls prt_test_skip() before running its group: it prints
 * the reason and exits with 77, which meson counts as skipped, never passed.
 */
#ifndef PRT_TEST_H
#define PRT_TEST_H

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

/** Exit code meson counts as a skipped test. */
#define PRT_TEST_SKIP_CODE 77

/** Prints "SKIP: reason" and ends the test program as skipped. */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
prt_test_skip(const char *fmt, ...)
{
	va_list ap;

	printf("SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(PRT_TEST_SKIP_CODE);
}

/** Number of fds this process has open (from /proc/self/fd): for "nothing left open" checks. */
static inline int prt_test_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

#endif /* PRT_TEST_H */
