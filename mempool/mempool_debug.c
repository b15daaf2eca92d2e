/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Debug cookies (-Ddebug_checks=true, PRT_DEBUG): a header cookie before
 * each object says whether it is free or handed out, a trailer cookie after
 * it catches writes past its end. Every get and put checks them; a misuse
 * is reported in one line that names the misuse, the object and the pool,
 * and the process aborts (the memory can no longer be trusted).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mempool_private.h"
#include "prt_log.h"

int mempool_debug_enabled(void)
{
#ifdef PRT_DEBUG
	return 1;
#else
	return 0;
#endif
}

static uint64_t *trailer(const struct prt_mempool *mp, void *obj)
{
	return (uint64_t *)((char *)obj + mp->elt_size);
}

void mempool_debug_init_obj(const struct prt_mempool *mp, void *obj)
{
	if (!mp->debug)
		return;
	prt_mempool_get_header(obj)->cookie = PRT_MEMPOOL_HEADER_COOKIE_FREE;
	*trailer(mp, obj) = PRT_MEMPOOL_TRAILER_COOKIE;
}

static void __attribute__((noreturn, format(printf, 2, 3)))
misuse(const struct prt_mempool *mp, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	prt_log(PRT_LOG_CRIT, PRT_LOGTYPE_MEMPOOL, "mempool '%s': %s", mp->name, msg);
	abort();
}

/* True when @p p lies in the pool's object memory (its header readable). */
static int in_pool_memory(const struct prt_mempool *mp, const void *p)
{
	const char *base = mp->objs_mz->addr;

	return (const char *)p >= base + mp->header_size &&
	       (const char *)p < base + mp->objs_mz->len;
}

struct find_ctx {
	const void *obj;
	int found;
};

static void find_obj(struct prt_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct find_ctx *ctx = arg;

	(void)mp;
	(void)idx;
	if (obj == ctx->obj)
		ctx->found = 1;
}

/* Reports a header that is not a valid one of this pool: overwritten, or not an object at all. */
static void __attribute__((noreturn)) bad_header(const struct prt_mempool *mp, void *obj)
{
	struct find_ctx ctx = { obj, 0 };

	prt_mempool_obj_iter((struct prt_mempool *)(uintptr_t)mp, find_obj, &ctx);
	if (!ctx.found)
		misuse(mp,
		       "%p is inside the pool's memory but is not the start of an object "
		       "(a pointer into an object?)",
		       obj);
	misuse(mp,
	       "the header before object %p was overwritten (an underrun of it, or an overrun "
	       "of the object before it)",
	       obj);
}

static void check_put(const struct prt_mempool *mp, void *obj)
{
	struct prt_mempool_objhdr *hdr;

	if (!in_pool_memory(mp, obj))
		misuse(mp,
		       "%p is not one of its objects (foreign pointer: freed into the wrong "
		       "pool, or never allocated from a pool)",
		       obj);
	hdr = prt_mempool_get_header(obj);
	if (hdr->mp != mp)
		bad_header(mp, obj);
	if (hdr->cookie == PRT_MEMPOOL_HEADER_COOKIE_FREE)
		misuse(mp, "double free of object %p (it is already free in the pool)", obj);
	if (hdr->cookie != PRT_MEMPOOL_HEADER_COOKIE_ALLOC)
		bad_header(mp, obj);
	if (*trailer(mp, obj) != PRT_MEMPOOL_TRAILER_COOKIE)
		misuse(mp,
		       "object %p was overrun: bytes past its %u-byte size were written "
		       "(trailer cookie 0x%016" PRIx64 ")",
		       obj, mp->elt_size, *trailer(mp, obj));
	hdr->cookie = PRT_MEMPOOL_HEADER_COOKIE_FREE;
}

static void check_get(const struct prt_mempool *mp, void *obj)
{
	struct prt_mempool_objhdr *hdr = prt_mempool_get_header(obj);

	if (hdr->mp != mp || hdr->cookie != PRT_MEMPOOL_HEADER_COOKIE_FREE ||
	    *trailer(mp, obj) != PRT_MEMPOOL_TRAILER_COOKIE)
		misuse(mp,
		       "free object %p was written to while it was in the pool (use after free, "
		       "or an overrun of a neighbour)",
		       obj);
	hdr->cookie = PRT_MEMPOOL_HEADER_COOKIE_ALLOC;
}

void prt_mempool_check_cookies(const struct prt_mempool *mp, void *const *obj_table, unsigned int n,
			       int get)
{
	if (!mp->debug)
		return;
	for (unsigned int i = 0; i < n; i++) {
		if (get)
			check_get(mp, obj_table[i]);
		else
			check_put(mp, obj_table[i]);
	}
}
