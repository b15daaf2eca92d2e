/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_virtio_user: a virtio-net device whose backend is a vhost-user
 * server (DPDK's net_vhost, QEMU's vhost-user backends, vhost-user
 * switches), reached over a unix socket (QEMU docs/interop/vhost-user.rst).
 *
 *   --vdev net_virtio_user0,path=SOCK[,queues=N][,queue_size=N]
 *          [,packed_vq=0|1][,mrg_rxbuf=0|1][,in_order=0|1][,mac=XX:XX:XX:XX:XX:XX]
 *
 * There is no device here to hold a status register or a configuration
 * space: this file plays that part, as DPDK's virtio-user does. The device
 * status is kept here and acted on: FEATURES_OK sends SET_FEATURES,
 * DRIVER_OK shares prt's memory (SET_MEM_TABLE with the files behind its
 * hugepage segments) and hands every ring over (SET_VRING_*), a reset takes
 * the rings back (GET_VRING_BASE). The configuration space (MAC, link
 * status, queue pairs) is made up from the devargs and the connection, and
 * the control virtqueue is answered here: queue pairs become
 * SET_VRING_ENABLE; the receive filters need nothing (the backend delivers
 * every frame of the port). With intr_conf.lsc, the backend's hang-up is
 * watched on prt's interrupt thread: the link goes down and the application
 * hears of it (PRT_ETH_EVENT_INTR_LSC); without, the link is found down at
 * the next link read.
 *
 * The backend sees prt's memory at the same virtual addresses as prt:
 * descriptors carry virtual addresses (hw->use_va), whatever the IOVA mode.
 * While the port is started, a memory listener keeps the backend's table in
 * step with prt's segments (vu_mem_event()).
 *
 * Locking: u->lock serialises every use of the socket (the control path:
 * status, reset, control queue, link, close; and the memory listener) and
 * guards the memory table. The listener runs with prt's memory hotplug lock
 * held and takes u->lock, so the order is hotplug lock -> u->lock: nothing
 * done under u->lock may allocate prt memory or (un)register a listener.
 * The data path (kicks on eventfds) takes no lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kvargs.h"
#include "prt_atomic.h"
#include "prt_interrupts.h"
#include "prt_memory.h"
#include "vhost_user.h"
#include "virtio_hw.h"
#include "virtio_logs.h"
#include "virtio_net.h"

#define VU_MAX_VQS (2 * VIRTIO_MAX_QUEUE_PAIRS)

/* vhost's own feature bit (not virtio's): dirty page logging for migration. */
#define VHOST_F_LOG_ALL 26

/* What this file answers in place of a device: every other feature is the backend's. */
#define VU_FRONTEND_FEATURES                                               \
	((1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_NET_F_STATUS) |      \
	 (1ull << VIRTIO_NET_F_CTRL_VQ) | (1ull << VIRTIO_NET_F_CTRL_RX) | \
	 (1ull << VIRTIO_NET_F_MQ) | (1ull << VIRTIO_NET_F_CTRL_MAC_ADDR))

/* Protocol features prt can use. */
#define VU_PROTOCOL_FEATURES \
	((1ull << VHOST_USER_PROTOCOL_F_MQ) | (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK))

/* Memory regions: one per prt segment, as the files behind them. */
struct mem_table {
	struct vhost_memory_region regions[VHOST_MEMORY_MAX_NREGIONS];
	int fds[VHOST_MEMORY_MAX_NREGIONS]; /* prt's descriptors (prt_memseg_get_fd()) */
	uint32_t n;
};

struct virtio_user {
	struct virtio_hw hw; /* first: dev_private is a struct virtio_hw */
	pthread_mutex_t lock; /* the socket, the memory table, started, active_pairs */
	struct vhost_user vu;
	struct mem_table mem; /* prt's segments, kept by the memory listener */
	char listener[32]; /* the memory listener's name; "" when not registered */
	bool started; /* DRIVER_OK done: memory changes go to the backend */
	uint16_t active_pairs; /* queue pairs whose rings are enabled (VQ_PAIRS_SET) */
	char path[108];
	uint16_t queue_pairs; /* queues= */
	uint16_t queue_size; /* queue_size= */
	struct prt_ether_addr mac;
	uint64_t backend_features; /* GET_FEATURES */
	uint64_t driver_features; /* set_features */
	uint8_t status; /* the device status this file keeps */
	bool ring_enable; /* rings start disabled (PROTOCOL_FEATURES negotiated) */
	struct virtqueue *vqs[VU_MAX_VQS]; /* set up for the next DRIVER_OK */
	bool live[VU_MAX_VQS]; /* handed to the backend */
	int kickfd[VU_MAX_VQS];
	int callfd[VU_MAX_VQS];
	/*
	 * With intr_conf.lsc: a duplicate of the socket that prt's interrupt
	 * thread watches for the backend's hang-up (-1: none). A duplicate, so
	 * that the control thread may close the socket whenever it sees the
	 * connection fail while the watch lives on; closed on the control
	 * thread only (lsc_disable).
	 */
	int watch_fd;
	bool backend_gone; /* the watch saw the hang-up (atomic: read on both threads) */
};

