/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_ring_elem.h
 * Rings of elements of a size chosen at creation (a multiple of 4 bytes):
 * the generic enqueue/dequeue that prt_ring.h's pointer rings use with
 * esize = sizeof(void *), as DPDK's rte_ring_elem.h.
 *
 * Every function takes @p esize, which must be the ring's esize; pass it as
 * a constant so that the copy is compiled for that size.
 *
 * Thread-safety: the mp/mc functions may be called by any number of threads
 * at once; the sp/sc ones by one thread at a time per side (the other side
 * may be used concurrently); the functions without a prefix do what the
 * ring's flags chose at creation. A thread that is preempted between
 * claiming and publishing its slots stalls the other threads of its side
 * (as in DPDK): run multi-producer/consumer sides on pinned lcores.
 */
#ifndef PRT_RING_ELEM_H
#define PRT_RING_ELEM_H

#include <sys/types.h>

#include "prt_ring_core.h"

/**
 * @internal Copies @p len bytes (a multiple of 4) between ring slots and a
 * table: 64-byte chunks, then one move per bit of the rest. Fixed-size moves
 * become vector loads and stores; a constant length costs no test, one known
 * at run time a test per size (the loop is entered only for more than 63
 * bytes, so a short copy does not pay for setting it up). Each byte is
 * written once: before a multi-producer CAS every extra store is one more
 * for the locked instruction to wait for. A libc memcpy() call costs more
 * than the copy for a burst of 32 pointers.
 *
 * GCC 12 at -O3 warns of the 64-byte loop (-Warray-bounds,
 * -Wstringop-overflow) when a caller's table is shorter than 64 bytes
 * (prt_pktmbuf_alloc_bulk() of 6 mbufs): it does not carry the bound
 * "first < n" of a wrapping copy (prt_ring_read_elems()) into the loop's
 * length, though the copy never writes past n elements. Silenced here, so
 * that an application that includes this header at -O3 -Werror builds.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif
static __prt_always_inline void prt_ring_copy(void *restrict dst, const void *restrict src,
					      size_t len)
{
	char *d = dst;
	const char *s = src;

	if (len >= 64) {
		do {
			__builtin_memcpy(d, s, 64);
			len -= 64;
			d += 64;
			s += 64;
		} while (len >= 64);
	}
	if (len & 32) {
		__builtin_memcpy(d, s, 32);
		d += 32;
		s += 32;
	}
	if (len & 16) {
		__builtin_memcpy(d, s, 16);
		d += 16;
		s += 16;
	}
	if (len & 8) {
		__builtin_memcpy(d, s, 8);
		d += 8;
		s += 8;
	}
	if (len & 4)
		__builtin_memcpy(d, s, 4);
}
#pragma GCC diagnostic pop

/**
 * @internal True when @p n slots from slot @p idx do not run past the last
 * slot. One slot never does; with one thread on the side (@p st) that is
 * said outright, since the compiler does not derive idx <= mask from
 * idx = head & mask, so a single-object sp/sc call has no wrap test. Not
 * with several threads on the side: there the shortcut measured slower
 * (doc/performance.md, "Rings, mempools, mbufs").
 *
 * @p n is what prt_ring_move_head() claimed, at most the capacity, and
 * @p idx at most the mask, both below 2^31 (PRT_RING_SZ_MASK): their sum
 * cannot wrap in 32 bits.
 */
static __prt_always_inline int prt_ring_no_wrap(const struct prt_ring *r, uint32_t idx, uint32_t n,
						int st)
{
	return (st && __builtin_constant_p(n) && n == 1) || idx + n <= r->size;
}

/**
 * @internal Writes @p n elements of @p obj_table into the slots from index
 * @p head on (@p st: one producer thread).
 */
static __prt_always_inline void prt_ring_write_elems(struct prt_ring *r, uint32_t head,
						     const void *obj_table, uint32_t esize,
						     uint32_t n, int st)
{
	const uint32_t idx = head & r->mask;
	char *slots = prt_ring_slots(r);
	const char *obj = obj_table;

	if (likely(prt_ring_no_wrap(r, idx, n, st))) {
		prt_ring_copy(slots + (size_t)idx * esize, obj, (size_t)n * esize);
	} else {
		const uint32_t first = r->size - idx;

		/* Wrapping: first < n (tells the compiler, so it bounds the copies). */
		if (first >= n)
			__builtin_unreachable();
		prt_ring_copy(slots + (size_t)idx * esize, obj, (size_t)first * esize);
		prt_ring_copy(slots, obj + (size_t)first * esize, (size_t)(n - first) * esize);
	}
}

