/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memzones (prt_memzone.h): a fixed table of named blocks carved from the
 * heaps. A slot whose name is empty is free. The table lock is taken before
 * the heap's (eal_memory.h lock order), so reserving a name and its memory
 * is one step for other threads.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <string.h>

#include "eal_memory.h"
#include "prt_malloc.h"
#include "prt_memzone.h"

#define KNOWN_FLAGS (PRT_MEMZONE_2MB | PRT_MEMZONE_1GB | PRT_MEMZONE_IOVA_CONTIG)

static pthread_mutex_t mz_lock = PTHREAD_MUTEX_INITIALIZER;
static struct prt_memzone zones[PRT_MAX_MEMZONE]; /* under mz_lock */

static struct prt_memzone *find(const char *name)
{
	for (unsigned int i = 0; i < PRT_MAX_MEMZONE; i++)
		if (zones[i].name[0] != '\0' && strcmp(zones[i].name, name) == 0)
			return &zones[i];
	return NULL;
}

static struct prt_memzone *free_slot(void)
{
	for (unsigned int i = 0; i < PRT_MAX_MEMZONE; i++)
		if (zones[i].name[0] == '\0')
			return &zones[i];
	return NULL;
}

/* errno for arguments that are wrong whatever the state of the table; 0 when fine. */
static int check_args(const char *name, size_t len, int socket_id, unsigned int flags,
		      unsigned int align)
{
	if (name == NULL || name[0] == '\0' || len == 0 || (flags & ~KNOWN_FLAGS) ||
	    (align != 0 && !prt_is_power_of_2(align)) || !eal_memory_ready())
		return EINVAL;
	if (socket_id != PRT_SOCKET_ID_ANY && (socket_id < 0 || socket_id >= EAL_MAX_NUMA_NODES ||
					       (unsigned int)socket_id >= prt_socket_count()))
		return EINVAL;
	if (strnlen(name, PRT_MEMZONE_NAMESIZE) >= PRT_MEMZONE_NAMESIZE)
		return ENAMETOOLONG;
	return 0;
}

const struct prt_memzone *prt_memzone_reserve_aligned(const char *name, size_t len, int socket_id,
						      unsigned int flags, unsigned int align)
{
	struct eal_alloc_req req = {
		.size = len,
		.align = PRT_MAX(align, (unsigned int)PRT_CACHE_LINE_SIZE),
		.socket = socket_id,
		.pgsz_mask = ((flags & PRT_MEMZONE_2MB) ? PRT_PGSIZE_2M : 0) |
			     ((flags & PRT_MEMZONE_1GB) ? PRT_PGSIZE_1G : 0),
		.iova_contig = (flags & PRT_MEMZONE_IOVA_CONTIG) != 0,
	};
	struct prt_memzone *mz = NULL;
	const struct eal_memseg *seg;
	int err = check_args(name, len, socket_id, flags, align);
	void *addr;

	if (err) {
		errno = err;
		return NULL;
	}
	pthread_mutex_lock(&mz_lock);
	if (find(name) != NULL) {
		err = EEXIST;
		goto out;
	}
	mz = free_slot();
	if (mz == NULL) {
		err = ENOSPC;
		goto out;
	}
	addr = eal_malloc_req(&req);
	if (addr == NULL) {
		err = errno;
		PRT_LOG(ERR, PRT_LOGTYPE_MEM, "memzone '%s': no room for %zu bytes%s%s", name, len,
			req.iova_contig ? ", IOVA-contiguous" : "",
			req.pgsz_mask ? ", in the page size asked" : "");
		mz = NULL;
		goto out;
	}
	seg = eal_memseg_find(addr);
	snprintf(mz->name, sizeof(mz->name), "%s", name);
	mz->addr = addr;
	mz->iova = prt_mem_virt2iova(addr);
	mz->len = len;
	mz->hugepage_sz = seg->ms.hugepage_sz;
	mz->socket_id = seg->ms.socket_id;
	mz->flags = flags;
out:
	pthread_mutex_unlock(&mz_lock);
	if (err)
		errno = err;
	return mz;
}

const struct prt_memzone *prt_memzone_reserve(const char *name, size_t len, int socket_id,
					      unsigned int flags)
{
	return prt_memzone_reserve_aligned(name, len, socket_id, flags, 0);
}

const struct prt_memzone *prt_memzone_lookup(const char *name)
{
	const struct prt_memzone *mz;

	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&mz_lock);
	mz = find(name);
	pthread_mutex_unlock(&mz_lock);
	if (mz == NULL)
		errno = ENOENT;
	return mz;
}

int prt_memzone_free(const struct prt_memzone *mz)
{
	uintptr_t off = (uintptr_t)mz - (uintptr_t)zones;
	struct prt_memzone *z;
	int ret = -EINVAL;

	if (mz == NULL || (uintptr_t)mz < (uintptr_t)zones || off >= sizeof(zones) ||
	    off % sizeof(zones[0]) != 0)
		return -EINVAL;
	z = &zones[off / sizeof(zones[0])];
	pthread_mutex_lock(&mz_lock);
	if (z->name[0] != '\0') {
		prt_free(z->addr);
		memset(z, 0, sizeof(*z));
		ret = 0;
	}
	pthread_mutex_unlock(&mz_lock);
	return ret;
}

void prt_memzone_walk(void (*fn)(const struct prt_memzone *mz, void *arg), void *arg)
{
	pthread_mutex_lock(&mz_lock);
	for (unsigned int i = 0; i < PRT_MAX_MEMZONE; i++)
		if (zones[i].name[0] != '\0')
			fn(&zones[i], arg);
	pthread_mutex_unlock(&mz_lock);
}

static void dump_one(const struct prt_memzone *mz, void *arg)
{
	char sz[16];

	fprintf(arg,
		"memzone '%s': len %zu addr %p iova 0x%" PRIx64 " node %d pages %s flags 0x%x\n",
		mz->name, mz->len, mz->addr, mz->iova, mz->socket_id,
		eal_size_str(mz->hugepage_sz, sz, sizeof(sz)), mz->flags);
}

void prt_memzone_dump(FILE *f)
{
	prt_memzone_walk(dump_one, f);
}

void eal_memzone_reset(void)
{
	pthread_mutex_lock(&mz_lock);
	memset(zones, 0, sizeof(zones));
	pthread_mutex_unlock(&mz_lock);
}
