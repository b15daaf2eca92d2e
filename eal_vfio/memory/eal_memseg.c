/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The segment table and its listeners (prt_memory.h).
 *
 * Segments are only appended (under the hotplug lock) while the EAL runs,
 * and all removed at prt_eal_cleanup(). An entry is written completely before
 * nb_segs is raised with a release store; readers load nb_segs with acquire
 * and then read entries below it without a lock. The one exception, a
 * segment a listener refuses, is the last entry and was never handed out, so
 * no reader holds an address in it.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "eal_memory.h"
#include "prt_atomic.h"

#define LISTENER_NAMESIZE 32

struct listener {
	char name[LISTENER_NAMESIZE];
	prt_mem_event_cb_t cb;
	void *arg;
};

static pthread_mutex_t hotplug_lock = PTHREAD_MUTEX_INITIALIZER;
static struct eal_memseg segs[EAL_MAX_MEMSEG];
static atomic_uint nb_segs;
static struct listener listeners[PRT_MEM_EVENT_CALLBACK_MAX]; /* under hotplug_lock */
static unsigned int nb_listeners;

void eal_mem_hotplug_lock(void)
{
	pthread_mutex_lock(&hotplug_lock);
}

void eal_mem_hotplug_unlock(void)
{
	pthread_mutex_unlock(&hotplug_lock);
}

static bool seg_accepted(const struct eal_memseg *seg)
{
	return prt_atomic_load(&seg->accepted, memory_order_acquire);
}

struct eal_memseg *eal_memseg_find(const void *addr)
{
	unsigned int n = atomic_load_explicit(&nb_segs, memory_order_acquire);
	uintptr_t a = (uintptr_t)addr;

	for (unsigned int i = 0; i < n; i++) {
		uintptr_t start = (uintptr_t)segs[i].ms.addr;

		if (a >= start && a - start < segs[i].ms.len)
			return &segs[i];
	}
	return NULL;
}

/* Tells @l about @seg: ALLOC or FREE. */
static int notify(const struct listener *l, enum prt_mem_event ev, const struct eal_memseg *seg)
{
	return l->cb(ev, seg->ms.addr, seg->ms.len, l->arg);
}

struct eal_memseg *eal_memseg_publish(struct eal_memseg *seg)
{
	unsigned int slot = atomic_load_explicit(&nb_segs, memory_order_relaxed);
	struct eal_memseg *s;
	int ret = 0;

	if (slot == EAL_MAX_MEMSEG) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEM,
			"the segment table is full (%d segments); reserve more memory at "
			"start-up with -m or --socket-mem so that fewer, larger segments are "
			"needed",
			EAL_MAX_MEMSEG);
		eal_mem_unmap(seg);
		errno = ENOSPC;
		return NULL;
	}
	s = &segs[slot];
	*s = *seg;
	/* Visible to prt_mem_virt2iova() while the listeners map it. */
	atomic_store_explicit(&nb_segs, slot + 1, memory_order_release);
	for (unsigned int i = 0; i < nb_listeners; i++) {
		ret = notify(&listeners[i], PRT_MEM_EVENT_ALLOC, s);
		if (ret == 0)
			continue;
		PRT_LOG(ERR, PRT_LOGTYPE_MEM,
			"memory listener '%s' refused a segment of %zu MiB at %p: %s",
			listeners[i].name, s->ms.len >> 20, s->ms.addr, strerror(-ret));
		while (i-- > 0)
			notify(&listeners[i], PRT_MEM_EVENT_FREE, s);
		atomic_store_explicit(&nb_segs, slot, memory_order_release);
		eal_mem_unmap(s);
		errno = -ret;
		return NULL;
	}
	prt_atomic_store(&s->accepted, true, memory_order_release);
	return s;
}

void eal_memseg_release_all(void)
{
	eal_mem_hotplug_lock();
	for (unsigned int n = atomic_load(&nb_segs); n-- > 0;) {
		for (unsigned int i = 0; i < nb_listeners; i++)
			notify(&listeners[i], PRT_MEM_EVENT_FREE, &segs[n]);
		eal_mem_unmap(&segs[n]);
	}
	atomic_store(&nb_segs, 0);
	memset(listeners, 0, sizeof(listeners));
	nb_listeners = 0;
	eal_mem_hotplug_unlock();
}

size_t eal_memseg_iova_break(const struct eal_memseg *seg, size_t off, size_t len)
{
	size_t pg = seg->ms.hugepage_sz;

	if (seg->page_iova == NULL || len == 0)
		return 0;
	for (size_t p = off / pg + 1; p * pg < off + len; p++)
		if (seg->page_iova[p] != seg->page_iova[p - 1] + pg)
			return p * pg;
	return 0;
}

prt_iova_t prt_mem_virt2iova(const void *addr)
{
	const struct eal_memseg *seg = eal_memseg_find(addr);
	size_t off;

	if (seg == NULL)
		return PRT_BAD_IOVA;
	off = (size_t)((uintptr_t)addr - (uintptr_t)seg->ms.addr);
	if (seg->page_iova == NULL)
		return seg->ms.iova + off;
	return seg->page_iova[off / seg->ms.hugepage_sz] + off % seg->ms.hugepage_sz;
}