static struct virtio_user *vu_of(struct virtio_hw *hw)
{
	return prt_container_of(hw, struct virtio_user, hw);
}

static const char *vu_name(const struct virtio_user *u)
{
	return u->hw.eth->data.name;
}

/* ---- the device's side of the handshake ---- */

static uint64_t vu_get_features(struct virtio_hw *hw)
{
	struct virtio_user *u = vu_of(hw);

	/* The backend's virtio features, without vhost's own bits, without
	 * ACCESS_PLATFORM (it would need IOTLB messages) and without MTU (the
	 * configuration space is made up here and has no MTU to report). */
	return (u->backend_features &
		~((1ull << VHOST_USER_F_PROTOCOL_FEATURES) | (1ull << VHOST_F_LOG_ALL) |
		  (1ull << VIRTIO_F_ACCESS_PLATFORM) | (1ull << VIRTIO_NET_F_MTU))) |
	       VU_FRONTEND_FEATURES;
}

static int vu_set_features(struct virtio_hw *hw, uint64_t features)
{
	vu_of(hw)->driver_features = features;
	return 0;
}

static uint8_t vu_get_status(struct virtio_hw *hw)
{
	return vu_of(hw)->status;
}

/* ---- prt's memory, shared with the backend ---- */

/*
 * Adds the segment at @addr (@len bytes) to the table. Refuses, with one line
 * that says what to do, memory without a file (--no-huge) and a ninth region
 * (vhost-user.rst "Memory regions description": at most
 * VHOST_MEMORY_MAX_NREGIONS in SET_MEM_TABLE).
 */
static int mem_table_add(struct virtio_user *u, const void *addr, size_t len)
{
	struct prt_memseg ms = { .addr = (void *)(uintptr_t)addr, .len = len };
	struct mem_table *t = &u->mem;
	uint64_t off;
	int fd, ret;

	ret = prt_memseg_get_fd(&ms, &fd, &off);
	if (ret == -ENOTSUP) {
		VIRTIO_LOG(
			ERR,
			"%s: prt's memory is anonymous (--no-huge): a vhost-user backend cannot map it; run with hugepages (drop --no-huge; see doc/hugepages.md)",
			vu_name(u));
		return ret;
	}
	if (ret < 0)
		return ret;
	if (t->n == VHOST_MEMORY_MAX_NREGIONS) {
		VIRTIO_LOG(
			ERR,
			"%s: the segment of %zu MiB at %p would be prt's memory segment %d, but vhost-user shares at most %d with the backend: %s; reserve the memory at start-up (-m or --socket-mem) so that prt's heap needs fewer segments",
			vu_name(u), len >> 20, addr, VHOST_MEMORY_MAX_NREGIONS + 1,
			VHOST_MEMORY_MAX_NREGIONS,
			u->started ? "the allocation that needed it is refused" :
				     "the port cannot start");
		return -ENOSPC;
	}
	/* Descriptors carry virtual addresses: guest-physical = user address. */
	t->regions[t->n] = (struct vhost_memory_region){
		.guest_phys_addr = (uint64_t)(uintptr_t)addr,
		.memory_size = len,
		.userspace_addr = (uint64_t)(uintptr_t)addr,
		.mmap_offset = off,
	};
	t->fds[t->n++] = fd;
	return 0;
}

/* Takes the segment at @addr out of the table (nothing when it is not there). */
static void mem_table_remove(struct mem_table *t, const void *addr)
{
	for (uint32_t i = 0; i < t->n; i++) {
		if (t->regions[i].userspace_addr != (uint64_t)(uintptr_t)addr)
			continue;
		t->n--;
		memmove(&t->regions[i], &t->regions[i + 1], sizeof(t->regions[0]) * (t->n - i));
		memmove(&t->fds[i], &t->fds[i + 1], sizeof(t->fds[0]) * (t->n - i));
		return;
	}
}

/* True for a ring the backend serves: handed over and in the active queue pairs. */
static bool vring_enabled(const struct virtio_user *u, uint32_t i)
{
	return i < 2u * u->active_pairs && u->live[i];
}

