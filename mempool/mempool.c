/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mempools: creation (memory, object placement, ring), the registry of
 * pools, counts, and the slow paths of the inline get/put (cache refill and
 * flush). The fast path is inline in prt_mempool.h; the debug cookies are
 * in mempool_debug.c.
 *
 * Memory of a pool "NAME":
 *   memzone MP_NAME   struct prt_mempool, its private data, PRT_MAX_LCORE caches
 *   memzone MO_NAME   the objects, each [header | object | trailer]
 *   ring    MP_NAME   the free objects (in memzone RG_MP_NAME)
 *
 * The registry (a list under a mutex) holds every fully made pool: lookup
 * searches it, and the lcore-exit flush walks it. A pool enters it last in
 * create and leaves it first in free.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mempool_private.h"
#include "prt_log.h"
#include "prt_memory.h"

/* The objects' memzone takes this prefix instead of PRT_MEMPOOL_MZ_PREFIX. */
#define MEMPOOL_OBJS_MZ_PREFIX "MO_"

/* Every pool made and not freed; protected by registry_lock. */
struct registry_entry {
	struct prt_mempool *mp;
	struct registry_entry *next;
};
static struct registry_entry *registry;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

/* Bytes of the pool's structure, private data and caches. */
static size_t header_memsize(unsigned int private_data_size, unsigned int cache_size)
{
	size_t sz = PRT_ALIGN_CEIL(sizeof(struct prt_mempool), PRT_CACHE_LINE_SIZE) +
		    PRT_ALIGN_CEIL((size_t)private_data_size, PRT_CACHE_LINE_SIZE);

	if (cache_size != 0)
		sz += sizeof(struct prt_mempool_cache) * PRT_MAX_LCORE;
	return sz;
}

size_t mempool_total_elt_size(const struct prt_mempool *mp)
{
	return (size_t)mp->header_size + mp->elt_size + mp->trailer_size;
}

/*
 * Walks the object slots of @p mp's memory in order, calling @p fn for each
 * object until @p n were visited: the same walk places the objects at
 * creation and finds them for prt_mempool_obj_iter(). An object that would
 * cross two pages with non-contiguous IOVAs moves to the next page.
 * @return the number of objects visited (< n when the memory is short).
 */
static unsigned int
walk_slots(struct prt_mempool *mp, unsigned int n,
	   void (*fn)(struct prt_mempool *mp, void *obj, unsigned int idx, void *arg), void *arg)
{
	const struct prt_memzone *mz = mp->objs_mz;
	const size_t total = mempool_total_elt_size(mp);
	const int check = !(mp->flags & PRT_MEMPOOL_F_NO_IOVA_CONTIG) &&
			  !(mz->flags & PRT_MEMZONE_IOVA_CONTIG);
	char *base = mz->addr;
	size_t off = 0;
	unsigned int i = 0;

	while (i < n && off + total <= mz->len) {
		char *obj = base + off + mp->header_size;

		if (check && prt_mem_iova_contig(obj, mp->elt_size) != 1) {
			/* Skip to the page that holds the object's last byte. */
			uintptr_t next = PRT_ALIGN_FLOOR((uintptr_t)obj + mp->elt_size - 1,
							 (uintptr_t)mz->hugepage_sz);

			off = PRT_ALIGN_CEIL(next - (uintptr_t)base, PRT_CACHE_LINE_SIZE);
			continue;
		}
		if (fn != NULL)
			fn(mp, obj, i, arg);
		i++;
		off += total;
	}
	return i;
}

/*
 * Reserves the objects' memory. No IOVA-contiguous zone is asked for: the
 * objects only need to be contiguous one by one. When some must move off a
 * page boundary, the zone is reserved again with room for the moves.
 */
