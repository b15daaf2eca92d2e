/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_vhost's control path: the vhost-user socket (server, or client that
 * reconnects), each front-end message read with its fds, checked by
 * vhost_msg_parse() and applied to the device, and the link that follows
 * the connection. Everything here runs on prt's interrupt thread (the
 * socket's, the listener's and the reconnect timer's callbacks), but
 * vhost_backend_start()/stop(), which run on the thread that starts or
 * closes the port; d->lock serialises the two.
 *
 * A message that fails its checks, a request the back-end does not handle,
 * a front-end that acks a feature it was not offered or names memory it did
 * not share closes the connection with one log line (counted in the
 * vhost_malformed xstat); every fd received is kept or closed on every path.
 *
 * Protocol: QEMU docs/interop/vhost-user.rst. A vring is ready (handed to
 * the data path, vhost_private.h) once it has a size, addresses inside the
 * memory table, has been started by SET_VRING_KICK and enabled
 * (SET_VRING_ENABLE, or at once when VHOST_USER_F_PROTOCOL_FEATURES was not
 * negotiated: "Ring states"); GET_VRING_BASE stops it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "prt_interrupts.h"
#include "vhost_msg.h"
#include "vhost_private.h"
#include "virtio_net.h"

#define VHOST_PROTOCOL_FEATURES \
	((1ull << VHOST_USER_PROTOCOL_F_MQ) | (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK))

/* A message's parts must arrive within this (a stalled front-end holds the interrupt thread). */
#define VHOST_MSG_TIMEOUT_MS 1000
#define VHOST_RECONNECT_S 1

static const char *dev_name(const struct vhost_dev *d)
{
	return d->eth->data.name;
}

/* ---- link ---- */

static void link_set(struct vhost_dev *d, bool up)
{
	struct prt_eth_link link = {
		.link_speed = PRT_ETH_SPEED_NUM_10G,
		.link_duplex = 1,
		.link_status = up,
	};

	if (d->link_up == up)
		return;
	prt_atomic_store(&d->link_up, up, memory_order_relaxed);
	prt_eth_linkstatus_set(d->eth, &link);
	VHOST_LOG(INFO, "%s: link %s", dev_name(d), up ? "up" : "down");
	if (d->eth->data.dev_conf.intr_conf.lsc &&
	    !prt_atomic_load(&d->stopping, memory_order_relaxed))
		prt_eth_dev_callback_process(d->eth, PRT_ETH_EVENT_INTR_LSC, NULL);
}

/* ---- vrings ---- */

static void fd_replace(int *slot, int fd)
{
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
}

/* Forgets everything the front-end told of @vr (its counters and queue set-up stay). */
static void vring_reset(struct vhost_vring *vr)
{
	vhost_vring_quiesce(vr);
	fd_replace(&vr->kickfd, -1);
	fd_replace(&vr->callfd, -1);
	fd_replace(&vr->errfd, -1);
	vr->desc = NULL;
	vr->avail = NULL;
	vr->used = NULL;
	vr->size = 0;
	/* 2.8.1: a packed ring's wrap counters start at 1 (SET_VRING_BASE sets them too). */
	vr->pos = (struct vhost_ring_pos){ .avail_wrap = true, .used_wrap = true };
	vr->broken = false;
	vr->packed = false;
	vr->have_num = vr->have_addr = vr->started = vr->enabled = false;
}

/*
 * Maps @vr's three areas: split (2.7) the descriptor table, the avail ring
 * (flags, idx, ring, used_event) and the used ring (flags, idx, ring,
 * avail_event); packed (2.8.10.1) the descriptor ring and the driver and
 * device event suppression areas. @return true when all lie in the memory
 * table, aligned (16, 2, 4 split; 16, 4, 4 packed).
 */
