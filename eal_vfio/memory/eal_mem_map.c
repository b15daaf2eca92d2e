/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mapping one segment: its backing (a hugetlb memfd, an O_TMPFILE in a
 * hugetlbfs mount, or anonymous memory), its NUMA binding, faulting it in,
 * checking where its pages landed, and reading their physical addresses.
 *
 * Nothing here leaves a name in a file system: a memfd has none, and an
 * O_TMPFILE is never linked. The file stays open while the segment is mapped,
 * so that it can be shared with another process (prt_memseg_get_fd(), for
 * vhost-user); the pages go back to the kernel's pool when both the mapping
 * and the file are gone, at unmap or at process death (kill -9 included).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <numa.h>
#include <numaif.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "eal_memory.h"

/* A file of hugepages: a memfd, or a file with no name in @huge_dir. */
static int open_backing(const struct eal_mem_backing *b)
{
	char sz[16];
	int fd;

	eal_size_str(b->page_sz, sz, sizeof(sz));
	if (b->huge_dir == NULL) {
		/* MFD_HUGE_* is log2(page size) << MAP_HUGE_SHIFT, as for mmap. */
		unsigned int flags = MFD_CLOEXEC | MFD_HUGETLB |
				     ((unsigned int)__builtin_ctzll(b->page_sz) << MAP_HUGE_SHIFT);

		fd = memfd_create("prt-hugepages", flags);
		if (fd < 0)
			PRT_LOG(ERR, PRT_LOGTYPE_MEM,
				"memfd_create(MFD_HUGETLB) for %s pages: %s%s", sz, strerror(errno),
				errno == EINVAL ? " (this kernel offers no pages of that size)" :
						  "");
		return fd < 0 ? -errno : fd;
	}
	fd = open(b->huge_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		PRT_LOG(ERR, PRT_LOGTYPE_MEM, "--huge-dir %s: cannot create a file there: %s",
			b->huge_dir, strerror(errno));
	return fd < 0 ? -errno : fd;
}

static int map_hugepages(struct eal_memseg *seg, const struct eal_mem_backing *b, size_t len,
			 int socket)
{
	void *addr;
	int fd, ret;

	fd = open_backing(b);
	if (fd < 0)
		return fd;
	if (ftruncate(fd, (off_t)len) < 0) {
		ret = -errno;
		PRT_LOG(ERR, PRT_LOGTYPE_MEM, "cannot size a hugepage file to %zu bytes: %s", len,
			strerror(errno));
		close(fd);
		return ret;
	}
	/* MAP_SHARED without MAP_NORESERVE: the kernel reserves every page
	 * now, so a shortage fails here and not with SIGBUS at a fault. */
	addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ret = -errno;
	if (addr == MAP_FAILED) {
		close(fd);
		if (ret == -ENOMEM)
			eal_hugepage_shortfall_log(b->page_sz, socket,
						   (unsigned int)(len / b->page_sz),
						   "cannot reserve hugepages");
		else
			PRT_LOG(ERR, PRT_LOGTYPE_MEM, "mmap of %zu bytes of hugepages: %s", len,
				strerror(-ret));
		return ret;
	}
	seg->ms.addr = addr;
	seg->fd = fd;
	return 0;
}

int eal_mem_map(struct eal_memseg *seg, const struct eal_mem_backing *b, size_t len, int socket)
{
	int ret;

	memset(seg, 0, sizeof(*seg));
	seg->fd = -1;
	seg->ms.len = len;
	seg->ms.socket_id = socket;
	seg->ms.hugepage_sz = b->page_sz ? b->page_sz : (uint64_t)sysconf(_SC_PAGESIZE);
	seg->nb_pages = (unsigned int)(len / seg->ms.hugepage_sz);
	if (b->page_sz) {
		ret = map_hugepages(seg, b, len, socket);
		if (ret < 0)
			return ret;
	} else {
		seg->ms.addr =
			mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (seg->ms.addr == MAP_FAILED) {
			ret = -errno;
			PRT_LOG(ERR, PRT_LOGTYPE_MEM, "cannot map %zu MiB of anonymous memory: %s",
				len >> 20, strerror(errno));
			return ret;
		}
	}
	seg->ms.iova = (prt_iova_t)(uintptr_t)seg->ms.addr;
	/* Bind before the first touch: the policy decides where a page is
	 * allocated when it is faulted in, not afterwards. */
	if (numa_available() >= 0) {
		unsigned long mask[EAL_MAX_NUMA_NODES / (8 * sizeof(unsigned long)) + 1] = { 0 };

		mask[socket / (8 * sizeof(unsigned long))] |=
			1ul << (socket % (8 * sizeof(unsigned long)));
		if (mbind(seg->ms.addr, len, MPOL_BIND, mask, sizeof(mask) * 8, 0) < 0) {
			ret = -errno;
			PRT_LOG(ERR, PRT_LOGTYPE_MEM, "cannot bind memory to NUMA node %d: %s",
				socket, strerror(errno));
			munmap(seg->ms.addr, len);
			return ret;
		}
	}
	return 0;
}

int eal_mem_populate(const struct eal_memseg *seg, unsigned int first, unsigned int n)
{
	size_t pg = seg->ms.hugepage_sz;
	char *start = (char *)seg->ms.addr + (size_t)first * pg;

	if (n == 0 || madvise(start, (size_t)n * pg, MADV_POPULATE_WRITE) == 0)
		return 0;
	if (errno == EINVAL) {
		PRT_LOG(ERR, PRT_LOGTYPE_MEM,
			"madvise(MADV_POPULATE_WRITE) is refused: prt needs Linux 5.14 or newer");
		return -EINVAL;
	}
	if (seg->ms.hugepage_sz > PRT_PGSIZE_4K && (errno == ENOMEM || errno == EFAULT)) {
		eal_hugepage_shortfall_log(pg, seg->ms.socket_id, seg->nb_pages,
					   "cannot fault in hugepages");
		return -ENOMEM;
	}
	PRT_LOG(ERR, PRT_LOGTYPE_MEM, "cannot fault in %zu MiB on NUMA node %d: %s",
		((size_t)n * pg) >> 20, seg->ms.socket_id, strerror(errno));
	return -errno;
}

/* Every page is where mbind() asked; a page elsewhere is counted and refused. */
static int check_placement(const struct eal_memseg *seg)
{
	unsigned int n = seg->nb_pages, away = 0;
	int *status = calloc(n, sizeof(*status)), other = -1;
	void **pages = calloc(n, sizeof(*pages));
	int ret = 0;

	if (status == NULL || pages == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < n; i++)
		pages[i] = (char *)seg->ms.addr + (size_t)i * seg->ms.hugepage_sz;
	if (move_pages(0, n, pages, NULL, status, 0) < 0) {
		ret = -errno;
		PRT_LOG(ERR, PRT_LOGTYPE_MEM, "move_pages() cannot tell where pages are: %s",
			strerror(errno));
		goto out;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (status[i] != seg->ms.socket_id) {
			away++;
			other = status[i];
		}
	}
	if (away) {
		char sz[16];

		PRT_LOG(ERR, PRT_LOGTYPE_MEM,
			"NUMA node %d is short of %s pages: %u of the %u pages asked there landed "
			"elsewhere (e.g. %s %d); reserve more on node %d (tools/hugepages show)",
			seg->ms.socket_id, eal_size_str(seg->ms.hugepage_sz, sz, sizeof(sz)), away,
			n, other < 0 ? "error" : "node", other, seg->ms.socket_id);
		ret = -ENOMEM;
	}
out:
	free(status);
	free(pages);
	return ret;
}

/* PA mode: the physical address of each page, from /proc/self/pagemap. */
static int read_page_iovas(struct eal_memseg *seg)
{
	long small = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0) {
		ret = -errno;
		PRT_LOG(ERR, PRT_LOGTYPE_MEM,
			"--iova-mode=pa: cannot open /proc/self/pagemap to read physical "
			"addresses: %s",
			strerror(errno));
		return ret;
	}
	seg->page_iova = calloc(seg->nb_pages, sizeof(*seg->page_iova));
	if (seg->page_iova == NULL) {
		close(fd);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < seg->nb_pages; i++) {
		uintptr_t va = (uintptr_t)seg->ms.addr + (uintptr_t)i * seg->ms.hugepage_sz;
		uint64_t entry, pfn;

		if (pread(fd, &entry, sizeof(entry), (off_t)(va / (uintptr_t)small) * 8) !=
		    sizeof(entry)) {
			ret = -EIO;
			PRT_LOG(ERR, PRT_LOGTYPE_MEM, "cannot read /proc/self/pagemap at %#lx",
				(unsigned long)va);
			break;
		}
		pfn = entry & ((UINT64_C(1) << 55) - 1);
		if (!(entry >> 63) || pfn == 0) {
			ret = -EPERM;
			PRT_LOG(ERR, PRT_LOGTYPE_MEM,
				"--iova-mode=pa: /proc/self/pagemap shows physical frame 0 for "
				"every page: reading physical addresses needs CAP_SYS_ADMIN (run "
				"as root), or use --iova-mode=va with an IOMMU");
			break;
		}
		seg->page_iova[i] = pfn * (uint64_t)small;
	}
	close(fd);
	if (ret < 0) {
		free(seg->page_iova);
		seg->page_iova = NULL;
		return ret;
	}
	seg->ms.iova = seg->page_iova[0];
	return 0;
}