/* SET_VRING_ENABLE @on for every ring the backend serves. Call with u->lock. */
static int vu_rings_enable(struct virtio_user *u, uint32_t on)
{
	int ret = 0;

	for (uint32_t i = 0; u->ring_enable && i < VU_MAX_VQS && ret == 0; i++)
		if (vring_enabled(u, i))
			ret = vhost_user_set_vring(&u->vu, VHOST_USER_SET_VRING_ENABLE, i, on);
	return ret;
}

/*
 * Gives the backend the new table while the port runs, as DPDK's virtio-user
 * does (virtio_user_mem_event_cb): rings paused, table, rings resumed. Call
 * with u->lock.
 *
 * Whether more is needed, from DPDK 22.11's backend (lib/vhost/vhost_user.c):
 * vhost_user_msg_handler() takes every virtqueue's access_lock around
 * SET_MEM_TABLE (its rx and tx bursts take the same lock, so they wait, or
 * return nothing), and vhost_user_set_mem_table() unmaps the old regions,
 * maps the new ones and translates each ring's addresses again, keeping the
 * ring indexes. So prt's data path need not stop: the new table holds every
 * old region at the same address, descriptors in flight stay valid, and
 * frames prt queues meanwhile wait in the ring. The pause is for backends
 * that neither lock nor translate again (DPDK before 18.05, for which DPDK's
 * front-end added it); while it lasts a backend delivers no frames to prt
 * (DPDK's vhost drops and counts them). Rings are paused only when
 * SET_VRING_ENABLE exists (protocol features negotiated); the table returns
 * once the backend has mapped it (vhost_user_set_mem_table()), before the
 * new memory is handed out.
 */
static int vu_mem_update(struct virtio_user *u)
{
	int ret = vu_rings_enable(u, 0);

	if (ret == 0)
		ret = vhost_user_set_mem_table(&u->vu, u->mem.regions, u->mem.fds, u->mem.n);
	if (u->vu.fd >= 0) {
		int r = vu_rings_enable(u, 1); /* also after a refused table: as before */

		ret = ret < 0 ? ret : r;
	}
	return ret;
}

/*
 * The memory listener of a started port (prt_memory.h): each segment prt
 * adds (ALLOC, before any byte of it is handed out) or removes (FREE) goes
 * into the table, and while the port is started the backend gets the new
 * table before this returns. Registration replays ALLOC for every existing
 * segment, which fills the table at start. Called with the memory hotplug
 * lock held; takes u->lock (see the lock order at the top).
 *
 * An ALLOC is refused (the allocation that needed the segment fails) for a
 * ninth region, for anonymous memory, and when the backend refuses the table
 * while the connection stands. A backend that went away refuses nothing: the
 * port's link is down and its rings are no longer served.
 */
static int vu_mem_event(enum prt_mem_event ev, const void *addr, size_t len, void *arg)
{
	struct virtio_user *u = arg;
	int ret = 0;

	pthread_mutex_lock(&u->lock);
	if (ev == PRT_MEM_EVENT_ALLOC)
		ret = mem_table_add(u, addr, len);
	else
		mem_table_remove(&u->mem, addr);
	if (ret == 0 && u->started && u->vu.fd >= 0 && u->mem.n > 0) {
		ret = vu_mem_update(u);
		if (ret < 0 && u->vu.fd < 0) {
			ret = 0;
		} else if (ret < 0 && ev == PRT_MEM_EVENT_ALLOC) {
			VIRTIO_LOG(
				ERR,
				"%s: the vhost-user backend at %s refused prt's memory table with %zu MiB more at %p: the allocation is refused",
				vu_name(u), u->path, len >> 20, addr);
			mem_table_remove(&u->mem, addr);
		}
	}
	pthread_mutex_unlock(&u->lock);
	return ev == PRT_MEM_EVENT_ALLOC ? ret : 0;
}

/* Registers the memory listener; its replay fills the table. Not with u->lock. */
static int vu_mem_listen(struct virtio_user *u)
{
	int ret;

	snprintf(u->listener, sizeof(u->listener), "virtio_user port %u", u->hw.eth->data.port_id);
	ret = prt_mem_event_callback_register(u->listener, vu_mem_event, u);
	if (ret < 0) {
		if (ret != -ENOTSUP && ret != -ENOSPC)
			VIRTIO_LOG(ERR, "%s: cannot follow prt's memory: %s", vu_name(u),
				   strerror(-ret));
		u->listener[0] = '\0';
	}
	return ret;
}