int prt_mem_iova_contig(const void *addr, size_t len)
{
	const struct eal_memseg *seg = eal_memseg_find(addr);
	size_t off;

	if (seg == NULL || len == 0)
		return -EINVAL;
	off = (size_t)((uintptr_t)addr - (uintptr_t)seg->ms.addr);
	if (len > seg->ms.len - off)
		return 0;
	return eal_memseg_iova_break(seg, off, len) == 0;
}

int prt_memseg_walk(prt_memseg_walk_t fn, void *arg)
{
	unsigned int n = atomic_load_explicit(&nb_segs, memory_order_acquire);

	for (unsigned int i = 0; i < n; i++) {
		int ret;

		if (!seg_accepted(&segs[i]))
			continue;
		ret = fn(&segs[i].ms, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

int prt_memseg_get_fd(const struct prt_memseg *ms, int *fd, uint64_t *offset)
{
	const struct eal_memseg *seg = eal_memseg_find(ms->addr);

	if (seg == NULL || seg->ms.addr != ms->addr)
		return -ENOENT;
	if (seg->fd < 0)
		return -ENOTSUP;
	*fd = seg->fd;
	*offset = 0;
	return 0;
}

size_t prt_mem_total(int socket_id)
{
	unsigned int n = atomic_load_explicit(&nb_segs, memory_order_acquire);
	size_t total = 0;

	for (unsigned int i = 0; i < n; i++)
		if (seg_accepted(&segs[i]) &&
		    (socket_id == PRT_SOCKET_ID_ANY || segs[i].ms.socket_id == socket_id))
			total += segs[i].ms.len;
	return total;
}

static int find_listener(const char *name)
{
	for (unsigned int i = 0; i < nb_listeners; i++)
		if (strcmp(listeners[i].name, name) == 0)
			return (int)i;
	return -1;
}

int prt_mem_event_callback_register(const char *name, prt_mem_event_cb_t cb, void *arg)
{
	struct listener *l;
	unsigned int n, i;
	int ret = 0;

	if (cb == NULL || name == NULL || name[0] == '\0' || strlen(name) >= LISTENER_NAMESIZE)
		return -EINVAL;
	if (!eal_memory_ready())
		return -ENODEV;
	eal_mem_hotplug_lock();
	if (find_listener(name) >= 0) {
		ret = -EEXIST;
		goto out;
	}
	if (nb_listeners == PRT_MEM_EVENT_CALLBACK_MAX) {
		ret = -ENOSPC;
		goto out;
	}
	l = &listeners[nb_listeners];
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->cb = cb;
	l->arg = arg;
	n = atomic_load(&nb_segs);
	for (i = 0; i < n; i++) {
		ret = notify(l, PRT_MEM_EVENT_ALLOC, &segs[i]);
		if (ret != 0)
			break;
	}
	if (ret != 0) {
		while (i-- > 0)
			notify(l, PRT_MEM_EVENT_FREE, &segs[i]);
		memset(l, 0, sizeof(*l));
		goto out;
	}
	nb_listeners++;
out:
	eal_mem_hotplug_unlock();
	return ret;
}

int prt_mem_event_callback_unregister(const char *name)
{
	int i, ret = -ENOENT;

	if (name == NULL)
		return -ENOENT;
	eal_mem_hotplug_lock();
	i = find_listener(name);
	if (i >= 0) {
		memmove(&listeners[i], &listeners[i + 1],
			(nb_listeners - (unsigned int)i - 1) * sizeof(listeners[0]));
		nb_listeners--;
		memset(&listeners[nb_listeners], 0, sizeof(listeners[0]));
		ret = 0;
	}
	eal_mem_hotplug_unlock();
	return ret;
}

/* Number of IOVA-contiguous runs in @seg (1 in VA mode). */
static unsigned int iova_runs(const struct eal_memseg *seg)
{
	unsigned int runs = 1;

	for (unsigned int p = 1; seg->page_iova && p < seg->nb_pages; p++)
		if (seg->page_iova[p] != seg->page_iova[p - 1] + seg->ms.hugepage_sz)
			runs++;
	return runs;
}

void prt_dump_physmem_layout(FILE *f)
{
	unsigned int n = atomic_load_explicit(&nb_segs, memory_order_acquire);
	size_t per_node[EAL_MAX_NUMA_NODES] = { 0 };
	char sz[16];

	for (unsigned int i = 0; i < n; i++) {
		const struct eal_memseg *s = &segs[i];

		if (!seg_accepted(s))
			continue;
		fprintf(f,
			"segment %u: addr %p len %zu MiB pages %s node %d iova 0x%" PRIx64
			" contiguous runs %u\n",
			i, s->ms.addr, s->ms.len >> 20,
			eal_size_str(s->ms.hugepage_sz, sz, sizeof(sz)), s->ms.socket_id,
			s->ms.iova, iova_runs(s));
		per_node[s->ms.socket_id] += s->ms.len;
	}
	for (int node = 0; node < EAL_MAX_NUMA_NODES; node++)
		if (per_node[node])
			fprintf(f, "node %d: %zu MiB\n", node, per_node[node] >> 20);
}