int eal_mem_check(struct eal_memseg *seg)
{
	static bool lock_warned;
	int ret;

	if (numa_available() >= 0) {
		ret = check_placement(seg);
		if (ret < 0)
			return ret;
	}
	/* Hugepages are never swapped; anonymous pages are locked so the
	 * fast path does not fault, when the memlock limit allows. */
	if (seg->ms.hugepage_sz <= PRT_PGSIZE_4K && mlock(seg->ms.addr, seg->ms.len) < 0 &&
	    !lock_warned) {
		lock_warned = true;
		PRT_LOG(NOTICE, PRT_LOGTYPE_MEM,
			"--no-huge memory is not locked (%s: the memlock limit, ulimit -l, is "
			"smaller than %zu KiB); it may be swapped out",
			strerror(errno), seg->ms.len >> 10);
	}
	if (eal_cfg.iova_mode == PRT_IOVA_PA)
		return read_page_iovas(seg);
	return 0;
}

void eal_mem_unmap(struct eal_memseg *seg)
{
	if (seg->ms.addr != NULL)
		munmap(seg->ms.addr, seg->ms.len);
	if (seg->fd >= 0)
		close(seg->fd);
	free(seg->page_iova);
	memset(seg, 0, sizeof(*seg));
	seg->fd = -1;
}
