/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry as prt_eal_init() serves it, asked by a client written to DPDK's
 * protocol (tel_client.h): the socket where DPDK's tools look for
 * --file-prefix, the EAL's, ethdev's and mempool's commands with the values
 * of a net_null and a net_ring port after traffic, the pool's name and
 * sizes, bad parameters; the socket removed at cleanup, and none with
 * --no-telemetry.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tel_client.h"

#include "ethdev_driver.h"
#include "prt_eal.h"
#include "prt_ethdev.h"
#include "prt_mbuf.h"

#define NB_FRAMES 100
#define FRAME_LEN 60

static char prefix[64], sock[PATH_MAX];
static struct prt_mempool *pool;
static uint16_t null0, ring0;
static int fd = -1;

static char *eal_argv[] = {
	"test_telemetry_eal", "-l",	"0",	     "--no-huge", "--file-prefix", prefix, "--vdev",
	"net_null0,size=64",  "--vdev", "net_ring0", "--",	  "app_arg",	   NULL
};

static void port_up(uint16_t port)
{
	assert_int_equal(prt_eth_dev_configure(port, 1, 1, NULL), 0);
	assert_int_equal(prt_eth_rx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL, pool), 0);
	assert_int_equal(prt_eth_tx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL), 0);
	assert_int_equal(prt_eth_dev_start(port), 0);
}

static cpu_set_t startup_cpus; /* the process's affinity before prt_eal_init() */

static int setup(void **state)
{
	(void)state;
	sched_getaffinity(0, sizeof(startup_cpus), &startup_cpus);
	snprintf(prefix, sizeof(prefix), "prt_test_tel_%d", (int)getpid());
	if (prt_eal_init((int)PRT_DIM(eal_argv) - 1, eal_argv) < 0)
		return -1;
	snprintf(sock, sizeof(sock), "%s/dpdk_telemetry.v2", prt_eal_runtime_dir());
	pool = prt_pktmbuf_pool_create("tel_pool", 1023, 32, 0, PRT_MBUF_DEFAULT_BUF_SIZE,
				       PRT_SOCKET_ID_ANY);
	if (pool == NULL || prt_eth_dev_get_port_by_name("net_null0", &null0) ||
	    prt_eth_dev_get_port_by_name("net_ring0", &ring0))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (fd >= 0)
		close(fd);
	prt_mempool_free(pool);
	return 0;
}

/* Where DPDK's dpdk-telemetry.py looks for --file-prefix, as root or not. */
static void test_socket_path(void **state)
{
	char want[PATH_MAX];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	(void)state;
	if (geteuid() == 0)
		snprintf(want, sizeof(want), "/var/run/dpdk/%s/dpdk_telemetry.v2", prefix);
	else
		snprintf(want, sizeof(want), "%s/dpdk/%s/dpdk_telemetry.v2",
			 xdg && *xdg ? xdg : "/tmp", prefix);
	assert_string_equal(sock, want);
	assert_int_equal(stat(sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	fd = tel_client_connect(sock, getpid());
}

/* The id of this process's thread named @p name, or -1. */
static pid_t thread_named(const char *name)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	pid_t tid = -1;

	while (d && tid < 0 && (e = readdir(d))) {
		char path[300], comm[32] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) && strncmp(comm, name, strlen(name)) == 0 &&
		    comm[strlen(name)] == '\n')
			tid = atoi(e->d_name);
		fclose(f);
	}
	if (d)
		closedir(d);
	return tid;
}

/*
 * The telemetry thread runs on the CPUs of no lcore: -l 0 takes CPU 0, so
 * it has the others the process had (CPU 0 when there are none).
 */
static void test_thread_cpus(void **state)
{
	pid_t tid = thread_named("prt-telemetry");
	cpu_set_t want = startup_cpus, got;

	(void)state;
	assert_true(tid > 0);
	CPU_CLR(0, &want);
	if (CPU_COUNT(&want) == 0)
		CPU_SET(0, &want);
	assert_int_equal(sched_getaffinity(tid, sizeof(got), &got), 0);
	assert_true(CPU_EQUAL(&got, &want));
	assert_false(CPU_ISSET(0, &got) && CPU_COUNT(&startup_cpus) > 1);
}

