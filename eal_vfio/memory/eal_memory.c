/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How much memory prt takes, where, in which pages, and when it takes more.
 *
 * At start-up:
 *  - --socket-mem MB,MB,...: that much on each node;
 *  - -m MB: that much, split over the nodes that have lcores in proportion
 *    to their lcore count;
 *  - neither: EAL_DEFAULT_MB on each node that has an lcore, or the free
 *    pages there when fewer (at least one page).
 * The page size is the kernel's default hugepage size when it has enough
 * free pages on every node asked, else the largest size that has; with
 * --huge-dir it is the mount's. All pages are faulted in at once by every
 * lcore, each taking chunks on its own node first.
 *
 * Later, a heap that runs out grows by a segment of at least EAL_GROW_MIN
 * bytes on its node (eal_memory_grow()), faulted in by the thread that asked;
 * with --legacy-mem it does not grow.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "eal_memory.h"
#include "prt_atomic.h"
#include "prt_lcore.h"

#define EAL_DEFAULT_MB 64
#define EAL_GROW_MIN ((size_t)64 << 20)
#define FAULT_CHUNK ((size_t)16 << 20) /* bytes one lcore faults per grab */

static bool ready;
static struct eal_mem_backing backing; /* page_sz 0: anonymous (--no-huge) */

bool eal_memory_ready(void)
{
	return prt_atomic_load(&ready, memory_order_acquire);
}

/* Bytes wanted on each node at start-up; returns true when the amount is
 * the default (and may shrink to what is free). */
static bool plan_nodes(size_t want[EAL_MAX_NUMA_NODES])
{
	unsigned int lcores_on[EAL_MAX_NUMA_NODES] = { 0 }, id;
	unsigned int nodes = prt_socket_count();

	memset(want, 0, sizeof(size_t) * EAL_MAX_NUMA_NODES);
	PRT_LCORE_FOREACH(id) {
		int s = prt_lcore_to_socket_id(id);

		if (s >= 0 && s < EAL_MAX_NUMA_NODES)
			lcores_on[s]++;
	}
	for (unsigned int n = 0; n < nodes && n < EAL_MAX_NUMA_NODES; n++) {
		if (eal_cfg.socket_mem_set)
			want[n] = (size_t)eal_cfg.socket_mem_mb[n] << 20;
		else if (eal_cfg.mem_mb)
			want[n] =
				(size_t)((eal_cfg.mem_mb << 20) * lcores_on[n] / prt_lcore_count());
		else if (lcores_on[n])
			want[n] = (size_t)EAL_DEFAULT_MB << 20;
	}
	return !eal_cfg.socket_mem_set && !eal_cfg.mem_mb;
}

static unsigned int pages_for(size_t len, uint64_t page_sz)
{
	return (unsigned int)((len + page_sz - 1) / page_sz);
}

/* True when @s has the pages @want asks on every node. */
static bool size_fits(const struct eal_hugepage_info *hi, const struct eal_hugepage_size *s,
		      const size_t want[EAL_MAX_NUMA_NODES])
{
	for (int n = 0; n < EAL_MAX_NUMA_NODES; n++)
		if (want[n] && eal_hugepage_avail(hi, s, n) < pages_for(want[n], s->page_sz))
			return false;
	return true;
}

static void log_shortfall(uint64_t page_sz, const size_t want[EAL_MAX_NUMA_NODES], const char *what)
{
	for (int n = 0; n < EAL_MAX_NUMA_NODES; n++)
		if (want[n])
			eal_hugepage_shortfall_log(page_sz, prt_socket_count() > 1 ? n : -1,
						   pages_for(want[n], page_sz), what);
}

