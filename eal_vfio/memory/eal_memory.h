/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the memory parts of the EAL share inside libprt: hugepage discovery
 * (eal_hugepage_info.c), mapping segments (eal_mem_map.c), the segment table
 * and its listeners (eal_memseg.c), the start-up and growth policy
 * (eal_memory.c), the heaps (eal_malloc.c) and memzones (eal_memzone.c).
 * Not installed.
 *
 * Lock order: memzone table lock -> memory hotplug lock -> heap lock.
 */
#ifndef EAL_MEMORY_H
#define EAL_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eal_private.h"
#include "prt_memory.h"

/* ---- discovery (eal_hugepage_info.c) ---- */

#define EAL_MAX_PAGE_SIZES 4
#define EAL_MAX_HUGETLBFS_MOUNTS 8

/** One hugepage size the kernel offers, and its pages. */
struct eal_hugepage_size {
	uint64_t page_sz; /**< bytes */
	unsigned int nr_pages; /**< reserved in the pool (nr_hugepages) */
	unsigned int free_pages; /**< not in use (free_hugepages) */
	unsigned int resv_pages; /**< free but promised to existing mappings (resv_hugepages) */
	unsigned int node_nr[EAL_MAX_NUMA_NODES]; /**< nr_hugepages per node */
	unsigned int node_free[EAL_MAX_NUMA_NODES]; /**< free_hugepages per node */
};

/** A hugetlbfs mount from /proc/mounts. */
struct eal_hugetlbfs_mount {
	char path[256];
	uint64_t page_sz; /**< its pagesize= option, or the default size */
};

/** What eal_hugepage_info_read() found. */
struct eal_hugepage_info {
	uint64_t default_sz; /**< Hugepagesize of /proc/meminfo; 0 when none */
	unsigned int nb_sizes;
	struct eal_hugepage_size sizes[EAL_MAX_PAGE_SIZES]; /**< smallest first */
	unsigned int nb_nodes; /**< nodes with a hugepages directory (0: no NUMA in sysfs) */
	unsigned int nb_mounts;
	struct eal_hugetlbfs_mount mounts[EAL_MAX_HUGETLBFS_MOUNTS];
};

/**
 * Reads hugepage sizes and counts (sysfs), the default size (/proc/meminfo)
 * and hugetlbfs mounts (/proc/mounts). A kernel without hugepages gives
 * nb_sizes 0, not an error; so does a file that cannot be read. Thread-safe.
 */
void eal_hugepage_info_read(struct eal_hugepage_info *hi);

/**
 * Makes discovery read "<sysfs>/kernel/mm/hugepages", "<sysfs>/devices/system/node",
 * "<proc>/meminfo" and "<proc>/mounts" instead of the real ones (tests with a
 * fake tree); the paths are copied. NULL restores /sys or /proc. Not thread-safe.
 */
void eal_hugepage_info_set_roots(const char *sysfs, const char *proc);

/** The entry of @p hi for @p page_sz, or NULL. */
const struct eal_hugepage_size *eal_hugepage_size_find(const struct eal_hugepage_info *hi,
						       uint64_t page_sz);

/**
 * Pages of @p s a new mapping can get on @p node (-1: on any node): the free
 * pages minus those promised to others, and on a node at most its free pages.
 */
unsigned int eal_hugepage_avail(const struct eal_hugepage_info *hi,
				const struct eal_hugepage_size *s, int node);

/** "2 MiB", "1 GiB", "4 KiB" for @p sz in @p buf. */
const char *eal_size_str(uint64_t sz, char *buf, size_t len);

/**
 * Writes into @p buf the shell command that makes @p pages pages of
 * @p page_sz available on @p node (-1: anywhere), counting the pages
 * already reserved there.
 */
void eal_hugepage_fix_cmd(const struct eal_hugepage_info *hi, uint64_t page_sz, int node,
			  unsigned int pages, char *buf, size_t len);

/**
 * Logs why @p pages pages of @p page_sz could not be had on @p node (-1: any):
 * "@p what: asked, free, the command that reserves them", from fresh counts.
 */
void eal_hugepage_shortfall_log(uint64_t page_sz, int node, unsigned int pages, const char *what);

/* ---- segments (eal_memseg.c, eal_mem_map.c) ---- */

/** Most segments at once. */
#define EAL_MAX_MEMSEG 256

