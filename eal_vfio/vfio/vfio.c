/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VFIO layer's core: choosing the backend, its lifetime (open at the
 * first device, closed with the last), the DMA mappings (every prt memory
 * segment through the memory listener, plus the application's own ranges),
 * and region info for the PCI bus.
 *
 * Locking: vfio_lock guards the backend and the mapping list. The memory
 * listener runs with the memory hotplug lock held and takes vfio_lock, so
 * vfio_lock is never held while (un)registering the listener.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eal_private.h"
#include "prt_log.h"
#include "prt_memory.h"
#include "vfio_backend.h"
#include "vfio_device.h"
#include "vfio_explain.h"
#include "vfio_map.h"

static pthread_mutex_t vfio_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vfio_backend be = { .fd = -1 };
static struct vfio_map_table maps; /* every DMA mapping (vfio_map.c) */

#define VFIO_MEM_LISTENER "vfio"

const char *prt_vfio_mode_name(enum prt_vfio_mode mode)
{
	static const char *const names[] = { "auto", "iommufd", "type1", "noiommu" };

	return (unsigned int)mode < PRT_DIM(names) ? names[mode] : "?";
}

enum prt_vfio_mode prt_vfio_mode_in_use(void)
{
	enum prt_vfio_mode m;

	pthread_mutex_lock(&vfio_lock);
	m = be.ops ? be.ops->mode : PRT_VFIO_MODE_AUTO;
	pthread_mutex_unlock(&vfio_lock);
	return m;
}

enum prt_vfio_mode vfio_host_mode(void)
{
	char msg[512];
	bool iommu = vfio_explain_iommu(msg, sizeof(msg)) == 0;

	/* The vfio-dev class exists when the kernel has VFIO device cdevs (CONFIG_VFIO_DEVICE_CDEV). */
	if (iommu && vfio_host_exists(VFIO_HOST_DEV, "iommu") &&
	    vfio_host_exists(VFIO_HOST_SYS, "class/vfio-dev"))
		return PRT_VFIO_MODE_IOMMUFD;
	if (iommu && vfio_host_exists(VFIO_HOST_DEV, "vfio/vfio"))
		return PRT_VFIO_MODE_TYPE1;
	if (vfio_explain_noiommu(msg, sizeof(msg)) != -ENODEV)
		return PRT_VFIO_MODE_NOIOMMU;
	return PRT_VFIO_MODE_AUTO;
}

enum prt_iova_mode vfio_default_iova_mode(const struct eal_config *cfg)
{
	bool no_pci = cfg->pci_list_mode == EAL_PCI_LIST_ALLOW && cfg->nb_pci_rules == 0;

	if (cfg->vfio_mode == PRT_VFIO_MODE_NOIOMMU)
		return PRT_IOVA_PA;
	/* PA needs hugepages and root (pagemap): only when a device will need it. */
	if (cfg->vfio_mode == PRT_VFIO_MODE_AUTO && !cfg->no_huge && !no_pci &&
	    vfio_host_mode() == PRT_VFIO_MODE_NOIOMMU)
		return PRT_IOVA_PA;
	return PRT_IOVA_VA;
}

/* Opens the backend --vfio-mode asks for. Called with vfio_lock held. */
static int backend_open(void)
{
	static const struct vfio_backend_ops *const by_mode[] = {
		[PRT_VFIO_MODE_IOMMUFD] = &vfio_iommufd_ops,
		[PRT_VFIO_MODE_TYPE1] = &vfio_type1_ops,
		[PRT_VFIO_MODE_NOIOMMU] = &vfio_noiommu_ops,
	};
	enum prt_vfio_mode mode = eal_cfg.vfio_mode;
	char iommu[512], noiommu[512];
	int ret;

	if (mode == PRT_VFIO_MODE_AUTO) {
		mode = vfio_host_mode();
		if (mode == PRT_VFIO_MODE_AUTO) {
			vfio_explain_iommu(iommu, sizeof(iommu));
			vfio_explain_noiommu(noiommu, sizeof(noiommu));
			PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
				"no way to reach PCI devices through VFIO: %s; and %s (run "
				"prt-doctor for a full check)",
				iommu, noiommu);
			return -ENODEV;
		}
		PRT_LOG(INFO, PRT_LOGTYPE_VFIO, "VFIO mode auto: using %s",
			prt_vfio_mode_name(mode));
	}
	if (mode == PRT_VFIO_MODE_NOIOMMU && eal_cfg.iova_mode == PRT_IOVA_VA) {
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
			"no-IOMMU mode needs physical addresses but prt runs with IOVA = VA: "
			"pass --iova-mode=pa (and hugepages), or use a machine with an IOMMU");
		return -EINVAL;
	}
	if (mode != PRT_VFIO_MODE_NOIOMMU && eal_cfg.iova_mode == PRT_IOVA_PA) {
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
			"the %s backend maps memory at IOVA = VA but prt runs with "
			"--iova-mode=pa: drop --iova-mode=pa",
			prt_vfio_mode_name(mode));
		return -EINVAL;
	}
	be.ops = by_mode[mode];
	ret = be.ops->open(&be);
	if (ret < 0) {
		be.ops = NULL;
		return ret;
	}
	be.nb_devices = 0;
	be.nb_ranges = 0;
	be.pinned = 0;
	return 0;
}

