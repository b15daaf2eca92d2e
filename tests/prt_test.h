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

#endif /* PRT_TEST_H */
