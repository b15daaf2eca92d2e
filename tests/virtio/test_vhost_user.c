/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vhost-user message layer (pmd/virtio/vhost_user.c) against a scripted
 * backend on the other end of a socketpair: requests and their fds arrive
 * as the protocol says, and a backend that answers wrongly or goes away is
 * reported, counted and disconnected.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prt_common.h"
#include "prt_test.h"
#include "vhost_user.h"

enum reply_kind { REPLY_OK, REPLY_WRONG_REQ, REPLY_WRONG_SIZE, REPLY_NO_FLAG, REPLY_CLOSE };

struct backend {
	int fd;
	pthread_t thread;
	enum reply_kind kind;
	uint64_t value; /* payload of u64 replies (the ack status for REPLY_ACK) */
	unsigned int nreq; /* requests to serve (1 when 0) */
	/* what it received: the first request, its fds, and the request codes */
	struct vhost_user_msg msg;
	int fds[VHOST_MEMORY_MAX_NREGIONS];
	unsigned int nfds;
	uint32_t requests[4];
};

/* Receives one request into @msg, with its fds. */
static int backend_recv(struct backend *b, struct vhost_user_msg *msg)
{
	char control[CMSG_SPACE(sizeof(int) * VHOST_MEMORY_MAX_NREGIONS)];
	struct iovec iov = { .iov_base = msg, .iov_len = VHOST_USER_HDR_SIZE };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control) };
	struct cmsghdr *cm;

	if (recvmsg(b->fd, &mh, MSG_WAITALL) != VHOST_USER_HDR_SIZE)
		return -1;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		b->nfds = (unsigned int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(b->fds, CMSG_DATA(cm), sizeof(int) * b->nfds);
	}
	if (msg->size && recv(b->fd, &msg->payload, msg->size, MSG_WAITALL) != (ssize_t)msg->size)
		return -1;
	return 0;
}

