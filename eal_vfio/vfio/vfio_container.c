/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The legacy VFIO container, shared by the type1 and noiommu backends
 * (Linux drivers/vfio/container.c, group.c):
 *
 *   container = open(/dev/vfio/vfio)      unprivileged until a group joins
 *   VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION(type)
 *   group = open(/dev/vfio/N | noiommu-N) one process at a time (EBUSY)
 *   VFIO_GROUP_GET_STATUS                 viable: every device on vfio-pci or none
 *   VFIO_GROUP_SET_CONTAINER              noiommu and real groups never mix (EPERM)
 *   VFIO_SET_IOMMU(type)                  once, after the first group
 *   VFIO_GROUP_GET_DEVICE_FD(bdf, or "bdf vf_token=UUID" with --vfio-vf-token)
 *
 * Groups stay open while one of their devices is; several groups share the
 * one container.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "prt_log.h"
#include "vfio_backend.h"
#include "vfio_explain.h"

int vfio_container_open(struct vfio_backend *be, int type)
{
	char path[PATH_MAX], msg[512];
	int fd, ret;

	vfio_host_path(path, sizeof(path), VFIO_HOST_DEV, "vfio/vfio");
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
				"cannot open the VFIO container %s: it does not exist; load VFIO "
				"with `modprobe vfio-pci`",
				path);
		else if (ret == -EACCES)
			PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
				"cannot open the VFIO container %s: permission denied; run as "
				"root or `chmod 0666 %s`",
				path, path);
		else
			PRT_LOG(ERR, PRT_LOGTYPE_VFIO, "cannot open the VFIO container %s: %s",
				path, strerror(-ret));
		return ret;
	}
	ret = ioctl(fd, VFIO_GET_API_VERSION);
	if (ret != VFIO_API_VERSION) {
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
			"the kernel's VFIO API version is %d, prt speaks %d: use a newer kernel",
			ret, VFIO_API_VERSION);
		ret = -ENOTSUP;
		goto fail;
	}
	ret = ioctl(fd, VFIO_CHECK_EXTENSION, type);
	if (ret <= 0) {
		if (type == VFIO_NOIOMMU_IOMMU) {
			vfio_explain_noiommu(msg, sizeof(msg));
			PRT_LOG(ERR, PRT_LOGTYPE_VFIO, "%s", msg);
		} else {
			vfio_explain_iommu(msg, sizeof(msg));
			PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
				"the VFIO container does not offer the type1 IOMMU (%s)", msg);
		}
		ret = -ENODEV;
		goto fail;
	}
	be->fd = fd;
	be->iommu_set = false;
	be->groups = NULL;
	return 0;
fail:
	close(fd);
	return ret;
}

static struct vfio_group *group_find(struct vfio_backend *be, int num)
{
	for (struct vfio_group *g = be->groups; g; g = g->next)
		if (g->info.num == num)
			return g;
	return NULL;
}

/* Opens group @p info, checks it and puts it in the container. */
static int group_open(struct vfio_backend *be, const struct vfio_group_info *info, const char *bdf,
		      int type, struct vfio_group **out)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_group *g;
	char msg[1024];
	int ret;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->info = *info;
	g->fd = open(info->dev_path, O_RDWR | O_CLOEXEC);
	if (g->fd < 0) {
		ret = -errno;
		vfio_explain_open(-ret, info->dev_path, bdf, msg, sizeof(msg));
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO, "%s", msg);
		goto fail_free;
	}
	if (ioctl(g->fd, VFIO_GROUP_GET_STATUS, &status) < 0) {
		ret = -errno;
		vfio_log_refusal("VFIO_GROUP_GET_STATUS", -ret);
		goto fail_close;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		vfio_explain_not_viable(info->num, bdf, msg, sizeof(msg));
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO, "%s", msg);
		ret = -EPERM;
		goto fail_close;
	}
	if (ioctl(g->fd, VFIO_GROUP_SET_CONTAINER, &be->fd) < 0) {
		ret = -errno;
		vfio_log_refusal("VFIO_GROUP_SET_CONTAINER", -ret);
		goto fail_close;
	}
	if (!be->iommu_set) {
		if (ioctl(be->fd, VFIO_SET_IOMMU, type) < 0) {
			ret = -errno;
			vfio_log_refusal(type == VFIO_NOIOMMU_IOMMU ?
						 "VFIO_SET_IOMMU(VFIO_NOIOMMU_IOMMU)" :
						 "VFIO_SET_IOMMU(VFIO_TYPE1v2_IOMMU)",
					 -ret);
			goto fail_unset;
		}
		be->iommu_set = true;
	}
	g->next = be->groups;
	be->groups = g;
	*out = g;
	return 0;