static bool vring_map(struct vhost_dev *d, struct vhost_vring *vr)
{
	uint64_t n = vr->size;
	const struct vhost_vring_addr *a = &vr->addr;

	if (vr->packed) {
		vr->pdesc =
			vhost_uva_to_va(&d->mem, a->desc_user_addr, n * sizeof(struct pvirtq_desc));
		vr->driver_event = vhost_uva_to_va(&d->mem, a->avail_user_addr,
						   sizeof(struct pvirtq_event_suppress));
		vr->device_event = vhost_uva_to_va(&d->mem, a->used_user_addr,
						   sizeof(struct pvirtq_event_suppress));
		return vr->pdesc && vr->driver_event && vr->device_event &&
		       !(((uintptr_t)vr->pdesc & (VIRTQ_PACKED_DESC_ALIGN - 1)) |
			 ((uintptr_t)vr->driver_event & (VIRTQ_PACKED_EVENT_ALIGN - 1)) |
			 ((uintptr_t)vr->device_event & (VIRTQ_PACKED_EVENT_ALIGN - 1)));
	}
	vr->desc = vhost_uva_to_va(&d->mem, a->desc_user_addr, n * sizeof(struct virtq_desc));
	vr->avail = vhost_uva_to_va(&d->mem, a->avail_user_addr, 6 + 2 * n);
	vr->used =
		vhost_uva_to_va(&d->mem, a->used_user_addr, 6 + n * sizeof(struct virtq_used_elem));
	return vr->desc && vr->avail && vr->used &&
	       !(((uintptr_t)vr->desc & 15) | ((uintptr_t)vr->avail & 1) |
		 ((uintptr_t)vr->used & 3));
}

int vhost_vring_update(struct vhost_dev *d, struct vhost_vring *vr)
{
	bool enabled = vr->enabled || !(d->features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES));

	if (!(vr->have_num && vr->have_addr && vr->started && enabled && d->mem.n))
		return 0;
	if (vr->packed && (vr->pos.last_avail >= vr->size || vr->pos.last_used >= vr->size)) {
		VHOST_LOG(ERR, "%s: packed vring %u's base %u lies beyond its size %u", dev_name(d),
			  vr->addr.index, vr->pos.last_avail, vr->size);
		return -ERANGE;
	}
	if (!vring_map(d, vr)) {
		VHOST_LOG(
			ERR,
			"%s: vring %u's addresses (desc 0x%llx avail 0x%llx used 0x%llx, size %u) are not inside the memory the front-end shared, or misaligned",
			dev_name(d), vr->addr.index, (unsigned long long)vr->addr.desc_user_addr,
			(unsigned long long)vr->addr.avail_user_addr,
			(unsigned long long)vr->addr.used_user_addr, vr->size);
		return -EFAULT;
	}
	vr->mem = &d->mem;
	vr->event_idx = d->features & (1ull << VIRTIO_F_RING_EVENT_IDX);
	vr->mrg_rxbuf = d->features & (1ull << VIRTIO_NET_F_MRG_RXBUF);
	vr->broken = false;
	/* We poll: the front-end need not kick (2.7.10; ignored with EVENT_IDX,
	 * where avail_event stays where it is and kicks come rarely; 2.8.10:
	 * packed rings have their own DISABLE). */
	if (vr->packed)
		prt_atomic_store(&vr->device_event->raw, (uint32_t)RING_EVENT_FLAGS_DISABLE << 16,
				 memory_order_relaxed);
	else
		prt_atomic_store(&vr->used->flags, VIRTQ_USED_F_NO_NOTIFY, memory_order_relaxed);
	/* Before ready: from then on the data path owns pos (a read after it races). */
	VHOST_LOG(INFO, "%s: vring %u %s, %u descriptors, from %u: ready", dev_name(d),
		  vr->addr.index, vr->packed ? "packed" : "split", vr->size, vr->pos.last_avail);
	/* Release: every field above before the data path's acquire of ready. */
	prt_atomic_store(&vr->ready, 1, memory_order_release);
	return 0;
}

void vhost_vring_set_base(struct vhost_vring *vr, uint32_t num)
{
	/* Packed: bits 0-14 the next avail descriptor, bit 15 its wrap counter
	 * (vhost-user.rst); the device's used side resumes there. */
	if (vr->packed)
		vr->pos = (struct vhost_ring_pos){
			.last_avail = num & 0x7fff,
			.last_used = num & 0x7fff,
			.avail_wrap = num >> 15,
			.used_wrap = num >> 15,
		};
	else
		vr->pos = (struct vhost_ring_pos){ .last_avail = (uint16_t)num,
						   .last_used = (uint16_t)num };
}

