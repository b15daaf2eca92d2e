/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vhost-user protocol, front-end side: sending requests with their file
 * descriptors, and reading replies that are checked before use (see
 * vhost_user.h). Message layouts: QEMU docs/interop/vhost-user.rst.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vhost_user.h"
#include "virtio_logs.h"

const char *vhost_user_req_name(uint32_t req)
{
	static const char *const names[] = {
		[VHOST_USER_GET_FEATURES] = "GET_FEATURES",
		[VHOST_USER_SET_FEATURES] = "SET_FEATURES",
		[VHOST_USER_SET_OWNER] = "SET_OWNER",
		[VHOST_USER_RESET_OWNER] = "RESET_OWNER",
		[VHOST_USER_SET_MEM_TABLE] = "SET_MEM_TABLE",
		[VHOST_USER_SET_VRING_NUM] = "SET_VRING_NUM",
		[VHOST_USER_SET_VRING_ADDR] = "SET_VRING_ADDR",
		[VHOST_USER_SET_VRING_BASE] = "SET_VRING_BASE",
		[VHOST_USER_GET_VRING_BASE] = "GET_VRING_BASE",
		[VHOST_USER_SET_VRING_KICK] = "SET_VRING_KICK",
		[VHOST_USER_SET_VRING_CALL] = "SET_VRING_CALL",
		[VHOST_USER_SET_VRING_ERR] = "SET_VRING_ERR",
		[VHOST_USER_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
		[VHOST_USER_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
		[VHOST_USER_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
		[VHOST_USER_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
		[VHOST_USER_NET_SET_MTU] = "NET_SET_MTU",
	};

	return req < PRT_DIM(names) && names[req] ? names[req] : "?";
}

int vhost_user_connect(struct vhost_user *vu, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		VIRTIO_LOG(ERR, "vhost-user socket path %s is longer than %zu characters", path,
			   sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		VIRTIO_LOG(
			ERR,
			"cannot connect to the vhost-user backend at %s: %s (start the backend first, e.g. dpdk-testpmd --vdev net_vhost0,iface=%s, and check the path)",
			path, strerror(-ret), path);
		close(fd);
		return ret;
	}
	vhost_user_attach(vu, fd, path);
	return 0;
}

void vhost_user_attach(struct vhost_user *vu, int fd, const char *name)
{
	memset(vu, 0, sizeof(*vu));
	vu->fd = fd;
	vu->path = name;
}

void vhost_user_close(struct vhost_user *vu)
{
	if (vu->fd >= 0)
		close(vu->fd);
	vu->fd = -1;
}

/* The connection cannot be trusted any more: close it and say why. */
static int conn_fail(struct vhost_user *vu, uint32_t req, int err, const char *what)
{
	if (err == -ECONNRESET || err == -EPIPE)
		vu->stats.disconnects++;
	else if (err == -ETIMEDOUT)
		vu->stats.timeouts++;
	else if (err == -EPROTO)
		vu->stats.malformed++;
	VIRTIO_LOG(ERR,
		   "vhost-user %s: %s %s; connection closed (restart the backend, then the port)",
		   vu->path, vhost_user_req_name(req), what);
	vhost_user_close(vu);
	return err;
}

static int send_msg(struct vhost_user *vu, struct vhost_user_msg *msg, const int *fds,
		    unsigned int nfds)
{
	char control[CMSG_SPACE(sizeof(int) * VHOST_MEMORY_MAX_NREGIONS)] = { 0 };
	struct iovec iov = { .iov_base = msg, .iov_len = VHOST_USER_HDR_SIZE + msg->size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (vu->fd < 0)
		return -ENOTCONN;
	msg->flags |= VHOST_USER_VERSION;
	if (nfds > 0) {
		struct cmsghdr *cm;

		mh.msg_control = control;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do {
		n = sendmsg(vu->fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return conn_fail(vu, msg->request, errno == EPIPE ? -EPIPE : -ECONNRESET,
				 "could not be sent: the backend closed the connection");
	if ((size_t)n != iov.iov_len)
		return conn_fail(vu, msg->request, -EPIPE, "was cut short");
	return 0;
}

/* Reads exactly @len bytes, waiting at most VHOST_USER_TIMEOUT_MS for each part. */
static int recv_full(struct vhost_user *vu, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = vu->fd, .events = POLLIN };
		int r = poll(&p, 1, VHOST_USER_TIMEOUT_MS);
		ssize_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return -ETIMEDOUT;
		n = recv(vu->fd, (char *)buf + got, len - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -ECONNRESET;
		got += (size_t)n;
	}
	return 0;
}

/* Reads the reply to @req, whose payload must be exactly @size bytes. */
static int recv_reply(struct vhost_user *vu, uint32_t req, struct vhost_user_msg *msg,
		      uint32_t size)
{
	int ret = recv_full(vu, msg, VHOST_USER_HDR_SIZE);

	if (ret == -ETIMEDOUT)
		return conn_fail(vu, req, ret, "got no reply within the timeout");
	if (ret < 0)
		return conn_fail(vu, req, ret, "got no reply: the backend closed the connection");
	if (msg->request != req || !(msg->flags & VHOST_USER_REPLY_MASK) ||
	    (msg->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION || msg->size != size) {
		char what[160];

		snprintf(
			what, sizeof(what),
			"got a malformed reply: request %u flags 0x%x size %u (expected request %u, REPLY, version 1, size %u)",
			msg->request, msg->flags, msg->size, req, size);
		return conn_fail(vu, req, -EPROTO, what);
	}
	ret = recv_full(vu, &msg->payload, size);
	if (ret < 0)
		return conn_fail(vu, req, ret, "reply was cut short");
	return 0;
}

static bool has_reply_ack(const struct vhost_user *vu)
{
	return vu->protocol_features & (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK);
}

/* Sends a request that has no reply, or only a REPLY_ACK when negotiated. */
static int send_set(struct vhost_user *vu, struct vhost_user_msg *msg, const int *fds,
		    unsigned int nfds)
{
	bool ack = has_reply_ack(vu);
	uint32_t req = msg->request;
	int ret;

	if (ack)
		msg->flags |= VHOST_USER_NEED_REPLY_MASK;
	ret = send_msg(vu, msg, fds, nfds);
	if (ret < 0 || !ack)
		return ret;
	ret = recv_reply(vu, req, msg, sizeof(uint64_t));
	if (ret < 0)
		return ret;
	if (msg->payload.u64 != 0) {
		VIRTIO_LOG(ERR, "vhost-user %s: the backend refused %s (status %lu)", vu->path,
			   vhost_user_req_name(req), (unsigned long)msg->payload.u64);
		return -EIO;
	}
	return 0;
}

int vhost_user_set_owner(struct vhost_user *vu)
{
	struct vhost_user_msg msg = { .request = VHOST_USER_SET_OWNER };

	return send_set(vu, &msg, NULL, 0);
}

int vhost_user_get_u64(struct vhost_user *vu, enum vhost_user_request req, uint64_t *val)
{
	struct vhost_user_msg msg = { .request = req };
	int ret = send_msg(vu, &msg, NULL, 0);

	if (ret == 0)
		ret = recv_reply(vu, req, &msg, sizeof(uint64_t));
	if (ret == 0)
		*val = msg.payload.u64;
	return ret;
}

int vhost_user_set_u64(struct vhost_user *vu, enum vhost_user_request req, uint64_t val)
{
	struct vhost_user_msg msg = { .request = req, .size = sizeof(uint64_t) };

	msg.payload.u64 = val;
	return send_set(vu, &msg, NULL, 0);
}

int vhost_user_set_protocol_features(struct vhost_user *vu, uint64_t features)
{
	/* Sent without REPLY_ACK: it is not negotiated until this message is processed. */
	int ret;

	vu->protocol_features = 0;
	ret = vhost_user_set_u64(vu, VHOST_USER_SET_PROTOCOL_FEATURES, features);
	if (ret == 0)
		vu->protocol_features = features;
	return ret;
}

int vhost_user_set_mem_table(struct vhost_user *vu, const struct vhost_memory_region *regions,
			     const int *fds, uint32_t n)
{
	struct vhost_user_msg msg = { .request = VHOST_USER_SET_MEM_TABLE };
	uint64_t features;
	int ret;

	if (n == 0 || n > VHOST_MEMORY_MAX_NREGIONS)
		return -EINVAL;
	msg.payload.memory.nregions = n;
	memcpy(msg.payload.memory.regions, regions, sizeof(*regions) * n);
	msg.size = (uint32_t)(offsetof(struct vhost_memory, regions) + sizeof(*regions) * n);
	ret = send_set(vu, &msg, fds, n);
	if (ret < 0 || has_reply_ack(vu))
		return ret;
	/*
	 * Without REPLY_ACK nothing says when the backend has mapped the table. A
	 * backend handles requests in order, so the reply to a GET_FEATURES sent
	 * behind it does (QEMU's front-end waits the same way).
	 */
	return vhost_user_get_u64(vu, VHOST_USER_GET_FEATURES, &features);
}

int vhost_user_set_vring(struct vhost_user *vu, enum vhost_user_request req, uint32_t index,
			 uint32_t num)
{
	struct vhost_user_msg msg = { .request = req, .size = sizeof(struct vhost_vring_state) };

	msg.payload.state = (struct vhost_vring_state){ .index = index, .num = num };
	return send_set(vu, &msg, NULL, 0);
}

int vhost_user_get_vring_base(struct vhost_user *vu, uint32_t index, uint32_t *base)
{
	struct vhost_user_msg msg = { .request = VHOST_USER_GET_VRING_BASE,
				      .size = sizeof(struct vhost_vring_state) };
	int ret;

	msg.payload.state = (struct vhost_vring_state){ .index = index };
	ret = send_msg(vu, &msg, NULL, 0);
	if (ret == 0)
		ret = recv_reply(vu, VHOST_USER_GET_VRING_BASE, &msg,
				 sizeof(struct vhost_vring_state));
	if (ret == 0 && msg.payload.state.index != index) {
		VIRTIO_LOG(ERR, "vhost-user %s: GET_VRING_BASE for ring %u answered for ring %u",
			   vu->path, index, msg.payload.state.index);
		return conn_fail(vu, VHOST_USER_GET_VRING_BASE, -EPROTO, "got a malformed reply");
	}
	if (ret == 0)
		*base = msg.payload.state.num;
	return ret;
}

int vhost_user_set_vring_addr(struct vhost_user *vu, const struct vhost_vring_addr *addr)
{
	struct vhost_user_msg msg = { .request = VHOST_USER_SET_VRING_ADDR,
				      .size = sizeof(struct vhost_vring_addr) };

	msg.payload.addr = *addr;
	return send_set(vu, &msg, NULL, 0);
}

int vhost_user_set_vring_fd(struct vhost_user *vu, enum vhost_user_request req, uint32_t index,
			    int fd)
{
	struct vhost_user_msg msg = { .request = req, .size = sizeof(uint64_t) };

	msg.payload.u64 = (index & VHOST_USER_VRING_IDX_MASK) |
			  (fd < 0 ? VHOST_USER_VRING_NOFD_MASK : 0);
	return send_set(vu, &msg, fd < 0 ? NULL : &fd, fd < 0 ? 0 : 1);
}
