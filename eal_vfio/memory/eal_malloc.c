/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The heaps behind prt_malloc() and memzones: one per NUMA node, each a set
 * of elements laid end to end in the node's segments, as DPDK's malloc_heap.
 *
 * Every element starts with a 64-byte header (struct malloc_elem); a busy
 * element's data follows its header. Free elements sit in size-class bins
 * (powers of two) and are merged with free neighbours when freed, so a
 * segment that is all free is one element again. An aligned allocation
 * leaves a free element in front of it rather than padding, so every busy
 * header sits right before its data and prt_free() finds it in O(1).
 *
 * Locking: each heap's mutex guards its bins, its elements' headers and its
 * counters. Growing takes the hotplug lock first (eal_memory.h lock order).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "eal_memory.h"
#include "prt_lcore.h"
#include "prt_malloc.h"

#define ELEM_HDR 64
#define MIN_ELEM (2 * ELEM_HDR) /* a free element worth keeping */
#define NB_BINS 28 /* 128 B, 256 B, ..., the last holds everything larger */
#define ELEM_COOKIE UINT64_C(0x7072745f6d616c63) /* "prt_malc" ^ the header's address */
#ifdef PRT_DEBUG
#define TRAILER_COOKIE UINT64_C(0x656e645f6d61726b) /* "end_mark" */
#define TRAILER sizeof(uint64_t)
#else
#define TRAILER 0
#endif

enum elem_state { ELEM_FREE = 0x46524545, ELEM_BUSY = 0x42555359 };

struct malloc_elem {
	struct malloc_elem *prev; /* the element just before, in its segment; NULL for the first */
	struct malloc_elem *next_free; /* links in a bin, while free */
	struct malloc_elem *prev_free;
	struct eal_memseg *seg;
	size_t size; /* bytes from this header to the next element's */
	size_t user_size; /* bytes asked, while busy */
	uint32_t state;
	uint32_t bin; /* while free */
	uint64_t cookie;
};
_Static_assert(sizeof(struct malloc_elem) == ELEM_HDR, "a header is one cache line");

struct malloc_heap {
	pthread_mutex_t lock;
	struct malloc_elem *bins[NB_BINS];
	size_t total;
	size_t free_bytes;
	unsigned int alloc_count;
	unsigned int free_count;
};

static struct malloc_heap heaps[EAL_MAX_NUMA_NODES];
static pthread_once_t heaps_once = PTHREAD_ONCE_INIT;

static void heaps_init(void)
{
	for (unsigned int i = 0; i < EAL_MAX_NUMA_NODES; i++)
		pthread_mutex_init(&heaps[i].lock, NULL);
}

static struct malloc_heap *heap_of(int socket)
{
	pthread_once(&heaps_once, heaps_init);
	return &heaps[socket];
}

static char *seg_end(const struct eal_memseg *seg)
{
	return (char *)seg->ms.addr + seg->ms.len;
}

static struct malloc_elem *elem_next(const struct malloc_elem *e)
{
	char *n = (char *)e + e->size;

	return n == seg_end(e->seg) ? NULL : (struct malloc_elem *)(void *)n;
}

static unsigned int bin_of(size_t size)
{
	unsigned int b = 63u - (unsigned int)__builtin_clzll(size); /* floor(log2) */

	return b < 7 ? 0 : PRT_MIN(b - 7, (unsigned int)NB_BINS - 1);
}

static void bin_insert(struct malloc_heap *h, struct malloc_elem *e)
{
	unsigned int b = bin_of(e->size);

	e->state = ELEM_FREE;
	e->bin = b;
	e->prev_free = NULL;
	e->next_free = h->bins[b];
	if (h->bins[b])
		h->bins[b]->prev_free = e;
	h->bins[b] = e;
	h->free_count++;
	h->free_bytes += e->size;
}

static void bin_remove(struct malloc_heap *h, struct malloc_elem *e)
{
	if (e->prev_free)
		e->prev_free->next_free = e->next_free;
	else
		h->bins[e->bin] = e->next_free;
	if (e->next_free)
		e->next_free->prev_free = e->prev_free;
	h->free_count--;
	h->free_bytes -= e->size;
}