/* Unmaps everything and closes the backend. Called with vfio_lock held. */
static void backend_close(void)
{
	vfio_map_release_all(&maps, &be);
	be.ops->close(&be);
	be.ops = NULL;
	be.pinned = 0;
}

int vfio_check_iova_range(const struct vfio_backend *b, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + len - 1;

	if (b->nb_ranges == 0)
		return 0;
	for (unsigned int i = 0; i < b->nb_ranges; i++)
		if (iova >= b->ranges[i].start && last <= b->ranges[i].last)
			return 0;
	PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
		"cannot map IOVA 0x%llx-0x%llx for DMA: the IOMMU does not allow it (it is "
		"outside the ranges the kernel reports, e.g. in the MSI window "
		"0xfee00000-0xfeefffff); this memory cannot be given to a device",
		(unsigned long long)iova, (unsigned long long)last);
	return -ERANGE;
}

int vfio_dma_map_refused(const struct vfio_backend *b, const char *what, int err, uint64_t iova,
			 uint64_t len)
{
	char msg[768];

	switch (err) {
	case ENOMEM:
		vfio_explain_memlock(b->pinned + len, msg, sizeof(msg));
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO, "%s of %llu MiB at IOVA 0x%llx refused: %s", what,
			(unsigned long long)(len >> 20), (unsigned long long)iova, msg);
		break;
	case ENOSPC:
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
			"%s refused (ENOSPC): the container holds as many DMA mappings as it "
			"may (vfio_iommu_type1 dma_entry_limit, 65535 by default): raise it with "
			"`modprobe vfio_iommu_type1 dma_entry_limit=N`",
			what);
		break;
	case EEXIST:
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
			"%s refused (EEXIST): IOVA 0x%llx-0x%llx overlaps a range mapped already",
			what, (unsigned long long)iova, (unsigned long long)(iova + len - 1));
		break;
	default:
		vfio_log_refusal(what, err);
	}
	return -err;
}

/* The memory listener: every prt segment, IOVA from the memory layer. */
static int vfio_mem_event(enum prt_mem_event ev, const void *addr, size_t len, void *arg)
{
	uint64_t va = (uintptr_t)addr;
	prt_iova_t iova = prt_mem_virt2iova(addr);
	int ret = 0;

	(void)arg;
	pthread_mutex_lock(&vfio_lock);
	if (ev == PRT_MEM_EVENT_ALLOC)
		ret = vfio_map_add(&maps, &be, va, iova, len, false);
	else
		vfio_map_del(&maps, &be, va, iova, len);
	pthread_mutex_unlock(&vfio_lock);
	return ret;
}

