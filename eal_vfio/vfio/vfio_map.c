/* SPDX-License-Identifier: BSD-3-Clause */
/* The DMA mapping table (vfio_map.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prt_log.h"
#include "vfio_map.h"

static int map_one(struct vfio_backend *be, struct vfio_map *m)
{
	int ret = be->ops->dma_map(be, m->vaddr, m->iova, m->len);

	if (ret == 0) {
		m->mapped = true;
		be->pinned += m->len;
	}
	return ret;
}

/* Unmaps @m; on a refusal it stays mapped (and pinned), logged. */
static int unmap_one(struct vfio_backend *be, struct vfio_map *m)
{
	int ret;

	if (!m->mapped)
		return 0;
	ret = be->ops->dma_unmap(be, m->vaddr, m->iova, m->len);
	if (ret < 0) {
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
			"cannot unmap IOVA 0x%llx-0x%llx (%llu bytes) for DMA: %s; the range "
			"stays mapped to the memory it had, whose pages stay pinned",
			(unsigned long long)m->iova, (unsigned long long)(m->iova + m->len - 1),
			(unsigned long long)m->len, strerror(-ret));
		return ret;
	}
	m->mapped = false;
	m->unmap_failed = false;
	be->pinned -= m->len;
	return 0;
}

/* An empty table holds no memory (nothing is left at exit). */
static void table_trim(struct vfio_map_table *t)
{
	if (t->nb == 0) {
		free(t->maps);
		t->maps = NULL;
	}
}

static struct vfio_map *map_find(struct vfio_map_table *t, uint64_t vaddr, uint64_t iova,
				 uint64_t len)
{
	for (unsigned int i = 0; i < t->nb; i++)
		if (t->maps[i].vaddr == vaddr && t->maps[i].iova == iova && t->maps[i].len == len)
			return &t->maps[i];
	return NULL;
}

int vfio_map_add(struct vfio_map_table *t, struct vfio_backend *be, uint64_t vaddr, uint64_t iova,
		 uint64_t len, bool user)
{
	struct vfio_map *n, *m = map_find(t, vaddr, iova, len);
	int ret;

	if (m && !m->unmap_failed)
		return -EEXIST;
	if (m) {
		/* Its IOVA still reaches the pages freed before: unmap, then map anew. */
		if (unmap_one(be, m) < 0)
			return -EBUSY;
		m->user = user;
		ret = be->ops ? map_one(be, m) : 0;
		if (ret < 0)
			*m = t->maps[--t->nb];
		table_trim(t);
		return ret;
	}
	n = realloc(t->maps, (t->nb + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->maps = n;
	t->maps[t->nb] =
		(struct vfio_map){ .vaddr = vaddr, .iova = iova, .len = len, .user = user };
	if (be->ops) {
		ret = map_one(be, &t->maps[t->nb]);
		if (ret < 0) {
			table_trim(t);
			return ret;
		}
	}
	t->nb++;
	return 0;
}

int vfio_map_del(struct vfio_map_table *t, struct vfio_backend *be, uint64_t vaddr, uint64_t iova,
		 uint64_t len)
{
	struct vfio_map *m = map_find(t, vaddr, iova, len);
	int ret;

	if (!m || m->unmap_failed)
		return -ENOENT;
	ret = be->ops ? unmap_one(be, m) : 0;
	if (ret < 0) {
		m->unmap_failed = true; /* kept: a later add or the close tries again */
		return ret;
	}
	*m = t->maps[--t->nb];
	table_trim(t);
	return 0;
}

int vfio_map_all(struct vfio_map_table *t, struct vfio_backend *be)
{
	for (unsigned int i = 0; i < t->nb; i++) {
		int ret = map_one(be, &t->maps[i]);

		if (ret < 0)
			return ret;
	}
	return 0;
}

void vfio_map_release_all(struct vfio_map_table *t, struct vfio_backend *be)
{
	unsigned int kept = 0;

	for (unsigned int i = 0; i < t->nb; i++) {
		struct vfio_map *m = &t->maps[i];

		unmap_one(be, m); /* a refusal is logged; closing the backend drops it anyway */
		m->mapped = false;
		if (m->user && !m->unmap_failed)
			t->maps[kept++] = *m;
	}
	t->nb = kept;
	table_trim(t);
	be->pinned = 0;
}
