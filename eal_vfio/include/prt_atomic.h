/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_atomic.h
 * C11 atomic access to objects that are not declared _Atomic.
 *
 * prt's own shared state is declared with <stdatomic.h> types where it can
 * be (the ring's head and tail, the mbuf reference count). Some memory
 * cannot: descriptor rings and indexes that a device or a vhost-user peer
 * reads and writes (their layout is the spec's, uint16_t/uint32_t fields),
 * and counters in structures whose plain uint64_t fields are also read by
 * code that does not race (stats snapshots). These macros make one C11
 * atomic access of such an object, with the memory order given as a C11
 * memory_order, so that every atomic in prt is written one way.
 *
 * @p p points to a naturally aligned integer (or pointer) of 1, 2, 4 or 8
 * bytes; the access is then lock-free on every CPU prt builds for (x86-64,
 * arm64), as _Atomic of the same type is.
 */
#ifndef PRT_ATOMIC_H
#define PRT_ATOMIC_H

#include <stdatomic.h>

/** @p p as a pointer to the _Atomic version of its pointee. */
#define PRT_ATOMIC_PTR(p) ((_Atomic __typeof__(*(p)) *)(p))

/** Loads *@p p atomically with memory order @p mo (memory_order_relaxed, _acquire, ...). */
#define prt_atomic_load(p, mo) atomic_load_explicit(PRT_ATOMIC_PTR(p), mo)

/** Stores @p v into *@p p atomically with memory order @p mo. */
#define prt_atomic_store(p, v, mo) atomic_store_explicit(PRT_ATOMIC_PTR(p), v, mo)

/** Exchanges *@p p with @p v atomically; evaluates to the old value. */
#define prt_atomic_exchange(p, v, mo) atomic_exchange_explicit(PRT_ATOMIC_PTR(p), v, mo)

#endif /* PRT_ATOMIC_H */