/* Unregisters the memory listener (none runs after this) and empties the table. */
static void vu_mem_unlisten(struct virtio_user *u)
{
	if (u->listener[0] == '\0')
		return;
	prt_mem_event_callback_unregister(u->listener);
	u->listener[0] = '\0';
	u->mem.n = 0; /* no listener left to race with */
}

/* Hands virtqueue @vq over to the backend (vhost-user.rst "Starting and stopping rings"). */
static int vu_vring_start(struct virtio_user *u, struct virtqueue *vq)
{
	uint32_t idx = vq->queue_index;
	struct vq_ring_addrs a;
	struct vhost_vring_addr addr;
	int ret;

	virtqueue_ring_addrs(vq, &a);
	addr = (struct vhost_vring_addr){
		.index = idx,
		.desc_user_addr = (uint64_t)(uintptr_t)a.desc_va,
		.avail_user_addr = (uint64_t)(uintptr_t)a.driver_va,
		.used_user_addr = (uint64_t)(uintptr_t)a.device_va,
	};
	ret = vhost_user_set_vring_fd(&u->vu, VHOST_USER_SET_VRING_CALL, idx, u->callfd[idx]);
	if (ret == 0)
		ret = vhost_user_set_vring(&u->vu, VHOST_USER_SET_VRING_NUM, idx, vq->size);
	/* The ring starts empty: index 0; packed rings carry the wrap counter (1) in bit 15. */
	if (ret == 0)
		ret = vhost_user_set_vring(&u->vu, VHOST_USER_SET_VRING_BASE, idx,
					   vq->packed_ring ? 1u << 15 : 0);
	if (ret == 0)
		ret = vhost_user_set_vring_addr(&u->vu, &addr);
	if (ret == 0)
		ret = vhost_user_set_vring_fd(&u->vu, VHOST_USER_SET_VRING_KICK, idx,
					      u->kickfd[idx]);
	if (ret == 0 && u->ring_enable)
		ret = vhost_user_set_vring(&u->vu, VHOST_USER_SET_VRING_ENABLE, idx, 1);
	if (ret == 0)
		u->live[idx] = true;
	return ret;
}

/* DRIVER_OK: the memory table, then every ring. Call with u->lock. */
static int vu_start(struct virtio_user *u)
{
	int ret = vhost_user_set_mem_table(&u->vu, u->mem.regions, u->mem.fds, u->mem.n);

	for (uint32_t i = 0; i < VU_MAX_VQS && ret == 0; i++)
		if (u->vqs[i])
			ret = vu_vring_start(u, u->vqs[i]);
	if (ret == 0) {
		u->active_pairs = u->queue_pairs; /* every ring enabled; VQ_PAIRS_SET may narrow */
		u->started = true;
	}
	return ret;
}

/* Takes every ring back: the backend stops using them (GET_VRING_BASE). Call with u->lock. */
static void vu_stop(struct virtio_user *u)
{
	u->started = false;
	for (uint32_t i = 0; i < VU_MAX_VQS; i++) {
		uint32_t base;

		if (!u->live[i])
			continue;
		if (u->ring_enable)
			vhost_user_set_vring(&u->vu, VHOST_USER_SET_VRING_ENABLE, i, 0);
		vhost_user_get_vring_base(&u->vu, i, &base);
		u->live[i] = false;
	}
}

static int vu_set_status(struct virtio_hw *hw, uint8_t status)
{
	struct virtio_user *u = vu_of(hw);
	uint8_t added = status & ~u->status;
	int ret = 0;

	/* Before u->lock: the listener's replay takes it. */
	if (added & VIRTIO_CONFIG_S_DRIVER_OK) {
		ret = vu_mem_listen(u);
		if (ret < 0)
			return ret;
	}
	pthread_mutex_lock(&u->lock);
	if (added & VIRTIO_CONFIG_S_FEATURES_OK) {
		/* Only the backend's features go to it, with its own protocol bit. */
		uint64_t f = u->driver_features & ~VU_FRONTEND_FEATURES;

		if (u->backend_features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES))
			f |= 1ull << VHOST_USER_F_PROTOCOL_FEATURES;
		if (vhost_user_set_u64(&u->vu, VHOST_USER_SET_FEATURES, f) < 0)
			status &= (uint8_t)~VIRTIO_CONFIG_S_FEATURES_OK; /* not accepted */
	}
	if (added & VIRTIO_CONFIG_S_DRIVER_OK) {
		ret = vu_start(u);
		if (ret < 0)
			vu_stop(u);
	}
	if (ret == 0)
		u->status = status;
	pthread_mutex_unlock(&u->lock);
	if (ret < 0)
		vu_mem_unlisten(u);
	return ret;
}

