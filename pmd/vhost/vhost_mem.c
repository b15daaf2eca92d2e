/* SPDX-License-Identifier: BSD-3-Clause */
/* The front-end's memory regions: mapping and ring address translation (vhost_mem.h). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prt_common.h"
#include "vhost_log.h"
#include "vhost_mem.h"

static int region_map(struct vhost_mem_region *r, const struct vhost_memory_region *m, int fd,
		      const char *name)
{
	struct stat st;
	uint64_t len, align;

	if (fstat(fd, &st) < 0) {
		VHOST_LOG(ERR, "%s: fstat of a memory region's fd: %s", name, strerror(errno));
		return -errno;
	}
	len = m->mmap_offset + m->memory_size; /* no overflow: vhost_msg_parse() checked */
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < len) {
		VHOST_LOG(
			ERR,
			"%s: memory region at offset %llu, %llu bytes, lies beyond its file's %lld bytes",
			name, (unsigned long long)m->mmap_offset,
			(unsigned long long)m->memory_size, (long long)st.st_size);
		return -EINVAL;
	}
	/* hugetlbfs files map in whole pages: st_blksize is the page size. */
	align = st.st_blksize > 0 ? (uint64_t)st.st_blksize : 4096;
	if (len > SIZE_MAX - align)
		return -EINVAL;
	len = (len + align - 1) & ~(align - 1);
	r->map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (r->map == MAP_FAILED) {
		int ret = -errno;

		VHOST_LOG(ERR, "%s: cannot map a memory region of %llu bytes: %s", name,
			  (unsigned long long)len, strerror(errno));
		r->map = NULL;
		return ret;
	}
	r->map_len = len;
	r->gpa = m->guest_phys_addr;
	r->uva = m->userspace_addr;
	r->size = m->memory_size;
	r->host = (uint8_t *)r->map + m->mmap_offset;
	return 0;
}

int vhost_mem_map(struct vhost_mem *out, const struct vhost_memory *mem, const int *fds,
		  const char *name)
{
	int ret = 0;

	for (uint32_t i = 0; i < mem->nregions; i++) {
		if (ret == 0) {
			ret = region_map(&out->r[i], &mem->regions[i], fds[i], name);
			if (ret == 0)
				out->n = i + 1;
		}
		close(fds[i]);
	}
	if (ret < 0)
		vhost_mem_unmap(out);
	return ret;
}

void vhost_mem_unmap(struct vhost_mem *m)
{
	for (uint32_t i = 0; i < m->n; i++)
		munmap(m->r[i].map, m->r[i].map_len);
	memset(m, 0, sizeof(*m));
}

void *vhost_uva_to_va(const struct vhost_mem *m, uint64_t uva, uint64_t len)
{
	for (uint32_t i = 0; i < m->n; i++) {
		const struct vhost_mem_region *r = &m->r[i];

		if (uva - r->uva < r->size && len <= r->size - (uva - r->uva) && len > 0)
			return r->host + (uva - r->uva);
	}
	return NULL;
}