static void assert_strings(json_t *a, const char *const *want, size_t n)
{
	assert_true(json_is_array(a));
	assert_int_equal(json_array_size(a), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(json_string_value(json_array_get(a, i)), want[i]);
}

static void test_eal_params(void **state)
{
	static const char *const app[] = { "app_arg" };
	json_t *v;

	(void)state;
	v = tel_client_ask(fd, "/eal/params");
	/* argv[0] and the EAL's options, without the "--". */
	assert_strings(v, (const char *const *)eal_argv, PRT_DIM(eal_argv) - 3);
	json_decref(v);
	v = tel_client_ask(fd, "/eal/app_params");
	assert_strings(v, app, 1);
	json_decref(v);
}

/* Every command of DPDK 22.11's the issue names, registered by its own layer. */
static void test_command_list(void **state)
{
	static const char *const want[] = {
		"/",
		"/eal/app_params",
		"/eal/params",
		"/ethdev/info",
		"/ethdev/link_status",
		"/ethdev/list",
		"/ethdev/stats",
		"/ethdev/xstats",
		"/help",
		"/info",
		"/mempool/info",
		"/mempool/list",
	};
	json_t *v = tel_client_ask(fd, "/");

	(void)state;
	for (size_t k = 0; k < PRT_DIM(want); k++) {
		bool found = false;

		for (size_t i = 0; i < json_array_size(v); i++)
			found |= strcmp(json_string_value(json_array_get(v, i)), want[k]) == 0;
		if (!found)
			fail_msg("%s is not listed", want[k]);
	}
	json_decref(v);
}

/* The value of dictionary @p d's entry @p key, which must be an integer. */
static json_int_t int_of(json_t *d, const char *key)
{
	json_t *v = json_object_get(d, key);

	if (!json_is_integer(v))
		fail_msg("\"%s\" is not an integer", key);
	return json_integer_value(v);
}

/* The ports, and each one's stats after traffic against what ethdev counts. */
static void test_ethdev(void **state)
{
	struct prt_mbuf *pkts[NB_FRAMES];
	struct prt_eth_stats st;
	struct prt_ether_addr mac;
	char req[64], macs[PRT_ETHER_ADDR_FMT_SIZE];
	unsigned int got = 0;
	json_t *v;

	(void)state;
	v = tel_client_ask(fd, "/ethdev/list");
	assert_int_equal(json_array_size(v), 2);
	assert_int_equal(json_integer_value(json_array_get(v, 0)), null0);
	assert_int_equal(json_integer_value(json_array_get(v, 1)), ring0);
	json_decref(v);

	port_up(null0);
	port_up(ring0);
	/* net_ring0 alone is a loopback: NB_FRAMES out, the same NB_FRAMES back. */
	assert_int_equal(prt_pktmbuf_alloc_bulk(pool, pkts, NB_FRAMES), 0);
	for (int i = 0; i < NB_FRAMES; i++)
		assert_non_null(prt_pktmbuf_append(pkts[i], FRAME_LEN));
	assert_int_equal(prt_eth_tx_burst(ring0, 0, pkts, NB_FRAMES), NB_FRAMES);
	while (got < NB_FRAMES) {
		uint16_t n = prt_eth_rx_burst(ring0, 0, pkts, NB_FRAMES);

		assert_true(n > 0);
		prt_pktmbuf_free_bulk(pkts, n);
		got += n;
	}
	/* net_null0: a burst in, a burst out. */
	got = prt_eth_rx_burst(null0, 0, pkts, 32);
	assert_int_equal(got, 32);
	assert_int_equal(prt_eth_tx_burst(null0, 0, pkts, 32), 32);

	snprintf(req, sizeof(req), "/ethdev/stats,%u", ring0);
	v = tel_client_ask(fd, req);
	assert_int_equal(int_of(v, "opackets"), NB_FRAMES);
	assert_int_equal(int_of(v, "ipackets"), NB_FRAMES);
	assert_int_equal(int_of(v, "obytes"), NB_FRAMES * FRAME_LEN);
	assert_int_equal(int_of(v, "ibytes"), NB_FRAMES * FRAME_LEN);
	assert_int_equal(int_of(v, "imissed"), 0);
	assert_int_equal(int_of(v, "rx_nombuf"), 0);
	assert_int_equal(json_array_size(json_object_get(v, "q_ipackets")), 16);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(v, "q_ipackets"), 0)),
			 NB_FRAMES);
	json_decref(v);
	snprintf(req, sizeof(req), "/ethdev/stats,%u", null0);
	v = tel_client_ask(fd, req);
	assert_int_equal(prt_eth_stats_get(null0, &st), 0);
	assert_int_equal(int_of(v, "ipackets"), 32);
	assert_int_equal(int_of(v, "opackets"), 32);
	assert_int_equal(int_of(v, "ibytes"), (json_int_t)st.ibytes);
	assert_int_equal(int_of(v, "ibytes"), 32 * 64);
	json_decref(v);

	snprintf(req, sizeof(req), "/ethdev/xstats,%u", ring0);
	v = tel_client_ask(fd, req);
	assert_int_equal(int_of(v, "tx_good_packets"), NB_FRAMES);
	assert_int_equal(int_of(v, "rx_q0_packets"), NB_FRAMES);
	assert_int_equal(int_of(v, "rx_good_bytes"), NB_FRAMES * FRAME_LEN);
	json_decref(v);

	snprintf(req, sizeof(req), "/ethdev/link_status,%u", null0);
	v = tel_client_ask(fd, req);
	assert_string_equal(json_string_value(json_object_get(v, "status")), "UP");
	assert_string_equal(json_string_value(json_object_get(v, "duplex")), "full-duplex");
	json_decref(v);

	snprintf(req, sizeof(req), "/ethdev/info,%u", ring0);
	v = tel_client_ask(fd, req);
	assert_string_equal(json_string_value(json_object_get(v, "name")), "net_ring0");
	assert_int_equal(int_of(v, "port_id"), ring0);
	assert_int_equal(int_of(v, "nb_rx_queues"), 1);
	assert_int_equal(int_of(v, "dev_started"), 1);
	assert_int_equal(int_of(v, "dev_configured"), 1);
	assert_int_equal(int_of(v, "mtu"), 1500);
	assert_int_equal(int_of(v, "rx_mbuf_size_min"), PRT_MBUF_DEFAULT_BUF_SIZE);
	prt_eth_macaddr_get(ring0, &mac);
	prt_ether_format_addr(macs, sizeof(macs), &mac);
	assert_string_equal(json_string_value(json_object_get(v, "mac_addr")), macs);
	assert_int_equal(json_array_size(json_object_get(v, "rxq_state")), 1);
	json_decref(v);
	prt_eth_dev_stop(null0);
	prt_eth_dev_stop(ring0);
}