static int vu_reset(struct virtio_hw *hw)
{
	struct virtio_user *u = vu_of(hw);

	pthread_mutex_lock(&u->lock);
	vu_stop(u);
	memset(u->vqs, 0, sizeof(u->vqs));
	u->status = 0;
	pthread_mutex_unlock(&u->lock);
	vu_mem_unlisten(u);
	return 0;
}

/* True while the backend holds its end of the socket; a close is counted once. Call with u->lock. */
static bool vu_connected(struct virtio_user *u)
{
	struct pollfd p = { .fd = u->vu.fd, .events = POLLIN | POLLRDHUP };
	char c;

	if (u->vu.fd < 0)
		return false;
	if (poll(&p, 1, 0) <= 0)
		return true;
	if ((p.revents & (POLLHUP | POLLRDHUP | POLLERR)) ||
	    recv(u->vu.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0) {
		VIRTIO_LOG(ERR, "%s: the vhost-user backend at %s closed the connection; link down",
			   vu_name(u), u->path);
		u->vu.stats.disconnects++;
		vhost_user_close(&u->vu);
		return false;
	}
	return true; /* an unsolicited message: left for the next request to reject */
}

/* The configuration space (5.1.4) this file makes up. */
static int vu_read_dev_config(struct virtio_hw *hw, size_t offset, void *buf, size_t len)
{
	struct virtio_user *u = vu_of(hw);
	struct virtio_net_config cfg = { .max_virtqueue_pairs = u->queue_pairs };

	/* After the watch saw the hang-up the socket is left alone: the
	 * interrupt thread reads this too, and the control thread owns the
	 * socket. */
	pthread_mutex_lock(&u->lock);
	if (!prt_atomic_load(&u->backend_gone, memory_order_acquire) && vu_connected(u))
		cfg.status = VIRTIO_NET_S_LINK_UP;
	pthread_mutex_unlock(&u->lock);
	memcpy(cfg.mac, u->mac.addr_bytes, sizeof(cfg.mac));
	if (offset > sizeof(cfg) || len > sizeof(cfg) - offset)
		return -EINVAL;
	memcpy(buf, (char *)&cfg + offset, len);
	return 0;
}

static uint16_t vu_get_queue_size(struct virtio_hw *hw, uint16_t qidx)
{
	struct virtio_user *u = vu_of(hw);

	return qidx < 2 * u->queue_pairs ? u->queue_size : 0;
}

static int vu_setup_queue(struct virtio_hw *hw, struct virtqueue *vq)
{
	struct virtio_user *u = vu_of(hw);

	if (vq->queue_index >= 2 * u->queue_pairs)
		return -EINVAL;
	u->vqs[vq->queue_index] = vq; /* handed over at DRIVER_OK */
	return 0;
}

static void vu_notify(struct virtqueue *vq)
{
	struct virtio_user *u = vu_of(vq->notify_arg);

	/* A full eventfd counter (never, in practice) only means "kicked". */
	if (eventfd_write(u->kickfd[vq->queue_index], 1) < 0)
		return;
}

/* The control virtqueue, answered here (5.1.6.5). */
static int vu_ctrl_cmd(struct virtio_hw *hw, uint8_t cls, uint8_t cmd, const void *data, size_t len)
{
	struct virtio_user *u = vu_of(hw);
	uint16_t pairs;
	int ret = 0;

	if ((cls == VIRTIO_NET_CTRL_RX &&
	     (cmd == VIRTIO_NET_CTRL_RX_PROMISC || cmd == VIRTIO_NET_CTRL_RX_ALLMULTI)) ||
	    (cls == VIRTIO_NET_CTRL_MAC && cmd == VIRTIO_NET_CTRL_MAC_TABLE_SET))
		return VIRTIO_NET_OK; /* the backend filters nothing */
	if (cls == VIRTIO_NET_CTRL_MAC && cmd == VIRTIO_NET_CTRL_MAC_ADDR_SET) {
		/* 5.1.6.5.2: recorded as the configuration's mac, as DPDK's
		 * virtio-user does; the backend is not told (vhost-user has no
		 * message for it) and filters nothing. */
		if (len != PRT_ETHER_ADDR_LEN)
			return VIRTIO_NET_ERR;
		memcpy(u->mac.addr_bytes, data, len);
		return VIRTIO_NET_OK;
	}
	if (cls != VIRTIO_NET_CTRL_MQ || cmd != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET ||
	    len != sizeof(pairs))
		return VIRTIO_NET_ERR;
	memcpy(&pairs, data, sizeof(pairs));
	if (pairs < 1 || pairs > u->queue_pairs)
		return VIRTIO_NET_ERR;
	/* 5.1.6.5.5: the device uses the first @pairs pairs only. */
	pthread_mutex_lock(&u->lock);
	u->active_pairs = pairs;
	for (uint32_t i = 0; u->ring_enable && i < 2u * u->queue_pairs && ret == 0; i++)
		if (u->live[i])
			ret = vhost_user_set_vring(&u->vu, VHOST_USER_SET_VRING_ENABLE, i,
						   vring_enabled(u, i));
	pthread_mutex_unlock(&u->lock);
	return ret < 0 ? -EIO : VIRTIO_NET_OK;
}

/* Rx interrupts: the call eventfds the backend signals used buffers on. */
static int vu_intr_setup(struct virtio_hw *hw, uint16_t nb_rxq)
{
	(void)hw;
	(void)nb_rxq;
	return 0; /* the eventfds exist from probe on */
}

static int vu_intr_fd(struct virtio_hw *hw, uint16_t rxq)
{
	return vu_of(hw)->callfd[virtio_rxq_index(rxq)];
}

static void vu_intr_release(struct virtio_hw *hw)
{
	(void)hw;
}

/* The backend hung up: link down (runs on prt's interrupt thread). */
static void vu_hangup(int fd, void *arg)
{
	struct virtio_user *u = arg;

	prt_intr_callback_unregister(fd); /* a hang-up stays: once is enough */
	VIRTIO_LOG(ERR, "%s: the vhost-user backend at %s closed the connection; link down",
		   vu_name(u), u->path);
	prt_atomic_store(&u->backend_gone, true, memory_order_release);
	virtio_lsc_handle(&u->hw);
}

static int vu_lsc_enable(struct virtio_hw *hw)
{
	struct virtio_user *u = vu_of(hw);
	int ret;

	pthread_mutex_lock(&u->lock); /* the listener may close the socket meanwhile */
	if (u->vu.fd < 0) {
		pthread_mutex_unlock(&u->lock);
		return 0; /* gone already: the link reads down, nothing more can change */
	}
	u->watch_fd = fcntl(u->vu.fd, F_DUPFD_CLOEXEC, 0);
	pthread_mutex_unlock(&u->lock);
	if (u->watch_fd < 0) {
		ret = -errno;
		VIRTIO_LOG(ERR, "%s: cannot watch the vhost-user socket: %s", vu_name(u),
			   strerror(errno));
		return ret;
	}
	ret = prt_intr_callback_register_hangup(u->watch_fd, vu_hangup, u);
	if (ret < 0) {
		VIRTIO_LOG(ERR, "%s: cannot watch the vhost-user socket: %s", vu_name(u),
			   strerror(-ret));
		close(u->watch_fd);
		u->watch_fd = -1;
	}
	return ret;
}

static void vu_lsc_disable(struct virtio_hw *hw)
{
	struct virtio_user *u = vu_of(hw);

	if (u->watch_fd < 0)
		return;
	/* Returns once a running vu_hangup() has returned, also when it unregistered itself. */
	prt_intr_callback_unregister(u->watch_fd);
	close(u->watch_fd);
	u->watch_fd = -1;
}

static const char *const vu_xstat_names[] = {
	"vhost_user_malformed",
	"vhost_user_disconnects",
	"vhost_user_timeouts",
};

static int vu_xstats_names(struct virtio_hw *hw, struct prt_eth_xstat_name *names, unsigned int n)
{
	(void)hw;
	for (unsigned int i = 0; names && i < n && i < PRT_DIM(vu_xstat_names); i++)
		snprintf(names[i].name, sizeof(names[i].name), "%s", vu_xstat_names[i]);
	return PRT_DIM(vu_xstat_names);
}

static int vu_xstats_values(struct virtio_hw *hw, uint64_t *v, unsigned int n)
{
	struct virtio_user *u = vu_of(hw);
	uint64_t all[PRT_DIM(vu_xstat_names)];

	pthread_mutex_lock(&u->lock);
	all[0] = u->vu.stats.malformed;
	all[1] = u->vu.stats.disconnects;
	all[2] = u->vu.stats.timeouts;
	pthread_mutex_unlock(&u->lock);
	memcpy(v, all, sizeof(uint64_t) * PRT_MIN(n, (unsigned int)PRT_DIM(all)));
	return PRT_DIM(all);
}

static void fds_close(struct virtio_user *u)
{
	for (unsigned int i = 0; i < VU_MAX_VQS; i++) {
		if (u->kickfd[i] >= 0)
			close(u->kickfd[i]);
		if (u->callfd[i] >= 0)
			close(u->callfd[i]);
		u->kickfd[i] = u->callfd[i] = -1;
	}
}

static void vu_close(struct virtio_hw *hw)
{
	struct virtio_user *u = vu_of(hw);

	vu_mem_unlisten(u);
	pthread_mutex_lock(&u->lock);
	vhost_user_close(&u->vu);
	pthread_mutex_unlock(&u->lock);
	fds_close(u);
	pthread_mutex_destroy(&u->lock);
}

static const struct virtio_ops virtio_user_ops = {
	.name = "vhost-user",
	.get_features = vu_get_features,
	.set_features = vu_set_features,
	.get_status = vu_get_status,
	.set_status = vu_set_status,
	.reset = vu_reset,
	.read_dev_config = vu_read_dev_config,
	.get_queue_size = vu_get_queue_size,
	.setup_queue = vu_setup_queue,
	.notify = vu_notify,
	.ctrl_cmd = vu_ctrl_cmd,
	.intr_setup = vu_intr_setup,
	.intr_fd = vu_intr_fd,
	.intr_release = vu_intr_release,
	.lsc_enable = vu_lsc_enable,
	.lsc_disable = vu_lsc_disable,
	.xstats_names = vu_xstats_names,
	.xstats_values = vu_xstats_values,
	.close = vu_close,
};

/* ---- probe ---- */

/* The devargs. */
struct vu_args {
	const char *path;
	uint64_t queues, queue_size;
	bool packed_vq, mrg_rxbuf, in_order;
	struct prt_ether_addr mac;
	bool has_mac;
};

static int args_parse(const char *name, const char *args, struct vu_args *a, struct kvargs **kvp)
{
	static const char *const keys[] = { "path",	 "queues",   "queue_size", "packed_vq",
					    "mrg_rxbuf", "in_order", "mac",	   NULL };
	struct kvargs *kv;
	const char *mac;
	int ret;

	*a = (struct vu_args){ .queues = 1, .queue_size = 256, .mrg_rxbuf = true, .in_order = true };
	ret = kvargs_parse(name, args, keys, &kv);
	if (ret < 0)
		return ret;
	a->path = kvargs_get(kv, "path");
	ret = kvargs_get_uint(kv, "queues", 1, VIRTIO_MAX_QUEUE_PAIRS, &a->queues);
	if (ret == 0)
		ret = kvargs_get_uint(kv, "queue_size", 1, VIRTQ_MAX_SIZE, &a->queue_size);
	if (ret == 0)
		ret = kvargs_get_bool(kv, "packed_vq", &a->packed_vq);
	if (ret == 0)
		ret = kvargs_get_bool(kv, "mrg_rxbuf", &a->mrg_rxbuf);
	if (ret == 0)
		ret = kvargs_get_bool(kv, "in_order", &a->in_order);
	mac = kvargs_get(kv, "mac");
	if (ret == 0 && mac) {
		a->has_mac = true;
		if (prt_ether_unformat_addr(mac, &a->mac) < 0 ||
		    !prt_is_valid_assigned_ether_addr(&a->mac)) {
			VIRTIO_LOG(ERR, "%s: mac=%s is not a unicast address (xx:xx:xx:xx:xx:xx)",
				   name, mac);
			ret = -EINVAL;
		}
	}
	if (ret == 0 && (a->path == NULL || a->path[0] == '\0')) {
		VIRTIO_LOG(ERR,
			   "%s: give the backend's socket: --vdev %s,path=/path/to/vhost-user.sock",
			   name, name);
		ret = -EINVAL;
	}
	if (ret == 0 && !prt_is_power_of_2(a->queue_size)) {
		VIRTIO_LOG(ERR, "%s: queue_size=%lu: give a power of two up to %d", name,
			   (unsigned long)a->queue_size, VIRTQ_MAX_SIZE);
		ret = -EINVAL;
	}
	if (ret < 0) {
		kvargs_free(kv);
		return ret;
	}
	*kvp = kv; /* a->path points into it */
	return 0;
}

/* vhost-user.rst "Session start": owner, features, protocol features, queue count. */
static int vu_session_start(struct virtio_user *u)
{
	uint64_t pf = 0, qnum;
	int ret;

	ret = vhost_user_set_owner(&u->vu);
	if (ret == 0)
		ret = vhost_user_get_u64(&u->vu, VHOST_USER_GET_FEATURES, &u->backend_features);
	if (ret == 0 && (u->backend_features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES))) {
		ret = vhost_user_get_u64(&u->vu, VHOST_USER_GET_PROTOCOL_FEATURES, &pf);
		if (ret == 0)
			ret = vhost_user_set_protocol_features(&u->vu, pf & VU_PROTOCOL_FEATURES);
		u->ring_enable = true;
	}
	if (ret < 0)
		return ret;
	if (u->queue_pairs > 1) {
		if (!(pf & (1ull << VHOST_USER_PROTOCOL_F_MQ))) {
			VIRTIO_LOG(
				ERR,
				"%s: the backend at %s has no multiqueue (protocol feature MQ): use queues=1",
				vu_name(u), u->path);
			return -ENOTSUP;
		}
		ret = vhost_user_get_u64(&u->vu, VHOST_USER_GET_QUEUE_NUM, &qnum);
		if (ret == 0 && qnum < u->queue_pairs) {
			VIRTIO_LOG(
				ERR,
				"%s: queues=%u but the backend at %s has %lu queue pairs: start it with more (e.g. net_vhost0,queues=%u) or ask for fewer",
				vu_name(u), u->queue_pairs, u->path, (unsigned long)qnum,
				u->queue_pairs);
			return -EINVAL;
		}
	}
	return ret;
}