/* --huge-dir: a hugetlbfs mount, whose page size is the one used. */
static int check_huge_dir(const struct eal_hugepage_info *hi, const size_t want[])
{
	const char *dir = eal_cfg.huge_dir;
	const struct eal_hugepage_size *s;
	struct statfs st;
	char sz[16];

	if (statfs(dir, &st) < 0) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEM,
			"--huge-dir %s: %s; create and mount it with: mkdir -p %s && mount -t "
			"hugetlbfs -o pagesize=2M nodev %s",
			dir, strerror(errno), dir, dir);
		return -ENOENT;
	}
	if (st.f_type != HUGETLBFS_MAGIC) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEM,
			"--huge-dir %s is not a hugetlbfs mount; mount one with: mount -t "
			"hugetlbfs -o pagesize=2M nodev %s (or drop --huge-dir: prt uses memfd "
			"hugepages by default)",
			dir, dir);
		return -EINVAL;
	}
	backing.page_sz = (uint64_t)st.f_bsize;
	backing.huge_dir = dir;
	s = eal_hugepage_size_find(hi, backing.page_sz);
	if (s != NULL && size_fits(hi, s, want))
		return 0;
	for (unsigned int i = 0; i < hi->nb_sizes; i++) {
		if (hi->sizes[i].page_sz != backing.page_sz && size_fits(hi, &hi->sizes[i], want)) {
			char other[16];

			eal_size_str(hi->sizes[i].page_sz, other, sizeof(other));
			PRT_LOG(ERR, PRT_LOGTYPE_MEM,
				"--huge-dir %s holds %s pages, too few of which are free, but %s "
				"pages are: use a mount of that size: mount -t hugetlbfs -o "
				"pagesize=%" PRIu64 "M nodev %s",
				dir, eal_size_str(backing.page_sz, sz, sizeof(sz)), other,
				hi->sizes[i].page_sz >> 20, dir);
			return -ENOMEM;
		}
	}
	log_shortfall(backing.page_sz, want, "--huge-dir");
	return -ENOMEM;
}

/* True when @s has at least one page on every node @want asks. */
static bool size_has_some(const struct eal_hugepage_info *hi, const struct eal_hugepage_size *s,
			  const size_t want[EAL_MAX_NUMA_NODES])
{
	for (int n = 0; n < EAL_MAX_NUMA_NODES; n++)
		if (want[n] && eal_hugepage_avail(hi, s, n) == 0)
			return false;
	return true;
}

/*
 * The page size for the start-up memory: the default size, else the largest
 * that has all @want. A default @want (@dflt) is a guess: it may shrink to
 * the free pages of the first size (in the same order) that has some.
 */
static int choose_page_size(const struct eal_hugepage_info *hi, size_t want[], bool dflt)
{
	const struct eal_hugepage_size *order[EAL_MAX_PAGE_SIZES + 1];
	unsigned int n = 0;

	if (hi->nb_sizes == 0) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEM,
			"this kernel offers no hugepages (built without CONFIG_HUGETLBFS?); run "
			"with --no-huge (tests only)");
		return -ENOTSUP;
	}
	order[n] = eal_hugepage_size_find(hi, hi->default_sz);
	if (order[n] != NULL)
		n++;
	for (unsigned int i = hi->nb_sizes; i-- > 0;)
		if (hi->sizes[i].page_sz != hi->default_sz)
			order[n++] = &hi->sizes[i];
	for (unsigned int i = 0; i < n; i++) {
		if (size_fits(hi, order[i], want)) {
			backing.page_sz = order[i]->page_sz;
			return 0;
		}
	}
	for (unsigned int i = 0; dflt && i < n; i++) {
		if (!size_has_some(hi, order[i], want))
			continue;
		for (int node = 0; node < EAL_MAX_NUMA_NODES; node++)
			want[node] =
				PRT_MIN(want[node], (size_t)eal_hugepage_avail(hi, order[i], node) *
							    order[i]->page_sz);
		backing.page_sz = order[i]->page_sz;
		return 0;
	}
	log_shortfall(order[0]->page_sz, want, dflt ? "start-up memory" : "-m/--socket-mem");
	return -ENOMEM;
}