/**
 * @internal Reads @p n elements from the slots from index @p head on into
 * @p obj_table (@p st: one consumer thread).
 */
static __prt_always_inline void prt_ring_read_elems(const struct prt_ring *r, uint32_t head,
						    void *obj_table, uint32_t esize, uint32_t n,
						    int st)
{
	const uint32_t idx = head & r->mask;
	const char *slots = prt_ring_slots(r);
	char *obj = obj_table;

	if (likely(prt_ring_no_wrap(r, idx, n, st))) {
		prt_ring_copy(obj, slots + (size_t)idx * esize, (size_t)n * esize);
	} else {
		const uint32_t first = r->size - idx;

		if (first >= n)
			__builtin_unreachable();
		prt_ring_copy(obj, slots + (size_t)idx * esize, (size_t)first * esize);
		prt_ring_copy(obj + (size_t)first * esize, slots, (size_t)(n - first) * esize);
	}
}

/**
 * @internal Enqueue of up to @p n elements; @p st: single producer.
 * @return elements enqueued; @p free_space (if not NULL) gets the free
 *         slots left after the call.
 */
static __prt_always_inline unsigned int
prt_ring_do_enqueue_elem(struct prt_ring *r, const void *obj_table, unsigned int esize,
			 unsigned int n, enum prt_ring_queue_behavior behavior, int st,
			 unsigned int *free_space)
{
	uint32_t head = 0, avail;
	uint64_t word = 0;

	n = prt_ring_move_head(r, 1, st, n, behavior, &head, &avail, &word);
	if (likely(n != 0)) {
		prt_ring_write_elems(r, head, obj_table, esize, n, st);
		prt_ring_update_tail(&r->prod, head, n, word, st);
	}
	if (free_space != NULL)
		*free_space = avail - n;
	return n;
}

/**
 * @internal Dequeue of up to @p n elements; @p st: single consumer.
 * @return elements dequeued; @p available (if not NULL) gets the elements
 *         left after the call.
 */
static __prt_always_inline unsigned int
prt_ring_do_dequeue_elem(struct prt_ring *r, void *obj_table, unsigned int esize, unsigned int n,
			 enum prt_ring_queue_behavior behavior, int st, unsigned int *available)
{
	uint32_t head = 0, avail;
	uint64_t word = 0;

	n = prt_ring_move_head(r, 0, st, n, behavior, &head, &avail, &word);
	if (likely(n != 0)) {
		prt_ring_read_elems(r, head, obj_table, esize, n, st);
		prt_ring_update_tail(&r->cons, head, n, word, st);
	}
	if (available != NULL)
		*available = avail - n;
	return n;
}

/**
 * Bytes a ring of @p count elements of @p esize bytes needs (structure and
 * slots), for prt_ring_init() in memory of the caller's.
 *
 * @param esize bytes per element, a multiple of 4
 * @param count slots, a power of two (for a PRT_RING_F_EXACT_SZ ring of
 *              c elements: prt_align32pow2(c + 1))
 * @return the size in bytes; -EINVAL when @p esize is not a multiple of 4
 *         or @p count is not a power of two or exceeds PRT_RING_SZ_MASK.
 */
ssize_t prt_ring_get_memsize_elem(unsigned int esize, unsigned int count);

/**
 * Initialises an empty ring of @p count elements of @p esize bytes in the
 * memory at @p r (cache-line aligned, prt_ring_get_memsize_elem() bytes).
 * The ring cannot be found with prt_ring_lookup() and is not freed by
 * prt_ring_free(): the memory stays the caller's. Not thread-safe against
 * users of the ring.
 *
 * @param name  copied into the ring
 * @param flags PRT_RING_F_SP_ENQ, PRT_RING_F_SC_DEQ, PRT_RING_F_EXACT_SZ
 * @return 0; -EINVAL for a bad @p esize, @p count or @p flags, a NULL or
 *         misaligned @p r; -ENAMETOOLONG when @p name does not fit
 *         PRT_RING_NAMESIZE.
 */
