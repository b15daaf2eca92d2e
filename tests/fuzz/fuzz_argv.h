/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * For the option-parser targets: an argv made of the input, split at NUL
 * bytes (each piece one argument, after the program's name).
 */
#ifndef FUZZ_ARGV_H
#define FUZZ_ARGV_H

#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

/** Most arguments taken from one input. */
#define FUZZ_ARGV_MAX 32

struct fuzz_argv {
	int argc;
	char *argv[FUZZ_ARGV_MAX + 2]; /**< "fuzz", the arguments, NULL */
	char *buf; /**< the input's copy, NUL-terminated, the arguments point into */
};

/** Splits @p data into @p a (argv[0] is "fuzz"); free with fuzz_argv_free(). */
static inline void fuzz_argv_make(struct fuzz_argv *a, const uint8_t *data, size_t size)
{
	static char prog[] = "fuzz";
	char *p, *end;

	a->buf = malloc(size + 1);
	fuzz_check(a->buf != NULL);
	memcpy(a->buf, data, size);
	a->buf[size] = '\0';
	a->argc = 0;
	a->argv[a->argc++] = prog;
	for (p = a->buf, end = a->buf + size; p <= end && a->argc <= FUZZ_ARGV_MAX;
	     p += strlen(p) + 1)
		a->argv[a->argc++] = p;
	a->argv[a->argc] = NULL;
}

static inline void fuzz_argv_free(struct fuzz_argv *a)
{
	free(a->buf);
}

#endif /* FUZZ_ARGV_H */