/* Maps every prt segment and the application's ranges in the backend just opened. */
static int dma_start(void)
{
	int ret;

	pthread_mutex_lock(&vfio_lock);
	ret = be.ops ? vfio_map_all(&maps, &be) : 0;
	pthread_mutex_unlock(&vfio_lock);
	if (ret < 0)
		return ret;
	ret = prt_mem_event_callback_register(VFIO_MEM_LISTENER, vfio_mem_event, NULL);
	if (ret == -ENODEV) {
		/* No prt memory (a tool without prt_eal_init()): nothing to map. */
		PRT_LOG(DEBUG, PRT_LOGTYPE_VFIO, "no prt memory to map for DMA");
		return 0;
	}
	return ret;
}

const unsigned char *vfio_vf_token(void)
{
	return eal_cfg.vf_token_set ? eal_cfg.vf_token : NULL;
}

int vfio_log_open_refusal(const char *what, const char *bdf, int err)
{
	char msg[512];

	if (err == EACCES &&
	    vfio_explain_vf_token(bdf, vfio_vf_token() != NULL, msg, sizeof(msg)) == 0) {
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO, "%s refused for %s (EACCES): %s", what, bdf, msg);
		return -err;
	}
	return vfio_log_refusal(what, err);
}

/*
 * With --vfio-vf-token, makes the token that of PF @p bdf's VFs
 * (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, linux/vfio.h), as the PF's user must
 * for the VFs' users to open them; the one way on a device cdev (iommufd).
 * A device that is not an SR-IOV PF on vfio-pci answers ENOTTY: nothing to do.
 */
static void vf_token_give(const char *bdf, int fd)
{
	/* the header, then the 16 bytes of the UUID in its data[] */
	uint64_t buf[(sizeof(struct vfio_device_feature) + 16 + 7) / 8] = { 0 };
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	const unsigned char *token = vfio_vf_token();

	if (!token)
		return;
	f->argsz = sizeof(*f) + 16;
	f->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	memcpy(f->data, token, 16);
	if (ioctl(fd, VFIO_DEVICE_FEATURE, f) == 0)
		PRT_LOG(INFO, PRT_LOGTYPE_VFIO,
			"%s: the VF token of its VFs is now the one of --vfio-vf-token", bdf);
	else if (errno != ENOTTY)
		PRT_LOG(WARNING, PRT_LOGTYPE_VFIO,
			"%s: setting its VFs' token (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN) failed: %s; "
			"their users must give the token this PF had before",
			bdf, strerror(errno));
}

int vfio_device_open(const char *bdf, int *fd)
{
	bool first;
	int ret;

	pthread_mutex_lock(&vfio_lock);
	first = be.ops == NULL;
	if (first) {
		ret = backend_open();
		if (ret < 0)
			goto out;
	}
	ret = be.ops->attach_device(&be, bdf, fd);
	if (ret < 0) {
		if (be.nb_devices == 0)
			backend_close();
		goto out;
	}
	be.nb_devices++;
	PRT_LOG(INFO, PRT_LOGTYPE_VFIO, "%s: opened through VFIO (%s)", bdf, be.ops->name);
	vf_token_give(bdf, *fd);
out:
	pthread_mutex_unlock(&vfio_lock);
	if (ret == 0 && first) {
		ret = dma_start();
		if (ret < 0)
			vfio_device_close(bdf, *fd);
	}
	return ret;
}

void vfio_device_close(const char *bdf, int fd)
{
	bool last;

	pthread_mutex_lock(&vfio_lock);
	if (!be.ops) {
		pthread_mutex_unlock(&vfio_lock);
		return;
	}
	last = be.nb_devices == 1;
	pthread_mutex_unlock(&vfio_lock);
	/* Stop hearing of segments before the backend goes (outside vfio_lock: see top). */
	if (last)
		prt_mem_event_callback_unregister(VFIO_MEM_LISTENER);
	pthread_mutex_lock(&vfio_lock);
	/* With the last device, unmap first: once its group leaves a type1
	 * container, the container has no IOMMU left to unmap from. */
	if (be.nb_devices == 1)
		vfio_map_release_all(&maps, &be);
	be.ops->detach_device(&be, fd);
	if (--be.nb_devices == 0)
		backend_close();
	PRT_LOG(INFO, PRT_LOGTYPE_VFIO, "%s: closed", bdf);
	pthread_mutex_unlock(&vfio_lock);
}