static int reserve_objs(struct prt_mempool *mp, const char *name)
{
	const size_t total = mempool_total_elt_size(mp);
	size_t len = (size_t)mp->size * total;
	char mz_name[PRT_MEMZONE_NAMESIZE];
	const struct prt_memzone *mz;

	snprintf(mz_name, sizeof(mz_name), "%s%s", MEMPOOL_OBJS_MZ_PREFIX, name);
	mz = prt_memzone_reserve(mz_name, len, mp->socket_id, 0);
	if (mz == NULL)
		return -errno;
	mp->objs_mz = mz;
	if (walk_slots(mp, mp->size, NULL, NULL) == mp->size)
		return 0;
	/* Objects were moved off page boundaries: one object lost per page at most. */
	len += (len / mz->hugepage_sz + 2) * total;
	prt_memzone_free(mz);
	mz = prt_memzone_reserve(mz_name, len, mp->socket_id, 0);
	if (mz == NULL)
		return -errno;
	mp->objs_mz = mz;
	if (walk_slots(mp, mp->size, NULL, NULL) == mp->size)
		return 0;
	prt_memzone_free(mz);
	mp->objs_mz = NULL;
	PRT_LOG(ERR, PRT_LOGTYPE_MEMPOOL,
		"mempool '%s': %u objects of %zu B do not fit IOVA-contiguous pages", name,
		mp->size, total);
	return -ENOMEM;
}

struct obj_init_ctx {
	prt_mempool_obj_cb_t *obj_init;
	void *arg;
	void **objs; /* the objects, for the ring */
};

static void init_obj(struct prt_mempool *mp, void *obj, unsigned int idx, void *arg)
{
	struct obj_init_ctx *ctx = arg;
	struct prt_mempool_objhdr *hdr = prt_mempool_get_header(obj);

	hdr->mp = mp;
	hdr->iova = prt_mem_virt2iova(obj);
	mempool_debug_init_obj(mp, obj);
	if (ctx->obj_init != NULL)
		ctx->obj_init(mp, ctx->arg, obj, idx);
	ctx->objs[idx] = obj;
}

static int check_create_args(const char *name, unsigned int n, unsigned int elt_size,
			     unsigned int cache_size, unsigned int flags)
{
	if (name == NULL || n == 0 || elt_size == 0) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEMPOOL,
			"mempool needs a name, at least one object and an object size");
		return -EINVAL;
	}
	if (strlen(name) >= PRT_MEMPOOL_NAMESIZE) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEMPOOL, "mempool name '%s' is longer than %zu characters",
			name, PRT_MEMPOOL_NAMESIZE - 1);
		return -ENAMETOOLONG;
	}
	if (n > PRT_RING_SZ_MASK || elt_size > UINT32_MAX / 2) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEMPOOL, "mempool '%s': %u objects of %u B is too large",
			name, n, elt_size);
		return -EINVAL;
	}
	if (cache_size > PRT_MEMPOOL_CACHE_MAX_SIZE || (uint64_t)cache_size * 3 / 2 > n) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEMPOOL,
			"mempool '%s': cache size %u must be at most %u and at most 2/3 of the "
			"%u objects",
			name, cache_size, PRT_MEMPOOL_CACHE_MAX_SIZE, n);
		return -EINVAL;
	}
	if (flags & ~(PRT_MEMPOOL_F_SP_PUT | PRT_MEMPOOL_F_SC_GET | PRT_MEMPOOL_F_NO_IOVA_CONTIG)) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEMPOOL, "mempool '%s': unknown flags 0x%x", name, flags);
		return -EINVAL;
	}
	return 0;
}