/* Bad port parameters: DPDK's null answer, and the connection goes on. */
static void test_ethdev_bad_params(void **state)
{
	static const char *const bad[] = {
		"/ethdev/stats",
		"/ethdev/stats,",
		"/ethdev/stats,x",
		"/ethdev/stats,-1",
		"/ethdev/stats,2",
		"/ethdev/stats,65536",
		"/ethdev/stats,99999999999999999999",
		"/ethdev/info,7",
		"/ethdev/xstats,a",
		"/ethdev/link_status,",
		"/mempool/info",
	};
	json_t *v;

	(void)state;
	for (size_t i = 0; i < PRT_DIM(bad); i++) {
		v = tel_client_ask(fd, bad[i]);
		if (!json_is_null(v))
			fail_msg("%s: not null", bad[i]);
		json_decref(v);
	}
	/* What follows the port id is ignored, as DPDK (the port was stopped: link down). */
	v = tel_client_ask(fd, "/ethdev/link_status,0,extra");
	assert_string_equal(json_string_value(json_object_get(v, "status")), "DOWN");
	assert_int_equal(json_object_size(v), 1);
	json_decref(v);
}

/* ---- a port closed while a client asks about it ---- */

static sem_t slow_entered, slow_release;
static atomic_bool slow_closed, closed_during_stats;

