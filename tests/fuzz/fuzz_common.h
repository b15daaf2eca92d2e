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
#include "prt_mbuf.h"

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

/**
 * Defines LLVMFuzzerInitialize() for a target that needs nothing but a
 * quiet log (the parsers of strings and tables: no EAL, no mbufs).
 */
#define FUZZ_INIT_QUIET()                                  \
	int LLVMFuzzerInitialize(int *argc, char ***argv); \
	int LLVMFuzzerInitialize(int *argc, char ***argv)  \
	{                                                  \
		(void)argc;                                \
		(void)argv;                                \
		fuzz_log_quiet();                          \
		return 0;                                  \
	}

/** A received frame is a chain as it says, each segment inside its buffer. */
static inline void fuzz_check_chain(const struct prt_mbuf *m)
{
	uint32_t len = 0;
	uint16_t segs = 0;

	for (const struct prt_mbuf *s = m; s != NULL; s = s->next) {
		fuzz_check((uint32_t)s->data_off + s->data_len <= s->buf_len);
		len += s->data_len;
		segs++;
	}
	fuzz_check(segs == m->nb_segs && len == m->pkt_len);
}

/**
 * One tx segment from @p mp: up to @p max_len bytes (input-chosen) placed
 * anywhere in its buffer, so that segments cross 4 KiB pages or not.
 * NULL when the pool is dry.
 */
static inline struct prt_mbuf *fuzz_tx_segment(struct fuzz_input *in, struct prt_mempool *mp,
					       uint16_t max_len)
{
	struct prt_mbuf *m = prt_pktmbuf_alloc(mp);
	uint16_t len = (uint16_t)(fuzz_u16(in) % (max_len + 1));

	if (m == NULL)
		return NULL;
	m->data_off = (uint16_t)(fuzz_u8(in) % (PRT_PKTMBUF_HEADROOM + max_len - len + 1));
	m->data_len = len;
	m->pkt_len = len;
	return m;
}

#endif /* FUZZ_COMMON_H */