/* Fills the fields of a zeroed pool structure from the arguments. */
static void setup_header(struct prt_mempool *mp, const char *name, unsigned int n,
			 unsigned int elt_size, unsigned int cache_size,
			 unsigned int private_data_size, int socket_id, unsigned int flags)
{
	size_t total;

	strcpy(mp->name, name);
	mp->flags = flags;
	mp->size = n;
	mp->cache_size = cache_size;
	mp->private_data_size = private_data_size;
	mp->socket_id = socket_id;
	mp->elt_size = PRT_ALIGN_CEIL(elt_size, 8u);
	mp->debug = mempool_debug_enabled();
	/* Objects start on a cache line, their header at the end of the line before. */
	mp->header_size = PRT_CACHE_LINE_SIZE;
	total = PRT_ALIGN_CEIL((size_t)mp->header_size + mp->elt_size +
				       (mp->debug ? sizeof(uint64_t) : 0),
			       PRT_CACHE_LINE_SIZE);
	mp->trailer_size = (uint32_t)(total - mp->header_size - mp->elt_size);
	if (cache_size != 0) {
		mp->local_cache = (struct prt_mempool_cache *)((char *)prt_mempool_get_priv(mp) +
							       PRT_ALIGN_CEIL(private_data_size,
									      PRT_CACHE_LINE_SIZE));
		for (unsigned int i = 0; i < PRT_MAX_LCORE; i++) {
			mp->local_cache[i].size = cache_size;
			mp->local_cache[i].flushthresh = cache_size * 3 / 2;
			mp->local_cache[i].len = 0;
		}
	}
}

struct prt_mempool *prt_mempool_create(const char *name, unsigned int n, unsigned int elt_size,
				       unsigned int cache_size, unsigned int private_data_size,
				       prt_mempool_ctor_t *mp_init, void *mp_init_arg,
				       prt_mempool_obj_cb_t *obj_init, void *obj_init_arg,
				       int socket_id, unsigned int flags)
{
	char mz_name[PRT_MEMZONE_NAMESIZE];
	const struct prt_memzone *mz;
	struct registry_entry *entry;
	struct obj_init_ctx ctx = { obj_init, obj_init_arg, NULL };
	struct prt_mempool *mp;
	unsigned int ring_flags = 0;
	int ret;

	ret = check_create_args(name, n, elt_size, cache_size, flags);
	if (ret < 0)
		goto fail;
	entry = calloc(1, sizeof(*entry));
	ctx.objs = calloc(n, sizeof(void *));
	if (entry == NULL || ctx.objs == NULL) {
		ret = -ENOMEM;
		goto fail_alloc;
	}

	snprintf(mz_name, sizeof(mz_name), "%s%s", PRT_MEMPOOL_MZ_PREFIX, name);
	mz = prt_memzone_reserve(mz_name, header_memsize(private_data_size, cache_size), socket_id,
				 0);
	if (mz == NULL) {
		ret = -errno;
		goto fail_alloc;
	}
	mp = mz->addr;
	memset(mp, 0, header_memsize(private_data_size, cache_size));
	setup_header(mp, name, n, elt_size, cache_size, private_data_size, socket_id, flags);
	mp->mz = mz;

	if (flags & PRT_MEMPOOL_F_SP_PUT)
		ring_flags |= PRT_RING_F_SP_ENQ;
	if (flags & PRT_MEMPOOL_F_SC_GET)
		ring_flags |= PRT_RING_F_SC_DEQ;
	/* mz_name is PRT_MEMPOOL_MZ_PREFIX + name: the ring's name too. */
	mp->ring = prt_ring_create(mz_name, prt_align32pow2(n + 1), socket_id, ring_flags);
	if (mp->ring == NULL) {
		ret = -errno;
		goto fail_ring;
	}
	ret = reserve_objs(mp, name);
	if (ret < 0)
		goto fail_objs;
	mp->socket_id = mp->objs_mz->socket_id;

	if (mp_init != NULL)
		mp_init(mp, mp_init_arg);
	walk_slots(mp, n, init_obj, &ctx);
	/* Every object is free: all go into the ring at once (it has room for n). */
	prt_ring_enqueue_bulk(mp->ring, ctx.objs, n, NULL);
	free(ctx.objs);

	entry->mp = mp;
	pthread_mutex_lock(&registry_lock);
	entry->next = registry;
	registry = entry;
	pthread_mutex_unlock(&registry_lock);
	PRT_LOG(DEBUG, PRT_LOGTYPE_MEMPOOL,
		"mempool '%s': %u objects of %u B (%zu B with header), cache %u, IOVA %s", name, n,
		mp->elt_size, mempool_total_elt_size(mp), cache_size,
		(mp->objs_mz->flags & PRT_MEMZONE_IOVA_CONTIG) ? "contiguous" : "per object");
	return mp;

fail_objs:
	prt_ring_free(mp->ring);
fail_ring:
	prt_memzone_free(mz);
fail_alloc:
	free(ctx.objs);
	free(entry);
fail:
	PRT_LOG(ERR, PRT_LOGTYPE_MEMPOOL, "cannot create mempool '%s': %s", name ? name : "(null)",
		strerror(-ret));
	errno = -ret;
	return NULL;
}

