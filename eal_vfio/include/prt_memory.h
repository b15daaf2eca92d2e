/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_memory.h
 * The memory prt allocates from: segments of hugepages (or of anonymous
 * memory with --no-huge), each placed on one NUMA node, and the device
 * address (IOVA) of every byte of them.
 *
 * A segment is one virtually contiguous run of pages of one size on one
 * node, mapped once at start-up or when the allocator grows. Segments stay
 * mapped, at the same address, until prt_eal_cleanup(): an address or IOVA
 * read once stays valid as long as the memory is allocated.
 *
 * IOVA modes (prt_eal_iova_mode()):
 *  - VA: IOVA = virtual address. Every segment is IOVA-contiguous.
 *  - PA: IOVA = physical address, read from /proc/self/pagemap for each page
 *    when the segment is mapped. Each page is physically contiguous, but two
 *    neighbouring pages need not be: ask prt_mem_iova_contig().
 *
 * Listeners (the VFIO layer) learn about every segment before any byte of it
 * is handed out by prt_malloc() or a memzone, and about its removal after the
 * last byte is given back.
 */
#ifndef PRT_MEMORY_H
#define PRT_MEMORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prt_common.h"

/** Page sizes, in bytes. */
#define PRT_PGSIZE_4K (UINT64_C(1) << 12)
#define PRT_PGSIZE_2M (UINT64_C(1) << 21)
#define PRT_PGSIZE_1G (UINT64_C(1) << 30)

/** One memory segment, as prt_memseg_walk() shows it. */
struct prt_memseg {
	void *addr; /**< first byte; aligned on hugepage_sz */
	prt_iova_t iova; /**< IOVA of the first byte */
	size_t len; /**< bytes; a multiple of hugepage_sz */
	uint64_t hugepage_sz; /**< page size in bytes (the system page size with --no-huge) */
	int socket_id; /**< NUMA node the pages are on */
};

/**
 * The IOVA of the byte at @p addr, which must lie in a segment (memory from
 * prt_malloc() or a memzone). Lock-free and thread-safe; costs a search of
 * the segment table (a handful of entries): cache the result on fast paths.
 *
 * @return the IOVA; PRT_BAD_IOVA when @p addr is in no segment.
 */
prt_iova_t prt_mem_virt2iova(const void *addr);

/**
 * Tells whether the @p len bytes at @p addr lie in one segment and have
 * contiguous IOVAs (a device may DMA them as one buffer). Always true in VA
 * mode for a range inside one segment. Thread-safe.
 *
 * @return 1 when contiguous; 0 when not (or when the range leaves its
 *         segment); -EINVAL when @p addr is in no segment or @p len is 0.
 */
int prt_mem_iova_contig(const void *addr, size_t len);

/** A segment walk callback: return 0 to go on, anything else to stop the walk with that value. */
typedef int (*prt_memseg_walk_t)(const struct prt_memseg *ms, void *arg);

/**
 * Calls @p fn for every segment, in the order they were added. Segments
 * added during the walk may or may not be seen. Thread-safe, takes no lock:
 * @p fn may allocate (and so add segments).
 *
 * @return 0 after the last segment; otherwise the first non-zero value
 *         @p fn returned.
 */
int prt_memseg_walk(prt_memseg_walk_t fn, void *arg);

/**
 * The file that backs segment @p ms, for sharing it with another process
 * (vhost-user SET_MEM_TABLE passes it with SCM_RIGHTS): the segment's bytes
 * are the file's bytes from @p offset on. The descriptor belongs to prt and
 * stays open until the segment is unmapped: duplicate it, do not close it.
 * Thread-safe.
 *
 * @return 0 with @p fd and @p offset set; -ENOENT when @p ms is not a
 *         segment; -ENOTSUP for anonymous memory (--no-huge), which has no
 *         file: run with hugepages to share memory.
 */
int prt_memseg_get_fd(const struct prt_memseg *ms, int *fd, uint64_t *offset);

/** Total bytes in segments on @p socket_id (PRT_SOCKET_ID_ANY: on every node). Thread-safe. */
size_t prt_mem_total(int socket_id);

/**
 * Prints one line per segment to @p f: address, length, page size, node and
 * IOVA (and in PA mode how many IOVA-contiguous runs it has), then the total
 * per node. Thread-safe.
 */
void prt_dump_physmem_layout(FILE *f);

/** What happens to a segment. */
enum prt_mem_event {
	PRT_MEM_EVENT_ALLOC, /**< a segment is about to be used: map it for DMA */
	PRT_MEM_EVENT_FREE, /**< a segment is about to be unmapped: stop DMA to it */
};

/**
 * A memory event listener. For PRT_MEM_EVENT_ALLOC it returns 0, or a
 * negative errno to refuse the segment (the segment is then not used; the
 * allocation that needed it fails with ENOMEM). Its return value for
 * PRT_MEM_EVENT_FREE is ignored. @p addr and @p len cover the whole segment;
 * prt_mem_virt2iova() works on it during the call. Called with the memory
 * hotplug lock held: it must not register or unregister listeners, nor
 * allocate with prt_malloc() or prt_memzone_reserve() (which may need a new
 * segment, and so the same lock); use libc's malloc for its own records.
 */
typedef int (*prt_mem_event_cb_t)(enum prt_mem_event ev, const void *addr, size_t len, void *arg);

/** Most listeners at once. */
#define PRT_MEM_EVENT_CALLBACK_MAX 16

/**
 * Registers listener @p cb under @p name (copied; at most 31 characters).
 * Before returning, it calls @p cb with PRT_MEM_EVENT_ALLOC for every
 * existing segment; if one of these calls fails, @p cb gets
 * PRT_MEM_EVENT_FREE for those that succeeded and registration fails.
 * From then on @p cb hears of each segment added, before any allocation
 * from it is handed out, and of each segment removed (at the latest in
 * prt_eal_cleanup()). Thread-safe. Call after prt_eal_init().
 *
 * @return 0; -EINVAL for a NULL @p cb or a bad @p name; -EEXIST when @p name
 *         is taken; -ENOSPC when PRT_MEM_EVENT_CALLBACK_MAX are registered;
 *         -ENODEV before prt_eal_init(); the error @p cb returned in the replay.
 */
int prt_mem_event_callback_register(const char *name, prt_mem_event_cb_t cb, void *arg);

/**
 * Unregisters the listener registered under @p name. No FREE events are sent:
 * the caller unmaps what it mapped. Thread-safe.
 * @return 0; -ENOENT when no listener has that name.
 */
int prt_mem_event_callback_unregister(const char *name);

#endif /* PRT_MEMORY_H */