fail_unset:
	ioctl(g->fd, VFIO_GROUP_UNSET_CONTAINER);
fail_close:
	close(g->fd);
fail_free:
	free(g);
	return ret;
}

static void group_close(struct vfio_backend *be, struct vfio_group *g)
{
	struct vfio_group **p = &be->groups;

	while (*p != g)
		p = &(*p)->next;
	*p = g->next;
	/* The container forgets its IOMMU when its last group leaves. */
	ioctl(g->fd, VFIO_GROUP_UNSET_CONTAINER);
	close(g->fd);
	free(g->dev_fds);
	free(g);
	if (!be->groups)
		be->iommu_set = false;
}

/*
 * VFIO_GROUP_GET_DEVICE_FD for @p bdf; with --vfio-vf-token, by the name
 * "BDF vf_token=UUID" that vfio-pci asks of the VFs of a PF it holds and of
 * such a PF whose VFs are in use (Linux's vfio_pci_core_match()). Any other
 * device refuses a token (EINVAL): then by its plain name, as DPDK does.
 * @return the device fd; -1 with errno set.
 */
static int group_get_device_fd(int group_fd, const char *bdf)
{
	const unsigned char *token = vfio_vf_token();
	char name[128], uuid[UUID_STR_LEN];
	int fd;

	if (token) {
		uuid_unparse_lower(token, uuid);
		snprintf(name, sizeof(name), "%s vf_token=%s", bdf, uuid);
		fd = ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, name);
		if (fd >= 0 || errno != EINVAL)
			return fd;
	}
	return ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, bdf);
}

int vfio_container_attach(struct vfio_backend *be, const char *bdf, int type, int *fd)
{
	bool want_noiommu = type == VFIO_NOIOMMU_IOMMU;
	struct vfio_group_info info;
	struct vfio_group *g;
	char msg[1024];
	bool opened = false;
	int *fds;
	int ret;

	ret = vfio_group_of(bdf, &info);
	if (ret < 0) {
		vfio_explain_device(bdf, msg, sizeof(msg));
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO, "cannot use %s: %s", bdf, msg);
		return ret;
	}
	if (info.noiommu != want_noiommu) {
		PRT_LOG(ERR, PRT_LOGTYPE_VFIO,
			"cannot use %s: its group %s is %s but prt uses the %s backend; one process "
			"uses one IOVA mode, so no-IOMMU and IOMMU devices cannot be mixed: pass "
			"--vfio-mode=%s, or give only devices of one kind with -a",
			bdf, info.dev_path, info.noiommu ? "a no-IOMMU group" : "behind an IOMMU",
			want_noiommu ? "noiommu" : "type1", info.noiommu ? "noiommu" : "type1");
		return -EPERM;
	}
	g = group_find(be, info.num);
	if (!g) {
		ret = group_open(be, &info, bdf, type, &g);
		if (ret < 0)
			return ret;
		opened = true;
	}
	fds = realloc(g->dev_fds, (g->nb_devices + 1) * sizeof(*fds));
	if (!fds) {
		ret = -ENOMEM;
		goto fail;
	}
	g->dev_fds = fds;
	*fd = group_get_device_fd(g->fd, bdf);
	if (*fd < 0) {
		ret = -errno;
		vfio_log_open_refusal("VFIO_GROUP_GET_DEVICE_FD", bdf, -ret);
		goto fail;
	}
	g->dev_fds[g->nb_devices++] = *fd;
	return 0;
fail:
	if (opened)
		group_close(be, g);
	return ret;
}

/* The device may be gone from sysfs by now (hot-unplug): find its group by fd. */
void vfio_container_detach(struct vfio_backend *be, int fd)
{
	close(fd);
	for (struct vfio_group *g = be->groups; g; g = g->next) {
		for (unsigned int i = 0; i < g->nb_devices; i++) {
			if (g->dev_fds[i] != fd)
				continue;
			g->dev_fds[i] = g->dev_fds[--g->nb_devices];
			if (g->nb_devices == 0)
				group_close(be, g);
			return;
		}
	}
}

void vfio_container_close(struct vfio_backend *be)
{
	while (be->groups)
		group_close(be, be->groups);
	close(be->fd);
	be->fd = -1;
}
