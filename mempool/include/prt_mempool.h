/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_mempool.h
 * Mempools: a fixed number of fixed-size objects in prt memory (DMA-able),
 * as DPDK's rte_mempool. A ring holds the free objects; in front of it
 * each lcore has a cache (its size chosen at creation), so that most gets
 * and puts of an lcore touch only its own memory.
 *
 * Layout of one object: a header (the pool and the object's IOVA, and a
 * cookie in debug builds) just before it, the object, and in debug builds a
 * trailer cookie after it. An object never straddles two pages whose IOVAs
 * are not contiguous (unless PRT_MEMPOOL_F_NO_IOVA_CONTIG), so a device may
 * DMA into any object whole.
 *
 * Caches. An lcore's gets and puts go through its cache; a thread that is
 * not an lcore (prt_lcore_id() == PRT_LCORE_ID_ANY) uses the ring directly.
 * A put that would fill the cache past its flush threshold (1.5 times its
 * size, as DPDK) first empties the cache into the ring; a get that finds
 * the cache short refills it with its size plus the missing objects.
 * Objects in a cache are free but only that lcore can get them: a worker
 * lcore's cache is flushed to the ring when its launched function returns
 * (so that after prt_eal_wait_lcore() every free object can be got from any
 * thread), and prt_mempool_cache_flush() flushes the caller's cache at any
 * time.
 *
 * Debug builds (-Ddebug_checks=true, PRT_DEBUG): every get and put checks
 * the cookies around each object, and a put of an object that is already
 * free (double free), of a pointer that is not an object of the pool
 * (foreign pointer), or of an object whose trailer was overwritten (overrun)
 * logs what happened, to which object of which pool, and aborts.
 */
#ifndef PRT_MEMPOOL_H
#define PRT_MEMPOOL_H

#include <stdint.h>
#include <stdio.h>

#include "prt_common.h"
#include "prt_lcore.h"
#include "prt_memzone.h"
#include "prt_ring.h"

/** Prefix of the memzones and ring of a mempool. */
#define PRT_MEMPOOL_MZ_PREFIX "MP_"

/** Longest mempool name, its terminating NUL included. */
#define PRT_MEMPOOL_NAMESIZE (PRT_RING_NAMESIZE - sizeof(PRT_MEMPOOL_MZ_PREFIX) + 1)

/** Largest per-lcore cache size (objects). */
#define PRT_MEMPOOL_CACHE_MAX_SIZE 512

/** Flags of prt_mempool_create(). */
#define PRT_MEMPOOL_F_SP_PUT 0x0004u /**< puts to the ring are single-producer */
#define PRT_MEMPOOL_F_SC_GET 0x0008u /**< gets from the ring are single-consumer */
#define PRT_MEMPOOL_F_NO_IOVA_CONTIG 0x0020u /**< objects need not be IOVA-contiguous */

/** Debug cookies (PRT_DEBUG builds). */
#define PRT_MEMPOOL_HEADER_COOKIE_FREE 0xf2eef2eef2eef2eeull /**< object is in the pool */
#define PRT_MEMPOOL_HEADER_COOKIE_ALLOC 0xbadbadbadadd2e55ull /**< object is handed out */
#define PRT_MEMPOOL_TRAILER_COOKIE 0xadd2e55badbadbadull /**< end of an object */

struct prt_mempool;

/**
 * What precedes each object. The same in every build; the cookie is used
 * only when the pool was created by a PRT_DEBUG build.
 */
struct prt_mempool_objhdr {
	struct prt_mempool *mp; /**< the pool the object belongs to */
	prt_iova_t iova; /**< IOVA of the object's first byte (PRT_BAD_IOVA if none) */
	uint64_t cookie; /**< PRT_MEMPOOL_HEADER_COOKIE_* in debug builds */
};

/**
 * A per-lcore cache: a stack of free objects; the top is the most recently
 * put (the hottest in the CPU caches). Used by one lcore only.
 */
struct prt_mempool_cache {
	uint32_t size; /**< objects a refill leaves in it */
	uint32_t flushthresh; /**< a put that would go past this flushes the cache first */
	uint32_t len; /**< objects in it now */
	/** The stack; room for a refill of size + PRT_MEMPOOL_CACHE_MAX_SIZE. */
	void *objs[PRT_MEMPOOL_CACHE_MAX_SIZE * 2] __prt_cache_aligned;
} __prt_cache_aligned;