static int slow_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	(void)dev;
	info->max_rx_queues = 1;
	info->max_tx_queues = 1;
	return 0;
}

/* Holds the telemetry thread inside the driver until the test lets it go. */
static int slow_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *stats)
{
	sem_post(&slow_entered);
	sem_wait(&slow_release);
	atomic_store(&closed_during_stats, atomic_load(&slow_closed));
	stats->ipackets = *(uint64_t *)dev->dev_private; /* freed by a close: ASan would see it */
	return 0;
}

static int slow_close(struct prt_eth_dev *dev)
{
	(void)dev;
	atomic_store(&slow_closed, true);
	return 0;
}

static const struct prt_eth_dev_ops slow_ops = {
	.dev_infos_get = slow_infos_get,
	.stats_get = slow_stats_get,
	.dev_close = slow_close,
};

static struct prt_eth_driver slow_driver = { .name = "net_slow" };

static void *close_port(void *arg)
{
	prt_eth_dev_close((uint16_t)(uintptr_t)arg);
	return NULL;
}

/*
 * The application closes a port on its thread while the telemetry thread
 * is inside that port's stats: the close waits for the answer (the control
 * lock), which reads the port whole. A close that did not wait would be
 * seen by the driver (and its freed private data by ASan) within the 300 ms
 * given to it; a close that waits passes however long it is given.
 */