static struct prt_eth_driver virtio_user_driver;

static int virtio_user_init(struct prt_eth_dev *dev, const struct vu_args *a)
{
	struct virtio_user *u = dev->dev_private;
	int ret;

	u->hw = (struct virtio_hw){
		.ops = &virtio_user_ops,
		.eth = dev,
		.socket_id = PRT_SOCKET_ID_ANY,
		.use_va = true,
		.wanted_features = ~((a->packed_vq ? 0 : 1ull << VIRTIO_F_RING_PACKED) |
				     (a->mrg_rxbuf ? 0 : 1ull << VIRTIO_NET_F_MRG_RXBUF) |
				     (a->in_order ? 0 : 1ull << VIRTIO_F_IN_ORDER)),
	};
	pthread_mutex_init(&u->lock, NULL);
	snprintf(u->path, sizeof(u->path), "%s", a->path);
	u->queue_pairs = (uint16_t)a->queues;
	u->queue_size = (uint16_t)a->queue_size;
	u->mac = a->mac;
	if (!a->has_mac)
		prt_eth_random_addr(&u->mac);
	u->vu.fd = -1;
	u->watch_fd = -1;
	for (unsigned int i = 0; i < VU_MAX_VQS; i++)
		u->kickfd[i] = u->callfd[i] = -1;
	for (unsigned int i = 0; i < 2u * u->queue_pairs; i++) {
		u->kickfd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		u->callfd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (u->kickfd[i] < 0 || u->callfd[i] < 0) {
			ret = -errno;
			VIRTIO_LOG(ERR, "%s: eventfd: %s", dev->data.name, strerror(errno));
			goto fail;
		}
	}
	ret = vhost_user_connect(&u->vu, u->path);
	if (ret < 0)
		goto fail;
	ret = vu_session_start(u);
	if (ret == 0)
		ret = virtio_ethdev_init(&u->hw);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	vu_close(&u->hw);
	return ret;
}