int vhost_dev_set_features(struct vhost_dev *d, uint64_t features)
{
	int ret = 0;

	d->features = features;
	/* Each ring's type follows: stopped, re-mapped for it, handed back. */
	for (unsigned int i = 0; ret == 0 && i < 2u * d->queues; i++) {
		struct vhost_vring *vr = &d->vr[i];

		vhost_vring_quiesce(vr);
		vr->packed = features & (1ull << VIRTIO_F_RING_PACKED);
		ret = vhost_vring_update(d, vr);
	}
	return ret;
}

static void link_update_from_rings(struct vhost_dev *d)
{
	link_set(d, prt_atomic_load(&d->vr[0].ready, memory_order_relaxed) &&
			    prt_atomic_load(&d->vr[1].ready, memory_order_relaxed));
}

/* ---- the connection ---- */

static void conn_teardown(struct vhost_dev *d)
{
	for (unsigned int i = 0; i < VHOST_MAX_VRINGS; i++)
		vring_reset(&d->vr[i]);
	vhost_mem_unmap(&d->mem);
	d->features = 0;
	d->protocol_features = 0;
	link_set(d, false);
}

static void timer_arm(struct vhost_dev *d, bool on)
{
	struct itimerspec its = { 0 };

	if (on) {
		its.it_value.tv_sec = VHOST_RECONNECT_S;
		its.it_interval.tv_sec = VHOST_RECONNECT_S;
	}
	timerfd_settime(d->timer_fd, 0, &its, NULL);
}

/* Ends the connection (@why logged unless NULL: a normal hang-up). Holds d->lock. */
static void conn_close(struct vhost_dev *d, const char *why)
{
	if (d->conn_fd < 0)
		return;
	if (why) {
		d->malformed++;
		VHOST_LOG(ERR, "%s: front-end at %s: %s; connection closed", dev_name(d), d->path,
			  why);
	} else {
		VHOST_LOG(INFO, "%s: front-end at %s disconnected", dev_name(d), d->path);
	}
	prt_intr_callback_unregister(d->conn_fd);
	close(d->conn_fd);
	d->conn_fd = -1;
	conn_teardown(d);
	if (d->client && !prt_atomic_load(&d->stopping, memory_order_relaxed))
		timer_arm(d, true);
}

static int send_reply(struct vhost_dev *d, const struct vhost_user_msg *req, const void *payload,
		      uint32_t size)
{
	struct vhost_user_msg r = {
		.request = req->request,
		.flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK,
		.size = size,
	};
	size_t len = VHOST_USER_HDR_SIZE + size, done = 0;

	memcpy(&r.payload, payload, size);
	while (done < len) {
		ssize_t n = send(d->conn_fd, (const char *)&r + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		done += (size_t)n;
	}
	return 0;
}

static int reply_u64(struct vhost_dev *d, const struct vhost_user_msg *req, uint64_t v)
{
	return send_reply(d, req, &v, sizeof(v));
}

/* Reads exactly @len bytes, each part within VHOST_MSG_TIMEOUT_MS. */
static int recv_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int r = poll(&p, 1, VHOST_MSG_TIMEOUT_MS);

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return -ETIMEDOUT;
		n = recv(fd, (char *)buf + got, len - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? -ECONNRESET : -errno;
		got += (size_t)n;
	}
	return 0;
}

/*
 * Reads one message into @buf (its header and payload) and the fds that
 * came with its header into @fds. @return its length; 0 when the
 * front-end hung up; -EPROTO (with @why) for a malformed one; fds closed
 * on every failure.
 */
