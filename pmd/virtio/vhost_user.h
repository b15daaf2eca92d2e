/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vhost-user protocol, front-end side (QEMU docs/interop/vhost-user.rst):
 * messages over a unix socket, with file descriptors (memory, kick and call
 * eventfds) passed as SCM_RIGHTS. One connection per virtio-user device.
 *
 * Every reply is checked (request code, REPLY flag, version, payload size)
 * before a byte of it is used; a malformed reply, a backend that closes the
 * socket or stays silent for VHOST_USER_TIMEOUT_MS is an error the caller
 * sees as a negative errno, counted in the connection's statistics and
 * logged once with what to check. Not thread-safe: the caller serialises
 * the use of a connection (net_virtio_user holds its port's lock).
 *
 * The message layouts and codes here are shared with the back-end
 * (pmd/vhost/), which parses what a front-end sends with vhost_msg.h.
 */
#ifndef VHOST_USER_H
#define VHOST_USER_H

#include <stdint.h>

/* Requests from the front-end (vhost-user.rst, "Front-end message types"). */
enum vhost_user_request {
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_NET_SET_MTU = 20,
};

/* Header flags ("Message Specification"). */
#define VHOST_USER_VERSION 0x1
#define VHOST_USER_VERSION_MASK 0x3
#define VHOST_USER_REPLY_MASK (1u << 2)
#define VHOST_USER_NEED_REPLY_MASK (1u << 3)

/* The virtio feature bit that announces protocol features. */
#define VHOST_USER_F_PROTOCOL_FEATURES 30

/* Protocol features ("Protocol features"). */
#define VHOST_USER_PROTOCOL_F_MQ 0
#define VHOST_USER_PROTOCOL_F_REPLY_ACK 3
#define VHOST_USER_PROTOCOL_F_NET_MTU 4

/* SET_VRING_KICK/CALL payload: ring index in bits 0-7, bit 8 = no fd. */
#define VHOST_USER_VRING_IDX_MASK 0xffu
#define VHOST_USER_VRING_NOFD_MASK (1u << 8)

/* Most memory regions in SET_MEM_TABLE. */
#define VHOST_MEMORY_MAX_NREGIONS 8

/** Milliseconds a reply may take before the backend is declared unresponsive. */
#define VHOST_USER_TIMEOUT_MS 5000

struct vhost_vring_state {
	uint32_t index;
	uint32_t num;
};

struct vhost_vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc_user_addr;
	uint64_t used_user_addr;
	uint64_t avail_user_addr;
	uint64_t log_guest_addr;
};

struct vhost_memory_region {
	uint64_t guest_phys_addr; /**< the address descriptors carry (prt: the IOVA) */
	uint64_t memory_size;
	uint64_t userspace_addr; /**< the address in the front-end (ring addresses) */
	uint64_t mmap_offset; /**< offset of the region in its fd */
};

struct vhost_memory {
	uint32_t nregions;
	uint32_t padding;
	struct vhost_memory_region regions[VHOST_MEMORY_MAX_NREGIONS];
};

/** One message: a 12-byte header and a payload of 'size' bytes. */
struct vhost_user_msg {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
	union {
		uint64_t u64;
		struct vhost_vring_state state;
		struct vhost_vring_addr addr;
		struct vhost_memory memory;
	} payload;
} __attribute__((packed));

#define VHOST_USER_HDR_SIZE 12u

/** What went wrong on a connection, for the driver's xstats. */
struct vhost_user_stats {
	uint64_t malformed; /**< replies with a wrong code, flags or size */
	uint64_t disconnects; /**< the backend closed the socket */
	uint64_t timeouts; /**< replies that never came */
};

/** A connection to a vhost-user backend. */
struct vhost_user {
	int fd; /**< the socket; -1 when closed */
	uint64_t protocol_features; /**< negotiated (after vhost_user_set_protocol_features) */
	const char *path; /**< for messages; the caller's string */
	struct vhost_user_stats stats;
};

/** The name of request @p req as vhost-user.rst spells it ("GET_FEATURES"), "?" if unknown. */
const char *vhost_user_req_name(uint32_t req);

/**
 * Connects to the backend listening on unix socket @p path (the backend is
 * the server, as DPDK's net_vhost and QEMU's vhost-user backends default to).
 * @return 0; -ENAMETOOLONG; the connect() errno (ENOENT: no such socket,
 *         ECONNREFUSED: nobody listens), each logged with what to check.
 */
int vhost_user_connect(struct vhost_user *vu, const char *path);

/** Adopts an already connected socket @p fd (tests, socket activation). */
void vhost_user_attach(struct vhost_user *vu, int fd, const char *name);

/** Closes the connection (the backend then stops the device). Idempotent. */
void vhost_user_close(struct vhost_user *vu);

/*
 * The requests. Each returns 0 or a negative errno: -ENOTCONN (closed),
 * -ECONNRESET / -EPIPE (the backend went away), -ETIMEDOUT, -EPROTO (a
 * malformed reply); each of these closes the connection. -EIO: the
 * backend refused the request (a REPLY_ACK with a non-zero status); the
 * connection stays open.
 */
int vhost_user_set_owner(struct vhost_user *vu);
int vhost_user_get_u64(struct vhost_user *vu, enum vhost_user_request req, uint64_t *val);
int vhost_user_set_u64(struct vhost_user *vu, enum vhost_user_request req, uint64_t val);
int vhost_user_set_protocol_features(struct vhost_user *vu, uint64_t features);
/**
 * SET_MEM_TABLE: the @p n regions (1 to VHOST_MEMORY_MAX_NREGIONS) and the
 * file behind each, @p fds[i] for @p regions[i] (sent with SCM_RIGHTS; the
 * caller keeps its descriptors). Returns once the backend has handled the
 * table (mapped the memory): with REPLY_ACK on its ack, without it on the
 * reply to a GET_FEATURES sent behind the table. -EINVAL for a bad @p n.
 */
int vhost_user_set_mem_table(struct vhost_user *vu, const struct vhost_memory_region *regions,
			     const int *fds, uint32_t n);
int vhost_user_set_vring(struct vhost_user *vu, enum vhost_user_request req, uint32_t index,
			 uint32_t num);
int vhost_user_get_vring_base(struct vhost_user *vu, uint32_t index, uint32_t *base);
int vhost_user_set_vring_addr(struct vhost_user *vu, const struct vhost_vring_addr *addr);
/** SET_VRING_KICK / SET_VRING_CALL: @p fd < 0 sends "no fd" (polling). */
int vhost_user_set_vring_fd(struct vhost_user *vu, enum vhost_user_request req, uint32_t index,
			    int fd);

#endif /* VHOST_USER_H */
