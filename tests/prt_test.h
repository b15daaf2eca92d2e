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
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

/**
 * A "--lcores" value: every CPU this process may run on (at most 8), each an
 * lcore of its own id ("0@0,1@1"); with one CPU, two lcores share it
 * ("0@0,1@0"), so that launch/wait paths always have a worker.
 */
static inline void prt_test_lcores(char *buf, size_t len)
{
	cpu_set_t set;
	int n = 0, first = -1;

	sched_getaffinity(0, sizeof(set), &set);
	for (int c = 0; c < CPU_SETSIZE && n < 8; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		if (first < 0)
			first = c;
		n += snprintf(buf + n, len - (size_t)n, "%s%d@%d", n ? "," : "", c, c);
	}
	if (CPU_COUNT(&set) == 1)
		snprintf(buf, len, "%d@%d,%d@%d", first, first, first + 1, first);
}

/**
 * fork() with a pipe from the child to the parent. In the child it returns 0
 * with the write end in @p fd; in the parent, the child's pid with the read
 * end in @p fd. The other end is closed on each side. Fails the test when
 * the pipe or the fork fails.
 */
static inline pid_t prt_test_fork_piped(int *fd)
{
	int pfd[2];
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	close(pid == 0 ? pfd[0] : pfd[1]);
	*fd = pid == 0 ? pfd[1] : pfd[0];
	return pid;
}

#endif /* PRT_TEST_H */
