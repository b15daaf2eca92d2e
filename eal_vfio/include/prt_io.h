/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_io.h
 * Memory barriers and device register (MMIO) access, for drivers.
 *
 * Two kinds of ordering matter to a driver:
 *  - between its own stores to normal memory (descriptors in a ring) and its
 *    store to a device register (the tail/doorbell): prt_io_wmb() before the
 *    doorbell, or the ordered prt_write32() which contains it;
 *  - between a load from a device register (a head index, ICR) and the loads
 *    of the descriptors it vouches for: prt_io_rmb() after the register read,
 *    or the ordered prt_read32() which contains it.
 *
 * The _relaxed accessors order nothing beyond program order of the MMIO
 * accesses themselves (the mapping is uncached, so the CPU performs them in
 * order on x86); use them for register pokes during set-up and for a run of
 * writes that a later ordered access or barrier covers.
 *
 * x86-64 is TSO: stores are not reordered with older stores, loads not with
 * older loads, and uncached (UC) MMIO accesses are strongly ordered with
 * normal ones, so prt_wmb()/prt_rmb()/prt_io_*mb() only stop the compiler.
 * Only store-then-load ordering needs a fence (prt_mb()). arm64 needs real
 * DMB instructions; the outer-shareable domain (osh) is the one shared with
 * devices.
 */
#ifndef PRT_IO_H
#define PRT_IO_H

#include <stdatomic.h>
#include <stdint.h>

#include "prt_common.h"

#if defined(__x86_64__) || defined(__i386__)
/** Full barrier: every earlier load and store before any later one. */
static __prt_always_inline void prt_mb(void)
{
	/* A locked add on the stack is a full fence and cheaper than MFENCE. */
	__asm__ volatile("lock addl $0, -128(%%rsp)" ::: "memory");
}
/** Stores to memory before later stores (normal memory, as seen by other CPUs and devices). */
#define prt_wmb() prt_compiler_barrier()
/** Loads from memory before later loads. */
#define prt_rmb() prt_compiler_barrier()
/** Stores to normal memory before a later store to a device register. */
#define prt_io_wmb() prt_compiler_barrier()
/** A load from a device register before later loads from normal memory. */
#define prt_io_rmb() prt_compiler_barrier()
#elif defined(__aarch64__)
static __prt_always_inline void prt_mb(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}
#define prt_wmb() __asm__ volatile("dsb st" ::: "memory")
#define prt_rmb() __asm__ volatile("dsb ld" ::: "memory")
#define prt_io_wmb() __asm__ volatile("dmb oshst" ::: "memory")
#define prt_io_rmb() __asm__ volatile("dmb oshld" ::: "memory")
#else
static __prt_always_inline void prt_mb(void)
{
	atomic_thread_fence(memory_order_seq_cst);
}
#define prt_wmb() atomic_thread_fence(memory_order_release)
#define prt_rmb() atomic_thread_fence(memory_order_acquire)
#define prt_io_wmb() atomic_thread_fence(memory_order_release)
#define prt_io_rmb() atomic_thread_fence(memory_order_acquire)
#endif

/*
 * Relaxed accessors: one volatile access of the register's width, never
 * split or merged by the compiler. @p addr points into a BAR mapping
 * (prt_pci_device.mem_resource[bar].addr + register offset).
 */
#define PRT_IO_ACCESSORS(bits)                                                                     \
	static __prt_always_inline uint##bits##_t prt_read##bits##_relaxed(const volatile void *a) \
	{                                                                                          \
		return *(const volatile uint##bits##_t *)a;                                        \
	}                                                                                          \
	static __prt_always_inline void prt_write##bits##_relaxed(uint##bits##_t v,                \
								  volatile void *a)                \
	{                                                                                          \
		*(volatile uint##bits##_t *)a = v;                                                 \
	}                                                                                          \
	/** Reads the register, then orders later loads of normal memory after it. */              \
	static __prt_always_inline uint##bits##_t prt_read##bits(const volatile void *a)           \
	{                                                                                          \
		uint##bits##_t v = prt_read##bits##_relaxed(a);                                    \
		prt_io_rmb();                                                                      \
		return v;                                                                          \
	}                                                                                          \
	/** Orders earlier stores to normal memory before the register write. */                   \
	static __prt_always_inline void prt_write##bits(uint##bits##_t v, volatile void *a)        \
	{                                                                                          \
		prt_io_wmb();                                                                      \
		prt_write##bits##_relaxed(v, a);                                                   \
	}

PRT_IO_ACCESSORS(8)
PRT_IO_ACCESSORS(16)
PRT_IO_ACCESSORS(32)
PRT_IO_ACCESSORS(64)

#undef PRT_IO_ACCESSORS

#endif /* PRT_IO_H */