int prt_ring_init_elem(struct prt_ring *r, const char *name, unsigned int esize, unsigned int count,
		       unsigned int flags);

/**
 * Creates a ring of @p count elements of @p esize bytes in a memzone named
 * PRT_RING_MZ_PREFIX @p name on NUMA node @p socket_id, findable with
 * prt_ring_lookup(). Thread-safe. Needs prt_eal_init().
 *
 * @param socket_id a NUMA node, or PRT_SOCKET_ID_ANY
 * @param flags     PRT_RING_F_SP_ENQ, PRT_RING_F_SC_DEQ, PRT_RING_F_EXACT_SZ
 * @return the ring, or NULL with errno set: EINVAL (bad @p esize, @p count
 *         or @p flags), ENAMETOOLONG, EEXIST (a ring of that name exists),
 *         ENOMEM, ENOSPC (from prt_memzone_reserve()).
 */
struct prt_ring *prt_ring_create_elem(const char *name, unsigned int esize, unsigned int count,
				      int socket_id, unsigned int flags);

/**
 * Enqueues all @p n elements of @p esize bytes from @p obj_table, or none.
 * Multi-producer safe.
 * @return @p n or 0; @p free_space (may be NULL) gets the free slots left.
 */
static __prt_always_inline unsigned int
prt_ring_mp_enqueue_bulk_elem(struct prt_ring *r, const void *obj_table, unsigned int esize,
			      unsigned int n, unsigned int *free_space)
{
	return prt_ring_do_enqueue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_FIXED,
					PRT_RING_SYNC_MT, free_space);
}

/** prt_ring_mp_enqueue_bulk_elem() for one producer thread at a time. */
static __prt_always_inline unsigned int
prt_ring_sp_enqueue_bulk_elem(struct prt_ring *r, const void *obj_table, unsigned int esize,
			      unsigned int n, unsigned int *free_space)
{
	return prt_ring_do_enqueue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_FIXED,
					PRT_RING_SYNC_ST, free_space);
}

/** prt_ring_mp_enqueue_bulk_elem() or the sp one, as the ring's flags chose. */
static __prt_always_inline unsigned int
prt_ring_enqueue_bulk_elem(struct prt_ring *r, const void *obj_table, unsigned int esize,
			   unsigned int n, unsigned int *free_space)
{
	/*
	 * Two calls with the mode a constant (here and in the burst and
	 * dequeue functions below, as DPDK's switch on sync_type): each is
	 * compiled for its mode, so the claim and the publish do not test the
	 * flag again, and no register holds it in between.
	 */
	if (r->prod.sync_type == PRT_RING_SYNC_ST)
		return prt_ring_do_enqueue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_FIXED,
						PRT_RING_SYNC_ST, free_space);
	return prt_ring_do_enqueue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_FIXED,
					PRT_RING_SYNC_MT, free_space);
}

/**
 * Enqueues as many of the @p n elements of @p obj_table as fit.
 * Multi-producer safe.
 * @return the number enqueued (0 to @p n); @p free_space as for bulk.
 */
static __prt_always_inline unsigned int
prt_ring_mp_enqueue_burst_elem(struct prt_ring *r, const void *obj_table, unsigned int esize,
			       unsigned int n, unsigned int *free_space)
{
	return prt_ring_do_enqueue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_VARIABLE,
					PRT_RING_SYNC_MT, free_space);
}

/** prt_ring_mp_enqueue_burst_elem() for one producer thread at a time. */
static __prt_always_inline unsigned int
prt_ring_sp_enqueue_burst_elem(struct prt_ring *r, const void *obj_table, unsigned int esize,
			       unsigned int n, unsigned int *free_space)
{
	return prt_ring_do_enqueue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_VARIABLE,
					PRT_RING_SYNC_ST, free_space);
}

