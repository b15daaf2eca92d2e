/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The iommufd backend (Linux 6.6+, drivers/iommu/iommufd, vfio device cdevs):
 *
 *   iommufd = open(/dev/iommu); IOMMU_IOAS_ALLOC     one IOAS for every device
 *   dev = open(/dev/vfio/devices/vfioN)              N from sysfs vfio-dev/
 *   VFIO_DEVICE_BIND_IOMMUFD (+ VF token); VFIO_DEVICE_ATTACH_IOMMUFD_PT(ioas)
 *   IOMMU_IOAS_IOVA_RANGES                           what the IOAS allows
 *   IOMMU_IOAS_MAP (FIXED_IOVA) per range            pinned: charged to memlock
 *
 * No groups and no container: closing the device fd unbinds it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include "prt_log.h"
#include "vfio_backend.h"
#include "vfio_explain.h"

static int iommufd_open(struct vfio_backend *be)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	char path[PATH_MAX];
	int fd, ret;

	vfio_host_path(path, sizeof(path), VFIO_HOST_DEV, "iommu");
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
				"cannot open %s: no iommufd here (Linux 6.6+ with CONFIG_IOMMUFD, "
				"`modprobe iommufd`); or use --vfio-mode=type1",
				path);
		else
			PRT_LOG(ERR, PRT_LOGTYPE_VFIO, "cannot open %s: %s%s", path, strerror(-ret),
				ret == -EACCES ? " (run as root or `chown $USER /dev/iommu`)" : "");
		return ret;
	}
	if (ioctl(fd, IOMMU_IOAS_ALLOC, &alloc) < 0) {
		ret = -errno;
		vfio_log_refusal("IOMMU_IOAS_ALLOC", -ret);
		close(fd);
		return ret;
	}
	be->fd = fd;
	be->ioas_id = alloc.out_ioas_id;
	return 0;
}

static int iommufd_read_ranges(struct vfio_backend *be)
{
	struct iommu_iova_range r[VFIO_MAX_IOVA_RANGES];
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q),
		.ioas_id = be->ioas_id,
		.num_iovas = VFIO_MAX_IOVA_RANGES,
		.allowed_iovas = (uintptr_t)r,
	};

	/* EMSGSIZE: more ranges than room; the first VFIO_MAX_IOVA_RANGES are still filled. */
	if (ioctl(be->fd, IOMMU_IOAS_IOVA_RANGES, &q) < 0 && errno != EMSGSIZE)
		return -errno;
	be->nb_ranges = PRT_MIN(q.num_iovas, (uint32_t)VFIO_MAX_IOVA_RANGES);
	for (unsigned int i = 0; i < be->nb_ranges; i++) {
		/* cppcheck-suppress uninitvar ; the ioctl filled r through q.allowed_iovas */
		be->ranges[i].start = r[i].start;
		be->ranges[i].last = r[i].last;
	}
	return 0;
}

/* /dev/vfio/devices/vfioN of @p bdf, from sysfs's vfio-dev/vfioN. */
static int cdev_path(const char *bdf, char *path, size_t len)
{
	char dir[PATH_MAX], msg[512];
	struct dirent *e;
	DIR *d;
	int ret = -ENOENT;

	vfio_host_pci_path(dir, sizeof(dir), bdf, "vfio-dev");
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "vfio", 4) == 0) {
			ret = vfio_host_path(path, len, VFIO_HOST_DEV, "vfio/devices/%s",
					     e->d_name);
			break;
		}
	}
	if (d)
		closedir(d);
	if (ret == -ENOENT) {
		if (vfio_explain_device(bdf, msg, sizeof(msg)) == 0)
			PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
				"%s has no VFIO device cdev (no %s): the kernel lacks "
				"CONFIG_VFIO_DEVICE_CDEV; use --vfio-mode=type1",
				bdf, dir);
		else
			PRT_LOG(ERR, PRT_LOGTYPE_VFIO, "cannot use %s: %s", bdf, msg);
	}
	return ret;
}

/*
 * VFIO_DEVICE_BIND_IOMMUFD's argument as Linux 6.17 extended it: flag
 * VFIO_DEVICE_BIND_FLAG_TOKEN (bit 0) and the SR-IOV VF token's address
 * after out_devid, the cdev's form of the group path's "vf_token=". Spelled
 * out here, not taken from linux/vfio.h, so that the layout is the same
 * with older headers (which lack the field) and newer ones.
 */
struct bind_iommufd_token {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
	__aligned_u64 token_uuid_ptr;
};
#define BIND_FLAG_TOKEN (1u << 0)
#define BIND_SIZE_NO_TOKEN offsetof(struct bind_iommufd_token, token_uuid_ptr)
_Static_assert(offsetof(struct bind_iommufd_token, out_devid) ==
		       offsetof(struct vfio_device_bind_iommufd, out_devid),
	       "VFIO_DEVICE_BIND_IOMMUFD's layout");

