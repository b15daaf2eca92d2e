/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost-user messages as the back-end receives them (QEMU
 * docs/interop/vhost-user.rst, "Message Specification" and "Front-end
 * message types"): a pure parser, bytes and a count of file descriptors in,
 * a checked message out, so that nothing a front-end sends reaches the
 * back-end's state unchecked. The layouts are the front-end's (vhost_user.h).
 * Private to net_vhost; also linked by the fuzz target tests/fuzz/fuzz_vhost_msg.c.
 */
#ifndef VHOST_MSG_H
#define VHOST_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "vhost_user.h"

/** Most bytes of payload any request the back-end handles carries (SET_MEM_TABLE). */
#define VHOST_MSG_PAYLOAD_MAX ((uint32_t)sizeof(((struct vhost_user_msg *)0)->payload))

/** Most file descriptors one message may carry (SET_MEM_TABLE: one per region). */
#define VHOST_MSG_MAX_FDS VHOST_MEMORY_MAX_NREGIONS

/**
 * Checks the 12-byte header at @p hdr (VHOST_USER_HDR_SIZE bytes): version 1,
 * not a reply, a payload of at most VHOST_MSG_PAYLOAD_MAX bytes. Pure; thread-safe.
 * @param why  set to a static reason on failure
 * @return the payload size to read next; -EPROTO.
 */
int vhost_msg_check_header(const void *hdr, const char **why);

/**
 * Parses one whole message (header and payload) of @p len bytes at @p buf,
 * which came with @p nfds file descriptors, for a back-end of @p nr_vrings
 * vrings (2 per queue pair), into @p out (zeroed first, the payload copied).
 * Every request code, size, ring index, ring size, region count and region
 * range (no overflow of address + size), fd count (exactly what the request
 * takes: one per region, one for KICK/CALL/ERR unless "no fd") is checked.
 * Pure (no I/O, touches only @p out and @p why); thread-safe.
 * @param why  set to a static reason on failure
 * @return 0; -EPROTO for a malformed message; -EOPNOTSUPP for a request the
 *         back-end does not handle (both with @p why).
 */
int vhost_msg_parse(const void *buf, size_t len, unsigned int nfds, uint32_t nr_vrings,
		    struct vhost_user_msg *out, const char **why);

#endif /* VHOST_MSG_H */
