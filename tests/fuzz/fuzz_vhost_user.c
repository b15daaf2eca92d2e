/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: vhost-user reply parsing on the front-end side
 * (pmd/virtio/vhost_user.c) against a backend that answers with the
 * input's bytes. The replies are read from the socket as the driver reads
 * them (header first, then the payload its size announces), so the input
 * is written into the backend's end of a socket pair, which then shuts
 * its side: a reply cut short is the end of the stream, never a wait.
 *
 * Input format: byte 0 the protocol features taken as negotiated (bit 0:
 * REPLY_ACK), byte 1 how many requests, then one byte per request (which
 * one; its index or count), then the backend's byte stream.
 *
 * Besides ASan/UBSan, it checks what vhost_user.h promises: every request
 * returns 0 or one of its errors, a connection that failed (other than a
 * refusal the backend acked) is closed, and a closed one says -ENOTCONN.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_common.h"

#include "vhost_user.h"

FUZZ_INIT_QUIET()

/* Runs request @p op; @p fd is a file to pass where the request carries one. */
static int request(struct vhost_user *vu, uint8_t op, int fd)
{
	struct vhost_memory_region regions[VHOST_MEMORY_MAX_NREGIONS] = { 0 };
	int fds[VHOST_MEMORY_MAX_NREGIONS];
	struct vhost_vring_addr addr = { .index = op >> 4 };
	uint32_t base;
	uint64_t v;

	switch (op % 10) {
	case 0:
		return vhost_user_set_owner(vu);
	case 1:
		return vhost_user_get_u64(vu, VHOST_USER_GET_FEATURES, &v);
	case 2:
		return vhost_user_get_u64(
			vu, op & 0x10 ? VHOST_USER_GET_QUEUE_NUM : VHOST_USER_GET_PROTOCOL_FEATURES,
			&v);
	case 3:
		return vhost_user_set_u64(vu, VHOST_USER_SET_FEATURES, 1ull << 32);
	case 4:
		return vhost_user_set_protocol_features(vu, op & 0x10 ? 1u << 3 : 0);
	case 5:
		for (unsigned int i = 0; i < VHOST_MEMORY_MAX_NREGIONS; i++)
			fds[i] = fd;
		return vhost_user_set_mem_table(vu, regions, fds, (op >> 4) % 9);
	case 6:
		return vhost_user_set_vring(vu, VHOST_USER_SET_VRING_NUM, op >> 4, 256);
	case 7:
		return vhost_user_get_vring_base(vu, op >> 4, &base);
	case 8:
		return vhost_user_set_vring_addr(vu, &addr);
	default:
		return vhost_user_set_vring_fd(vu, VHOST_USER_SET_VRING_CALL, op >> 4,
					       op & 0x80 ? fd : -1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t pf = fuzz_u8(&in), nops = fuzz_u8(&in) % 16, ops[16];
	struct vhost_user vu;
	int sv[2], fd;

	fuzz_bytes(&in, ops, nops);
	fuzz_check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	fd = dup(sv[1]); /* any file to pass with SCM_RIGHTS */
	fuzz_check(fd >= 0);
	/* The backend's whole answer, then the end of its stream (fits the socket's buffer). */
	fuzz_check(write(sv[1], in.p, in.left) == (ssize_t)in.left);
	fuzz_check(shutdown(sv[1], SHUT_WR) == 0);
	vhost_user_attach(&vu, sv[0], "fuzz");
	vu.protocol_features = pf & 1 ? 1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK : 0;
	for (uint8_t i = 0; i < nops; i++) {
		bool was_open = vu.fd >= 0;
		int ret = request(&vu, ops[i], fd);

		fuzz_check(ret == 0 || ret == -ENOTCONN || ret == -ECONNRESET || ret == -EPIPE ||
			   ret == -ETIMEDOUT || ret == -EPROTO || ret == -EIO || ret == -EINVAL);
		fuzz_check(ret != -ETIMEDOUT); /* the stream ends: nothing waits */
		if (!was_open)
			fuzz_check(ret == -ENOTCONN || ret == -EINVAL);
		if (ret < 0 && ret != -EIO && ret != -EINVAL)
			fuzz_check(vu.fd < 0);
	}
	vhost_user_close(&vu);
	close(sv[1]);
	close(fd);
	return 0;
}