/* Start-up fault-in: every lcore grabs FAULT_CHUNK pieces, its node's first. */
struct fault_work {
	struct eal_memseg *segs;
	unsigned int nb_segs;
	atomic_uint next[EAL_MAX_NUMA_NODES]; /* next chunk of segs[n] (one per node) */
	atomic_int err;
};

static void fault_seg(struct fault_work *w, unsigned int i)
{
	struct eal_memseg *seg = &w->segs[i];
	unsigned int per = (unsigned int)PRT_MAX((size_t)1, FAULT_CHUNK / seg->ms.hugepage_sz);

	for (;;) {
		unsigned int first = atomic_fetch_add(&w->next[i], per);
		int ret;

		if (first >= seg->nb_pages || atomic_load(&w->err) != 0)
			return;
		ret = eal_mem_populate(seg, first, PRT_MIN(per, seg->nb_pages - first));
		if (ret < 0) {
			int zero = 0;

			atomic_compare_exchange_strong(&w->err, &zero, ret);
			return;
		}
	}
}

static int fault_lcore(void *arg)
{
	struct fault_work *w = arg;
	int me = prt_socket_id();

	for (unsigned int i = 0; i < w->nb_segs; i++)
		if (w->segs[i].ms.socket_id == me)
			fault_seg(w, i);
	for (unsigned int i = 0; i < w->nb_segs; i++)
		fault_seg(w, i);
	return 0;
}

/*
 * Checks, publishes and gives to the heap each of @n mapped and faulted
 * segments; unmaps those not published after a failure. Call with the
 * hotplug lock held.
 */
static int adopt(struct eal_memseg *seg, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct eal_memseg *s = NULL;
		int ret = eal_mem_check(&seg[i]);

		if (ret == 0) {
			s = eal_memseg_publish(&seg[i]); /* unmaps seg[i] when refused */
			ret = s == NULL ? -errno : 0;
		} else {
			eal_mem_unmap(&seg[i]);
		}
		if (ret < 0) {
			while (++i < n)
				eal_mem_unmap(&seg[i]);
			return ret;
		}
		eal_malloc_heap_add(s);
	}
	return 0;
}