int vfio_region_info(int fd, uint32_t index, struct vfio_region_info **info)
{
	uint32_t argsz = sizeof(**info);
	struct vfio_region_info *r;
	int ret;

	for (;;) {
		r = calloc(1, argsz);
		if (!r)
			return -ENOMEM;
		r->argsz = argsz;
		r->index = index;
		if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, r) < 0) {
			ret = -errno;
			free(r);
			return ret;
		}
		if (r->argsz <= argsz)
			break;
		argsz = r->argsz;
		free(r);
	}
	*info = r;
	return 0;
}

const struct vfio_info_cap_header *vfio_region_cap(const struct vfio_region_info *info, uint16_t id,
						   size_t len)
{
	const struct vfio_info_cap_header *h;
	uint32_t off;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	/*
	 * The kernel appends each capability to the buffer, 8-byte aligned
	 * (vfio_info_cap_add()):
	 * a chain that goes back, is misaligned or runs past argsz is not its,
	 * and ends the walk, which a loop therefore cannot hang.
	 */
	for (off = info->cap_offset;
	     off >= sizeof(*info) && off % 8 == 0 && (size_t)off + sizeof(*h) <= info->argsz;) {
		h = (const void *)((const char *)info + off);
		if (h->id == id)
			return len <= info->argsz - off ? h : NULL;
		if (h->next <= off)
			break;
		off = h->next;
	}
	return NULL;
}

int vfio_region_sparse_areas(const struct vfio_region_info *info,
			     const struct vfio_region_sparse_mmap_area **areas)
{
	const struct vfio_region_info_cap_sparse_mmap *sparse;
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	size_t room;

	sparse = (const void *)vfio_region_cap(info, VFIO_REGION_INFO_CAP_SPARSE_MMAP,
					       sizeof(*sparse));
	if (sparse == NULL)
		return info->flags & VFIO_REGION_INFO_FLAG_CAPS &&
				       vfio_region_cap(info, VFIO_REGION_INFO_CAP_SPARSE_MMAP,
						       sizeof(struct vfio_info_cap_header)) ?
			       -EPROTO : /* there, but cut short */
			       -ENOENT;
	room = info->argsz - (size_t)((const char *)sparse->areas - (const char *)info);
	if (sparse->nr_areas > room / sizeof(sparse->areas[0]))
		return -EPROTO;
	for (uint32_t i = 0; i < sparse->nr_areas; i++) {
		const struct vfio_region_sparse_mmap_area *a = &sparse->areas[i];

		if (a->offset > info->size || a->size > info->size - a->offset ||
		    (a->offset | a->size) & (pg - 1))
			return -EPROTO;
	}
	*areas = sparse->areas;
	return (int)sparse->nr_areas; /* fits: at most argsz / 16 */
}

int prt_vfio_dma_map(uint64_t vaddr, prt_iova_t iova, uint64_t len)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	int ret;

	if (len == 0 || (vaddr | iova | len) & (pg - 1))
		return -EINVAL;
	pthread_mutex_lock(&vfio_lock);
	ret = vfio_map_add(&maps, &be, vaddr, iova, len, true);
	pthread_mutex_unlock(&vfio_lock);
	return ret;
}

int prt_vfio_dma_unmap(uint64_t vaddr, prt_iova_t iova, uint64_t len)
{
	int ret;

	pthread_mutex_lock(&vfio_lock);
	ret = vfio_map_del(&maps, &be, vaddr, iova, len);
	pthread_mutex_unlock(&vfio_lock);
	return ret;
}

int prt_vfio_iova_ranges(struct prt_vfio_iova_range *r, unsigned int n)
{
	int ret;

	pthread_mutex_lock(&vfio_lock);
	if (!be.ops) {
		ret = -ENODEV;
	} else if (be.nb_ranges == 0) {
		/* noiommu, or a kernel that does not say: every address. */
		if (n > 0)
			r[0] = (struct prt_vfio_iova_range){ 0, UINT64_MAX };
		ret = 1;
	} else {
		memcpy(r, be.ranges, PRT_MIN(n, be.nb_ranges) * sizeof(*r));
		ret = (int)be.nb_ranges;
	}
	pthread_mutex_unlock(&vfio_lock);
	return ret;
}