/** Called once per pool by prt_mempool_create(), before the objects are made. */
typedef void(prt_mempool_ctor_t)(struct prt_mempool *mp, void *arg);

/** Called for each object: at creation (obj_init) and by prt_mempool_obj_iter(). */
typedef void(prt_mempool_obj_cb_t)(struct prt_mempool *mp, void *opaque, void *obj,
				   unsigned int obj_idx);

/** A mempool. Read-only for its users. */
struct prt_mempool {
	char name[PRT_MEMPOOL_NAMESIZE]; /**< as given at creation */
	unsigned int flags; /**< PRT_MEMPOOL_F_* */
	struct prt_ring *ring; /**< the free objects that are in no cache */
	struct prt_mempool_cache *local_cache; /**< PRT_MAX_LCORE caches; NULL without */
	uint32_t size; /**< objects in the pool */
	uint32_t cache_size; /**< per-lcore cache size (0: no caches) */
	uint32_t elt_size; /**< bytes usable in each object */
	uint32_t header_size; /**< bytes before each object (header and padding) */
	uint32_t trailer_size; /**< bytes after each object (cookie and padding) */
	uint32_t private_data_size; /**< bytes of private data (prt_mempool_get_priv()) */
	int socket_id; /**< NUMA node of the objects */
	int debug; /**< objects carry cookies (made by a PRT_DEBUG build) */
	const struct prt_memzone *mz; /**< holds this structure, its data and caches */
	const struct prt_memzone *objs_mz; /**< holds the objects */
	/* private data follow, then the caches */
};

/**
 * Creates a pool of @p n objects of @p elt_size bytes on node @p socket_id,
 * with a cache of @p cache_size objects per lcore. @p mp_init (if not NULL)
 * is called once with @p mp_init_arg, then @p obj_init (if not NULL) once
 * per object with @p obj_init_arg, in memory order; then every object is
 * free. Thread-safe. Needs prt_eal_init().
 *
 * Memory: the objects come from one memzone, IOVA-contiguous when the heap
 * allows; otherwise no object crosses a page boundary where the IOVAs are
 * not contiguous (PRT_MEMPOOL_F_NO_IOVA_CONTIG lifts this). In IOVA-as-VA
 * mode every object is contiguous.
 *
 * @param name              at most PRT_MEMPOOL_NAMESIZE - 1 characters
 * @param n                 objects, >= 1 (the ring gets the next power of two)
 * @param elt_size          bytes per object, >= 1 (rounded up to 8)
 * @param cache_size        0 (no cache) to PRT_MEMPOOL_CACHE_MAX_SIZE, and at
 *                          most n / 1.5 (as DPDK), so that caches do not
 *                          hide the whole pool
 * @param private_data_size bytes after the pool structure for its user
 *                          (prt_mempool_get_priv()), zeroed
 * @param flags             PRT_MEMPOOL_F_*
 * @return the pool, or NULL with errno set: EINVAL (a bad argument: a log
 *         line names it), ENAMETOOLONG, EEXIST (the name is taken), ENOMEM,
 *         ENOSPC (from the memzones).
 */
struct prt_mempool *prt_mempool_create(const char *name, unsigned int n, unsigned int elt_size,
				       unsigned int cache_size, unsigned int private_data_size,
				       prt_mempool_ctor_t *mp_init, void *mp_init_arg,
				       prt_mempool_obj_cb_t *obj_init, void *obj_init_arg,
				       int socket_id, unsigned int flags);

/**
 * Frees @p mp, its ring and its objects. NULL is ignored. No thread may use
 * the pool or hold its objects any more; objects still out are lost (a log
 * line says how many). Thread-safe against other pools' create/free.
 */
void prt_mempool_free(struct prt_mempool *mp);

/** Finds the pool named @p name. @return it, or NULL with errno ENOENT. Thread-safe. */
struct prt_mempool *prt_mempool_lookup(const char *name);

/**
 * Calls @p fn(mp, @p arg) for every pool, newest first (as rte_mempool_walk()).
 * Holds the registry's lock meanwhile: @p fn must not create or free a pool.
 * Thread-safe.
 */
void prt_mempool_walk(void (*fn)(struct prt_mempool *mp, void *arg), void *arg);

/**
 * Calls @p obj_cb(@p mp, @p obj_cb_arg, obj, idx) for every object of @p mp,
 * free or not, in memory order. @return the number of objects (mp->size).
 */
