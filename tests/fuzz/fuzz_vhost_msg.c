/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: net_vhost's parser of front-end messages
 * (pmd/vhost/vhost_msg.c) on arbitrary bytes. Input: byte 0 is the number
 * of fds that came with the message (0..15: more than any request takes
 * too), byte 1 the back-end's vring count (1..16); the rest is the message.
 *
 * Besides ASan/UBSan catching a read outside the input, it checks the
 * parser's promises on every message it accepts: the length is the
 * header's plus its size, the ring index is in range, a memory table's
 * regions are 1..8, one fd each, and none wraps around.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "vhost_msg.h"

static void check(const struct vhost_user_msg *m, size_t len, unsigned int nfds, uint32_t nr)
{
	uint32_t idx = UINT32_MAX;

	if (len != VHOST_USER_HDR_SIZE + m->size)
		abort();
	switch (m->request) {
	case VHOST_USER_SET_MEM_TABLE:
		if (m->payload.memory.nregions == 0 ||
		    m->payload.memory.nregions > VHOST_MEMORY_MAX_NREGIONS ||
		    nfds != m->payload.memory.nregions)
			abort();
		for (uint32_t i = 0; i < m->payload.memory.nregions; i++) {
			struct vhost_memory_region r = m->payload.memory.regions[i];

			if (r.guest_phys_addr + r.memory_size < r.guest_phys_addr ||
			    r.userspace_addr + r.memory_size < r.userspace_addr || !r.memory_size)
				abort();
		}
		return;
	case VHOST_USER_SET_VRING_NUM:
		if (m->payload.state.num == 0 || m->payload.state.num > 32768 ||
		    (m->payload.state.num & (m->payload.state.num - 1)))
			abort();
		/* fall through */
	case VHOST_USER_SET_VRING_BASE:
	case VHOST_USER_GET_VRING_BASE:
	case VHOST_USER_SET_VRING_ENABLE:
		idx = m->payload.state.index;
		break;
	case VHOST_USER_SET_VRING_ADDR:
		idx = m->payload.addr.index;
		break;
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		idx = (uint32_t)(m->payload.u64 & VHOST_USER_VRING_IDX_MASK);
		if (nfds != ((m->payload.u64 & VHOST_USER_VRING_NOFD_MASK) ? 0u : 1u))
			abort();
		break;
	default:
		if (nfds != 0)
			abort();
		return;
	}
	if (idx >= nr)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vhost_user_msg m;
	const char *why = NULL;
	unsigned int nfds;
	uint32_t nr;
	int ret;

	if (size < 2)
		return 0;
	nfds = data[0] & 15;
	nr = (uint32_t)(data[1] & 15) + 1;
	ret = vhost_msg_parse(data + 2, size - 2, nfds, nr, &m, &why);
	if (ret == 0)
		check(&m, size - 2, nfds, nr);
	else if ((ret != -EPROTO && ret != -EOPNOTSUPP) || why == NULL)
		abort();
	return 0;
}
