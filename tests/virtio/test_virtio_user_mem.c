/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_virtio_user keeps its vhost-user backend's memory table in step with
 * prt's memory (pmd/virtio/virtio_user.c, vu_mem_event()). A scripted
 * backend listens on a unix socket and records every request; a port on it
 * is started, then prt's heap is made to grow:
 *  - each new segment reaches the backend, before the allocation returns, in
 *    a SET_MEM_TABLE with one region more whose fd is the segment's own file,
 *    sent between the rings paused and resumed;
 *  - the ninth segment is refused (the allocation fails) with the line that
 *    says to reserve memory with -m, and the backend hears nothing of it;
 *  - a stopped port follows no memory and refuses none; started again with
 *    nine segments, it is refused with the same advice.
 *
 * One 2 MiB page per new segment: after start-up, hugepage discovery reads
 * a fake sysfs tree that reports one free page, so the heap grows by what an
 * allocation needs instead of its usual 64 MiB (eal_memory_grow()). The
 * pages themselves are real. SKIP without enough free 2 MiB hugepages.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mem/mem_test.h"
#include "memsegs.h"

#include "eal_memory.h"
#include "prt_ethdev.h"
#include "prt_malloc.h"
#include "prt_mbuf.h"
#include "prt_memory.h"
#include "vhost_user.h"

#define MAX_REQS 1024
#define MAX_TABLES 32
#define MAX_SEGS 16
/* Fits a 2 MiB segment with the heap's headers, never two in one. */
#define BLOCK_SIZE ((size_t)3 << 19)

/* A SET_MEM_TABLE as the backend received it. */
struct table {
	unsigned int at; /* its index in the request log */
	uint32_t n;
	struct vhost_memory_region r[VHOST_MEMORY_MAX_NREGIONS];
	ino_t ino[VHOST_MEMORY_MAX_NREGIONS]; /* of each fd received */
};

/* One request: its code and, for ring requests, ring and value. */
struct req {
	uint32_t request;
	uint32_t index, num;
};

static struct backend {
	char dir[64], path[108];
	int lfd, fd;
	pthread_t thread;
	pthread_mutex_t lock;
	struct req reqs[MAX_REQS];
	unsigned int nb_reqs;
	struct table tables[MAX_TABLES];
	unsigned int nb_tables;
} be = { .lock = PTHREAD_MUTEX_INITIALIZER };

static char fake_root[64];
static uint16_t port;
static void *blocks[MAX_SEGS * 2];
static unsigned int nb_blocks;

/* Reads one request and its fds; false at the end of the connection. */
static bool be_recv(struct vhost_user_msg *m, int *fds, unsigned int *nfds)
{
	char control[CMSG_SPACE(sizeof(int) * VHOST_MEMORY_MAX_NREGIONS)];
	struct iovec iov = { .iov_base = m, .iov_len = VHOST_USER_HDR_SIZE };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control) };

	*nfds = 0;
	if (recvmsg(be.fd, &mh, MSG_WAITALL) != VHOST_USER_HDR_SIZE)
		return false;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		*nfds = (unsigned int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fds, CMSG_DATA(cm), sizeof(int) * *nfds);
	}
	return m->size <= sizeof(m->payload) &&
	       (m->size == 0 || recv(be.fd, &m->payload, m->size, MSG_WAITALL) == (ssize_t)m->size);
}

/* Logs @m (and a table with the identity of each file), closing its fds. */
static void be_record(const struct vhost_user_msg *m, const int *fds, unsigned int nfds)
{
	pthread_mutex_lock(&be.lock);
	if (be.nb_reqs < MAX_REQS)
		be.reqs[be.nb_reqs] = (struct req){ .request = m->request,
						    .index = m->payload.state.index,
						    .num = m->payload.state.num };
	if (m->request == VHOST_USER_SET_MEM_TABLE && be.nb_tables < MAX_TABLES) {
		struct table *t = &be.tables[be.nb_tables++];

		t->at = be.nb_reqs;
		t->n = PRT_MIN(m->payload.memory.nregions, nfds);
		memcpy(t->r, m->payload.memory.regions, sizeof(t->r[0]) * t->n);
		for (uint32_t i = 0; i < t->n; i++) {
			struct stat st;

			t->ino[i] = fstat(fds[i], &st) == 0 ? st.st_ino : 0;
		}
	}
	be.nb_reqs++;
	pthread_mutex_unlock(&be.lock);
	for (unsigned int i = 0; i < nfds; i++)
		close(fds[i]);
}

