/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hugepage discovery: the sizes the kernel offers and their pool counts
 * (/sys/kernel/mm/hugepages, and per node under /sys/devices/system/node),
 * the default size (/proc/meminfo) and the hugetlbfs mounts (/proc/mounts).
 * Reads only; the roots can be pointed at a fake tree for tests.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eal_memory.h"

static char sysfs_root[256] = "/sys";
static char proc_root[256] = "/proc";

void eal_hugepage_info_set_roots(const char *sysfs, const char *proc)
{
	snprintf(sysfs_root, sizeof(sysfs_root), "%s", sysfs ? sysfs : "/sys");
	snprintf(proc_root, sizeof(proc_root), "%s", proc ? proc : "/proc");
}

/* Reads one unsigned number from file @dir/@name; 0 when it cannot. */
static unsigned int read_count(const char *dir, const char *name)
{
	char path[1024];
	unsigned int v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%u", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* "hugepages-2048kB" -> bytes; 0 when the name is not a hugepage directory. */
static uint64_t dir_page_size(const char *name)
{
	unsigned long long kb;
	char unit[4];

	if (sscanf(name, "hugepages-%llu%3s", &kb, unit) != 2 || strcmp(unit, "kB") != 0)
		return 0;
	return (uint64_t)kb << 10;
}

static struct eal_hugepage_size *size_slot(struct eal_hugepage_info *hi, uint64_t page_sz)
{
	unsigned int i;

	for (i = 0; i < hi->nb_sizes; i++)
		if (hi->sizes[i].page_sz == page_sz)
			return &hi->sizes[i];
	if (hi->nb_sizes == EAL_MAX_PAGE_SIZES)
		return NULL;
	/* keep the table sorted, smallest first */
	for (i = hi->nb_sizes; i > 0 && hi->sizes[i - 1].page_sz > page_sz; i--)
		hi->sizes[i] = hi->sizes[i - 1];
	memset(&hi->sizes[i], 0, sizeof(hi->sizes[i]));
	hi->sizes[i].page_sz = page_sz;
	hi->nb_sizes++;
	return &hi->sizes[i];
}

static void read_global_pools(struct eal_hugepage_info *hi)
{
	char base[300], dir[600];
	struct dirent *de;
	DIR *d;

	snprintf(base, sizeof(base), "%s/kernel/mm/hugepages", sysfs_root);
	d = opendir(base);
	if (d == NULL)
		return; /* a kernel without hugetlb */
	while ((de = readdir(d)) != NULL) {
		uint64_t sz = dir_page_size(de->d_name);
		struct eal_hugepage_size *s;

		if (sz == 0 || (s = size_slot(hi, sz)) == NULL)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", base, de->d_name);
		s->nr_pages = read_count(dir, "nr_hugepages");
		s->free_pages = read_count(dir, "free_hugepages");
		s->resv_pages = read_count(dir, "resv_hugepages");
	}
	closedir(d);
}

/* The nodes are the "nodeN" entries of <sysfs>/devices/system/node. */
static void read_node_pools(struct eal_hugepage_info *hi)
{
	char base[300], dir[512];
	struct dirent *de;
	unsigned int node;
	DIR *d;

	snprintf(base, sizeof(base), "%s/devices/system/node", sysfs_root);
	d = opendir(base);
	if (d == NULL)
		return; /* a kernel without NUMA */
	while ((de = readdir(d)) != NULL) {
		if (sscanf(de->d_name, "node%u", &node) != 1 || node >= EAL_MAX_NUMA_NODES)
			continue;
		for (unsigned int i = 0; i < hi->nb_sizes; i++) {
			struct eal_hugepage_size *s = &hi->sizes[i];

			snprintf(dir, sizeof(dir), "%s/node%u/hugepages/hugepages-%" PRIu64 "kB",
				 base, node, s->page_sz >> 10);
			s->node_nr[node] = read_count(dir, "nr_hugepages");
			s->node_free[node] = read_count(dir, "free_hugepages");
		}
		hi->nb_nodes = PRT_MAX(hi->nb_nodes, node + 1);
	}
	closedir(d);
}

/* Hugepagesize: 2048 kB */
static void read_default_size(struct eal_hugepage_info *hi)
{
	char path[300], line[256];
	unsigned long long kb;
	FILE *f;

	snprintf(path, sizeof(path), "%s/meminfo", proc_root);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %llu kB", &kb) == 1)
			hi->default_sz = (uint64_t)kb << 10;
	fclose(f);
}

/* "2M", "1G", "1024M", "2048K" -> bytes; 0 when it does not parse. */
static uint64_t parse_pagesize_opt(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	switch (toupper((unsigned char)*end)) {
	case 'K':
		return (uint64_t)v << 10;
	case 'M':
		return (uint64_t)v << 20;
	case 'G':
		return (uint64_t)v << 30;
	case ',':
	case '\0':
		return v;
	default:
		return 0;
	}
}

/* /proc/mounts writes a space in a path as \040: undo the octal escapes. */
static void unescape_path(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

static void read_mounts(struct eal_hugepage_info *hi)
{
	char path[300], line[1024], dev[256], dir[256], type[64], opts[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/mounts", proc_root);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) && hi->nb_mounts < EAL_MAX_HUGETLBFS_MOUNTS) {
		struct eal_hugetlbfs_mount *m = &hi->mounts[hi->nb_mounts];
		const char *ps;

		if (sscanf(line, "%255s %255s %63s %511s", dev, dir, type, opts) != 4 ||
		    strcmp(type, "hugetlbfs") != 0)
			continue;
		unescape_path(dir);
		snprintf(m->path, sizeof(m->path), "%s", dir);
		ps = strstr(opts, "pagesize=");
		m->page_sz = ps ? parse_pagesize_opt(ps + 9) : hi->default_sz;
		hi->nb_mounts++;
	}
	fclose(f);
}

void eal_hugepage_info_read(struct eal_hugepage_info *hi)
{
	memset(hi, 0, sizeof(*hi));
	read_default_size(hi);
	read_global_pools(hi);
	read_node_pools(hi);
	read_mounts(hi);
}

const struct eal_hugepage_size *eal_hugepage_size_find(const struct eal_hugepage_info *hi,
						       uint64_t page_sz)
{
	for (unsigned int i = 0; i < hi->nb_sizes; i++)
		if (hi->sizes[i].page_sz == page_sz)
			return &hi->sizes[i];
	return NULL;
}

unsigned int eal_hugepage_avail(const struct eal_hugepage_info *hi,
				const struct eal_hugepage_size *s, int node)
{
	unsigned int avail = s->free_pages > s->resv_pages ? s->free_pages - s->resv_pages : 0;

	/* Without node directories (no NUMA in sysfs) the global pool is node 0's. */
	if (node >= 0 && (unsigned int)node < hi->nb_nodes)
		avail = PRT_MIN(avail, s->node_free[node]);
	return avail;
}

const char *eal_size_str(uint64_t sz, char *buf, size_t len)
{
	if (sz >= PRT_PGSIZE_1G && sz % PRT_PGSIZE_1G == 0)
		snprintf(buf, len, "%" PRIu64 " GiB", sz >> 30);
	else if (sz >= (1u << 20) && sz % (1u << 20) == 0)
		snprintf(buf, len, "%" PRIu64 " MiB", sz >> 20);
	else
		snprintf(buf, len, "%" PRIu64 " KiB", sz >> 10);
	return buf;
}

void eal_hugepage_fix_cmd(const struct eal_hugepage_info *hi, uint64_t page_sz, int node,
			  unsigned int pages, char *buf, size_t len)
{
	const struct eal_hugepage_size *s = eal_hugepage_size_find(hi, page_sz);
	unsigned int avail = s ? eal_hugepage_avail(hi, s, node) : 0;
	unsigned int more = pages > avail ? pages - avail : 0;
	uint64_t kb = page_sz >> 10;
	int n;

	if (node >= 0 && (unsigned int)node < hi->nb_nodes)
		n = snprintf(buf, len,
			     "echo %u > /sys/devices/system/node/node%d/hugepages/"
			     "hugepages-%" PRIu64 "kB/nr_hugepages",
			     (s ? s->node_nr[node] : 0) + more, node, kb);
	else
		n = snprintf(buf, len,
			     "echo %u > /sys/kernel/mm/hugepages/hugepages-%" PRIu64
			     "kB/nr_hugepages",
			     (s ? s->nr_pages : 0) + more, kb);
	if (page_sz >= PRT_PGSIZE_1G && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n,
			 " (1 GiB pages are best reserved at boot: add 'hugepagesz=1G "
			 "hugepages=%u' to the kernel command line)",
			 (s ? s->nr_pages : 0) + more);
}

void eal_hugepage_shortfall_log(uint64_t page_sz, int node, unsigned int pages, const char *what)
{
	struct eal_hugepage_info hi;
	const struct eal_hugepage_size *s;
	char sz[16], total[16], fix[320], where[32] = "";
	unsigned int avail;

	eal_hugepage_info_read(&hi);
	s = eal_hugepage_size_find(&hi, page_sz);
	eal_size_str(page_sz, sz, sizeof(sz));
	eal_size_str(page_sz * pages, total, sizeof(total));
	if (s == NULL) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEM,
			"%s: %u pages of %s (%s) asked, but this kernel offers no %s pages "
			"(no %s/kernel/mm/hugepages/hugepages-%" PRIu64 "kB)",
			what, pages, sz, total, sz, sysfs_root, page_sz >> 10);
		return;
	}
	if (node >= 0)
		snprintf(where, sizeof(where), " on NUMA node %d", node);
	avail = eal_hugepage_avail(&hi, s, node);
	eal_hugepage_fix_cmd(&hi, page_sz, node, pages, fix, sizeof(fix));
	PRT_LOG(ERR, PRT_LOGTYPE_MEM,
		"%s: %u pages of %s (%s) asked%s, %u free (%u reserved in all, %u of them "
		"free, %u promised to other mappings). Reserve more as root with: %s; "
		"or run with --no-huge (tests only)",
		what, pages, sz, total, where, avail, s->nr_pages, s->free_pages, s->resv_pages,
		fix);
}
