/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt's memory segments as the virtio tests look at them: a copy of the
 * segment table, oldest first (prt_memseg_walk()), to see the heap grow and
 * where a buffer lies.
 */
#ifndef TESTS_VIRTIO_MEMSEGS_H
#define TESTS_VIRTIO_MEMSEGS_H

#include <stdbool.h>

#include "prt_memory.h"

#define MEMSEGS_MAX 64

struct memsegs {
	struct prt_memseg ms[MEMSEGS_MAX];
	unsigned int n; /* segments prt has, counted past MEMSEGS_MAX */
};

static inline int memsegs_add(const struct prt_memseg *ms, void *arg)
{
	struct memsegs *s = arg;

	if (s->n < MEMSEGS_MAX)
		s->ms[s->n] = *ms;
	s->n++;
	return 0;
}

/** Reads prt's segment table into @p s; @return how many segments prt has. */
static inline unsigned int memsegs_read(struct memsegs *s)
{
	s->n = 0;
	prt_memseg_walk(memsegs_add, s);
	return s->n;
}

/** True when @p p lies in one of the segments @p s holds. */
static inline bool memsegs_hold(const struct memsegs *s, const void *p)
{
	for (unsigned int i = 0; i < s->n && i < MEMSEGS_MAX; i++)
		if ((const char *)p >= (const char *)s->ms[i].addr &&
		    (const char *)p < (const char *)s->ms[i].addr + s->ms[i].len)
			return true;
	return false;
}

#endif /* TESTS_VIRTIO_MEMSEGS_H */