static int msg_recv(int fd, uint8_t *buf, int *fds, unsigned int *nfds, const char **why)
{
	char control[CMSG_SPACE(sizeof(int) * VHOST_MSG_MAX_FDS)];
	struct iovec iov = { .iov_base = buf, .iov_len = VHOST_USER_HDR_SIZE };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control) };
	ssize_t n;
	int size, ret = -EPROTO;

	*nfds = 0;
	do {
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n == 0 || errno != EAGAIN ? 0 : -EAGAIN;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		unsigned int k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (unsigned int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (unsigned int i = 0; i < k; i++) {
			int f;

			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*nfds < VHOST_MSG_MAX_FDS)
				fds[(*nfds)++] = f;
			else
				close(f);
		}
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		*why = "more fds than any request takes";
		goto fail;
	}
	if ((size_t)n < VHOST_USER_HDR_SIZE &&
	    recv_full(fd, buf + n, VHOST_USER_HDR_SIZE - (size_t)n) < 0) {
		*why = "header cut short";
		goto fail;
	}
	size = vhost_msg_check_header(buf, why);
	if (size < 0)
		goto fail;
	if (size > 0 && recv_full(fd, buf + VHOST_USER_HDR_SIZE, (size_t)size) < 0) {
		*why = "payload cut short or not sent";
		goto fail;
	}
	return VHOST_USER_HDR_SIZE + size;
fail:
	for (unsigned int i = 0; i < *nfds; i++)
		close(fds[i]);
	*nfds = 0;
	return ret;
}

/* SET_MEM_TABLE: every ring stops, the new table replaces the old, the rings that were
 * ready are handed back over it. */
static int handle_mem_table(struct vhost_dev *d, const struct vhost_user_msg *m, int *fds)
{
	struct vhost_memory mem = m->payload.memory; /* aligned, out of the packed message */
	int ret;

	for (unsigned int i = 0; i < VHOST_MAX_VRINGS; i++)
		vhost_vring_quiesce(&d->vr[i]);
	vhost_mem_unmap(&d->mem);
	ret = vhost_mem_map(&d->mem, &mem, fds, dev_name(d));
	for (unsigned int i = 0; ret == 0 && i < 2u * d->queues; i++)
		ret = vhost_vring_update(d, &d->vr[i]);
	return ret;
}

/* Applies message @m (checked) with its fds. @return 0; <0 with *@why to close the connection. */
static int handle(struct vhost_dev *d, const struct vhost_user_msg *m, int *fds, const char **why)
{
	uint64_t offered = VHOST_FEATURES | (d->queues > 1 ? 1ull << VIRTIO_NET_F_MQ : 0);
	struct vhost_vring *vr = NULL;
	int ret = 0;

	switch (m->request) {
	case VHOST_USER_GET_FEATURES:
		return reply_u64(d, m, offered);
	case VHOST_USER_SET_FEATURES:
		if (m->payload.u64 & ~offered) {
			*why = "SET_FEATURES acks features not offered";
			return -EPROTO;
		}
		ret = vhost_dev_set_features(d, m->payload.u64);
		if (ret < 0)
			*why = "a ring does not fit the features acked";
		break;
	case VHOST_USER_GET_PROTOCOL_FEATURES:
		return reply_u64(d, m, VHOST_PROTOCOL_FEATURES);
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		if (m->payload.u64 & ~VHOST_PROTOCOL_FEATURES) {
			*why = "SET_PROTOCOL_FEATURES acks features not offered";
			return -EPROTO;
		}
		d->protocol_features = m->payload.u64;
		break;
	case VHOST_USER_GET_QUEUE_NUM:
		return reply_u64(d, m, d->queues);
	case VHOST_USER_SET_OWNER:
	case VHOST_USER_NET_SET_MTU:
		break;
	case VHOST_USER_RESET_OWNER:
		conn_teardown(d);
		break;
	case VHOST_USER_SET_MEM_TABLE:
		ret = handle_mem_table(d, m, fds);
		if (ret < 0)
			*why = "the memory table cannot be mapped, or leaves a ring outside";
		break;
	case VHOST_USER_GET_VRING_BASE: {
		struct vhost_vring_state st = { m->payload.state.index, 0 };

		vr = &d->vr[st.index];
		vhost_vring_quiesce(vr);
		vr->started = false;
		fd_replace(&vr->kickfd, -1);
		/* vhost-user.rst: packed rings carry the avail wrap counter in bit 15. */
		st.num = vr->pos.last_avail | (vr->packed ? (uint32_t)vr->pos.avail_wrap << 15 : 0);
		link_update_from_rings(d);
		return send_reply(d, m, &st, sizeof(st));
	}
	default:
		/* The per-vring requests: the ring stops while it changes. */
		vr = &d->vr[m->request == VHOST_USER_SET_VRING_ADDR ?
				    m->payload.addr.index :
			    m->request >= VHOST_USER_SET_VRING_KICK &&
					    m->request <= VHOST_USER_SET_VRING_ERR ?
				    (uint32_t)(m->payload.u64 & VHOST_USER_VRING_IDX_MASK) :
				    m->payload.state.index];
		vhost_vring_quiesce(vr);
		switch (m->request) {
		case VHOST_USER_SET_VRING_NUM:
			vr->size = (uint16_t)m->payload.state.num; /* 32768 fits: checked */
			vr->have_num = true;
			break;
		case VHOST_USER_SET_VRING_ADDR:
			vr->addr = m->payload.addr;
			vr->have_addr = true;
			break;
		case VHOST_USER_SET_VRING_BASE:
			vhost_vring_set_base(vr, m->payload.state.num);
			break;
		case VHOST_USER_SET_VRING_ENABLE:
			vr->enabled = m->payload.state.num;
			break;
		case VHOST_USER_SET_VRING_KICK:
			/* We poll; the fd is kept only to be closed with the ring. */
			fd_replace(&vr->kickfd,
				   (m->payload.u64 & VHOST_USER_VRING_NOFD_MASK) ? -1 : fds[0]);
			vr->started = true;
			break;
		case VHOST_USER_SET_VRING_CALL:
			fd_replace(&vr->callfd,
				   (m->payload.u64 & VHOST_USER_VRING_NOFD_MASK) ? -1 : fds[0]);
			break;
		case VHOST_USER_SET_VRING_ERR:
			fd_replace(&vr->errfd,
				   (m->payload.u64 & VHOST_USER_VRING_NOFD_MASK) ? -1 : fds[0]);
			break;
		}
		ret = vhost_vring_update(d, vr);
		if (ret < 0)
			*why = ret == -ERANGE ? "a packed ring's base lies beyond its size" :
						"a ring lies outside the memory it shared";
		break;
	}
	link_update_from_rings(d);
	if (ret == 0 && (m->flags & VHOST_USER_NEED_REPLY_MASK) &&
	    (d->protocol_features & (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK)))
		ret = reply_u64(d, m, 0);
	return ret;
}