/* Serves one request the way b->kind says; returns -1 when done. */
static int backend_serve(struct backend *b, struct vhost_user_msg *m)
{
	struct vhost_user_msg r = { 0 };
	bool wants_reply;

	if (backend_recv(b, m) < 0)
		return -1;
	wants_reply = m->request == VHOST_USER_GET_FEATURES ||
		      m->request == VHOST_USER_GET_PROTOCOL_FEATURES ||
		      m->request == VHOST_USER_GET_VRING_BASE ||
		      (m->flags & VHOST_USER_NEED_REPLY_MASK);
	if (b->kind == REPLY_CLOSE) {
		close(b->fd);
		return -1;
	}
	if (!wants_reply)
		return 0;
	r.request = b->kind == REPLY_WRONG_REQ ? m->request + 1 : m->request;
	r.flags = VHOST_USER_VERSION | (b->kind == REPLY_NO_FLAG ? 0 : VHOST_USER_REPLY_MASK);
	if (m->request == VHOST_USER_GET_VRING_BASE) {
		r.size = sizeof(r.payload.state);
		r.payload.state.index = m->payload.state.index;
		r.payload.state.num = (uint32_t)b->value;
	} else {
		r.size = sizeof(uint64_t);
		r.payload.u64 = b->value;
	}
	if (b->kind == REPLY_WRONG_SIZE)
		r.size += 4;
	return send(b->fd, &r, VHOST_USER_HDR_SIZE + r.size, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/* Serves b->nreq requests (at least one); keeps the first whole, the codes of all. */
static void *backend_main(void *arg)
{
	struct backend *b = arg;
	struct vhost_user_msg later;

	b->nfds = 0;
	memset(b->requests, 0, sizeof(b->requests));
	for (unsigned int i = 0; i < PRT_MAX(b->nreq, 1u) && i < PRT_DIM(b->requests); i++) {
		struct vhost_user_msg *m = i == 0 ? &b->msg : &later;

		if (backend_serve(b, m) < 0)
			break;
		b->requests[i] = m->request;
	}
	return NULL;
}

struct fixture {
	struct vhost_user vu;
	struct backend b;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int sv[2];

	assert_non_null(f);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	vhost_user_attach(&f->vu, sv[0], "test-backend");
	f->b.fd = sv[1];
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vhost_user_close(&f->vu);
	if (f->b.fd >= 0)
		close(f->b.fd);
	free(f);
	return 0;
}

static void serve(struct fixture *f, enum reply_kind kind, uint64_t value)
{
	f->b.kind = kind;
	f->b.value = value;
	assert_int_equal(pthread_create(&f->b.thread, NULL, backend_main, &f->b), 0);
}

static void served(struct fixture *f)
{
	pthread_join(f->b.thread, NULL);
}

static void test_get_features(void **state)
{
	struct fixture *f = *state;
	uint64_t v = 0;

	serve(f, REPLY_OK, 0x140008000ull);
	assert_int_equal(vhost_user_get_u64(&f->vu, VHOST_USER_GET_FEATURES, &v), 0);
	served(f);
	assert_int_equal(v, 0x140008000ull);
	assert_int_equal(f->b.msg.request, VHOST_USER_GET_FEATURES);
	assert_int_equal(f->b.msg.flags & VHOST_USER_VERSION_MASK, VHOST_USER_VERSION);
	assert_int_equal(f->b.msg.size, 0);
}

/* SET_MEM_TABLE carries the regions and one fd per region (SCM_RIGHTS). */
static void test_mem_table_fds(void **state)
{
	struct fixture *f = *state;
	struct vhost_memory_region r[2] = {
		{ .guest_phys_addr = 0x1000, .memory_size = 4096, .userspace_addr = 0x7f00 },
		{ .guest_phys_addr = 0x9000,
		  .memory_size = 8192,
		  .userspace_addr = 0x8f00,
		  .mmap_offset = 4096 },
	};
	int fds[2] = { eventfd(0, 0), eventfd(0, 0) };
	struct stat a, b;
	unsigned int i;

	/* Without REPLY_ACK, a GET_FEATURES behind the table says the backend has it. */
	f->b.nreq = 2;
	serve(f, REPLY_OK, 0);
	assert_int_equal(vhost_user_set_mem_table(&f->vu, r, fds, 2), 0);
	served(f);
	assert_int_equal(f->b.requests[0], VHOST_USER_SET_MEM_TABLE);
	assert_int_equal(f->b.requests[1], VHOST_USER_GET_FEATURES);
	assert_int_equal(f->b.msg.flags & VHOST_USER_NEED_REPLY_MASK, 0);
	assert_int_equal(f->b.msg.payload.memory.nregions, 2);
	assert_memory_equal(f->b.msg.payload.memory.regions, r, sizeof(r));
	assert_int_equal(f->b.nfds, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(fstat(fds[i], &a), 0);
		assert_int_equal(fstat(f->b.fds[i], &b), 0);
		assert_int_equal(a.st_ino, b.st_ino);
		close(f->b.fds[i]);
		close(fds[i]);
	}
	assert_int_equal(vhost_user_set_mem_table(&f->vu, r, fds, 0), -EINVAL);
}

/* SET_VRING_CALL without an fd sets the "no fd" bit; with one, passes it. */
static void test_vring_fd(void **state)
{
	struct fixture *f = *state;
	int efd = eventfd(0, 0);

	serve(f, REPLY_OK, 0);
	assert_int_equal(vhost_user_set_vring_fd(&f->vu, VHOST_USER_SET_VRING_CALL, 3, -1), 0);
	served(f);
	assert_int_equal(f->b.msg.payload.u64, 3 | VHOST_USER_VRING_NOFD_MASK);
	assert_int_equal(f->b.nfds, 0);
	serve(f, REPLY_OK, 0);
	assert_int_equal(vhost_user_set_vring_fd(&f->vu, VHOST_USER_SET_VRING_KICK, 1, efd), 0);
	served(f);
	assert_int_equal(f->b.msg.payload.u64, 1);
	assert_int_equal(f->b.nfds, 1);
	close(f->b.fds[0]);
	close(efd);
}

static void test_vring_base(void **state)
{
	struct fixture *f = *state;
	uint32_t base = 0;

	serve(f, REPLY_OK, 0x8005);
	assert_int_equal(vhost_user_get_vring_base(&f->vu, 1, &base), 0);
	served(f);
	assert_int_equal(base, 0x8005);
	assert_int_equal(f->b.msg.payload.state.index, 1);
}

/* REPLY_ACK: requests ask for a reply; a non-zero status is a refusal. */
static void test_reply_ack(void **state)
{
	struct fixture *f = *state;

	serve(f, REPLY_OK, 0);
	assert_int_equal(vhost_user_set_protocol_features(&f->vu,
							  1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK),
			 0);
	served(f);
	assert_int_equal(f->b.msg.flags & VHOST_USER_NEED_REPLY_MASK, 0);
	serve(f, REPLY_OK, 0);
	assert_int_equal(vhost_user_set_owner(&f->vu), 0);
	served(f);
	assert_true(f->b.msg.flags & VHOST_USER_NEED_REPLY_MASK);
	serve(f, REPLY_OK, 1);
	assert_int_equal(vhost_user_set_vring(&f->vu, VHOST_USER_SET_VRING_NUM, 0, 256), -EIO);
	served(f);
}

/* With REPLY_ACK, SET_MEM_TABLE waits for its ack and sends nothing more. */
static void test_mem_table_ack(void **state)
{
	struct fixture *f = *state;
	struct vhost_memory_region r = { .guest_phys_addr = 0x1000, .memory_size = 4096 };
	int fd = eventfd(0, 0);

	f->vu.protocol_features = 1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK;
	f->b.nreq = 2; /* a second request would be served too, and seen */
	serve(f, REPLY_OK, 0);
	assert_int_equal(vhost_user_set_mem_table(&f->vu, &r, &fd, 1), 0);
	shutdown(f->vu.fd, SHUT_WR); /* ends the backend's wait for a second request */
	served(f);
	assert_int_equal(f->b.requests[0], VHOST_USER_SET_MEM_TABLE);
	assert_int_equal(f->b.requests[1], 0);
	assert_true(f->b.msg.flags & VHOST_USER_NEED_REPLY_MASK);
	close(f->b.fds[0]);
	close(fd);
}

/* Bad input: malformed replies are refused, counted, and close the connection. */
static void check_malformed(void **state, enum reply_kind kind)
{
	struct fixture *f = *state;
	uint64_t v = 42;

	serve(f, kind, 7);
	assert_int_equal(vhost_user_get_u64(&f->vu, VHOST_USER_GET_FEATURES, &v), -EPROTO);
	served(f);
	assert_int_equal(v, 42); /* untouched */
	assert_int_equal(f->vu.stats.malformed, 1);
	assert_int_equal(f->vu.fd, -1);
	assert_int_equal(vhost_user_get_u64(&f->vu, VHOST_USER_GET_FEATURES, &v), -ENOTCONN);
}

static void test_malformed_request(void **state)
{
	check_malformed(state, REPLY_WRONG_REQ);
}

static void test_malformed_size(void **state)
{
	check_malformed(state, REPLY_WRONG_SIZE);
}

static void test_malformed_flags(void **state)
{
	check_malformed(state, REPLY_NO_FLAG);
}

/* Bad input: the backend closes the socket instead of answering, then sending fails too. */
static void test_backend_closes(void **state)
{
	struct fixture *f = *state;
	uint64_t v;
	int sv[2];

	serve(f, REPLY_CLOSE, 0);
	assert_int_equal(vhost_user_get_u64(&f->vu, VHOST_USER_GET_FEATURES, &v), -ECONNRESET);
	served(f);
	f->b.fd = -1; /* closed by the backend */
	assert_int_equal(f->vu.stats.disconnects, 1);
	/* a peer already gone: the send itself fails, without SIGPIPE */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	vhost_user_attach(&f->vu, sv[0], "gone");
	assert_true(vhost_user_set_owner(&f->vu) < 0);
	assert_int_equal(f->vu.stats.disconnects, 1);
}

static void test_connect_errors(void **state)
{
	struct vhost_user vu;
	char longpath[200];

	(void)state;
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(vhost_user_connect(&vu, longpath), -ENAMETOOLONG);
	assert_int_equal(vhost_user_connect(&vu, "/nonexistent/prt-vhost.sock"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_features, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_table_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vring_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vring_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_table_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_closes, setup, teardown),
		cmocka_unit_test(test_connect_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