int eal_memory_init(void)
{
	static struct fault_work work;
	struct eal_memseg seg[EAL_MAX_NUMA_NODES];
	size_t want[EAL_MAX_NUMA_NODES];
	struct eal_hugepage_info hi;
	struct timespec t0, t1;
	unsigned int nb = 0;
	bool dflt = plan_nodes(want);
	char sz[16];
	int ret = 0;

	memset(&backing, 0, sizeof(backing));
	if (!eal_cfg.no_huge) {
		eal_hugepage_info_read(&hi);
		ret = eal_cfg.huge_dir ? check_huge_dir(&hi, want) :
					 choose_page_size(&hi, want, dflt);
		if (ret < 0)
			return ret;
	}
	for (int n = 0; n < EAL_MAX_NUMA_NODES; n++) {
		uint64_t pg = backing.page_sz ? backing.page_sz : (uint64_t)sysconf(_SC_PAGESIZE);

		if (!want[n])
			continue;
		ret = eal_mem_map(&seg[nb], &backing, PRT_ALIGN_CEIL(want[n], (size_t)pg), n);
		if (ret < 0)
			goto fail_unmap;
		nb++;
	}

	memset(&work, 0, sizeof(work));
	work.segs = seg;
	work.nb_segs = nb;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	prt_eal_mp_remote_launch(fault_lcore, &work, 1);
	prt_eal_mp_wait_lcore();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ret = atomic_load(&work.err);
	if (ret < 0)
		goto fail_unmap;
	for (unsigned int i = 0; i < nb; i++)
		PRT_LOG(INFO, PRT_LOGTYPE_MEM,
			"node %d: %zu MiB of %s pages, faulted in by %u lcores in %.1f ms",
			seg[i].ms.socket_id, seg[i].ms.len >> 20,
			eal_size_str(seg[i].ms.hugepage_sz, sz, sizeof(sz)), prt_lcore_count(),
			(double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				(double)(t1.tv_nsec - t0.tv_nsec) / 1e6);

	eal_mem_hotplug_lock();
	ret = adopt(seg, nb);
	eal_mem_hotplug_unlock();
	if (ret < 0) {
		eal_malloc_heaps_reset();
		eal_memseg_release_all();
		return ret;
	}
	prt_atomic_store(&ready, true, memory_order_release);
	return 0;

fail_unmap:
	while (nb-- > 0)
		eal_mem_unmap(&seg[nb]);
	return ret;
}

void eal_memory_cleanup(void)
{
	prt_atomic_store(&ready, false, memory_order_release);
	eal_memzone_reset();
	eal_malloc_heaps_reset();
	eal_memseg_release_all();
}

/* The backing for a segment whose page size must be in @mask. */
static int grow_backing(uint64_t mask, struct eal_mem_backing *b)
{
	struct eal_hugepage_info hi;
	char sz[16];

	*b = backing;
	if (mask == 0 || (mask & b->page_sz))
		return 0;
	if (b->page_sz == 0 || b->huge_dir != NULL) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEM,
			"memory of another page size is asked (page-size flags), but %s gives "
			"only %s pages",
			b->page_sz ? "--huge-dir" : "--no-huge",
			eal_size_str(b->page_sz ? b->page_sz : PRT_PGSIZE_4K, sz, sizeof(sz)));
		return -ENOMEM;
	}
	eal_hugepage_info_read(&hi);
	for (unsigned int i = hi.nb_sizes; i-- > 0;) {
		if (mask & hi.sizes[i].page_sz) {
			b->page_sz = hi.sizes[i].page_sz;
			return 0;
		}
	}
	PRT_LOG(ERR, PRT_LOGTYPE_MEM,
		"memory of %s pages is asked, but this kernel offers none of that size",
		eal_size_str(mask & (PRT_PGSIZE_1G | PRT_PGSIZE_2M), sz, sizeof(sz)));
	return -ENOMEM;
}

int eal_memory_grow(int socket, size_t min_len, uint64_t pgsz_mask)
{
	struct eal_mem_backing b;
	struct eal_memseg seg;
	size_t pg, len;
	char sz[16];
	int ret;

	if (eal_cfg.legacy_mem) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEM,
			"the heap on node %d is full, and --legacy-mem keeps memory at its start-up "
			"size: reserve more with -m or --socket-mem, or drop --legacy-mem",
			socket);
		return -ENOMEM;
	}
	ret = grow_backing(pgsz_mask, &b);
	if (ret < 0)
		return ret;
	pg = b.page_sz ? (size_t)b.page_sz : (size_t)sysconf(_SC_PAGESIZE);
	len = PRT_ALIGN_CEIL(PRT_MAX(min_len, EAL_GROW_MIN), pg);
	if (b.page_sz) {
		/* Take less than EAL_GROW_MIN when only enough for the request is free. */
		struct eal_hugepage_info hi;
		const struct eal_hugepage_size *s;
		size_t need = PRT_ALIGN_CEIL(min_len, pg);

		eal_hugepage_info_read(&hi);
		s = eal_hugepage_size_find(&hi, b.page_sz);
		if (s != NULL) {
			size_t avail = (size_t)eal_hugepage_avail(&hi, s, socket) * pg;

			len = avail >= len ? len : PRT_MAX(avail, need);
		}
	}
	ret = eal_mem_map(&seg, &b, len, socket);
	if (ret < 0)
		return ret;
	ret = eal_mem_populate(&seg, 0, seg.nb_pages);
	if (ret < 0) {
		eal_mem_unmap(&seg);
		return ret;
	}
	ret = adopt(&seg, 1);
	if (ret == 0)
		PRT_LOG(INFO, PRT_LOGTYPE_MEM, "added %zu MiB of %s pages on node %d", len >> 20,
			eal_size_str(pg, sz, sizeof(sz)), socket);
	return ret;
}
