/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DMA mapping table (vfio_map.c): every range prt maps for devices
 * (its memory segments, the application's prt_vfio_dma_map() ranges), and
 * whether the backend holds it now. vfio.c keeps one table under its lock;
 * none of these functions locks. Not installed.
 */
#ifndef VFIO_MAP_H
#define VFIO_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "vfio_backend.h"

/** One DMA mapping made, or to be made when a backend opens. */
struct vfio_map {
	uint64_t vaddr;
	uint64_t iova;
	uint64_t len; /**< bytes */
	bool user; /**< from prt_vfio_dma_map(): kept across backend lifetimes */
	bool mapped; /**< in the backend now */
	bool unmap_failed; /**< its memory was freed but the backend refused the unmap */
};

/** The table: an array of @c nb entries, freed when empty. Zero-initialised is empty. */
struct vfio_map_table {
	struct vfio_map *maps;
	unsigned int nb;
};

/**
 * Adds [@p vaddr, @p vaddr + @p len) at @p iova and maps it in @p be when a
 * backend is open (@p be->ops set). An entry left by a refused unmap at the
 * same range is unmapped again first: its IOVA still points to the pages
 * that were freed.
 * @return 0; -EEXIST (the range is in the table); -EBUSY (a refused unmap
 *         of the same range is refused again: logged); -ENOMEM; the
 *         backend's dma_map error (the table is unchanged).
 */
int vfio_map_add(struct vfio_map_table *t, struct vfio_backend *be, uint64_t vaddr, uint64_t iova,
		 uint64_t len, bool user);

/**
 * Unmaps the range and removes it from the table. When the backend refuses
 * the unmap, the entry stays (still mapped, still pinned, marked
 * unmap_failed) and the refusal is logged: a later vfio_map_add() of the
 * same range or the backend's close tries again.
 * @return 0; -ENOENT (no such range); the backend's dma_unmap error.
 */
int vfio_map_del(struct vfio_map_table *t, struct vfio_backend *be, uint64_t vaddr, uint64_t iova,
		 uint64_t len);

/** Maps every entry in the backend just opened. @return 0; the first dma_map error. */
int vfio_map_all(struct vfio_map_table *t, struct vfio_backend *be);

/**
 * Before the backend closes (which drops every mapping): unmaps every
 * entry, logging a refusal, and keeps only the application's (user)
 * entries, unmapped, for the next backend.
 */
void vfio_map_release_all(struct vfio_map_table *t, struct vfio_backend *be);

#endif /* VFIO_MAP_H */
