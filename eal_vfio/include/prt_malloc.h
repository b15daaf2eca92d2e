/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_malloc.h
 * Allocation of DMA-able memory from the hugepage segments (prt_memory.h):
 * one heap per NUMA node, as DPDK's rte_malloc.
 *
 * IOVA contiguity: every allocation is virtually contiguous. An allocation
 * of at most one page (2 MiB or 1 GiB with hugepages) is also IOVA-contiguous:
 * it is never placed across two pages whose IOVAs do not follow each other.
 * A larger one is placed IOVA-contiguously when the heap has such a place,
 * and otherwise anywhere: check it with prt_mem_iova_contig(), or reserve a
 * memzone with PRT_MEMZONE_IOVA_CONTIG, which guarantees it. In IOVA-as-VA
 * mode (and with --no-huge) every allocation is IOVA-contiguous.
 *
 * When a heap runs out, it grows by a new segment (at least 64 MiB, on the
 * same node), announced to the memory listeners before it is used.
 *
 * Every function here is thread-safe (a mutex per node's heap) and may be
 * called from any thread after prt_eal_init(); none may be called after
 * prt_eal_cleanup(), which releases every allocation at once.
 *
 * Errors: NULL is returned with errno set to EINVAL (bad alignment, size 0,
 * bad socket, EAL not initialised) or ENOMEM (no room, and the heap could not
 * grow: a log line says why, e.g. how many hugepages are free).
 */
#ifndef PRT_MALLOC_H
#define PRT_MALLOC_H

#include <stddef.h>
#include <stdio.h>

#include "prt_common.h"

/**
 * Allocates @p size bytes on the calling lcore's NUMA node, or on any other
 * node if that one has no room.
 *
 * @param type  a name for statistics and debugging (may be NULL; not kept)
 * @param size  bytes, > 0
 * @param align alignment of the result in bytes: 0 for a cache line, or a
 *              power of two (values under a cache line are rounded up)
 * @return the memory (not zeroed), or NULL with errno set (EINVAL, ENOMEM).
 */
void *prt_malloc(const char *type, size_t size, unsigned int align);

/** prt_malloc(), with the memory zeroed. */
void *prt_zmalloc(const char *type, size_t size, unsigned int align);

/**
 * prt_zmalloc() of @p num elements of @p size bytes each.
 * @return NULL with errno EINVAL when @p num * @p size overflows.
 */
void *prt_calloc(const char *type, size_t num, size_t size, unsigned int align);

/**
 * Allocates @p size bytes on NUMA node @p socket (PRT_SOCKET_ID_ANY: as
 * prt_malloc()). With a node given, only that node's heap is used.
 * @return the memory, or NULL with errno set: EINVAL (bad @p align or
 *         @p size, @p socket not a node of this machine), ENOMEM.
 */
void *prt_malloc_socket(const char *type, size_t size, unsigned int align, int socket);

/** prt_malloc_socket(), with the memory zeroed. */
void *prt_zmalloc_socket(const char *type, size_t size, unsigned int align, int socket);

/**
 * Gives back memory from prt_malloc() and friends. NULL is ignored.
 * With -Ddebug_checks=true (PRT_DEBUG), a pointer that prt_malloc() did not
 * return, a block freed twice, or a block whose end marker was overwritten
 * is reported in one log line and the process aborts; without it, a pointer
 * outside every segment is logged and ignored.
 */
void prt_free(void *ptr);

/** The IOVA of @p addr, memory from prt_malloc(); PRT_BAD_IOVA when it is not. */
prt_iova_t prt_malloc_virt2iova(const void *addr);

/** Usage of one node's heap, from prt_malloc_get_socket_stats(). */
struct prt_malloc_socket_stats {
	size_t heap_totalsz_bytes; /**< bytes in the node's segments */
	size_t heap_freesz_bytes; /**< bytes free */
	size_t greatest_free_size; /**< the largest free block */
	unsigned int free_count; /**< free blocks */
	unsigned int alloc_count; /**< allocated blocks */
};

/**
 * Fills @p stats with the usage of node @p socket's heap. Thread-safe.
 * @return 0; -EINVAL when @p socket is not a node or @p stats is NULL.
 */
int prt_malloc_get_socket_stats(int socket, struct prt_malloc_socket_stats *stats);

/**
 * Prints the usage of every node's heap to @p f, as
 * prt_malloc_get_socket_stats() gives it. @p type is accepted for DPDK's
 * signature and ignored (blocks are not counted by type). Thread-safe.
 */
void prt_malloc_dump_stats(FILE *f, const char *type);

#endif /* PRT_MALLOC_H */
