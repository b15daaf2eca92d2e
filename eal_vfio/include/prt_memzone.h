/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_memzone.h
 * Memzones: named, DMA-able memory reserved once (descriptor rings, mempool
 * storage), found again by name, as DPDK's rte_memzone.
 *
 * A memzone is carved from the same heaps as prt_malloc() (prt_malloc.h gives
 * the IOVA-contiguity rules); PRT_MEMZONE_IOVA_CONTIG makes the whole zone
 * IOVA-contiguous, whatever its size. The structure stays valid and
 * unchanged until prt_memzone_free() or prt_eal_cleanup().
 *
 * Errors are reported the DPDK way: NULL, with errno set (rte_errno in DPDK).
 * Every function is thread-safe.
 */
#ifndef PRT_MEMZONE_H
#define PRT_MEMZONE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prt_common.h"

/** Longest memzone name, its terminating NUL included. */
#define PRT_MEMZONE_NAMESIZE 32

/** Most memzones at once. */
#define PRT_MAX_MEMZONE 2560

/** Flags of prt_memzone_reserve(). */
#define PRT_MEMZONE_2MB 0x00000001u /**< only 2 MiB pages (with 1GB: either size) */
#define PRT_MEMZONE_1GB 0x00000002u /**< only 1 GiB pages (with 2MB: either size) */
#define PRT_MEMZONE_IOVA_CONTIG 0x00100000u /**< the whole zone is IOVA-contiguous */

/** A reserved memzone. Read-only for its users. */
struct prt_memzone {
	char name[PRT_MEMZONE_NAMESIZE]; /**< unique name */
	void *addr; /**< first byte */
	prt_iova_t iova; /**< IOVA of the first byte */
	size_t len; /**< bytes, as asked */
	uint64_t hugepage_sz; /**< page size of the segment the zone lies in */
	int socket_id; /**< NUMA node of its memory */
	unsigned int flags; /**< the flags it was reserved with */
};

/**
 * Reserves @p len bytes named @p name on node @p socket_id, aligned on a
 * cache line. Same as prt_memzone_reserve_aligned() with align 0.
 */
const struct prt_memzone *prt_memzone_reserve(const char *name, size_t len, int socket_id,
					      unsigned int flags);

/**
 * Reserves @p len bytes named @p name on node @p socket_id (PRT_SOCKET_ID_ANY:
 * the caller's node first, then any), aligned on @p align bytes.
 *
 * @param name      copied; at most PRT_MEMZONE_NAMESIZE - 1 characters
 * @param len       bytes, > 0
 * @param socket_id a NUMA node, or PRT_SOCKET_ID_ANY
 * @param flags     PRT_MEMZONE_2MB, PRT_MEMZONE_1GB, PRT_MEMZONE_IOVA_CONTIG, or 0
 * @param align     0 for a cache line, or a power of two
 * @return the memzone, or NULL with errno set:
 *         EINVAL    NULL or empty @p name, @p len 0, @p align not a power of
 *                   two, unknown @p flags, @p socket_id not a node, or the EAL
 *                   is not initialised;
 *         ENAMETOOLONG  @p name has PRT_MEMZONE_NAMESIZE characters or more;
 *         EEXIST    a memzone of that name exists;
 *         ENOSPC    PRT_MAX_MEMZONE memzones exist;
 *         ENOMEM    no room (with the page size and contiguity asked), and no
 *                   segment could be added: a log line says why.
 */
const struct prt_memzone *prt_memzone_reserve_aligned(const char *name, size_t len, int socket_id,
						      unsigned int flags, unsigned int align);

/**
 * Finds the memzone named @p name.
 * @return the memzone, or NULL with errno ENOENT (EINVAL for a NULL name).
 */
const struct prt_memzone *prt_memzone_lookup(const char *name);

/**
 * Frees @p mz and its memory; its name may be reserved again. @p mz must not
 * be used afterwards.
 * @return 0; -EINVAL when @p mz is NULL or not a reserved memzone.
 */
int prt_memzone_free(const struct prt_memzone *mz);

/**
 * Calls @p fn for every memzone, with the memzone table locked (@p fn must not
 * reserve or free memzones).
 */
void prt_memzone_walk(void (*fn)(const struct prt_memzone *mz, void *arg), void *arg);

/** Prints one line per memzone to @p f (name, length, address, IOVA, node, page size, flags). */
void prt_memzone_dump(FILE *f);

#endif /* PRT_MEMZONE_H */
