/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rings: sizes, initialisation, creation in a memzone, lookup by name.
 * The enqueue/dequeue fast path is inline in prt_ring_elem.h.
 *
 * A created ring lives in the memzone PRT_RING_MZ_PREFIX + name, so the
 * memzone table is the ring registry: lookup is a memzone lookup, and the
 * memzone layer's lock makes create/lookup/free thread-safe.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "prt_log.h"
#include "prt_ring.h"

void prt_ring_wait_tail(struct prt_ring_headtail *ht, uint32_t old_head)
{
	unsigned int spins = 0;

	/* Acquire: see prt_ring_update_tail(). */
	while (atomic_load_explicit(&ht->tail, memory_order_acquire) != old_head) {
		prt_pause();
		/*
		 * The predecessor was preempted between its claim and its
		 * publish: if it shares our CPU, spinning keeps it off. After
		 * a while (about 50 us), give the CPU away.
		 */
		if (unlikely(++spins == PRT_RING_SPINS_BEFORE_YIELD)) {
			sched_yield();
			spins = 0;
		}
	}
}

/* Rounds @p count up as PRT_RING_F_EXACT_SZ asks, or checks it; 0 when invalid. */
static uint32_t ring_size(unsigned int count, unsigned int flags)
{
	if (flags & PRT_RING_F_EXACT_SZ) {
		if (count == 0 || count > PRT_RING_SZ_MASK)
			return 0;
		return prt_align32pow2(count + 1);
	}
	if (!prt_is_power_of_2(count) || count > PRT_RING_SZ_MASK + 1u || count < 2)
		return 0;
	return count;
}

static ssize_t memsize(unsigned int esize, uint32_t size)
{
	return (ssize_t)(sizeof(struct prt_ring) +
			 PRT_ALIGN_CEIL((size_t)size * esize, PRT_CACHE_LINE_SIZE));
}

static int check_args(unsigned int esize, unsigned int count, unsigned int flags, uint32_t *size)
{
	if (esize == 0 || esize % 4 != 0) {
		PRT_LOG(ERR, PRT_LOGTYPE_RING, "ring element size %u is not a multiple of 4",
			esize);
		return -EINVAL;
	}
	if (flags & ~(PRT_RING_F_SP_ENQ | PRT_RING_F_SC_DEQ | PRT_RING_F_EXACT_SZ)) {
		PRT_LOG(ERR, PRT_LOGTYPE_RING, "unknown ring flags 0x%x", flags);
		return -EINVAL;
	}
	*size = ring_size(count, flags);
	if (*size == 0) {
		PRT_LOG(ERR, PRT_LOGTYPE_RING,
			"ring count %u must be a power of two from 2 to 2^31 "
			"(or 1 to 2^31-1 with PRT_RING_F_EXACT_SZ)",
			count);
		return -EINVAL;
	}
	return 0;
}

ssize_t prt_ring_get_memsize_elem(unsigned int esize, unsigned int count)
{
	uint32_t size;
	int ret = check_args(esize, count, 0, &size);

	return ret < 0 ? ret : memsize(esize, size);
}

ssize_t prt_ring_get_memsize(unsigned int count)
{
	return prt_ring_get_memsize_elem(sizeof(void *), count);
}

int prt_ring_init_elem(struct prt_ring *r, const char *name, unsigned int esize, unsigned int count,
		       unsigned int flags)
{
	uint32_t size;
	int ret;

	if (r == NULL || name == NULL || ((uintptr_t)r % PRT_CACHE_LINE_SIZE) != 0)
		return -EINVAL;
	ret = check_args(esize, count, flags, &size);
	if (ret < 0)
		return ret;
	if (strlen(name) >= PRT_RING_NAMESIZE)
		return -ENAMETOOLONG;

	memset(r, 0, sizeof(*r));
	strcpy(r->name, name);
	r->flags = flags;
	r->size = size;
	r->mask = size - 1;
	r->capacity = (flags & PRT_RING_F_EXACT_SZ) ? count : size - 1;
	r->esize = esize;
	r->prod.sync_type = (flags & PRT_RING_F_SP_ENQ) ? PRT_RING_SYNC_ST : PRT_RING_SYNC_MT;
	r->cons.sync_type = (flags & PRT_RING_F_SC_DEQ) ? PRT_RING_SYNC_ST : PRT_RING_SYNC_MT;
	/* Empty: every counter at 0, and each side's copy of the other's tail. */
	atomic_init(&r->prod.head_seen, prt_ring_head_seen(0, 0));
	atomic_init(&r->prod.tail, 0);
	atomic_init(&r->cons.head_seen, prt_ring_head_seen(0, 0));
	atomic_init(&r->cons.tail, 0);
	return 0;
}

