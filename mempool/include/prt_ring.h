/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_ring.h
 * Lockless rings of pointers, as DPDK's rte_ring: a fixed number of slots
 * (a power of two), single- or multi-producer and -consumer (chosen at
 * creation, overridable per call), bulk (all or nothing) and burst (as many
 * as possible) enqueue and dequeue. prt_ring_core.h explains the algorithm
 * and its memory ordering; prt_ring_elem.h has rings of other element sizes.
 *
 * A ring of count slots holds count - 1 pointers (count with
 * PRT_RING_F_EXACT_SZ, where count need not be a power of two).
 *
 *     struct prt_ring *r = prt_ring_create("rx_to_worker", 1024, PRT_SOCKET_ID_ANY,
 *                                          PRT_RING_F_SP_ENQ | PRT_RING_F_SC_DEQ);
 *     n = prt_ring_enqueue_burst(r, (void **)mbufs, 32, NULL);
 *     n = prt_ring_dequeue_burst(r, (void **)mbufs, 32, NULL);
 *
 * Thread-safety of the inline functions: see prt_ring_elem.h.
 */
#ifndef PRT_RING_H
#define PRT_RING_H

#include <stdio.h>

#include "prt_ring_elem.h"

/**
 * Bytes a ring of @p count pointers needs, for prt_ring_init().
 * @return the size; -EINVAL when @p count is not a power of two or is too
 *         large (PRT_RING_SZ_MASK).
 */
ssize_t prt_ring_get_memsize(unsigned int count);

/**
 * Initialises an empty ring of @p count pointers in the caller's memory at
 * @p r (prt_ring_get_memsize() bytes, cache-line aligned). As
 * prt_ring_init_elem() with esize = sizeof(void *).
 * @return 0; -EINVAL; -ENAMETOOLONG.
 */
int prt_ring_init(struct prt_ring *r, const char *name, unsigned int count, unsigned int flags);

/**
 * Creates a ring of @p count pointers in prt memory on node @p socket_id.
 * As prt_ring_create_elem() with esize = sizeof(void *).
 * @return the ring, or NULL with errno set (EINVAL, ENAMETOOLONG, EEXIST,
 *         ENOMEM, ENOSPC).
 */
struct prt_ring *prt_ring_create(const char *name, unsigned int count, int socket_id,
				 unsigned int flags);

/**
 * Frees a ring made by prt_ring_create() or prt_ring_create_elem(); nothing
 * may use it any more. NULL is ignored; a ring from prt_ring_init() is
 * refused with a log line (its memory is the caller's).
 */
void prt_ring_free(struct prt_ring *r);

/**
 * Finds the ring created under @p name. Thread-safe.
 * @return the ring, or NULL with errno ENOENT.
 */
struct prt_ring *prt_ring_lookup(const char *name);

/** Prints @p r's sizes, counters and fill level to @p f (debugging). */
void prt_ring_dump(FILE *f, const struct prt_ring *r);

/** Enqueues all @p n pointers of @p obj_table or none; multi-producer safe. @return @p n or 0. */
static __prt_always_inline unsigned int prt_ring_mp_enqueue_bulk(struct prt_ring *r,
								 void *const *obj_table,
								 unsigned int n,
								 unsigned int *free_space)
{
	return prt_ring_mp_enqueue_bulk_elem(r, obj_table, sizeof(void *), n, free_space);
}

/** Enqueues all @p n pointers or none; one producer at a time. @return @p n or 0. */
static __prt_always_inline unsigned int prt_ring_sp_enqueue_bulk(struct prt_ring *r,
								 void *const *obj_table,
								 unsigned int n,
								 unsigned int *free_space)
{
	return prt_ring_sp_enqueue_bulk_elem(r, obj_table, sizeof(void *), n, free_space);
}

/** Enqueues all @p n pointers or none, mp or sp as the ring's flags chose. @return @p n or 0. */
static __prt_always_inline unsigned int prt_ring_enqueue_bulk(struct prt_ring *r,
							      void *const *obj_table,
							      unsigned int n,
							      unsigned int *free_space)
{
	return prt_ring_enqueue_bulk_elem(r, obj_table, sizeof(void *), n, free_space);
}

/** Enqueues as many of the @p n pointers as fit; multi-producer safe. @return how many. */
static __prt_always_inline unsigned int prt_ring_mp_enqueue_burst(struct prt_ring *r,
								  void *const *obj_table,
								  unsigned int n,
								  unsigned int *free_space)
{
	return prt_ring_mp_enqueue_burst_elem(r, obj_table, sizeof(void *), n, free_space);
}

/** Enqueues as many of the @p n pointers as fit; one producer at a time. @return how many. */
static __prt_always_inline unsigned int prt_ring_sp_enqueue_burst(struct prt_ring *r,
								  void *const *obj_table,
								  unsigned int n,
								  unsigned int *free_space)
{
	return prt_ring_sp_enqueue_burst_elem(r, obj_table, sizeof(void *), n, free_space);
}

/** Enqueues as many as fit, mp or sp as the ring's flags chose. @return how many. */
static __prt_always_inline unsigned int prt_ring_enqueue_burst(struct prt_ring *r,
							       void *const *obj_table,
							       unsigned int n,
							       unsigned int *free_space)
{
	return prt_ring_enqueue_burst_elem(r, obj_table, sizeof(void *), n, free_space);
}

/** Dequeues @p n pointers or none; multi-consumer safe. @return @p n or 0. */
static __prt_always_inline unsigned int prt_ring_mc_dequeue_bulk(struct prt_ring *r,
								 void **obj_table, unsigned int n,
								 unsigned int *available)
{
	return prt_ring_mc_dequeue_bulk_elem(r, obj_table, sizeof(void *), n, available);
}