/* A new element at @at inside free element @e's range, after @prev. */
static struct malloc_elem *elem_init(char *at, struct malloc_elem *prev, struct eal_memseg *seg,
				     size_t size)
{
	struct malloc_elem *e = (struct malloc_elem *)(void *)at;
	struct malloc_elem *next;

	memset(e, 0, sizeof(*e));
	e->prev = prev;
	e->seg = seg;
	e->size = size;
	e->cookie = ELEM_COOKIE ^ (uintptr_t)e;
	next = elem_next(e);
	if (next)
		next->prev = e;
	return e;
}

void eal_malloc_heap_add(struct eal_memseg *seg)
{
	struct malloc_heap *h = heap_of(seg->ms.socket_id);
	struct malloc_elem *e;

	pthread_mutex_lock(&h->lock);
	e = elem_init(seg->ms.addr, NULL, seg, seg->ms.len);
	seg->heap_priv = e;
	h->total += seg->ms.len;
	bin_insert(h, e);
	pthread_mutex_unlock(&h->lock);
}

void eal_malloc_heaps_reset(void)
{
	for (int i = 0; i < EAL_MAX_NUMA_NODES; i++) {
		struct malloc_heap *h = heap_of(i);

		pthread_mutex_lock(&h->lock);
		memset(h->bins, 0, sizeof(h->bins));
		h->total = h->free_bytes = 0;
		h->alloc_count = h->free_count = 0;
		pthread_mutex_unlock(&h->lock);
	}
}

/*
 * Where in free element @e the data of @req can start, or NULL. @contig asks
 * for IOVA-contiguous data: a candidate that spans a break in the IOVAs moves
 * to the first page after the break.
 */
static char *elem_fit(const struct malloc_elem *e, const struct eal_alloc_req *req, bool contig)
{
	const struct eal_memseg *seg = e->seg;
	char *start = (char *)e, *end = start + e->size, *base = seg->ms.addr;
	char *data = (char *)PRT_ALIGN_CEIL((uintptr_t)start + ELEM_HDR, req->align);

	if (req->pgsz_mask && !(req->pgsz_mask & seg->ms.hugepage_sz))
		return NULL;
	for (;;) {
		size_t gap = (size_t)(data - ELEM_HDR - start), brk;

		if (gap != 0 && gap < MIN_ELEM) /* too small to be a free element: skip it */
			data = (char *)PRT_ALIGN_CEIL((uintptr_t)start + MIN_ELEM + ELEM_HDR,
						      req->align);
		if (data + PRT_ALIGN_CEIL(req->size + TRAILER, ELEM_HDR) > end)
			return NULL;
		if (!contig)
			return data;
		brk = eal_memseg_iova_break(seg, (size_t)(data - base), req->size);
		if (brk == 0)
			return data;
		data = (char *)PRT_ALIGN_CEIL((uintptr_t)base + brk, req->align);
	}
}

/* Makes the part of free element @e that holds @data busy; the rest stays free. */
static struct malloc_elem *elem_carve(struct malloc_heap *h, struct malloc_elem *e, char *data,
				      size_t size)
{
	char *hdr = data - ELEM_HDR, *end = (char *)e + e->size;
	char *busy_end = data + PRT_ALIGN_CEIL(size + TRAILER, ELEM_HDR);
	struct malloc_elem *busy = e;

	bin_remove(h, e);
	if (hdr != (char *)e) {
		e->size = (size_t)(hdr - (char *)e);
		busy = elem_init(hdr, e, e->seg, (size_t)(end - hdr));
		bin_insert(h, e);
	}
	if ((size_t)(end - busy_end) >= MIN_ELEM) {
		busy->size = (size_t)(busy_end - hdr);
		bin_insert(h, elem_init(busy_end, busy, busy->seg, (size_t)(end - busy_end)));
	}
	busy->state = ELEM_BUSY;
	busy->user_size = size;
#ifdef PRT_DEBUG
	uint64_t mark = TRAILER_COOKIE;

	memcpy(data + size, &mark, sizeof(mark));
#endif
	h->alloc_count++;
	return busy;
}

