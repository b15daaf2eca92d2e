/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interrupt helpers without a device: the epoll wait/ack over a handle
 * whose vectors are plain eventfds, and the prt-intr callback thread
 * (callbacks run on it, one may unregister itself, unregistering the last
 * stops the thread and leaves no fd behind, disabling a handle takes its
 * vectors' callbacks with it). The VFIO side (SET_IRQS on a
 * real NIC) is in tests/vm/vfio_nic.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "intr_private.h"
#include "prt_interrupts.h"
#include "prt_test.h"

static void signal_fd(int fd)
{
	uint64_t one = 1;

	assert_int_equal(write(fd, &one, sizeof(one)), sizeof(one));
}

static void test_epoll_wait_ack(void **state)
{
	struct prt_intr_handle h = { .dev_fd = -1, .mode = PRT_INTR_MODE_MSIX, .nb_vec = 2 };
	uint64_t data[4];
	int epfd;

	(void)state;
	h.efds[0] = eventfd(0, EFD_NONBLOCK);
	h.efds[1] = eventfd(0, EFD_NONBLOCK);
	epfd = prt_intr_epoll_create();
	assert_true(epfd >= 0);
	assert_int_equal(prt_intr_epoll_add(epfd, &h, 0, 100), 0);
	assert_int_equal(prt_intr_epoll_add(epfd, &h, 1, 101), 0);
	assert_int_equal(prt_intr_epoll_add(epfd, &h, 2, 102), -EINVAL);
	assert_int_equal(prt_intr_epoll_wait(epfd, data, 4, 0), 0);
	signal_fd(h.efds[1]);
	signal_fd(h.efds[1]);
	assert_int_equal(prt_intr_epoll_wait(epfd, data, 4, 1000), 1);
	assert_int_equal(data[0], 101);
	/* level-triggered: still ready until acked; the ack counts both signals */
	assert_int_equal(prt_intr_epoll_wait(epfd, data, 4, 0), 1);
	assert_int_equal(prt_intr_ack(&h, 1), 2);
	assert_int_equal(prt_intr_ack(&h, 1), 0);
	assert_int_equal(prt_intr_epoll_wait(epfd, data, 4, 0), 0);
	assert_int_equal(prt_intr_ack(&h, 2), -EINVAL);
	assert_int_equal(prt_intr_efd(&h, 0), h.efds[0]);
	assert_int_equal(prt_intr_efd(&h, 5), -EINVAL);
	assert_int_equal(prt_intr_epoll_wait(epfd, NULL, 4, 0), -EINVAL);
	assert_int_equal(prt_intr_epoll_del(epfd, &h, 0), 0);
	assert_int_equal(prt_intr_mask(&h), -ENOTSUP); /* MSI-X masks at the device */
	close(epfd);
	close(h.efds[0]);
	close(h.efds[1]);
}

static void test_enable_checks(void **state)
{
	struct prt_intr_handle h = { .dev_fd = -1 };

	(void)state;
	assert_int_equal(prt_intr_enable(&h, PRT_INTR_MODE_MSIX, 0), -EINVAL);
	assert_int_equal(prt_intr_enable(&h, PRT_INTR_MODE_MSIX, PRT_INTR_VEC_MAX + 1), -EINVAL);
	assert_int_equal(prt_intr_enable(&h, PRT_INTR_MODE_MSIX, 1), -ENOTSUP);
	assert_int_equal(prt_intr_enable(&h, PRT_INTR_MODE_AUTO, 1), -ENOTSUP);
	assert_int_equal(prt_intr_vec_max(&h, PRT_INTR_MODE_NONE), -EINVAL);
	assert_int_equal(prt_intr_disable(&h), 0);
}

