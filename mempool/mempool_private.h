/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the mempool files share inside libprt. Not installed.
 */
#ifndef MEMPOOL_PRIVATE_H
#define MEMPOOL_PRIVATE_H

#include <stddef.h>

#include "prt_mempool.h"

/** Bytes one object takes in memory: header, object and trailer. */
size_t mempool_total_elt_size(const struct prt_mempool *mp);

/** Non-zero when this build puts cookies around objects (PRT_DEBUG). */
int mempool_debug_enabled(void);

/** Writes the cookies of a new, free object @p obj (nothing without cookies). */
void mempool_debug_init_obj(const struct prt_mempool *mp, void *obj);

/**
 * Empties lcore @p lcore_id's cache of every pool into the pools' rings.
 * Called on that lcore, when its launched function has returned.
 */
void mempool_flush_lcore_caches(unsigned int lcore_id);

#endif /* MEMPOOL_PRIVATE_H */