static void *heap_alloc(int socket, const struct eal_alloc_req *req)
{
	struct malloc_heap *h = heap_of(socket);
	void *ret = NULL;

	pthread_mutex_lock(&h->lock);
	/* First pass: IOVA-contiguous places only; second (large blocks that
	 * may span pages, without PRT_MEMZONE_IOVA_CONTIG): any place. */
	for (int pass = 0; pass < 2 && ret == NULL; pass++) {
		bool contig = pass == 0;

		for (unsigned int b = bin_of(req->size + ELEM_HDR); b < NB_BINS && !ret; b++) {
			for (struct malloc_elem *e = h->bins[b]; e; e = e->next_free) {
				char *data;

				if (!contig &&
				    (req->iova_contig || req->size <= e->seg->ms.hugepage_sz))
					continue;
				data = elem_fit(e, req, contig);
				if (data) {
					elem_carve(h, e, data, req->size);
					ret = data;
					break;
				}
			}
		}
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}

/* The nodes to try, in order: @socket, or the caller's node and then the others. */
static unsigned int heap_order(int socket, int order[EAL_MAX_NUMA_NODES])
{
	unsigned int n = 0, nodes = PRT_MIN(prt_socket_count(), (unsigned int)EAL_MAX_NUMA_NODES);
	int me = prt_socket_id();

	if (socket != PRT_SOCKET_ID_ANY) {
		order[0] = socket;
		return 1;
	}
	order[n++] = me;
	for (unsigned int s = 0; s < nodes; s++)
		if ((int)s != me)
			order[n++] = (int)s;
	return n;
}

void *eal_malloc_req(const struct eal_alloc_req *req)
{
	int order[EAL_MAX_NUMA_NODES];
	unsigned int n = heap_order(req->socket, order);
	size_t need = req->size + req->align + 2 * ELEM_HDR + MIN_ELEM + TRAILER;
	void *p = NULL;

	for (unsigned int i = 0; i < n && p == NULL; i++)
		p = heap_alloc(order[i], req);
	if (p != NULL)
		return p;
	/* Grow. Under the hotplug lock, try again first: another thread may
	 * have grown the heap meanwhile. */
	eal_mem_hotplug_lock();
	for (unsigned int i = 0; i < n && p == NULL; i++) {
		p = heap_alloc(order[i], req);
		if (p == NULL && eal_memory_grow(order[i], need, req->pgsz_mask) == 0)
			p = heap_alloc(order[i], req);
	}
	eal_mem_hotplug_unlock();
	if (p == NULL)
		errno = ENOMEM; /* the reason (no free pages, a listener refused) is logged */
	return p;
}

void *prt_malloc_socket(const char *type, size_t size, unsigned int align, int socket)
{
	struct eal_alloc_req req = {
		.size = size,
		.align = PRT_MAX(align, (unsigned int)PRT_CACHE_LINE_SIZE),
		.socket = socket,
	};

	(void)type;
	if (!eal_memory_ready() || size == 0 || size > ((size_t)1 << 46) ||
	    (align != 0 && !prt_is_power_of_2(align)) ||
	    (socket != PRT_SOCKET_ID_ANY &&
	     (socket < 0 || (unsigned int)socket >= prt_socket_count() ||
	      socket >= EAL_MAX_NUMA_NODES))) {
		errno = EINVAL;
		return NULL;
	}
	return eal_malloc_req(&req);
}

void *prt_zmalloc_socket(const char *type, size_t size, unsigned int align, int socket)
{
	void *p = prt_malloc_socket(type, size, align, socket);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void *prt_malloc(const char *type, size_t size, unsigned int align)
{
	return prt_malloc_socket(type, size, align, PRT_SOCKET_ID_ANY);
}

void *prt_zmalloc(const char *type, size_t size, unsigned int align)
{
	return prt_zmalloc_socket(type, size, align, PRT_SOCKET_ID_ANY);
}

void *prt_calloc(const char *type, size_t num, size_t size, unsigned int align)
{
	size_t total;

	if (__builtin_mul_overflow(num, size, &total)) {
		errno = EINVAL;
		return NULL;
	}
	return prt_zmalloc(type, total, align);
}

/* A bad prt_free(): one log line; the debug build stops there. */
static void bad_free(const void *ptr, const char *why)
{
	prt_log(PRT_LOG_ERR, PRT_LOGTYPE_MALLOC, "prt_free(%p): %s", ptr, why);
#ifdef PRT_DEBUG
	abort();
#endif
}

void prt_free(void *ptr)
{
	struct eal_memseg *seg;
	struct malloc_elem *e, *n;
	struct malloc_heap *h;

	if (ptr == NULL)
		return;
	seg = eal_memseg_find(ptr);
	if (seg == NULL || (uintptr_t)ptr % PRT_CACHE_LINE_SIZE != 0 ||
	    (char *)ptr - (char *)seg->ms.addr < ELEM_HDR) {
		bad_free(ptr, seg == NULL ? "not memory from prt_malloc (outside every segment)" :
					    "not the start of a block from prt_malloc");
		return;
	}
	e = (struct malloc_elem *)(void *)((char *)ptr - ELEM_HDR);
	if (e->cookie != (ELEM_COOKIE ^ (uintptr_t)e) || e->seg != seg) {
		bad_free(ptr, "not the start of a block from prt_malloc (no block header)");
		return;
	}
	h = heap_of(seg->ms.socket_id);
	pthread_mutex_lock(&h->lock);
	if (e->state != ELEM_BUSY) {
		pthread_mutex_unlock(&h->lock);
		bad_free(ptr, "freed twice");
		return;
	}
#ifdef PRT_DEBUG
	uint64_t mark;

	memcpy(&mark, (char *)ptr + e->user_size, sizeof(mark));
	if (mark != TRAILER_COOKIE) {
		pthread_mutex_unlock(&h->lock);
		bad_free(ptr, "the bytes after the block were overwritten (buffer overflow)");
		return;
	}
#endif
	h->alloc_count--;
	e->state = ELEM_FREE;
	n = elem_next(e);
	if (n && n->state == ELEM_FREE) { /* absorb the next element */
		bin_remove(h, n);
		e->size += n->size;
		if ((n = elem_next(e)) != NULL)
			n->prev = e;
	}
	if (e->prev && e->prev->state == ELEM_FREE) { /* be absorbed by the previous one */
		struct malloc_elem *p = e->prev;

		bin_remove(h, p);
		p->size += e->size;
		if ((n = elem_next(p)) != NULL)
			n->prev = p;
		e = p;
	}
	bin_insert(h, e);
	pthread_mutex_unlock(&h->lock);
}

prt_iova_t prt_malloc_virt2iova(const void *addr)
{
	return prt_mem_virt2iova(addr);
}

int prt_malloc_get_socket_stats(int socket, struct prt_malloc_socket_stats *stats)
{
	struct malloc_heap *h;

	if (stats == NULL || socket < 0 || socket >= EAL_MAX_NUMA_NODES ||
	    (unsigned int)socket >= prt_socket_count())
		return -EINVAL;
	h = heap_of(socket);
	memset(stats, 0, sizeof(*stats));
	pthread_mutex_lock(&h->lock);
	stats->heap_totalsz_bytes = h->total;
	stats->heap_freesz_bytes = h->free_bytes;
	stats->free_count = h->free_count;
	stats->alloc_count = h->alloc_count;
	for (unsigned int b = 0; b < NB_BINS; b++)
		for (const struct malloc_elem *e = h->bins[b]; e; e = e->next_free)
			stats->greatest_free_size =
				PRT_MAX(stats->greatest_free_size, e->size - ELEM_HDR);
	pthread_mutex_unlock(&h->lock);
	return 0;
}

void prt_malloc_dump_stats(FILE *f, const char *type)
{
	struct prt_malloc_socket_stats st;

	(void)type;
	for (unsigned int s = 0; s < prt_socket_count() && s < EAL_MAX_NUMA_NODES; s++) {
		if (prt_malloc_get_socket_stats((int)s, &st) < 0 || st.heap_totalsz_bytes == 0)
			continue;
		fprintf(f,
			"heap node %u: total %zu free %zu greatest free %zu, %u blocks allocated, "
			"%u free\n",
			s, st.heap_totalsz_bytes, st.heap_freesz_bytes, st.greatest_free_size,
			st.alloc_count, st.free_count);
	}
}
