/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The front-end's memory as the back-end maps it (vhost-user.rst,
 * VHOST_USER_SET_MEM_TABLE): up to 8 regions, each the file the front-end
 * sent, mapped whole. Descriptors carry guest-physical addresses, ring
 * addresses (SET_VRING_ADDR) the front-end's virtual ones; both are
 * translated here, and only a range that lies inside one region translates:
 * a buffer that starts in a region and runs past its end is refused, so a
 * front-end cannot make the back-end touch memory it did not share.
 * Private to net_vhost.
 */
#ifndef VHOST_MEM_H
#define VHOST_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "vhost_user.h"

struct vhost_mem_region {
	uint64_t gpa; /**< guest-physical start */
	uint64_t uva; /**< the front-end's virtual start */
	uint64_t size; /**< bytes */
	uint8_t *host; /**< our address of gpa */
	void *map; /**< the mapping (from offset 0 of the file) */
	size_t map_len;
};

/** A mapped memory table; n == 0 when none. */
struct vhost_mem {
	uint32_t n;
	struct vhost_mem_region r[VHOST_MEMORY_MAX_NREGIONS];
};

/**
 * Maps the @p mem->nregions regions (checked by vhost_msg_parse()) of the
 * files @p fds into @p out, which must be empty (n == 0). The fds are
 * closed whatever happens (a mapping keeps the file). A region whose
 * mmap_offset + size lies beyond its file's end is refused. Control thread only.
 * @return 0; -EINVAL (file too small, logged); -errno of fstat()/mmap()
 *         (logged), with nothing mapped.
 */
int vhost_mem_map(struct vhost_mem *out, const struct vhost_memory *mem, const int *fds,
		  const char *name);

/** Unmaps every region of @p m and empties it. Idempotent. Control thread only. */
void vhost_mem_unmap(struct vhost_mem *m);

/**
 * Our address of the @p len bytes at guest-physical @p gpa, or NULL when
 * they do not lie inside one region (or @p len is 0 or the range wraps).
 * Data path; reads @p m only (the control thread changes it only while no
 * queue runs).
 */
static inline void *vhost_gpa_to_va(const struct vhost_mem *m, uint64_t gpa, uint64_t len)
{
	for (uint32_t i = 0; i < m->n; i++) {
		const struct vhost_mem_region *r = &m->r[i];

		/* gpa - r->gpa < size, and len fits in what is left: no overflow possible. */
		if (gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa) && len > 0)
			return r->host + (gpa - r->gpa);
	}
	return NULL;
}

/** As vhost_gpa_to_va() for the front-end's virtual address @p uva (ring addresses). */
void *vhost_uva_to_va(const struct vhost_mem *m, uint64_t uva, uint64_t len);

#endif /* VHOST_MEM_H */
