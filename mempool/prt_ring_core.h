/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_ring_core.h
 * The ring's structure and the index arithmetic every enqueue and dequeue
 * shares: claiming a range of slots (moving a head) and publishing it
 * (moving a tail). Included by prt_ring_elem.h; use prt_ring.h.
 *
 * How the ring works. Four free-running 32-bit counters, prod.head,
 * prod.tail, cons.head and cons.tail, index the slots modulo the ring size.
 * An enqueue claims [prod.head, prod.head + n) by moving prod.head (a plain
 * store with one producer, a compare-and-swap with several), writes the
 * slots, then publishes them by moving prod.tail; a dequeue does the same
 * with cons.head and cons.tail. A consumer reads only slots below prod.tail;
 * a producer writes only slots below cons.tail + capacity. The counters
 * wrap at 2^32; differences are taken modulo 2^32, so they stay correct as
 * long as no thread stalls for 2^32 operations between two of its loads.
 *
 * What prt does that DPDK's ring does not: each side keeps, in its own cache
 * line, the last value it read of the other side's tail (@c other_tail).
 * A producer looks at cons.tail only when that cached value says the ring
 * is full, so in a steady stream between two cores each side's cache line
 * moves once per refill instead of once per call. A cached tail is never
 * ahead of the real one, so it can only make the ring look fuller (to a
 * producer) or emptier (to a consumer) than it is: never unsafe.
 *
 * Memory ordering (C11). Every cross-thread handover goes through a
 * release store of a tail and an acquire load of the same tail:
 *  - producer: slot writes, then store-release prod.tail;
 *    consumer: load-acquire prod.tail, then slot reads.
 *  - consumer: slot reads, then store-release cons.tail;
 *    producer: load-acquire cons.tail, then slot writes (so a slot is not
 *    overwritten before its old value was read).
 * The cached tails carry the same guarantee by a chain of release/acquire:
 * the thread that loaded a tail with acquire stores it to @c other_tail
 * with release, and a thread that reads @c other_tail does so with acquire.
 * Heads are only ever read by threads of their own side and order nothing:
 * they are relaxed. On x86-64 every acquire load and release store here is
 * a plain MOV; on arm64 they are LDAR/STLR.
 */
#ifndef PRT_RING_CORE_H
#define PRT_RING_CORE_H

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "prt_common.h"
#include "prt_memzone.h"

/** Prefix of the memzone that holds a ring made by prt_ring_create(). */
#define PRT_RING_MZ_PREFIX "RG_"

/** Longest ring name, its terminating NUL included. */
#define PRT_RING_NAMESIZE (PRT_MEMZONE_NAMESIZE - sizeof(PRT_RING_MZ_PREFIX) + 1)

/** Flags of prt_ring_create() and prt_ring_init(). */
#define PRT_RING_F_SP_ENQ 0x0001u /**< the default enqueue is single-producer */
#define PRT_RING_F_SC_DEQ 0x0002u /**< the default dequeue is single-consumer */
#define PRT_RING_F_EXACT_SZ 0x0004u /**< holds exactly @c count elements (size rounded up) */

/** Largest ring size (slots): the counters' mask must fit in 31 bits. */
#define PRT_RING_SZ_MASK 0x7fffffffu

/**
 * Pause instructions a multi-producer/consumer thread spins while waiting
 * for the thread that claimed slots before it to publish them, before it
 * yields the CPU (that thread may have been preempted on the same CPU).
 */
#define PRT_RING_SPINS_BEFORE_YIELD 1024u

/** Enqueue/dequeue behaviour. */
enum prt_ring_queue_behavior {
	PRT_RING_QUEUE_FIXED = 0, /**< all @p n elements or none (bulk) */
	PRT_RING_QUEUE_VARIABLE, /**< as many as possible, up to @p n (burst) */
};

/** Who may use one side of a ring at once. */
enum prt_ring_sync_type {
	PRT_RING_SYNC_MT = 0, /**< several threads (compare-and-swap on the head) */
	PRT_RING_SYNC_ST = 1, /**< one thread at a time */
};