uint32_t prt_mempool_obj_iter(struct prt_mempool *mp, prt_mempool_obj_cb_t *obj_cb,
			      void *obj_cb_arg);

/**
 * Free objects: those in the ring plus those in every lcore's cache. A
 * snapshot while other threads get and put. Thread-safe.
 */
unsigned int prt_mempool_avail_count(const struct prt_mempool *mp);

/** Objects handed out: mp->size - prt_mempool_avail_count(). Thread-safe snapshot. */
unsigned int prt_mempool_in_use_count(const struct prt_mempool *mp);

/** Non-zero when every object is free (a snapshot). */
static inline int prt_mempool_full(const struct prt_mempool *mp)
{
	return prt_mempool_avail_count(mp) == mp->size;
}

/** Non-zero when no object is free (a snapshot). */
static inline int prt_mempool_empty(const struct prt_mempool *mp)
{
	return prt_mempool_avail_count(mp) == 0;
}

/** Prints @p mp's sizes, counts and caches to @p f (debugging). */
void prt_mempool_dump(FILE *f, const struct prt_mempool *mp);

/** The private data of @p mp (private_data_size bytes, cache-line aligned). */
static inline void *prt_mempool_get_priv(struct prt_mempool *mp)
{
	return (char *)mp + PRT_ALIGN_CEIL(sizeof(*mp), PRT_CACHE_LINE_SIZE);
}

/** The header of object @p obj. */
static __prt_always_inline struct prt_mempool_objhdr *prt_mempool_get_header(void *obj)
{
	return (struct prt_mempool_objhdr *)obj - 1;
}

/** The pool object @p obj belongs to. */
static __prt_always_inline struct prt_mempool *prt_mempool_from_obj(void *obj)
{
	return prt_mempool_get_header(obj)->mp;
}

/**
 * The IOVA of the first byte of @p obj, an object of a mempool (computed
 * once at creation: one load). PRT_BAD_IOVA when the memory has none.
 */
static __prt_always_inline prt_iova_t prt_mempool_virt2iova(const void *obj)
{
	return prt_mempool_get_header((void *)(uintptr_t)obj)->iova;
}

/**
 * The cache of lcore @p lcore_id in @p mp, or NULL when the pool has no
 * caches or @p lcore_id is not an lcore (PRT_LCORE_ID_ANY).
 */
static __prt_always_inline struct prt_mempool_cache *
prt_mempool_default_cache(struct prt_mempool *mp, unsigned int lcore_id)
{
	if (unlikely(mp->local_cache == NULL || lcore_id >= PRT_MAX_LCORE))
		return NULL;
	return &mp->local_cache[lcore_id];
}

/**
 * Puts every object of @p cache back into @p mp's ring. @p cache NULL: the
 * calling lcore's cache (nothing for a non-lcore thread). Call from the
 * thread that owns the cache.
 */
void prt_mempool_cache_flush(struct prt_mempool_cache *cache, struct prt_mempool *mp);

/**
 * @internal Checks and sets the cookies of @p n objects (PRT_DEBUG): @p get
 * is 1 for objects being handed out, 0 for objects being put back. Logs and
 * aborts on a double free, a foreign pointer, an overrun or a write to a
 * free object. Does nothing for a pool made without cookies.
 */
void prt_mempool_check_cookies(const struct prt_mempool *mp, void *const *obj_table, unsigned int n,
			       int get);

/** @internal Slow path of a cached get: refills @p cache. @return 0 or -ENOENT. */
int prt_mempool_cache_refill_get(struct prt_mempool *mp, struct prt_mempool_cache *cache,
				 void **obj_table, unsigned int n);

/** @internal Slow path of a cached put: empties @p cache into the ring, then caches the objects. */
void prt_mempool_cache_flush_put(struct prt_mempool *mp, struct prt_mempool_cache *cache,
				 void *const *obj_table, unsigned int n);

/** @internal A put found the ring full: more objects put than the pool has. Logs it. */
void prt_mempool_put_overflow(struct prt_mempool *mp, void *const *obj_table, unsigned int n);

/** @internal Copies @p n object pointers (vector loads and stores, no memcpy() call). */
static __prt_always_inline void prt_mempool_copy_objs(void **restrict dst,
						      void *const *restrict src, unsigned int n)
{
	prt_ring_copy(dst, src, (size_t)n * sizeof(void *));
}