static void test_close_during_stats(void **state)
{
	struct prt_eth_dev *dev = prt_eth_dev_allocate("net_slow0", sizeof(uint64_t));
	struct timespec ts;
	char req[32];
	pthread_t closer;
	uint16_t port;
	json_t *v;

	(void)state;
	assert_non_null(dev);
	dev->driver = &slow_driver;
	dev->dev_ops = &slow_ops;
	*(uint64_t *)dev->dev_private = 42;
	prt_eth_dev_probing_finish(dev);
	port = dev->data.port_id;
	sem_init(&slow_entered, 0, 0);
	sem_init(&slow_release, 0, 0);

	snprintf(req, sizeof(req), "/ethdev/stats,%u", port);
	assert_int_equal(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 30;
	assert_int_equal(sem_timedwait(&slow_entered, &ts), 0);
	assert_int_equal(pthread_create(&closer, NULL, close_port, (void *)(uintptr_t)port), 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 300 * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	assert_int_equal(pthread_timedjoin_np(closer, NULL, &ts), ETIMEDOUT);
	sem_post(&slow_release);
	v = tel_client_read(fd);
	assert_int_equal(json_integer_value(
				 json_object_get(json_object_get(v, "/ethdev/stats"), "ipackets")),
			 42);
	json_decref(v);
	assert_false(atomic_load(&closed_during_stats));
	assert_int_equal(pthread_join(closer, NULL), 0);
	assert_true(atomic_load(&slow_closed));
	v = tel_client_ask(fd, req); /* gone */
	assert_true(json_is_null(v));
	json_decref(v);
	sem_destroy(&slow_entered);
	sem_destroy(&slow_release);
}

static void test_mempool(void **state)
{
	json_t *v;
	bool found = false;

	(void)state;
	v = tel_client_ask(fd, "/mempool/list");
	for (size_t i = 0; i < json_array_size(v); i++)
		found |= strcmp(json_string_value(json_array_get(v, i)), "tel_pool") == 0;
	assert_true(found);
	json_decref(v);
	v = tel_client_ask(fd, "/mempool/info,tel_pool");
	assert_string_equal(json_string_value(json_object_get(v, "name")), "tel_pool");
	assert_int_equal(int_of(v, "size"), 1023);
	assert_int_equal(int_of(v, "cache_size"), 32);
	assert_int_equal(int_of(v, "elt_size"), pool->elt_size);
	assert_int_equal(int_of(v, "socket_id"), pool->socket_id);
	assert_string_equal(json_string_value(json_object_get(v, "mz_name")), pool->mz->name);
	json_decref(v);
	v = tel_client_ask(fd, "/mempool/info,no_such_pool");
	assert_true(json_is_object(v));
	assert_int_equal(json_object_size(v), 0); /* DPDK's {} */
	json_decref(v);
}

/* Removed at cleanup; none with --no-telemetry; --telemetry after it turns it back on. */
static void test_cleanup_and_no_telemetry(void **state)
{
	char *argv[] = { "test",	   "-l", "0", "--no-huge", "--file-prefix", prefix,
			 "--no-telemetry", NULL };
	char *argv_on[] = {
		"test",		  "-l",		 "0", "--no-huge", "--file-prefix", prefix,
		"--no-telemetry", "--telemetry", NULL
	};
	char dir[PATH_MAX], c;
	struct stat st;

	(void)state;
	prt_mempool_free(pool);
	pool = NULL;
	snprintf(dir, sizeof(dir), "%s", prt_eal_runtime_dir());
	assert_int_equal(prt_eal_cleanup(), 0);
	assert_int_equal(stat(sock, &st), -1);
	assert_int_equal(recv(fd, &c, 1, 0), 0); /* the client was hung up */

	assert_true(prt_eal_init((int)PRT_DIM(argv) - 1, argv) >= 0);
	assert_int_equal(stat(sock, &st), -1);
	assert_int_equal(tel_client_open(sock), -1);
	assert_int_equal(prt_eal_cleanup(), 0);

	assert_true(prt_eal_init((int)PRT_DIM(argv_on) - 1, argv_on) >= 0);
	assert_int_equal(stat(sock, &st), 0);
	assert_int_equal(prt_eal_cleanup(), 0);
	assert_int_equal(rmdir(dir), 0); /* nothing else was left in it */
}

/*
 * A runtime directory that cannot be one (a file is in the way): init
 * warns and runs on without telemetry; with --telemetry it fails, and says
 * so; --no-telemetry runs.
 */
static void test_socket_impossible(void **state)
{
	char bad[80], path[PATH_MAX + 100];
	char *argv[] = { "test", "-l", "0", "--no-huge", "--file-prefix", bad, NULL, NULL };
	struct stat st;
	const char *slash = strrchr(sock, '/');
	int f;

	(void)state;
	snprintf(bad, sizeof(bad), "%s_file", prefix);
	/* sock is .../dpdk/<prefix>/dpdk_telemetry.v2: the file goes beside <prefix>. */
	snprintf(path, sizeof(path), "%.*s_file", (int)(slash - sock), sock);
	f = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(f >= 0);
	close(f);
	assert_true(prt_eal_init(6, argv) >= 0);
	assert_int_equal(prt_eal_cleanup(), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode)); /* left as it was */
	argv[5] = bad; /* prt_eal_init() put argv[0] there, as DPDK */
	argv[6] = "--telemetry";
	assert_true(prt_eal_init(7, argv) < 0);
	argv[6] = "--no-telemetry";
	assert_true(prt_eal_init(7, argv) >= 0);
	assert_int_equal(prt_eal_cleanup(), 0);
	assert_int_equal(unlink(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_path),
		cmocka_unit_test(test_eal_params),
		cmocka_unit_test(test_command_list),
		cmocka_unit_test(test_thread_cpus),
		cmocka_unit_test(test_ethdev),
		cmocka_unit_test(test_ethdev_bad_params),
		cmocka_unit_test(test_close_during_stats),
		cmocka_unit_test(test_mempool),
		cmocka_unit_test(test_cleanup_and_no_telemetry),
		cmocka_unit_test(test_socket_impossible),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
