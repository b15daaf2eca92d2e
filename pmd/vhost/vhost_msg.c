/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The back-end's parser of front-end messages (see vhost_msg.h). Sizes per
 * request are vhost-user.rst's "Front-end message types"; a request the
 * back-end does not offer the feature for is refused, never half-handled.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "vhost_msg.h"
#include "virtio_ring.h"

#define FAIL(reason)             \
	do {                     \
		*why = (reason); \
		return -EPROTO;  \
	} while (0)

int vhost_msg_check_header(const void *hdr, const char **why)
{
	struct vhost_user_msg h;

	memcpy(&h, hdr, VHOST_USER_HDR_SIZE);
	if ((h.flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION)
		FAIL("version is not 1");
	if (h.flags & VHOST_USER_REPLY_MASK)
		FAIL("a reply sent to the back-end");
	if (h.size > VHOST_MSG_PAYLOAD_MAX)
		FAIL("payload larger than any request's");
	return (int)h.size;
}

/* SET_MEM_TABLE: 1..8 regions, one fd each, no range that wraps. */
static int parse_mem_table(const struct vhost_user_msg *m, unsigned int nfds, const char **why)
{
	if (m->size < offsetof(struct vhost_memory, regions))
		FAIL("memory table shorter than its count");
	if (m->payload.memory.nregions == 0 ||
	    m->payload.memory.nregions > VHOST_MEMORY_MAX_NREGIONS)
		FAIL("memory table with 0 or more than 8 regions");
	if (m->size != offsetof(struct vhost_memory, regions) +
			       m->payload.memory.nregions * sizeof(struct vhost_memory_region))
		FAIL("memory table size does not match its region count");
	if (nfds != m->payload.memory.nregions)
		FAIL("memory table without one fd per region");
	for (uint32_t i = 0; i < m->payload.memory.nregions; i++) {
		struct vhost_memory_region r = m->payload.memory.regions[i];

		if (r.memory_size == 0)
			FAIL("memory region of size 0");
		if (r.guest_phys_addr + r.memory_size < r.guest_phys_addr ||
		    r.userspace_addr + r.memory_size < r.userspace_addr ||
		    r.mmap_offset + r.memory_size < r.mmap_offset)
			FAIL("memory region whose end wraps around");
	}
	return 0;
}

static int parse_vring_fd(const struct vhost_user_msg *m, unsigned int nfds, uint32_t nr_vrings,
			  const char **why)
{
	uint64_t v = m->payload.u64;
	bool nofd = v & VHOST_USER_VRING_NOFD_MASK;

	if (v & ~(uint64_t)(VHOST_USER_VRING_IDX_MASK | VHOST_USER_VRING_NOFD_MASK))
		FAIL("vring fd message with reserved bits set");
	if ((v & VHOST_USER_VRING_IDX_MASK) >= nr_vrings)
		FAIL("vring index out of range");
	if (nfds != (nofd ? 0u : 1u))
		FAIL("vring fd message whose fd count contradicts its no-fd bit");
	return 0;
}

int vhost_msg_parse(const void *buf, size_t len, unsigned int nfds, uint32_t nr_vrings,
		    struct vhost_user_msg *out, const char **why)
{
	int size;

	memset(out, 0, sizeof(*out));
	if (len < VHOST_USER_HDR_SIZE)
		FAIL("message shorter than its header");
	size = vhost_msg_check_header(buf, why);
	if (size < 0)
		return size;
	if (len != VHOST_USER_HDR_SIZE + (size_t)size)
		FAIL("message length does not match its header's size");
	if (nfds > VHOST_MSG_MAX_FDS)
		FAIL("more fds than any request takes");
	memcpy(out, buf, len);

	switch (out->request) {
	case VHOST_USER_GET_FEATURES:
	case VHOST_USER_GET_PROTOCOL_FEATURES:
	case VHOST_USER_GET_QUEUE_NUM:
	case VHOST_USER_SET_OWNER:
	case VHOST_USER_RESET_OWNER:
		/* No payload; some front-ends send a zero u64 anyway. */
		if (out->size != 0 && out->size != sizeof(uint64_t))
			FAIL("request without payload carries one");
		break;
	case VHOST_USER_SET_FEATURES:
	case VHOST_USER_SET_PROTOCOL_FEATURES:
	case VHOST_USER_NET_SET_MTU:
		if (out->size != sizeof(uint64_t))
			FAIL("u64 request of the wrong size");
		break;
	case VHOST_USER_SET_MEM_TABLE:
		return parse_mem_table(out, nfds, why);
	case VHOST_USER_SET_VRING_NUM:
	case VHOST_USER_SET_VRING_BASE:
	case VHOST_USER_GET_VRING_BASE:
	case VHOST_USER_SET_VRING_ENABLE:
		if (out->size != sizeof(struct vhost_vring_state))
			FAIL("vring state of the wrong size");
		if (out->payload.state.index >= nr_vrings)
			FAIL("vring index out of range");
		if (out->request == VHOST_USER_SET_VRING_NUM &&
		    (out->payload.state.num == 0 || out->payload.state.num > VIRTQ_MAX_SIZE ||
		     (out->payload.state.num & (out->payload.state.num - 1))))
			FAIL("ring size not a power of two up to 32768");
		if (out->request == VHOST_USER_SET_VRING_BASE && out->payload.state.num > 0xffff)
			FAIL("ring base beyond 16 bits");
		if (out->request == VHOST_USER_SET_VRING_ENABLE && out->payload.state.num > 1)
			FAIL("vring enable neither 0 nor 1");
		break;
	case VHOST_USER_SET_VRING_ADDR:
		if (out->size != sizeof(struct vhost_vring_addr))
			FAIL("vring address of the wrong size");
		if (out->payload.addr.index >= nr_vrings)
			FAIL("vring index out of range");
		break;
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		if (out->size != sizeof(uint64_t))
			FAIL("vring fd message of the wrong size");
		return parse_vring_fd(out, nfds, nr_vrings, why);
	default:
		*why = "request not handled by this back-end";
		return -EOPNOTSUPP;
	}
	if (nfds != 0)
		FAIL("fds sent with a request that takes none");
	return 0;
}