/** Dequeues @p n pointers or none; one consumer at a time. @return @p n or 0. */
static __prt_always_inline unsigned int prt_ring_sc_dequeue_bulk(struct prt_ring *r,
								 void **obj_table, unsigned int n,
								 unsigned int *available)
{
	return prt_ring_sc_dequeue_bulk_elem(r, obj_table, sizeof(void *), n, available);
}

/** Dequeues @p n pointers or none, mc or sc as the ring's flags chose. @return @p n or 0. */
static __prt_always_inline unsigned int
prt_ring_dequeue_bulk(struct prt_ring *r, void **obj_table, unsigned int n, unsigned int *available)
{
	return prt_ring_dequeue_bulk_elem(r, obj_table, sizeof(void *), n, available);
}

/** Dequeues up to @p n pointers; multi-consumer safe. @return how many. */
static __prt_always_inline unsigned int prt_ring_mc_dequeue_burst(struct prt_ring *r,
								  void **obj_table, unsigned int n,
								  unsigned int *available)
{
	return prt_ring_mc_dequeue_burst_elem(r, obj_table, sizeof(void *), n, available);
}

/** Dequeues up to @p n pointers; one consumer at a time. @return how many. */
static __prt_always_inline unsigned int prt_ring_sc_dequeue_burst(struct prt_ring *r,
								  void **obj_table, unsigned int n,
								  unsigned int *available)
{
	return prt_ring_sc_dequeue_burst_elem(r, obj_table, sizeof(void *), n, available);
}

/** Dequeues up to @p n pointers, mc or sc as the ring's flags chose. @return how many. */
static __prt_always_inline unsigned int prt_ring_dequeue_burst(struct prt_ring *r, void **obj_table,
							       unsigned int n,
							       unsigned int *available)
{
	return prt_ring_dequeue_burst_elem(r, obj_table, sizeof(void *), n, available);
}

/** Enqueues @p obj; multi-producer safe. @return 0; -ENOBUFS when full. */
static __prt_always_inline int prt_ring_mp_enqueue(struct prt_ring *r, void *obj)
{
	return prt_ring_mp_enqueue_bulk(r, &obj, 1, NULL) ? 0 : -ENOBUFS;
}

/** Enqueues @p obj; one producer at a time. @return 0; -ENOBUFS when full. */
static __prt_always_inline int prt_ring_sp_enqueue(struct prt_ring *r, void *obj)
{
	return prt_ring_sp_enqueue_bulk(r, &obj, 1, NULL) ? 0 : -ENOBUFS;
}

/** Enqueues @p obj as the ring's flags chose. @return 0; -ENOBUFS when full. */
static __prt_always_inline int prt_ring_enqueue(struct prt_ring *r, void *obj)
{
	return prt_ring_enqueue_bulk(r, &obj, 1, NULL) ? 0 : -ENOBUFS;
}

/** Dequeues one pointer into @p obj_p; multi-consumer safe. @return 0; -ENOENT when empty. */
static __prt_always_inline int prt_ring_mc_dequeue(struct prt_ring *r, void **obj_p)
{
	return prt_ring_mc_dequeue_bulk(r, obj_p, 1, NULL) ? 0 : -ENOENT;
}

/** Dequeues one pointer into @p obj_p; one consumer at a time. @return 0; -ENOENT when empty. */
static __prt_always_inline int prt_ring_sc_dequeue(struct prt_ring *r, void **obj_p)
{
	return prt_ring_sc_dequeue_bulk(r, obj_p, 1, NULL) ? 0 : -ENOENT;
}

/** Dequeues one pointer into @p obj_p as the ring's flags chose. @return 0; -ENOENT when empty. */
static __prt_always_inline int prt_ring_dequeue(struct prt_ring *r, void **obj_p)
{
	return prt_ring_dequeue_bulk(r, obj_p, 1, NULL) ? 0 : -ENOENT;
}

/**
 * Elements in @p r. Exact when no thread is enqueuing or dequeuing; a
 * snapshot otherwise (never more than the capacity). Thread-safe.
 */
static inline unsigned int prt_ring_count(const struct prt_ring *r)
{
	/*
	 * cons.tail first, and with acquire so that the prod.tail load cannot
	 * be done before it: cons.tail then never runs ahead of the prod.tail
	 * we read (which would make the difference wrap). prod.tail may run
	 * ahead by up to the capacity: clamp.
	 */
	uint32_t cons_tail = atomic_load_explicit(&r->cons.tail, memory_order_acquire);
	uint32_t prod_tail = atomic_load_explicit(&r->prod.tail, memory_order_relaxed);
	uint32_t count = prod_tail - cons_tail;

	return count > r->capacity ? r->capacity : count;
}

/** Free slots of @p r (capacity - count). Thread-safe, a snapshot as prt_ring_count(). */
static inline unsigned int prt_ring_free_count(const struct prt_ring *r)
{
	return r->capacity - prt_ring_count(r);
}

/** Non-zero when @p r is full (a snapshot). */
static inline int prt_ring_full(const struct prt_ring *r)
{
	return prt_ring_free_count(r) == 0;
}

/** Non-zero when @p r is empty (a snapshot). */
static inline int prt_ring_empty(const struct prt_ring *r)
{
	return prt_ring_count(r) == 0;
}

/** Number of slots of @p r (a power of two). */
static inline unsigned int prt_ring_get_size(const struct prt_ring *r)
{
	return r->size;
}

/** Most elements @p r can hold. */
static inline unsigned int prt_ring_get_capacity(const struct prt_ring *r)
{
	return r->capacity;
}

#endif /* PRT_RING_H */
