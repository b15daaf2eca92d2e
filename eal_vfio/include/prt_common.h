/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_common.h
 * Macros shared by every layer of prt: cache-line alignment, branch hints,
 * arithmetic helpers. Header only; no state.
 */
#ifndef PRT_COMMON_H
#define PRT_COMMON_H

#include <stddef.h>
#include <stdint.h>

/** A device (DMA) address: a physical address, or a virtual one behind an IOMMU. */
typedef uint64_t prt_iova_t;

/** An IOVA that is not known or does not exist. */
#define PRT_BAD_IOVA ((prt_iova_t)-1)

/** "Any NUMA node", for allocation functions that take a socket id. */
#define PRT_SOCKET_ID_ANY (-1)

/** Size of a CPU cache line in bytes (x86-64 and most arm64 parts). */
#define PRT_CACHE_LINE_SIZE 64

/** Aligns a type or variable on a cache line. */
#define __prt_cache_aligned __attribute__((aligned(PRT_CACHE_LINE_SIZE)))

/** Marks a function that must be inlined on the fast path. */
#define __prt_always_inline inline __attribute__((always_inline))

/** Branch hints: the condition is expected to be true (likely) or false (unlikely). */
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/** Marks a function or variable that may be unused. */
#define __prt_unused __attribute__((unused))

/** printf-style format checking for the function's arguments @p f (format) and @p a (first). */
#define __prt_format_printf(f, a) __attribute__((format(printf, f, a)))

/** Number of elements of a true array (not a pointer). */
#define PRT_DIM(a) (sizeof(a) / sizeof((a)[0]))

/** The smaller / larger of two values (each evaluated once). */
#ifdef __CPPCHECK__
/*
 * cppcheck 2.10 (tools/static-check) cannot parse a statement expression in
 * an initializer and stops checking the file: it reads the plain form.
 */
#define PRT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define PRT_MAX(a, b) ((a) > (b) ? (a) : (b))
#else
#define PRT_MIN(a, b)                   \
	__extension__({                 \
		__typeof__(a) _a = (a); \
		__typeof__(b) _b = (b); \
		_a < _b ? _a : _b;      \
	})
#define PRT_MAX(a, b)                   \
	__extension__({                 \
		__typeof__(a) _a = (a); \
		__typeof__(b) _b = (b); \
		_a > _b ? _a : _b;      \
	})
#endif

/** Rounds @p v up to a multiple of @p align, which must be a power of two. */
#define PRT_ALIGN_CEIL(v, align) (((v) + ((__typeof__(v))(align)-1)) & ~((__typeof__(v))(align)-1))
/** Rounds @p v down to a multiple of @p align, which must be a power of two. */
#define PRT_ALIGN_FLOOR(v, align) ((v) & ~((__typeof__(v))(align)-1))

/** True when @p v is a power of two (0 is not). */
static inline int prt_is_power_of_2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/** Smallest power of two >= @p v (1 for 0); @p v must be at most 2^31. */
static inline uint32_t prt_align32pow2(uint32_t v)
{
	return v <= 1 ? 1 : 1u << (32 - __builtin_clz(v - 1));
}

/** The structure that contains @p ptr as its member @p member. */
#define prt_container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/** Stops the compiler from moving memory accesses across this point (no CPU fence). */
#define prt_compiler_barrier() __asm__ volatile("" ::: "memory")

/** Tells the CPU that it spins on a shared variable (x86 PAUSE, arm64 YIELD). */
static inline void prt_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	prt_compiler_barrier();
#endif
}

/** Prefetches the cache line at @p p for reading into all cache levels. */
static inline void prt_prefetch0(const void *p)
{
	__builtin_prefetch(p, 0, 3);
}

/** Prefetches the cache line at @p p for writing. */
static inline void prt_prefetch_w(const void *p)
{
	__builtin_prefetch(p, 1, 3);
}

#endif /* PRT_COMMON_H */