/** One segment: its public view and what prt needs to release it. */
struct eal_memseg {
	struct prt_memseg ms;
	unsigned int nb_pages;
	prt_iova_t *page_iova; /**< PA mode: IOVA of each page; NULL in VA mode */
	bool accepted; /**< listeners took it; the heap may use it */
	int fd; /**< the backing file, kept open to share the segment (vhost-user); -1 for anonymous memory */
	void *heap_priv; /**< the heap's first element (eal_malloc.c) */
};

/** How to back a new segment. */
struct eal_mem_backing {
	uint64_t page_sz; /**< hugepage size; 0 for anonymous memory (--no-huge) */
	const char *huge_dir; /**< a hugetlbfs mount, or NULL for memfd */
};

/**
 * Maps @p len bytes (a multiple of the page size) on node @p socket, bound
 * there before any page is touched. Does not fault the pages in: call
 * eal_mem_populate() and then eal_memseg_finish(). On failure, logs one
 * message with the numbers and the fix, and leaves nothing mapped.
 * @return 0; negative errno.
 */
int eal_mem_map(struct eal_memseg *seg, const struct eal_mem_backing *b, size_t len, int socket);

/**
 * Faults in (and so has the kernel zero) pages [@p first, @p first + @p n) of
 * @p seg from the calling thread. Thread-safe for disjoint ranges.
 * @return 0; negative errno (logged).
 */
int eal_mem_populate(const struct eal_memseg *seg, unsigned int first, unsigned int n);

/**
 * Checks that every page of @p seg is on its node, locks anonymous memory,
 * and reads each page's IOVA in PA mode. Logs the reason of a failure.
 * @return 0; negative errno.
 */
int eal_mem_check(struct eal_memseg *seg);

/** Unmaps @p seg and forgets its IOVAs. */
void eal_mem_unmap(struct eal_memseg *seg);

/** Takes / drops the memory hotplug lock (segment table and listeners). */
void eal_mem_hotplug_lock(void);
void eal_mem_hotplug_unlock(void);

/**
 * Puts a mapped, checked @p seg in the table, announces it to the listeners
 * and, when they accept it, marks it accepted. Call with the hotplug lock.
 * @return the segment in the table; NULL with errno (ENOSPC: the table is
 *         full; or the error a listener returned) after unmapping @p seg.
 */
struct eal_memseg *eal_memseg_publish(struct eal_memseg *seg);

/**
 * In PA mode, the offset in @p seg of the first page in (@p off, @p off +
 * @p len) whose IOVA does not follow its predecessor's; 0 when the range is
 * IOVA-contiguous (always so in VA mode).
 */
size_t eal_memseg_iova_break(const struct eal_memseg *seg, size_t off, size_t len);

/** The accepted or pending segment holding @p addr, or NULL. Lock-free. */
struct eal_memseg *eal_memseg_find(const void *addr);

/** Sends FREE for every segment, unmaps them all and empties the table and listeners. */
void eal_memseg_release_all(void);

/* ---- policy (eal_memory.c) ---- */

/** Maps the start-up memory of eal_cfg; fault-in runs on the lcores. */
int eal_memory_init(void);

/** Releases all memory: heaps, memzones, segments. */
void eal_memory_cleanup(void);

/**
 * Adds a segment of at least @p min_len bytes on @p socket, with a page size
 * in @p pgsz_mask (an OR of page sizes in bytes; 0: any), and gives it to the
 * heap. Call with the hotplug lock held.
 * @return 0; -ENOMEM (logged with the numbers) or another negative errno.
 */
int eal_memory_grow(int socket, size_t min_len, uint64_t pgsz_mask);

/** True once eal_memory_init() succeeded and until cleanup. */
bool eal_memory_ready(void);

/* ---- heaps (eal_malloc.c) ---- */

/** Where an allocation may go, beyond size and alignment. */
struct eal_alloc_req {
	size_t size;
	size_t align;
	int socket; /**< a node, or PRT_SOCKET_ID_ANY */
	uint64_t pgsz_mask; /**< page sizes allowed, an OR of sizes in bytes; 0: any */
	bool iova_contig; /**< the whole block IOVA-contiguous, whatever its size */
};

/** Allocates per @p req; NULL with errno EINVAL or ENOMEM. Thread-safe. */
void *eal_malloc_req(const struct eal_alloc_req *req);

/** Makes @p seg's memory one free block of its node's heap. */
void eal_malloc_heap_add(struct eal_memseg *seg);

/** Empties the heaps (their memory goes with the segments). */
void eal_malloc_heaps_reset(void);

/** Forgets every memzone (their memory goes with the segments). */
void eal_memzone_reset(void);

#endif /* EAL_MEMORY_H */