static int virtio_user_probe(const char *name, const char *args)
{
	struct prt_eth_dev *dev;
	struct kvargs *kv;
	struct vu_args a;
	int ret;

	ret = args_parse(name, args, &a, &kv);
	if (ret < 0)
		return ret;
	dev = prt_eth_dev_allocate(name, sizeof(struct virtio_user));
	if (dev == NULL) {
		ret = -errno;
		VIRTIO_LOG(ERR, "%s: cannot create the port: %s", name, strerror(errno));
		kvargs_free(kv);
		return ret;
	}
	dev->driver = &virtio_user_driver;
	ret = virtio_user_init(dev, &a);
	kvargs_free(kv);
	if (ret < 0) {
		VIRTIO_LOG(ERR, "%s: cannot use the vhost-user backend (the line above says why)",
			   name);
		prt_eth_dev_release(dev);
		return ret;
	}
	dev->data.dev_flags |= PRT_ETH_DEV_INTR_LSC; /* the backend's hang-up: link down */
	/* The call eventfds: the backend writes one at each notification, so
	 * they are waited on edge-triggered and never read (no intr_ack). */
	dev->data.rx_intr_edge = true;
	prt_eth_dev_probing_finish(dev);
	return 0;
}

static struct prt_eth_driver virtio_user_driver = {
	.name = "net_virtio_user",
	.vdev_params =
		"path=<socket>,queues=<1-64>,queue_size=<2^n>,packed_vq=<0|1>,mrg_rxbuf=<0|1>,in_order=<0|1>,mac=<addr>",
	.probe_vdev = virtio_user_probe,
};

PRT_ETH_DRIVER_REGISTER(virtio_user_driver)