/** One side of a ring (producer or consumer), on a cache line of its own. */
struct prt_ring_headtail {
	/** Next slot to claim; read and written by this side only. */
	_Atomic uint32_t head;
	/** Every slot below it is published to the other side. */
	_Atomic uint32_t tail;
	/** The other side's tail as this side last read it (never ahead of it). */
	_Atomic uint32_t other_tail;
	/** enum prt_ring_sync_type of the default enqueue/dequeue. */
	uint32_t sync_type;
} __prt_cache_aligned;

/**
 * A ring of @c size slots of @c esize bytes, which follow the structure in
 * memory. Made by prt_ring_create() / prt_ring_create_elem(), or by
 * prt_ring_init() in memory of the caller's. Read-only for its users.
 */
struct prt_ring {
	char name[PRT_RING_NAMESIZE]; /**< as given at creation */
	unsigned int flags; /**< PRT_RING_F_* */
	const struct prt_memzone *memzone; /**< holds the ring; NULL after prt_ring_init() */
	uint32_t size; /**< slots (a power of two) */
	uint32_t mask; /**< size - 1 */
	uint32_t capacity; /**< usable slots: size - 1, or count with PRT_RING_F_EXACT_SZ */
	uint32_t esize; /**< bytes per element, a multiple of 4 */

	/*
	 * An empty line around each side, so that the adjacent-line
	 * prefetcher does not couple the two sides (the structure itself only
	 * needs cache-line alignment).
	 */
	char pad0[PRT_CACHE_LINE_SIZE] __prt_cache_aligned;
	struct prt_ring_headtail prod; /**< producer side */
	char pad1[PRT_CACHE_LINE_SIZE] __prt_cache_aligned;
	struct prt_ring_headtail cons; /**< consumer side */
	char pad2[PRT_CACHE_LINE_SIZE] __prt_cache_aligned;
	/* size * esize bytes of slots follow, cache-line aligned */
};

/** The first slot of @p r. */
static __prt_always_inline void *prt_ring_slots(const struct prt_ring *r)
{
	return (void *)((uintptr_t)(r + 1));
}

/**
 * @internal The slots of the ring that side @p is_prod may not take, given
 * its @p head and the other side's tail (or a cached copy of it): for a
 * producer the filled ones (head - tail), for a consumer the free ones
 * (capacity - (tail - head)). The side may take capacity - result. A copy
 * older or newer than the head puts the result above the capacity (the
 * counters are 32 bits, the capacity below 2^31): nothing to take.
 */
static __prt_always_inline uint32_t prt_ring_unavail(uint32_t capacity, int is_prod, uint32_t head,
						     uint32_t other_tail)
{
	return is_prod ? head - other_tail : capacity + head - other_tail;
}

/**
 * @internal True when @p n slots can be taken with @p unavail slots out of
 * reach: one compare, also false when @p unavail is out of range.
 */
static __prt_always_inline int prt_ring_fits(uint32_t capacity, uint32_t unavail, uint32_t n)
{
	return (uint64_t)unavail + n <= capacity;
}

/**
 * @internal Claims up to @p n slots for side @p ht of ring @p r (@p is_prod:
 * the producer side, free slots; otherwise the consumer side, filled
 * slots). @p st: one thread uses this side (PRT_RING_SYNC_ST), so a plain
 * store moves the head.
 *
 * @param old_head   set to the first claimed index
 * @param avail      set to the slots that were available (before the claim)
 * @return the number claimed: @p n, or fewer (down to 0) with
 *         PRT_RING_QUEUE_VARIABLE; 0 or @p n with PRT_RING_QUEUE_FIXED.
 */
