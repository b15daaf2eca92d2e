/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_ring_core.h
 * The ring's structure and the index arithmetic every enqueue and dequeue
 * shares: claiming a range of slots (moving a head) and publishing it
 * (moving a tail). Included by prt_ring_elem.h; use prt_ring.h.
 *
 * How the ring works. Four free-running 32-bit counters, prod.head,
 * prod.tail, cons.head and cons.tail, index the slots modulo the ring size.
 * An enqueue claims [prod.head, prod.head + n) by moving prod.head (a
 * compare-and-swap with several producers; with one, which no other thread
 * races, a plain store made just before the tail's), writes the slots, then
 * publishes them by moving prod.tail; a dequeue does the same with
 * cons.head and cons.tail. A consumer reads only slots below prod.tail;
 * a producer writes only slots below cons.tail + capacity. The counters
 * wrap at 2^32; differences are taken modulo 2^32, so they stay correct as
 * long as no thread stalls for 2^32 operations between two of its loads.
 *
 * What prt does that DPDK's ring does not: each side keeps, next to its
 * head and in one 64-bit word with it (@c head_seen), the last value it
 * read of the other side's tail. A side looks at the other side's tail
 * line only when that copy does not show enough slots, so in a steady
 * stream between two cores it reads that line once per refill instead of
 * once per call. One load reads the head and the copy, one store (one
 * thread on the side, made with the tail's) or one compare-and-swap
 * (several, the claim) writes both, so a copy is always at least as new as
 * the head it is stored with: the slots it shows, for a consumer seen -
 * head, for a producer capacity + seen - head, are always between 0 and
 * the capacity, and they are really there (a tail only moves forward). No
 * extra store: in a ping-pong where every call must read the real tail,
 * the head store carries the copy.
 *
 * Memory ordering (C11). Every cross-thread handover goes through a
 * release store of a tail and an acquire load of the same tail:
 *  - producer: slot writes, then store-release prod.tail;
 *    consumer: load-acquire prod.tail, then slot reads.
 *  - consumer: slot reads, then store-release cons.tail;
 *    producer: load-acquire cons.tail, then slot writes (so a slot is not
 *    overwritten before its old value was read).
 * A copy of a tail carries the same guarantee: with one thread on a side,
 * the thread that uses the copy is the one that acquired it (or one that
 * took the side over with its own synchronisation); with several, the
 * compare-and-swap that stores it releases and the load that reads it
 * acquires, a chain from the other side's release store. On x86-64 every
 * acquire load and release store here is a plain MOV and the CAS a LOCK
 * CMPXCHG; on arm64 they are LDAR/STLR and CASAL (or an LDAXR/STLXR loop).
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

/**
 * One side of a ring (producer or consumer). What only this side uses (the
 * head with its copy of the other side's tail, the sync type) is on one
 * cache line, the tail, which the other side reads, on another, an empty
 * line between them. The other side's polling of the tail then never takes
 * away the line that this side's claim writes (a plain store, or with
 * several threads a compare-and-swap): of the lines a call writes, only
 * the tail's and the slots' are read by the other side (doc/performance.md,
 * "The two-core stream on AMD EPYC").
 */
struct prt_ring_headtail {
	/**
	 * Low 32 bits: the next slot to claim (the head). High 32 bits: the
	 * other side's tail as this side last read it. Read and written by
	 * this side only; see prt_ring_head_of() and prt_ring_seen_of().
	 */
	_Atomic uint64_t head_seen;
	/** enum prt_ring_sync_type of the default enqueue/dequeue. */
	uint32_t sync_type;
	/* So that the adjacent-line prefetcher does not pair the two lines. */
	char pad[PRT_CACHE_LINE_SIZE] __prt_cache_aligned;
	/** Every slot below it is published to the other side. */
	_Atomic uint32_t tail __prt_cache_aligned;
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
	 * An empty line around each side (and one between a side's head and
	 * tail, in struct prt_ring_headtail), so that the adjacent-line
	 * prefetcher does not couple two lines that different threads write
	 * (the structure itself only needs cache-line alignment).
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

/** @internal The head in a @c head_seen word. */
static __prt_always_inline uint32_t prt_ring_head_of(uint64_t head_seen)
{
	return (uint32_t)head_seen;
}

/** @internal The copy of the other side's tail in a @c head_seen word. */
static __prt_always_inline uint32_t prt_ring_seen_of(uint64_t head_seen)
{
	return (uint32_t)(head_seen >> 32);
}

/** @internal A @c head_seen word (the head wraps without touching the copy). */
static __prt_always_inline uint64_t prt_ring_head_seen(uint32_t head, uint32_t seen)
{
	return (uint64_t)seen << 32 | head;
}

/**
 * @internal The slots side @p is_prod may take, given its @p head and the
 * other side's tail @p seen (or a copy of it): for a producer the free
 * ones, for a consumer the filled ones.
 */
static __prt_always_inline uint32_t prt_ring_avail(uint32_t capacity, int is_prod, uint32_t head,
						   uint32_t seen)
{
	return is_prod ? capacity + seen - head : seen - head;
}

/**
 * @internal Claims up to @p n slots for side @p ht of ring @p r (@p is_prod:
 * the producer side, free slots; otherwise the consumer side, filled
 * slots). @p st: one thread uses this side (PRT_RING_SYNC_ST): nothing is
 * stored here, prt_ring_update_tail() moves the head with a plain store
 * (with several, a compare-and-swap here moves it).
 *
 * @param old_head   set to the first claimed index
 * @param avail      set to the slots that were available (before the claim)
 * @param word_out   set to the @c head_seen word of the new head and the
 *                   copy, for prt_ring_update_tail() to store (with @p st)
 * @return the number claimed: @p n, or fewer (down to 0) with
 *         PRT_RING_QUEUE_VARIABLE; 0 or @p n with PRT_RING_QUEUE_FIXED.
 */
static __prt_always_inline uint32_t prt_ring_move_head(struct prt_ring *r, int is_prod, int st,
						       uint32_t n,
						       enum prt_ring_queue_behavior behavior,
						       uint32_t *old_head, uint32_t *avail,
						       uint64_t *word_out)
{
	struct prt_ring_headtail *ht = is_prod ? &r->prod : &r->cons;
	struct prt_ring_headtail *other = is_prod ? &r->cons : &r->prod;
	const uint32_t capacity = r->capacity;
	uint64_t head_seen;
	uint32_t head, seen, free_or_filled, take;

	/*
	 * One thread on this side: relaxed, the word is this thread's own last
	 * store, and the copy in it was acquired by this thread. Several:
	 * acquire, pairs with the release CAS below of the thread that stored
	 * the word, which passes on what that thread acquired from the other
	 * side's tail; slot accesses after the claim cannot move above it.
	 */
	head_seen = atomic_load_explicit(&ht->head_seen,
					 st ? memory_order_relaxed : memory_order_acquire);
	for (;;) {
		head = prt_ring_head_of(head_seen);
		seen = prt_ring_seen_of(head_seen);
		free_or_filled = prt_ring_avail(capacity, is_prod, head, seen);
		take = n;
		if (unlikely(free_or_filled < n)) {
			/*
			 * Acquire: pairs with the other side's store-release of
			 * its tail, made after it finished with those slots
			 * (consumer: read them; producer: wrote them).
			 */
			seen = atomic_load_explicit(&other->tail, memory_order_acquire);
			free_or_filled = prt_ring_avail(capacity, is_prod, head, seen);
			if (free_or_filled < n) {
				/*
				 * Not enough. With several threads, @c head may be
				 * older than the real head; the real head is ahead of
				 * it, which leaves fewer slots still: the verdict
				 * holds. Nothing is stored: the copy is refreshed
				 * with the next claim.
				 */
				if (behavior == PRT_RING_QUEUE_FIXED || free_or_filled == 0) {
					*avail = free_or_filled;
					return 0;
				}
				take = free_or_filled;
			}
		}
		/*
		 * One thread: no other thread reads the word until this one has
		 * stored it (prt_ring_update_tail()), so the claim need not be
		 * made visible first.
		 */
		if (st)
			break;
		/*
		 * The CAS hands out the index range (the slot data is ordered by
		 * the tails) and stores the copy with the head. Release on
		 * success: passes a copy refreshed above to the other threads of
		 * our side. Acquire on failure: @c head_seen is reloaded with
		 * the current word, whose copy we use next. A stale @c head
		 * (another thread claimed since our load) makes it fail, however
		 * many slots we computed.
		 */
		if (likely(atomic_compare_exchange_weak_explicit(
			    &ht->head_seen, &head_seen, prt_ring_head_seen(head + take, seen),
			    memory_order_acq_rel, memory_order_acquire)))
			break;
	}
	*old_head = head;
	*avail = free_or_filled;
	*word_out = prt_ring_head_seen(head + take, seen);
	return take;
}

/**
 * @internal The turn wait of prt_ring_update_tail(), out of line: spins
 * until @p ht's tail is @p old_head, yielding the CPU now and then. Called
 * only when the first look found an earlier claim not yet published.
 */
__attribute__((cold)) void prt_ring_wait_tail(struct prt_ring_headtail *ht, uint32_t old_head);

/**
 * @internal Publishes the slots [@p old_head, @p old_head + @p n) of side
 * @p ht, claimed by prt_ring_move_head(). With one thread on the side
 * (@p st), first stores @p word, the new head and copy that
 * prt_ring_move_head() gave: the two stores of a call then come together,
 * after the slots' copy (doc/performance.md, "The two-core stream on AMD
 * EPYC"). With several threads, tails move in claim order: wait until the
 * threads that claimed before us have published.
 */
static __prt_always_inline void prt_ring_update_tail(struct prt_ring_headtail *ht,
						     uint32_t old_head, uint32_t n, uint64_t word,
						     int st)
{
	/*
	 * Relaxed: only this thread reads its side's word (another thread
	 * that takes the side over does so with its own synchronisation).
	 */
	if (st)
		atomic_store_explicit(&ht->head_seen, word, memory_order_relaxed);
	/*
	 * Acquire: pairs with the release store of the thread that claimed
	 * just before us, so that its slot accesses happen before our release
	 * below and a reader of our tail sees them too (a store-release does
	 * not continue another thread's release sequence). The acquire load
	 * that sees old_head is this one or the last one of
	 * prt_ring_wait_tail(); either is sequenced before our store. The
	 * wait is out of line so that its loop, and the registers that its
	 * sched_yield() call makes the caller save, are not on the path of an
	 * uncontended call.
	 */
	if (!st && unlikely(atomic_load_explicit(&ht->tail, memory_order_acquire) != old_head))
		prt_ring_wait_tail(ht, old_head);
	/* Release: our slot accesses happen before the other side sees the new tail. */
	atomic_store_explicit(&ht->tail, old_head + n, memory_order_release);
}

#endif /* PRT_RING_CORE_H */