struct cb_state {
	int fd;
	pthread_t thread;
	int calls;
	int unregister_self;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

static void callback(int fd, void *arg)
{
	struct cb_state *s = arg;
	uint64_t v;

	assert_int_equal(read(fd, &v, sizeof(v)), sizeof(v));
	pthread_mutex_lock(&lock);
	s->thread = pthread_self();
	s->calls++;
	if (s->unregister_self)
		prt_intr_callback_unregister(fd);
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static void wait_calls(struct cb_state *s, int n)
{
	pthread_mutex_lock(&lock);
	while (s->calls < n)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
}

static void test_callback_thread(void **state)
{
	struct cb_state a = { 0 }, b = { 0 };
	int before = prt_test_count_fds();

	(void)state;
	a.fd = eventfd(0, EFD_NONBLOCK);
	b.fd = eventfd(0, EFD_NONBLOCK);
	b.unregister_self = 1;
	assert_int_equal(prt_intr_callback_register(a.fd, callback, &a), 0);
	assert_int_equal(prt_intr_callback_register(a.fd, callback, &a), -EEXIST);
	assert_int_equal(prt_intr_callback_register(b.fd, callback, &b), 0);
	signal_fd(a.fd);
	wait_calls(&a, 1);
	assert_false(pthread_equal(a.thread, pthread_self()));
	signal_fd(b.fd);
	wait_calls(&b, 1);
	assert_true(pthread_equal(a.thread, b.thread)); /* one thread runs them all */
	assert_int_equal(prt_intr_callback_unregister(b.fd), -ENOENT); /* it removed itself */
	signal_fd(a.fd);
	wait_calls(&a, 2);
	assert_int_equal(prt_intr_callback_unregister(a.fd), 0);
	assert_int_equal(prt_intr_callback_unregister(a.fd), -ENOENT);
	close(a.fd);
	close(b.fd);
	/* the thread has stopped and closed its epoll and wake fds */
	assert_int_equal(prt_test_count_fds(), before);
	/* and a new registration starts a new one */
	a.fd = eventfd(0, EFD_NONBLOCK);
	assert_int_equal(prt_intr_callback_register(a.fd, callback, &a), 0);
	signal_fd(a.fd);
	wait_calls(&a, 3);
	assert_int_equal(prt_intr_callback_unregister(a.fd), 0);
	close(a.fd);
	assert_int_equal(prt_test_count_fds(), before);
}

static void hangup(int fd, void *arg)
{
	struct cb_state *s = arg;

	pthread_mutex_lock(&lock);
	s->calls++;
	prt_intr_callback_unregister(fd); /* a hang-up stays */
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

/* A hang-up watch runs on the peer's close, not on data another thread reads. */
static void test_callback_hangup(void **state)
{
	struct cb_state h = { 0 }, e = { 0 };
	int sv[2], before = prt_test_count_fds();
	char buf[4];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	e.fd = eventfd(0, EFD_NONBLOCK);
	assert_int_equal(prt_intr_callback_register_hangup(sv[0], hangup, &h), 0);
	assert_int_equal(prt_intr_callback_register(e.fd, callback, &e), 0);
	/* Data first, then the eventfd: epoll reports ready fds in that order,
	 * so had the data woken the watch, it would have run before. */
	assert_int_equal(write(sv[1], "ping", 4), 4);
	signal_fd(e.fd);
	wait_calls(&e, 1);
	pthread_mutex_lock(&lock);
	assert_int_equal(h.calls, 0);
	pthread_mutex_unlock(&lock);
	assert_int_equal(read(sv[0], buf, sizeof(buf)), 4);
	close(sv[1]);
	wait_calls(&h, 1);
	assert_int_equal(prt_intr_callback_unregister(sv[0]), -ENOENT); /* it removed itself */
	assert_int_equal(prt_intr_callback_unregister(e.fd), 0);
	close(sv[0]);
	close(e.fd);
	assert_int_equal(prt_test_count_fds(), before);
}

/* A callback that unregisters itself, then goes on using its object for a while. */
struct self_unreg {
	int fd;
	atomic_int unregistered; /* the callback took itself off the list */
	atomic_int finished; /* the callback returned */
};

static void self_unregister(int fd, void *arg)
{
	struct self_unreg *s = arg;

	prt_intr_callback_unregister(fd);
	atomic_store(&s->unregistered, 1);
	usleep(200 * 1000); /* still using s: the application must not free it yet */
	atomic_store(&s->finished, 1);
}

/*
 * The vhost-user hang-up and the device-request handlers unregister
 * themselves and go on using their port; the application closing that port
 * unregisters the same fd. That call must not return (and let it free the
 * port) while the callback still runs, even though the fd is no longer
 * listed.
 */
static void test_unregister_waits_for_running(void **state)
{
	struct self_unreg s = { .fd = eventfd(0, EFD_NONBLOCK) };
	int before = prt_test_count_fds() - 1;

	(void)state;
	assert_int_equal(prt_intr_callback_register(s.fd, self_unregister, &s), 0);
	signal_fd(s.fd);
	while (!atomic_load(&s.unregistered))
		usleep(1000);
	assert_int_equal(prt_intr_callback_unregister(s.fd), -ENOENT);
	assert_int_equal(atomic_load(&s.finished), 1);
	close(s.fd);
	/* the thread stopped with its last callback */
	for (int i = 0; i < 1000 && prt_test_count_fds() != before; i++)
		usleep(1000);
	assert_int_equal(prt_test_count_fds(), before);
}

/*
 * Disabling a handle's vectors takes their callbacks with them: the fds
 * close under a driver on hot-unplug, and a callback left on a closed fd
 * number would fire for whatever opens it next.
 */
static void test_disable_unregisters(void **state)
{
	struct prt_intr_handle h = { .dev_fd = -1, .mode = PRT_INTR_MODE_MSIX, .nb_vec = 2 };
	struct cb_state a = { 0 };
	int before = prt_test_count_fds(), fd0;

	(void)state;
	h.efds[0] = eventfd(0, EFD_NONBLOCK);
	h.efds[1] = eventfd(0, EFD_NONBLOCK);
	fd0 = h.efds[0];
	assert_int_equal(prt_intr_callback_register(fd0, callback, &a), 0);
	signal_fd(fd0);
	wait_calls(&a, 1);
	prt_intr_disable(&h); /* SET_IRQS fails on dev_fd -1: the fds close anyway */
	assert_int_equal(h.nb_vec, 0);
	assert_int_equal(prt_intr_callback_unregister(fd0), -ENOENT);
	/* the callback thread stopped with its last callback, and both fds are closed */
	assert_int_equal(prt_test_count_fds(), before);
}

#define RACE_ROUNDS 2000
#define RACE_VECS 8

static struct prt_intr_handle race_h;
static pthread_barrier_t race_start, race_done;
static atomic_bool race_over;
static atomic_uint stolen; /* fds of the bystander closed under it */

static void *race_disabler(void *arg)
{
	(void)arg;
	for (int r = 0; r < RACE_ROUNDS; r++) {
		pthread_barrier_wait(&race_start);
		prt_intr_disable(&race_h);
		pthread_barrier_wait(&race_done);
	}
	return NULL;
}

/* Opens and uses fds meanwhile: a vector's fd closed twice may be one of these. */
static void *race_bystander(void *arg)
{
	(void)arg;
	while (!atomic_load(&race_over)) {
		int fd = eventfd(0, EFD_NONBLOCK);
		uint64_t one = 1;

		if (write(fd, &one, sizeof(one)) != sizeof(one) || close(fd) != 0)
			atomic_fetch_add(&stolen, 1);
	}
	return NULL;
}

/*
 * prt_intr_disable() on one handle from two threads at once, as the
 * interrupt thread (a hot-unplug's close) and the application's thread
 * (a driver's stop) can: each vector's fd is closed once, never an fd that
 * another thread opened meanwhile, and the handle ends disabled.
 */
static void test_disable_from_two_threads(void **state)
{
	pthread_t t[3];

	(void)state;
	assert_int_equal(pthread_barrier_init(&race_start, NULL, 3), 0);
	assert_int_equal(pthread_barrier_init(&race_done, NULL, 3), 0);
	atomic_store(&race_over, false);
	assert_int_equal(pthread_create(&t[0], NULL, race_disabler, NULL), 0);
	assert_int_equal(pthread_create(&t[1], NULL, race_disabler, NULL), 0);
	assert_int_equal(pthread_create(&t[2], NULL, race_bystander, NULL), 0);
	for (int r = 0; r < RACE_ROUNDS; r++) {
		eal_intr_handle_init(&race_h, -1);
		race_h.mode = PRT_INTR_MODE_MSIX;
		for (int v = 0; v < RACE_VECS; v++)
			race_h.efds[v] = eventfd(0, EFD_NONBLOCK);
		race_h.nb_vec = RACE_VECS;
		pthread_barrier_wait(&race_start);
		pthread_barrier_wait(&race_done);
		assert_int_equal(race_h.nb_vec, 0);
		assert_int_equal(race_h.mode, PRT_INTR_MODE_NONE);
	}
	atomic_store(&race_over, true);
	for (int k = 0; k < 3; k++)
		pthread_join(t[k], NULL);
	assert_int_equal(atomic_load(&stolen), 0);
	pthread_barrier_destroy(&race_start);
	pthread_barrier_destroy(&race_done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoll_wait_ack),
		cmocka_unit_test(test_enable_checks),
		cmocka_unit_test(test_callback_thread),
		cmocka_unit_test(test_callback_hangup),
		cmocka_unit_test(test_disable_unregisters),
		cmocka_unit_test(test_unregister_waits_for_running),
		cmocka_unit_test(test_disable_from_two_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