/* The socket is readable: one message (prt's interrupt thread). */
static void conn_event(int fd, void *arg)
{
	struct vhost_dev *d = arg;
	uint8_t buf[VHOST_USER_HDR_SIZE + VHOST_MSG_PAYLOAD_MAX];
	struct vhost_user_msg m;
	int fds[VHOST_MSG_MAX_FDS];
	unsigned int nfds;
	const char *why = NULL;
	int len, ret;

	pthread_mutex_lock(&d->lock);
	if (fd != d->conn_fd)
		goto out;
	len = msg_recv(fd, buf, fds, &nfds, &why);
	if (len == -EAGAIN)
		goto out;
	if (len <= 0) {
		conn_close(d, len == 0 ? NULL : why);
		goto out;
	}
	ret = vhost_msg_parse(buf, (size_t)len, nfds, 2u * d->queues, &m, &why);
	if (ret < 0) {
		char reason[160];

		for (unsigned int i = 0; i < nfds; i++)
			close(fds[i]);
		snprintf(reason, sizeof(reason), "%s (request %u, %s)", why, m.request,
			 vhost_user_req_name(m.request));
		conn_close(d, reason);
		goto out;
	}
	VHOST_LOG(DEBUG, "%s: %s", dev_name(d), vhost_user_req_name(m.request));
	/* From here the fds belong to handle(): kept in a ring, or closed by vhost_mem_map(). */
	if (handle(d, &m, fds, &why) < 0)
		conn_close(d, why ? why : "the reply could not be sent");
out:
	pthread_mutex_unlock(&d->lock);
}

/* Adopts a new connection @fd. Holds d->lock. */
static void conn_open(struct vhost_dev *d, int fd)
{
	int ret;

	if (d->conn_fd >= 0) {
		VHOST_LOG(ERR, "%s: a second front-end connected to %s: refused (one at a time)",
			  dev_name(d), d->path);
		close(fd);
		return;
	}
	d->conn_fd = fd;
	ret = prt_intr_callback_register(fd, conn_event, d);
	if (ret < 0) {
		VHOST_LOG(ERR, "%s: cannot watch the connection: %s", dev_name(d), strerror(-ret));
		close(fd);
		d->conn_fd = -1;
		return;
	}
	d->connects++;
	VHOST_LOG(INFO, "%s: front-end connected at %s", dev_name(d), d->path);
}

