/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the libFuzzer targets share: reading their input as a stream of
 * operands (past its end every read is 0, so any input is a whole program),
 * the check that aborts (libFuzzer saves the input), and an EAL without
 * hugepages or devices for the targets that need mbufs.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdbool.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prt_common.h"
#include "prt_eal.h"
#include "prt_log.h"

/** The rest of a fuzz input. */
struct fuzz_input {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint16_t fuzz_u16(struct fuzz_input *in)
{
	return (uint16_t)(fuzz_u8(in) | fuzz_u8(in) << 8);
}

static inline uint32_t fuzz_u32(struct fuzz_input *in)
{
	return (uint32_t)fuzz_u16(in) | (uint32_t)fuzz_u16(in) << 16;
}

/** Copies up to @p len bytes of the input into @p dst (zeros past its end). */
static inline void fuzz_bytes(struct fuzz_input *in, void *dst, size_t len)
{
	size_t n = PRT_MIN(len, in->left);

	memcpy(dst, in->p, n);
	memset((uint8_t *)dst + n, 0, len - n);
	in->p += n;
	in->left -= n;
}

/** A promise of the code under test was broken: say which, abort; libFuzzer keeps the input. */
#define fuzz_check(ok) fuzz_check_at((ok), #ok, __FILE__, __LINE__)

static inline void fuzz_check_at(bool ok, const char *what, const char *file, int line)
{
	if (ok)
		return;
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	abort();
}

/**
 * Sends prt's log to /dev/null: most inputs are refused, each with its log
 * line (still formatted: the formatting is under test too).
 */
static inline void fuzz_log_quiet(void)
{
	FILE *f = fopen("/dev/null", "w");

	fuzz_check(f != NULL);
	prt_log_set_stream(f);
}

/**
 * Starts an EAL on lcore 0 without hugepages or devices (mempools and
 * mbufs work), the log quiet. Aborts when the EAL cannot start.
 */
static inline void fuzz_eal_init(void)
{
	char *argv[] = { "fuzz", "-l", "0", "--no-huge", "--no-pci", NULL };

	fuzz_log_quiet();
	fuzz_check(prt_eal_init((int)PRT_DIM(argv) - 1, argv) >= 0);
}

#endif /* FUZZ_COMMON_H */