/**
 * @internal Puts @p n objects into the ring (no cache). The ring has room
 * for every object of the pool, so a put fails only when objects are put
 * twice or into the wrong pool.
 */
static __prt_always_inline void prt_mempool_ring_put(struct prt_mempool *mp, void *const *obj_table,
						     unsigned int n)
{
	if (unlikely(prt_ring_enqueue_bulk(mp->ring, obj_table, n, NULL) == 0))
		prt_mempool_put_overflow(mp, obj_table, n);
}

/**
 * Puts the @p n objects of @p obj_table back into @p mp, through @p cache
 * when not NULL (see prt_mempool_put_bulk()).
 */
static __prt_always_inline void prt_mempool_generic_put(struct prt_mempool *mp,
							void *const *obj_table, unsigned int n,
							struct prt_mempool_cache *cache)
{
#ifdef PRT_DEBUG
	prt_mempool_check_cookies(mp, obj_table, n, 0);
#endif
	if (unlikely(cache == NULL || n > cache->flushthresh)) {
		prt_mempool_ring_put(mp, obj_table, n);
		return;
	}
	if (unlikely(cache->len + n > cache->flushthresh)) {
		prt_mempool_cache_flush_put(mp, cache, obj_table, n);
		return;
	}
	prt_mempool_copy_objs(&cache->objs[cache->len], obj_table, n);
	cache->len += n;
}

/**
 * Gets @p n objects from @p mp into @p obj_table, through @p cache when
 * not NULL (see prt_mempool_get_bulk()).
 * @return 0; -ENOENT when fewer than @p n are free (none is taken).
 */
static __prt_always_inline int prt_mempool_generic_get(struct prt_mempool *mp, void **obj_table,
						       unsigned int n,
						       struct prt_mempool_cache *cache)
{
	int ret = 0;

	if (likely(cache != NULL && n <= cache->len)) {
		/* The top n objects: the most recently put, the hottest. */
		cache->len -= n;
		prt_mempool_copy_objs(obj_table, &cache->objs[cache->len], n);
	} else if (cache != NULL) {
		ret = prt_mempool_cache_refill_get(mp, cache, obj_table, n);
	} else if (unlikely(prt_ring_dequeue_bulk(mp->ring, obj_table, n, NULL) == 0)) {
		ret = -ENOENT;
	}
#ifdef PRT_DEBUG
	if (ret == 0)
		prt_mempool_check_cookies(mp, obj_table, n, 1);
#endif
	return ret;
}

/**
 * Puts the @p n objects of @p obj_table back into @p mp. On an lcore, they
 * go to its cache (which overflows into the ring); on another thread, into
 * the ring. Objects must belong to @p mp and be out (not already free).
 * Thread-safe (each lcore has its own cache; the ring is multi-producer
 * unless the pool was made with PRT_MEMPOOL_F_SP_PUT).
 */
static __prt_always_inline void prt_mempool_put_bulk(struct prt_mempool *mp, void *const *obj_table,
						     unsigned int n)
{
	prt_mempool_generic_put(mp, obj_table, n, prt_mempool_default_cache(mp, prt_lcore_id()));
}

/** Puts one object back: prt_mempool_put_bulk() of one. */
static __prt_always_inline void prt_mempool_put(struct prt_mempool *mp, void *obj)
{
	prt_mempool_put_bulk(mp, &obj, 1);
}

/**
 * Gets @p n objects from @p mp into @p obj_table: all of them or none. On
 * an lcore, from its cache (refilled from the ring); on another thread,
 * from the ring. Thread-safe as prt_mempool_put_bulk().
 * @return 0; -ENOENT when fewer than @p n objects are free to this caller
 *         (objects in other lcores' caches cannot be got).
 */
static __prt_always_inline int prt_mempool_get_bulk(struct prt_mempool *mp, void **obj_table,
						    unsigned int n)
{
	return prt_mempool_generic_get(mp, obj_table, n,
				       prt_mempool_default_cache(mp, prt_lcore_id()));
}

/** Gets one object into @p obj_p. @return 0; -ENOENT when none is free. */
static __prt_always_inline int prt_mempool_get(struct prt_mempool *mp, void **obj_p)
{
	return prt_mempool_get_bulk(mp, obj_p, 1);
}

#endif /* PRT_MEMPOOL_H */