static __prt_always_inline uint32_t prt_ring_move_head(struct prt_ring *r, int is_prod, int st,
						       uint32_t n,
						       enum prt_ring_queue_behavior behavior,
						       uint32_t *old_head, uint32_t *avail)
{
	struct prt_ring_headtail *ht = is_prod ? &r->prod : &r->cons;
	struct prt_ring_headtail *other = is_prod ? &r->cons : &r->prod;
	const uint32_t capacity = r->capacity;
	uint32_t head, cached, unavail, take;

	/*
	 * Relaxed: the head orders nothing. With one thread on this side it is
	 * our own last store; with several, a stale value makes the CAS below
	 * fail and hands us the current one.
	 */
	head = atomic_load_explicit(&ht->head, memory_order_relaxed);
	for (;;) {
		/*
		 * Acquire: pairs with the release store of other_tail below (by
		 * this or another thread of our side), which passes on what that
		 * thread acquired from the other side's tail. Slot accesses after
		 * the claim cannot move above this load.
		 */
		cached = atomic_load_explicit(&ht->other_tail, memory_order_acquire);
		unavail = prt_ring_unavail(capacity, is_prod, head, cached);
		take = n;
		if (unlikely(!prt_ring_fits(capacity, unavail, n))) {
			/*
			 * Acquire: pairs with the other side's store-release of
			 * its tail, made after it finished with those slots
			 * (consumer: read them; producer: wrote them).
			 */
			cached = atomic_load_explicit(&other->tail, memory_order_acquire);
			/* Release: passes that acquire on to our side's readers of other_tail. */
			atomic_store_explicit(&ht->other_tail, cached, memory_order_release);
			unavail = prt_ring_unavail(capacity, is_prod, head, cached);
			if (!prt_ring_fits(capacity, unavail, n)) {
				/*
				 * Not enough, judged against a head read before the
				 * tail: if other threads of our side moved the head
				 * meanwhile, the tail may have passed our old head
				 * and the difference wrapped. Only a head unchanged
				 * since (read again after the acquire load above, so
				 * after it) makes the verdict hold.
				 */
				uint32_t now =
					st ? head :
					     atomic_load_explicit(&ht->head, memory_order_relaxed);

				if (now != head) {
					head = now;
					continue;
				}
				take = unavail > capacity ? 0 : capacity - unavail;
				if (behavior == PRT_RING_QUEUE_FIXED || take == 0) {
					*avail = take;
					return 0;
				}
			}
		}
		*avail = capacity - unavail;
		if (st) {
			/* Relaxed: only this thread reads its side's head. */
			atomic_store_explicit(&ht->head, head + take, memory_order_relaxed);
			break;
		}
		/*
		 * Relaxed on success and failure: the CAS only hands out the
		 * index range; the slot data is ordered by the tails. On failure
		 * @c head is reloaded with the current value.
		 */
		if (likely(atomic_compare_exchange_weak_explicit(&ht->head, &head, head + take,
								 memory_order_relaxed,
								 memory_order_relaxed)))
			break;
	}
	*old_head = head;
	return take;
}

/**
 * @internal Publishes the slots [@p old_head, @p old_head + @p n) of side
 * @p ht, claimed by prt_ring_move_head(). With several threads on a side,
 * tails move in claim order: wait until the threads that claimed before us
 * have published.
 */
static __prt_always_inline void prt_ring_update_tail(struct prt_ring_headtail *ht,
						     uint32_t old_head, uint32_t n, int st)
{
	if (!st) {
		/*
		 * Acquire: pairs with the release store of the thread that
		 * claimed just before us, so that its slot accesses happen
		 * before our release below and a reader of our tail sees them
		 * too (a store-release does not continue another thread's
		 * release sequence).
		 */
		unsigned int spins = 0;

		while (atomic_load_explicit(&ht->tail, memory_order_acquire) != old_head) {
			prt_pause();
			/*
			 * The predecessor was preempted between its claim and its
			 * publish: if it shares our CPU, spinning keeps it off.
			 * After a while (about 50 us), give the CPU away.
			 */
			if (unlikely(++spins == PRT_RING_SPINS_BEFORE_YIELD)) {
				sched_yield();
				spins = 0;
			}
		}
	}
	/* Release: our slot accesses happen before the other side sees the new tail. */
	atomic_store_explicit(&ht->tail, old_head + n, memory_order_release);
}

#endif /* PRT_RING_CORE_H */