/** prt_ring_mp_enqueue_burst_elem() or the sp one, as the ring's flags chose. */
static __prt_always_inline unsigned int
prt_ring_enqueue_burst_elem(struct prt_ring *r, const void *obj_table, unsigned int esize,
			    unsigned int n, unsigned int *free_space)
{
	if (r->prod.sync_type == PRT_RING_SYNC_ST)
		return prt_ring_do_enqueue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_VARIABLE,
						PRT_RING_SYNC_ST, free_space);
	return prt_ring_do_enqueue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_VARIABLE,
					PRT_RING_SYNC_MT, free_space);
}

/**
 * Dequeues @p n elements of @p esize bytes into @p obj_table, or none.
 * Multi-consumer safe.
 * @return @p n or 0; @p available (may be NULL) gets the elements left.
 */
static __prt_always_inline unsigned int
prt_ring_mc_dequeue_bulk_elem(struct prt_ring *r, void *obj_table, unsigned int esize,
			      unsigned int n, unsigned int *available)
{
	return prt_ring_do_dequeue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_FIXED,
					PRT_RING_SYNC_MT, available);
}

/** prt_ring_mc_dequeue_bulk_elem() for one consumer thread at a time. */
static __prt_always_inline unsigned int
prt_ring_sc_dequeue_bulk_elem(struct prt_ring *r, void *obj_table, unsigned int esize,
			      unsigned int n, unsigned int *available)
{
	return prt_ring_do_dequeue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_FIXED,
					PRT_RING_SYNC_ST, available);
}

/** prt_ring_mc_dequeue_bulk_elem() or the sc one, as the ring's flags chose. */
static __prt_always_inline unsigned int
prt_ring_dequeue_bulk_elem(struct prt_ring *r, void *obj_table, unsigned int esize, unsigned int n,
			   unsigned int *available)
{
	if (r->cons.sync_type == PRT_RING_SYNC_ST)
		return prt_ring_do_dequeue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_FIXED,
						PRT_RING_SYNC_ST, available);
	return prt_ring_do_dequeue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_FIXED,
					PRT_RING_SYNC_MT, available);
}

/**
 * Dequeues up to @p n elements into @p obj_table, as many as there are.
 * Multi-consumer safe.
 * @return the number dequeued (0 to @p n); @p available as for bulk.
 */
static __prt_always_inline unsigned int
prt_ring_mc_dequeue_burst_elem(struct prt_ring *r, void *obj_table, unsigned int esize,
			       unsigned int n, unsigned int *available)
{
	return prt_ring_do_dequeue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_VARIABLE,
					PRT_RING_SYNC_MT, available);
}

/** prt_ring_mc_dequeue_burst_elem() for one consumer thread at a time. */
static __prt_always_inline unsigned int
prt_ring_sc_dequeue_burst_elem(struct prt_ring *r, void *obj_table, unsigned int esize,
			       unsigned int n, unsigned int *available)
{
	return prt_ring_do_dequeue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_VARIABLE,
					PRT_RING_SYNC_ST, available);
}

/** prt_ring_mc_dequeue_burst_elem() or the sc one, as the ring's flags chose. */
static __prt_always_inline unsigned int
prt_ring_dequeue_burst_elem(struct prt_ring *r, void *obj_table, unsigned int esize, unsigned int n,
			    unsigned int *available)
{
	if (r->cons.sync_type == PRT_RING_SYNC_ST)
		return prt_ring_do_dequeue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_VARIABLE,
						PRT_RING_SYNC_ST, available);
	return prt_ring_do_dequeue_elem(r, obj_table, esize, n, PRT_RING_QUEUE_VARIABLE,
					PRT_RING_SYNC_MT, available);
}

/** Enqueues the one element at @p obj. @return 0; -ENOBUFS when the ring is full. */
static __prt_always_inline int prt_ring_enqueue_elem(struct prt_ring *r, const void *obj,
						     unsigned int esize)
{
	return prt_ring_enqueue_bulk_elem(r, obj, esize, 1, NULL) ? 0 : -ENOBUFS;
}

/** Dequeues one element into @p obj. @return 0; -ENOENT when the ring is empty. */
static __prt_always_inline int prt_ring_dequeue_elem(struct prt_ring *r, void *obj,
						     unsigned int esize)
{
	return prt_ring_dequeue_bulk_elem(r, obj, esize, 1, NULL) ? 0 : -ENOENT;
}

#endif /* PRT_RING_ELEM_H */