/* A vhost-user backend that accepts every request: VERSION_1, REPLY_ACK. */
static void *be_main(void *arg)
{
	struct vhost_user_msg m, r;
	int fds[VHOST_MEMORY_MAX_NREGIONS];
	unsigned int nfds;

	(void)arg;
	be.fd = accept(be.lfd, NULL, NULL);
	while (be.fd >= 0 && be_recv(&m, fds, &nfds)) {
		be_record(&m, fds, nfds);
		r = (struct vhost_user_msg){ .request = m.request,
					     .flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK,
					     .size = sizeof(uint64_t) };
		if (m.request == VHOST_USER_GET_FEATURES)
			r.payload.u64 = (1ull << 32) | (1ull << VHOST_USER_F_PROTOCOL_FEATURES);
		else if (m.request == VHOST_USER_GET_PROTOCOL_FEATURES)
			r.payload.u64 = 1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK;
		else if (m.request == VHOST_USER_GET_VRING_BASE)
			r.size = sizeof(r.payload.state),
			r.payload.state.index = m.payload.state.index;
		else if (!(m.flags & VHOST_USER_NEED_REPLY_MASK))
			continue;
		if (send(be.fd, &r, VHOST_USER_HDR_SIZE + r.size, MSG_NOSIGNAL) < 0)
			break;
	}
	if (be.fd >= 0)
		close(be.fd);
	return NULL;
}

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fake_root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A sysfs/proc tree with one free 2 MiB page, for hugepage discovery. */
static void fake_tree_make(void)
{
	char cmd[256];

	snprintf(fake_root, sizeof(fake_root), "/tmp/prt-vu-mem-sysXXXXXX");
	assert_non_null(mkdtemp(fake_root));
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/sys/kernel/mm/hugepages/hugepages-2048kB %s/proc",
		 fake_root, fake_root);
	assert_int_equal(system(cmd), 0);
	put("sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "1\n");
	put("sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "1\n");
	put("sys/kernel/mm/hugepages/hugepages-2048kB/resv_hugepages", "0\n");
	put("proc/meminfo", "Hugepagesize:       2048 kB\n");
	put("proc/mounts", "proc /proc proc rw 0 0\n");
}

/* Points hugepage discovery at the fake tree (@on) or back at the real one. */
static void fake_tree_use(bool on)
{
	char sys[96], proc[96];

	snprintf(sys, sizeof(sys), "%s/sys", fake_root);
	snprintf(proc, sizeof(proc), "%s/proc", fake_root);
	eal_hugepage_info_set_roots(on ? sys : NULL, on ? proc : NULL);
}

static int group_setup(void **state)
{
	static char lcores[128], vdev[160];
	char *argv[] = { "test", "--lcores", lcores, "--no-pci", "-m", "8", "--vdev", vdev, NULL };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct prt_mempool *mp;

	(void)state;
	mem_test_need_hugepages(32);
	prt_test_lcores(lcores, sizeof(lcores));
	snprintf(be.dir, sizeof(be.dir), "/tmp/prt-vu-memXXXXXX");
	if (mkdtemp(be.dir) == NULL)
		return -1;
	snprintf(be.path, sizeof(be.path), "%s/vhost.sock", be.dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", be.path);
	be.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (be.lfd < 0 || bind(be.lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(be.lfd, 1) < 0 || pthread_create(&be.thread, NULL, be_main, NULL) != 0)
		return -1;
	snprintf(vdev, sizeof(vdev), "net_virtio_user0,path=%s,queue_size=64", be.path);
	if (prt_eal_init((int)PRT_DIM(argv) - 1, argv) < 0)
		return -1;
	mp = prt_pktmbuf_pool_create("vu_mem_pool", 255, 0, 0, PRT_MBUF_DEFAULT_BUF_SIZE,
				     PRT_SOCKET_ID_ANY);
	if (mp == NULL || prt_eth_dev_get_port_by_name("net_virtio_user0", &port) < 0 ||
	    prt_eth_dev_configure(port, 1, 1, NULL) < 0 ||
	    prt_eth_rx_queue_setup(port, 0, 64, PRT_SOCKET_ID_ANY, NULL, mp) < 0 ||
	    prt_eth_tx_queue_setup(port, 0, 64, PRT_SOCKET_ID_ANY, NULL) < 0)
		return -1;
	fake_tree_make();
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[160];

	(void)state;
	fake_tree_use(false);
	prt_eth_dev_close(port); /* the backend sees the end of the connection */
	pthread_join(be.thread, NULL);
	while (nb_blocks > 0)
		prt_free(blocks[--nb_blocks]);
	prt_eal_cleanup();
	close(be.lfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", be.dir, fake_root);
	return system(cmd);
}

static ino_t seg_ino(const struct prt_memseg *ms)
{
	struct stat st;
	uint64_t off;
	int fd;

	assert_int_equal(prt_memseg_get_fd(ms, &fd, &off), 0);
	assert_int_equal(fstat(fd, &st), 0);
	return st.st_ino;
}

static unsigned int tables_seen(void)
{
	unsigned int n;

	pthread_mutex_lock(&be.lock);
	n = be.nb_tables;
	pthread_mutex_unlock(&be.lock);
	return n;
}

/* The backend's last table is exactly prt's segments, each with its own file. */
static void check_last_table(const struct memsegs *s)
{
	const struct table *t = &be.tables[tables_seen() - 1];

	assert_int_equal(t->n, s->n);
	for (unsigned int i = 0; i < s->n; i++) {
		assert_int_equal(t->r[i].userspace_addr, (uintptr_t)s->ms[i].addr);
		assert_int_equal(t->r[i].guest_phys_addr, (uintptr_t)s->ms[i].addr);
		assert_int_equal(t->r[i].memory_size, s->ms[i].len);
		assert_int_equal(t->ino[i], seg_ino(&s->ms[i]));
	}
}

/* Allocates BLOCK_SIZE bytes; returns the block (NULL when refused). */
static void *alloc_block(void)
{
	void *p = prt_malloc("vu_mem_test", BLOCK_SIZE, 0);

	if (p != NULL)
		blocks[nb_blocks++] = p;
	return p;
}

/* Allocates until prt has one segment more (returns true) or the heap refuses (false). */
static bool grow_one(unsigned int nsegs)
{
	struct memsegs s;

	for (int tries = 0; tries < 8; tries++) {
		if (alloc_block() == NULL)
			return false;
		if (memsegs_read(&s) > nsegs)
			return true;
	}
	fail_msg("8 blocks of %zu bytes never needed a new segment", BLOCK_SIZE);
	return false;
}

static void test_start_shares_every_segment(void **state)
{
	struct memsegs s;

	(void)state;
	assert_int_equal(prt_eth_dev_start(port), 0);
	assert_int_equal(tables_seen(), 1);
	memsegs_read(&s);
	check_last_table(&s);
}

/* The table grows with prt's memory, one region a segment, up to 8. */
static void test_growth_announced(void **state)
{
	struct memsegs s;

	(void)state;
	fake_tree_use(true);
	while (memsegs_read(&s) < VHOST_MEMORY_MAX_NREGIONS) {
		unsigned int before = tables_seen(), n = s.n;
		const struct table *t;
		const struct req *r;

		assert_true(grow_one(n));
		/* Told before prt_malloc() returned: exactly one new table, one region more. */
		assert_int_equal(tables_seen(), before + 1);
		assert_int_equal(memsegs_read(&s), n + 1);
		check_last_table(&s);
		/* Rings 0 and 1 paused before it, resumed after it. */
		t = &be.tables[before];
		assert_true(t->at >= 2 && t->at + 2 < be.nb_reqs);
		for (unsigned int k = 0; k < 2; k++) {
			r = &be.reqs[t->at - 2 + k];
			assert_int_equal(r->request, VHOST_USER_SET_VRING_ENABLE);
			assert_int_equal(r->index, k);
			assert_int_equal(r->num, 0);
			r = &be.reqs[t->at + 1 + k];
			assert_int_equal(r->request, VHOST_USER_SET_VRING_ENABLE);
			assert_int_equal(r->index, k);
			assert_int_equal(r->num, 1);
		}
	}
}

/* A ninth segment is refused, with the advice, and the backend hears nothing. */
static void test_ninth_refused(void **state)
{
	unsigned int before = tables_seen();
	struct memsegs s;
	char *log = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(memsegs_read(&s), VHOST_MEMORY_MAX_NREGIONS);
	f = mem_test_log_begin(&log, &len);
	assert_false(grow_one(VHOST_MEMORY_MAX_NREGIONS));
	mem_test_log_end(f);
	assert_non_null(strstr(log, "vhost-user shares at most 8"));
	assert_non_null(strstr(log, "the allocation that needed it is refused"));
	assert_non_null(strstr(log, "-m or --socket-mem"));
	free(log);
	assert_int_equal(memsegs_read(&s), VHOST_MEMORY_MAX_NREGIONS);
	assert_int_equal(tables_seen(), before);
}

/* Stopped, the port follows no memory; it cannot start again over 8 segments. */
static void test_stopped_port(void **state)
{
	unsigned int before;
	struct memsegs s;
	char *log = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(prt_eth_dev_stop(port), 0);
	before = tables_seen();
	assert_true(grow_one(VHOST_MEMORY_MAX_NREGIONS));
	assert_int_equal(memsegs_read(&s), VHOST_MEMORY_MAX_NREGIONS + 1);
	assert_int_equal(tables_seen(), before);
	f = mem_test_log_begin(&log, &len);
	assert_int_equal(prt_eth_dev_start(port), -ENOSPC);
	mem_test_log_end(f);
	assert_non_null(strstr(log, "the port cannot start"));
	free(log);
	assert_int_equal(tables_seen(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_shares_every_segment),
		cmocka_unit_test(test_growth_announced),
		cmocka_unit_test(test_ninth_refused),
		cmocka_unit_test(test_stopped_port),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