void prt_mempool_free(struct prt_mempool *mp)
{
	struct registry_entry **pp, *entry = NULL;
	unsigned int in_use;

	if (mp == NULL)
		return;
	pthread_mutex_lock(&registry_lock);
	for (pp = &registry; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->mp == mp) {
			entry = *pp;
			*pp = entry->next;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	if (entry == NULL) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEMPOOL, "prt_mempool_free(%p): not a mempool",
			(void *)mp);
		return;
	}
	free(entry);
	in_use = prt_mempool_in_use_count(mp);
	if (in_use != 0)
		PRT_LOG(WARNING, PRT_LOGTYPE_MEMPOOL,
			"mempool '%s' freed with %u of its %u objects still in use", mp->name,
			in_use, mp->size);
	prt_memzone_free(mp->objs_mz);
	prt_ring_free(mp->ring);
	prt_memzone_free(mp->mz);
}

struct prt_mempool *prt_mempool_lookup(const char *name)
{
	struct prt_mempool *mp = NULL;

	pthread_mutex_lock(&registry_lock);
	for (struct registry_entry *e = registry; e != NULL && name != NULL; e = e->next) {
		if (strcmp(e->mp->name, name) == 0) {
			mp = e->mp;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	if (mp == NULL)
		errno = ENOENT;
	return mp;
}

void prt_mempool_walk(void (*fn)(struct prt_mempool *mp, void *arg), void *arg)
{
	pthread_mutex_lock(&registry_lock);
	for (struct registry_entry *e = registry; e != NULL; e = e->next)
		fn(e->mp, arg);
	pthread_mutex_unlock(&registry_lock);
}

void mempool_flush_lcore_caches(unsigned int lcore_id)
{
	pthread_mutex_lock(&registry_lock);
	for (struct registry_entry *e = registry; e != NULL; e = e->next) {
		struct prt_mempool_cache *cache = prt_mempool_default_cache(e->mp, lcore_id);

		if (cache != NULL)
			prt_mempool_cache_flush(cache, e->mp);
	}
	pthread_mutex_unlock(&registry_lock);
}

/*
 * Flush on lcore exit: when a worker's launched function returns, its
 * caches go back to the rings, so that prt_eal_wait_lcore() returns with
 * every free object reachable from any thread.
 */
static void lcore_finished(unsigned int lcore_id, void *arg)
{
	(void)arg;
	mempool_flush_lcore_caches(lcore_id);
}

__attribute__((constructor)) static void register_lcore_finish(void)
{
	prt_lcore_finish_callback_register(lcore_finished, NULL);
}

struct iter_ctx {
	prt_mempool_obj_cb_t *fn;
	void *arg;
};

static void iter_obj(struct prt_mempool *mp, void *obj, unsigned int idx, void *arg)
{
	struct iter_ctx *ctx = arg;

	ctx->fn(mp, ctx->arg, obj, idx);
}

uint32_t prt_mempool_obj_iter(struct prt_mempool *mp, prt_mempool_obj_cb_t *obj_cb,
			      void *obj_cb_arg)
{
	struct iter_ctx ctx = { obj_cb, obj_cb_arg };

	return walk_slots(mp, mp->size, obj_cb != NULL ? iter_obj : NULL, &ctx);
}

unsigned int prt_mempool_avail_count(const struct prt_mempool *mp)
{
	unsigned int count = prt_ring_count(mp->ring);

	if (mp->local_cache != NULL)
		for (unsigned int i = 0; i < PRT_MAX_LCORE; i++)
			count += mp->local_cache[i].len;
	/* Snapshots of a ring and caches that change meanwhile may add up to more. */
	return count > mp->size ? mp->size : count;
}

unsigned int prt_mempool_in_use_count(const struct prt_mempool *mp)
{
	return mp->size - prt_mempool_avail_count(mp);
}

void prt_mempool_cache_flush(struct prt_mempool_cache *cache, struct prt_mempool *mp)
{
	if (cache == NULL)
		cache = prt_mempool_default_cache(mp, prt_lcore_id());
	if (cache == NULL || cache->len == 0)
		return;
	prt_mempool_ring_put(mp, cache->objs, cache->len);
	cache->len = 0;
}

int prt_mempool_cache_refill_get(struct prt_mempool *mp, struct prt_mempool_cache *cache,
				 void **obj_table, unsigned int n)
{
	unsigned int len = cache->len;
	unsigned int remaining = n - len;

	/*
	 * Take what the cache has, then the rest plus a cache full from the
	 * ring in one dequeue. When the ring cannot give that much, take the
	 * rest alone; when it cannot give the rest, give nothing back and
	 * leave the cache as it was.
	 */
	if (cache->size + n <= PRT_DIM(cache->objs) &&
	    prt_ring_dequeue_bulk(mp->ring, &cache->objs[len], cache->size + remaining, NULL) !=
		    0) {
		len += cache->size + remaining;
	} else {
		if (prt_ring_dequeue_bulk(mp->ring, obj_table + len, remaining, NULL) == 0)
			return -ENOENT;
		prt_mempool_copy_objs(obj_table, cache->objs, len);
		cache->len = 0;
		return 0;
	}
	len -= n;
	prt_mempool_copy_objs(obj_table, &cache->objs[len], n);
	cache->len = len;
	return 0;
}

void prt_mempool_cache_flush_put(struct prt_mempool *mp, struct prt_mempool_cache *cache,
				 void *const *obj_table, unsigned int n)
{
	/* As DPDK: empty the cache into the ring; the new objects, the hottest, stay. */
	prt_mempool_ring_put(mp, cache->objs, cache->len);
	prt_mempool_copy_objs(cache->objs, obj_table, n);
	cache->len = n;
}

void prt_mempool_put_overflow(struct prt_mempool *mp, void *const *obj_table, unsigned int n)
{
	PRT_LOG(ERR, PRT_LOGTYPE_MEMPOOL,
		"mempool '%s': %u objects (first %p) put back but the pool already has all of "
		"its %u objects: they were freed twice or belong to another pool; they are "
		"dropped (build with -Ddebug_checks=true to find the culprit)",
		mp->name, n, obj_table[0], mp->size);
}

void prt_mempool_dump(FILE *f, const struct prt_mempool *mp)
{
	unsigned int cached = 0;

	if (mp->local_cache != NULL)
		for (unsigned int i = 0; i < PRT_MAX_LCORE; i++)
			cached += mp->local_cache[i].len;
	fprintf(f, "mempool <%s>@%p\n", mp->name, (const void *)mp);
	fprintf(f, "  flags=0x%x socket=%d size=%" PRIu32 " cache_size=%" PRIu32 "\n", mp->flags,
		mp->socket_id, mp->size, mp->cache_size);
	fprintf(f, "  elt_size=%" PRIu32 " header=%" PRIu32 " trailer=%" PRIu32 " debug=%d\n",
		mp->elt_size, mp->header_size, mp->trailer_size, mp->debug);
	fprintf(f, "  in ring=%u in caches=%u in use=%u\n", prt_ring_count(mp->ring), cached,
		prt_mempool_in_use_count(mp));
}