static void listen_event(int fd, void *arg)
{
	struct vhost_dev *d = arg;
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0)
		return;
	pthread_mutex_lock(&d->lock);
	conn_open(d, c);
	pthread_mutex_unlock(&d->lock);
}

static int sock_path(const struct vhost_dev *d, struct sockaddr_un *sa)
{
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if (strlen(d->path) >= sizeof(sa->sun_path)) {
		VHOST_LOG(ERR, "%s: socket path %s is longer than %zu characters", dev_name(d),
			  d->path, sizeof(sa->sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sa->sun_path, d->path);
	return 0;
}

/* Client mode: one attempt to connect. @return 0 connected, or the connect() errno. */
static int client_try(struct vhost_dev *d)
{
	struct sockaddr_un sa;
	int fd, ret = sock_path(d, &sa);

	if (ret < 0)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	conn_open(d, fd);
	timer_arm(d, false);
	return 0;
}

static void timer_event(int fd, void *arg)
{
	struct vhost_dev *d = arg;
	uint64_t ticks;

	if (read(fd, &ticks, sizeof(ticks)) < 0)
		return;
	pthread_mutex_lock(&d->lock);
	if (d->conn_fd < 0)
		client_try(d);
	pthread_mutex_unlock(&d->lock);
}

/* Server mode: a socket file left by a process that is gone is removed; a live one is not. */
static int server_open(struct vhost_dev *d)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, ret = sock_path(d, &sa);

	if (ret < 0)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (stat(d->path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			VHOST_LOG(ERR,
				  "%s: another process listens on %s already (give another iface=)",
				  dev_name(d), d->path);
			close(fd);
			return -EADDRINUSE;
		}
		unlink(d->path);
		close(fd);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		ret = -errno;
		VHOST_LOG(
			ERR,
			"%s: cannot listen on %s: %s (check the directory exists and is writable)",
			dev_name(d), d->path, strerror(errno));
		close(fd);
		return ret;
	}
	d->listen_fd = fd;
	ret = prt_intr_callback_register(fd, listen_event, d);
	if (ret < 0) {
		close(fd);
		unlink(d->path);
		d->listen_fd = -1;
	}
	return ret;
}

int vhost_backend_start(struct vhost_dev *d)
{
	int ret;

	if (!d->client)
		return server_open(d);
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->timer_fd < 0)
		return -errno;
	ret = prt_intr_callback_register(d->timer_fd, timer_event, d);
	if (ret < 0) {
		close(d->timer_fd);
		d->timer_fd = -1;
		return ret;
	}
	pthread_mutex_lock(&d->lock);
	ret = client_try(d);
	if (ret < 0) {
		VHOST_LOG(NOTICE, "%s: no front-end at %s yet (%s): trying every %d s", dev_name(d),
			  d->path, strerror(-ret), VHOST_RECONNECT_S);
		timer_arm(d, true);
	}
	pthread_mutex_unlock(&d->lock);
	return 0;
}

void vhost_backend_stop(struct vhost_dev *d)
{
	int fd;

	/* Relaxed: the callbacks that read it are unregistered (and waited for) below. */
	prt_atomic_store(&d->stopping, true, memory_order_relaxed);
	if (d->listen_fd >= 0) {
		prt_intr_callback_unregister(d->listen_fd);
		close(d->listen_fd);
		unlink(d->path);
		d->listen_fd = -1;
	}
	if (d->timer_fd >= 0) {
		prt_intr_callback_unregister(d->timer_fd);
		close(d->timer_fd);
		d->timer_fd = -1;
	}
	pthread_mutex_lock(&d->lock);
	fd = d->conn_fd;
	pthread_mutex_unlock(&d->lock);
	if (fd >= 0)
		prt_intr_callback_unregister(fd); /* waits for a running conn_event() */
	pthread_mutex_lock(&d->lock);
	conn_close(d, NULL);
	pthread_mutex_unlock(&d->lock);
}