/*
 * Binds device @p fd to the iommufd; with --vfio-vf-token, with the token
 * first. A kernel before 6.17 knows no such flag and checks no VF token on
 * a cdev; a later one refuses a token for a device that is neither an SR-IOV
 * PF nor a VF of one on vfio-pci: both say EINVAL, and the bind is then
 * done without it. @return 0; -errno of the ioctl.
 */
static int bind_iommufd(struct vfio_backend *be, int fd)
{
	const unsigned char *token = vfio_vf_token();
	struct bind_iommufd_token b = {
		.argsz = sizeof(b),
		.flags = BIND_FLAG_TOKEN,
		.iommufd = be->fd,
		.token_uuid_ptr = (uintptr_t)token,
	};

	if (token) {
		if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &b) == 0)
			return 0;
		if (errno != EINVAL)
			return -errno;
	}
	b.argsz = BIND_SIZE_NO_TOKEN;
	b.flags = 0;
	return ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &b) == 0 ? 0 : -errno;
}

static int iommufd_attach(struct vfio_backend *be, const char *bdf, int *fd)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = be->ioas_id,
	};
	char path[PATH_MAX], msg[1024];
	int ret;

	ret = cdev_path(bdf, path, sizeof(path));
	if (ret < 0)
		return ret;
	*fd = open(path, O_RDWR | O_CLOEXEC);
	if (*fd < 0) {
		ret = -errno;
		vfio_explain_open(-ret, path, bdf, msg, sizeof(msg));
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO, "%s", msg);
		return ret;
	}
	ret = bind_iommufd(be, *fd);
	if (ret < 0) {
		if (ret == -EBUSY || ret == -EINVAL) {
			/* Bound already: another process (or this one) opened it, maybe by group. */
			struct vfio_group_info g;

			vfio_explain_holders(path, msg, sizeof(msg));
			if (!msg[0] && vfio_group_of(bdf, &g) == 0)
				vfio_explain_holders(g.dev_path, msg, sizeof(msg));
			PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
				"VFIO_DEVICE_BIND_IOMMUFD refused for %s (%s): the device is in use "
				"by %s; a VFIO device is used by one process at a time: stop that "
				"process or use another device",
				bdf, strerrorname_np(-ret), msg[0] ? msg : "another process");
		} else {
			vfio_log_open_refusal("VFIO_DEVICE_BIND_IOMMUFD", bdf, -ret);
		}
		goto fail;
	}
	if (ioctl(*fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0) {
		ret = -errno;
		vfio_log_refusal("VFIO_DEVICE_ATTACH_IOMMUFD_PT", -ret);
		goto fail;
	}
	if (iommufd_read_ranges(be) < 0)
		PRT_LOG(WARNING, PRT_LOGTYPE_VFIO,
			"IOMMU_IOAS_IOVA_RANGES failed: the IOVA ranges the IOMMU allows are unknown");
	return 0;
fail:
	close(*fd);
	*fd = -1;
	return ret;
}

static void iommufd_detach(struct vfio_backend *be, int fd)
{
	(void)be;
	close(fd);
}

static int iommufd_dma_map(struct vfio_backend *be, uint64_t vaddr, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = be->ioas_id,
		.user_va = vaddr,
		.length = len,
		.iova = iova,
	};
	int ret = vfio_check_iova_range(be, iova, len);

	if (ret < 0)
		return ret;
	if (ioctl(be->fd, IOMMU_IOAS_MAP, &map) < 0)
		return vfio_dma_map_refused(be, "IOMMU_IOAS_MAP", errno, iova, len);
	return 0;
}

static int iommufd_dma_unmap(struct vfio_backend *be, uint64_t vaddr, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = be->ioas_id,
		.iova = iova,
		.length = len,
	};

	(void)vaddr;
	if (ioctl(be->fd, IOMMU_IOAS_UNMAP, &unmap) < 0)
		return -errno;
	return unmap.length == len ? 0 : -ENOENT;
}

static void iommufd_close(struct vfio_backend *be)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = be->ioas_id };

	ioctl(be->fd, IOMMU_DESTROY, &d);
	close(be->fd);
	be->fd = -1;
}

const struct vfio_backend_ops vfio_iommufd_ops = {
	.name = "iommufd",
	.mode = PRT_VFIO_MODE_IOMMUFD,
	.open = iommufd_open,
	.attach_device = iommufd_attach,
	.detach_device = iommufd_detach,
	.dma_map = iommufd_dma_map,
	.dma_unmap = iommufd_dma_unmap,
	.close = iommufd_close,
};