int prt_ring_init(struct prt_ring *r, const char *name, unsigned int count, unsigned int flags)
{
	return prt_ring_init_elem(r, name, sizeof(void *), count, flags);
}

struct prt_ring *prt_ring_create_elem(const char *name, unsigned int esize, unsigned int count,
				      int socket_id, unsigned int flags)
{
	char mz_name[PRT_MEMZONE_NAMESIZE];
	const struct prt_memzone *mz;
	struct prt_ring *r;
	uint32_t size;
	int ret;

	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	ret = check_args(esize, count, flags, &size);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	if (strlen(name) >= PRT_RING_NAMESIZE) {
		PRT_LOG(ERR, PRT_LOGTYPE_RING, "ring name '%s' is longer than %zu characters", name,
			PRT_RING_NAMESIZE - 1);
		errno = ENAMETOOLONG;
		return NULL;
	}
	snprintf(mz_name, sizeof(mz_name), "%s%s", PRT_RING_MZ_PREFIX, name);
	mz = prt_memzone_reserve_aligned(mz_name, (size_t)memsize(esize, size), socket_id, 0,
					 2 * PRT_CACHE_LINE_SIZE);
	if (mz == NULL) {
		ret = errno;
		if (ret == EEXIST)
			PRT_LOG(ERR, PRT_LOGTYPE_RING, "a ring named '%s' exists", name);
		else
			PRT_LOG(ERR, PRT_LOGTYPE_RING,
				"no memory for ring '%s' (%u slots of %u B): %s", name, size, esize,
				strerror(ret));
		errno = ret;
		return NULL;
	}
	r = mz->addr;
	prt_ring_init_elem(r, name, esize, count, flags);
	r->memzone = mz;
	return r;
}

struct prt_ring *prt_ring_create(const char *name, unsigned int count, int socket_id,
				 unsigned int flags)
{
	return prt_ring_create_elem(name, sizeof(void *), count, socket_id, flags);
}

void prt_ring_free(struct prt_ring *r)
{
	if (r == NULL)
		return;
	if (r->memzone == NULL) {
		PRT_LOG(ERR, PRT_LOGTYPE_RING,
			"ring '%s' was made by prt_ring_init() in caller memory: free that memory "
			"instead",
			r->name);
		return;
	}
	prt_memzone_free(r->memzone);
}

struct prt_ring *prt_ring_lookup(const char *name)
{
	char mz_name[PRT_MEMZONE_NAMESIZE];
	const struct prt_memzone *mz;

	if (name == NULL || strlen(name) >= PRT_RING_NAMESIZE) {
		errno = ENOENT;
		return NULL;
	}
	snprintf(mz_name, sizeof(mz_name), "%s%s", PRT_RING_MZ_PREFIX, name);
	mz = prt_memzone_lookup(mz_name);
	if (mz == NULL) {
		errno = ENOENT;
		return NULL;
	}
	return mz->addr;
}

void prt_ring_dump(FILE *f, const struct prt_ring *r)
{
	fprintf(f, "ring <%s>@%p\n", r->name, (const void *)r);
	fprintf(f, "  flags=0x%x size=%" PRIu32 " capacity=%" PRIu32 " esize=%" PRIu32 "\n",
		r->flags, r->size, r->capacity, r->esize);
	fprintf(f, "  prod: head=%" PRIu32 " tail=%" PRIu32 " %s\n",
		prt_ring_head_of(atomic_load(&r->prod.head_seen)), atomic_load(&r->prod.tail),
		r->prod.sync_type == PRT_RING_SYNC_ST ? "single" : "multi");
	fprintf(f, "  cons: head=%" PRIu32 " tail=%" PRIu32 " %s\n",
		prt_ring_head_of(atomic_load(&r->cons.head_seen)), atomic_load(&r->cons.tail),
		r->cons.sync_type == PRT_RING_SYNC_ST ? "single" : "multi");
	fprintf(f, "  used=%u avail=%u\n", prt_ring_count(r), prt_ring_free_count(r));
}
