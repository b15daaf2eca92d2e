/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Round-trip latency over vhost-user: one 64-byte frame in flight, sent by a
 * front-end, looped back by a vhost back-end (dpdk-testpmd or testpmd-lite
 * with two net_vhost ports, io forwarding, port topology loop:
 * bench/latency_vhost.py starts it), received by the same front-end. prt's net_virtio_user and DPDK's in the same
 * process, each on its own backend port, in alternating blocks of round
 * trips so that a drifting load weighs on both alike.
 *
 * Each round trip is timed with the TSC from just before the tx burst to the
 * rx burst that returns the frame: in poll mode the front-end spins on its rx
 * queue; with --intr it arms the queue's interrupt and sleeps on it (prt:
 * prt_eth_dev_rx_intr_wait(); DPDK: rte_epoll_wait()), the wake-up path of
 * the backend's call eventfd.
 *
 *   bench_latency_vhost --prt-sock PATH --dpdk-sock PATH [--trips N] [--intr] [--no-huge]
 *                       [--side prt|dpdk] [--prt-rx-free-thresh N]
 *
 * --side brings up one front-end only (its EAL, its port) and runs its round
 * trips: for counting that side's system calls per round trip (strace -c,
 * two runs of different --trips, the difference divided by theirs:
 * latency_vhost.py --syscalls) and for valgrind, which DPDK's EAL does not
 * start under.
 *
 * --prt-rx-free-thresh sets prt's rx queue's rx_free_thresh (default: the
 * driver's, 32): 1 hands a buffer back at every frame, as DPDK's virtio
 * rx does at every burst whatever its threshold.
 *
 * Prints per side:
 *   case=vhost_latency_<poll|intr> side=<prt|dpdk> trips=N p10=NS p50=NS p90=NS p99=NS
 *        p999=NS max=NS waits=N switches=N
 * (waits: round trips that called the interrupt wait at least once, the
 * others found the frame back in the poll after arming; switches: the
 * voluntary context switches of those round trips, getrusage(RUSAGE_THREAD):
 * how often the thread really went to sleep, for a wait that finds the
 * frame's notification already there, or that comes while it is still in
 * the kernel, returns without sleeping) and then the p99 ratio dpdk/prt
 * (above 1: prt answers faster).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "bench_cpu.h"
#include "prt_cycles.h"
#include "prt_eal.h"
#include "prt_ethdev.h"
#include "prt_mbuf.h"
#include "prt_mempool.h"

#define FRAME_LEN 64
#define BLOCK 10000 /* round trips per side before switching */
#define NB_DESC 256
#define ETHER_TYPE_LOCAL 0x88b5 /* IEEE 802 local experimental */
#define TIMEOUT_CYCLES(hz) ((hz)*2) /* a frame not back in 2 s is lost */

/* One front-end: its port and how it sends, receives and sleeps. */
struct side {
	const char *name;
	uint16_t port;
	void *pool;
	uint64_t *rtt; /* cycles, one per round trip */
	uint64_t n;
	uint64_t waits; /* round trips that waited on the interrupt */
	uint64_t switches; /* voluntary context switches in the round trips */
	uint64_t seq;
	/* Sends one frame carrying @seq; 0 on success. */
	int (*send)(struct side *s, uint64_t seq);
	/* Receives up to one frame; returns its seq, or UINT64_MAX if none. */
	uint64_t (*recv)(struct side *s);
	/* Arms, waits for (up to @ms) and disarms the rx interrupt. */
	void (*arm)(struct side *s);
	void (*wait)(struct side *s, int ms);
	void (*disarm)(struct side *s);
	void *intr; /* prt: the rx interrupt set */
};

static void fill_frame(uint8_t *p, uint64_t seq)
{
	memset(p, 0, FRAME_LEN);
	memset(p, 0xff, 6); /* broadcast: every backend passes it */
	p[6] = 0x02; /* a locally administered source */
	p[12] = ETHER_TYPE_LOCAL >> 8;
	p[13] = ETHER_TYPE_LOCAL & 0xff;
	memcpy(p + 14, &seq, sizeof(seq));
}

static uint64_t frame_seq(const uint8_t *p, uint32_t len)
{
	uint64_t seq;

	if (len < 14 + sizeof(seq) || p[12] != (ETHER_TYPE_LOCAL >> 8))
		return UINT64_MAX - 1; /* not ours: ignored */
	memcpy(&seq, p + 14, sizeof(seq));
	return seq;
}

/* prt's side -------------------------------------------------------------- */

static int prt_send(struct side *s, uint64_t seq)
{
	struct prt_mbuf *m = prt_pktmbuf_alloc(s->pool);
	uint8_t *p = m ? (uint8_t *)prt_pktmbuf_append(m, FRAME_LEN) : NULL;

	if (p == NULL) {
		prt_pktmbuf_free(m);
		return -ENOMEM;
	}
	fill_frame(p, seq);
	if (prt_eth_tx_burst(s->port, 0, &m, 1) == 1)
		return 0;
	prt_pktmbuf_free(m);
	return -EAGAIN;
}

static uint64_t prt_recv(struct side *s)
{
	struct prt_mbuf *m;
	uint64_t seq;

	if (prt_eth_rx_burst(s->port, 0, &m, 1) == 0)
		return UINT64_MAX;
	seq = frame_seq(prt_pktmbuf_mtod(m, const uint8_t *), m->data_len);
	prt_pktmbuf_free(m);
	return seq;
}

static void prt_arm(struct side *s)
{
	prt_eth_dev_rx_intr_enable(s->port, 0);
}

static void prt_wait(struct side *s, int ms)
{
	prt_eth_dev_rx_intr_wait(s->intr, NULL, 1, ms);
}

static void prt_disarm(struct side *s)
{
	prt_eth_dev_rx_intr_disable(s->port, 0);
}

static int prt_side_init(struct side *s, bool intr, uint16_t rx_free_thresh)
{
	struct prt_eth_rxconf rxconf = { .rx_free_thresh = rx_free_thresh };
	struct prt_eth_conf conf = { 0 };
	struct prt_eth_rxq_id q = { 0, 0 };
	struct prt_eth_link link;

	if (prt_eth_dev_get_port_by_name("net_virtio_user0", &s->port) < 0)
		return -ENODEV;
	s->pool = prt_pktmbuf_pool_create("lat_prt", 2048, 0, 0, PRT_MBUF_DEFAULT_BUF_SIZE,
					  PRT_SOCKET_ID_ANY);
	conf.intr_conf.rxq = intr;
	if (s->pool == NULL || prt_eth_dev_configure(s->port, 1, 1, &conf) < 0 ||
	    prt_eth_rx_queue_setup(s->port, 0, NB_DESC, PRT_SOCKET_ID_ANY,
				   rx_free_thresh ? &rxconf : NULL, s->pool) < 0 ||
	    prt_eth_tx_queue_setup(s->port, 0, NB_DESC, PRT_SOCKET_ID_ANY, NULL) < 0 ||
	    prt_eth_dev_start(s->port) < 0)
		return -EIO;
	q.port_id = s->port;
	if (intr && prt_eth_rx_intr_set_create(&q, 1, (struct prt_eth_rx_intr_set **)&s->intr) < 0)
		return -ENOTSUP;
	prt_eth_link_get(s->port, &link);
	return link.link_status ? 0 : -ENOLINK;
}

/* DPDK's side ------------------------------------------------------------- */

static int dpdk_send(struct side *s, uint64_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->pool);
	uint8_t *p = m ? (uint8_t *)rte_pktmbuf_append(m, FRAME_LEN) : NULL;

	if (p == NULL) {
		rte_pktmbuf_free(m);
		return -ENOMEM;
	}
	fill_frame(p, seq);
	if (rte_eth_tx_burst(s->port, 0, &m, 1) == 1)
		return 0;
	rte_pktmbuf_free(m);
	return -EAGAIN;
}

static uint64_t dpdk_recv(struct side *s)
{
	struct rte_mbuf *m;
	uint64_t seq;

	if (rte_eth_rx_burst(s->port, 0, &m, 1) == 0)
		return UINT64_MAX;
	seq = frame_seq(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
	rte_pktmbuf_free(m);
	return seq;
}

static void dpdk_arm(struct side *s)
{
	rte_eth_dev_rx_intr_enable(s->port, 0);
}

static void dpdk_wait(struct side *s, int ms)
{
	struct rte_epoll_event ev;

	(void)s;
	rte_epoll_wait(RTE_EPOLL_PER_THREAD, &ev, 1, ms);
}

static void dpdk_disarm(struct side *s)
{
	rte_eth_dev_rx_intr_disable(s->port, 0);
}

static int dpdk_side_init(struct side *s, bool intr)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_link link;

	if (rte_eth_dev_get_port_by_name("net_virtio_user0", &s->port) < 0)
		return -ENODEV;
	s->pool = rte_pktmbuf_pool_create("lat_dpdk", 2048, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  SOCKET_ID_ANY);
	conf.intr_conf.rxq = intr;
	if (s->pool == NULL || rte_eth_dev_configure(s->port, 1, 1, &conf) < 0 ||
	    rte_eth_rx_queue_setup(s->port, 0, NB_DESC, SOCKET_ID_ANY, NULL, s->pool) < 0 ||
	    rte_eth_tx_queue_setup(s->port, 0, NB_DESC, SOCKET_ID_ANY, NULL) < 0 ||
	    rte_eth_dev_start(s->port) < 0)
		return -EIO;
	if (intr && rte_eth_dev_rx_intr_ctl_q(s->port, 0, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD,
					      NULL) < 0)
		return -ENOTSUP;
	rte_eth_link_get(s->port, &link);
	return link.link_status ? 0 : -ENOLINK;
}

/* The measurement --------------------------------------------------------- */

/* Runs @count round trips on @s; returns -ETIMEDOUT when a frame is lost. */
static int round_trips(struct side *s, uint64_t count, bool intr, uint64_t hz)
{
	struct rusage r0, r1;

	getrusage(RUSAGE_THREAD, &r0);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t seq = ++s->seq, got, t0, t;
		bool waited = false;

		t0 = prt_get_tsc_cycles();
		while (s->send(s, seq) < 0)
			if (prt_get_tsc_cycles() - t0 > TIMEOUT_CYCLES(hz))
				return -ETIMEDOUT;
		for (;;) {
			got = s->recv(s);
			if (got == seq)
				break;
			t = prt_get_tsc_cycles();
			if (t - t0 > TIMEOUT_CYCLES(hz))
				return -ETIMEDOUT;
			if (got != UINT64_MAX || !intr)
				continue;
			/* Arm, look once more (the frame may have come before the
			 * interrupt was armed), then sleep until it fires. */
			s->arm(s);
			got = s->recv(s);
			if (got == UINT64_MAX) {
				s->wait(s, 100);
				waited = true;
			}
			s->disarm(s);
			if (got == seq)
				break;
		}
		s->rtt[s->n++] = prt_get_tsc_cycles() - t0;
		s->waits += waited;
	}
	getrusage(RUSAGE_THREAD, &r1);
	s->switches += (uint64_t)(r1.ru_nvcsw - r0.ru_nvcsw);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The @q-quantile of the sorted @v, in ns. */
static double quantile_ns(const uint64_t *v, uint64_t n, double q, uint64_t hz)
{
	uint64_t i = (uint64_t)(q * (double)(n - 1));

	return (double)v[i] * 1e9 / (double)hz;
}

static double report(const struct side *s, const char *mode, uint64_t hz)
{
	double p99;

	qsort(s->rtt, s->n, sizeof(*s->rtt), cmp_u64);
	p99 = quantile_ns(s->rtt, s->n, 0.99, hz);
	printf("case=vhost_latency_%s side=%s trips=%llu p10=%.0f p50=%.0f p90=%.0f p99=%.0f "
	       "p999=%.0f max=%.0f waits=%llu switches=%llu\n",
	       mode, s->name, (unsigned long long)s->n, quantile_ns(s->rtt, s->n, 0.1, hz),
	       quantile_ns(s->rtt, s->n, 0.5, hz), quantile_ns(s->rtt, s->n, 0.9, hz), p99,
	       quantile_ns(s->rtt, s->n, 0.999, hz), quantile_ns(s->rtt, s->n, 1.0, hz),
	       (unsigned long long)s->waits, (unsigned long long)s->switches);
	return p99;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s --prt-sock PATH --dpdk-sock PATH [--trips N] [--intr] [--no-huge]\n"
		"       [--side prt|dpdk] [--prt-rx-free-thresh N]\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *prt_sock = NULL, *dpdk_sock = NULL;
	uint64_t trips = 1000000, hz;
	uint16_t rx_free_thresh = 0; /* the driver's */
	bool intr = false, no_huge = false;
	char prt_vdev[512], dpdk_vdev[512];
	struct side sides[2] = {
		{ .name = "prt",
		  .send = prt_send,
		  .recv = prt_recv,
		  .arm = prt_arm,
		  .wait = prt_wait,
		  .disarm = prt_disarm },
		{ .name = "dpdk",
		  .send = dpdk_send,
		  .recv = dpdk_recv,
		  .arm = dpdk_arm,
		  .wait = dpdk_wait,
		  .disarm = dpdk_disarm },
	};
	double p99[2];
	bool run[2] = { true, true }; /* --side: the round trips of one front-end only */

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--prt-sock") == 0 && i + 1 < argc)
			prt_sock = argv[++i];
		else if (strcmp(argv[i], "--dpdk-sock") == 0 && i + 1 < argc)
			dpdk_sock = argv[++i];
		else if (strcmp(argv[i], "--trips") == 0 && i + 1 < argc && atoll(argv[i + 1]) > 0)
			trips = (uint64_t)atoll(argv[++i]);
		else if (strcmp(argv[i], "--prt-rx-free-thresh") == 0 && i + 1 < argc &&
			 atoi(argv[i + 1]) > 0 && atoi(argv[i + 1]) <= NB_DESC)
			rx_free_thresh = (uint16_t)atoi(argv[++i]);
		else if (strcmp(argv[i], "--intr") == 0)
			intr = true;
		else if (strcmp(argv[i], "--no-huge") == 0)
			no_huge = true;
		else if (strcmp(argv[i], "--side") == 0 && i + 1 < argc &&
			 (strcmp(argv[i + 1], "prt") == 0 || strcmp(argv[i + 1], "dpdk") == 0))
			run[strcmp(argv[++i], "prt") == 0 ? 1 : 0] = false; /* the other side's */
		else
			usage(argv[0]);
	}
	if (prt_sock == NULL || dpdk_sock == NULL)
		usage(argv[0]);
	snprintf(prt_vdev, sizeof(prt_vdev), "net_virtio_user0,path=%s,queue_size=%d", prt_sock,
		 NB_DESC);
	snprintf(dpdk_vdev, sizeof(dpdk_vdev), "net_virtio_user0,path=%s,queue_size=%d", dpdk_sock,
		 NB_DESC);
	{
		char *pa[] = { "bench",
			       "-l",
			       "0",
			       "-m",
			       "64",
			       "--no-telemetry",
			       "--log-level=error",
			       "--vdev",
			       prt_vdev,
			       no_huge ? "--no-huge" : NULL,
			       NULL };
		/* One file per segment: vhost-user takes at most 8 memory regions. */
		char *da[] = { "bench",
			       "--single-file-segments",
			       "-l",
			       "0",
			       "-m",
			       "128",
			       "--no-pci",
			       "--no-telemetry",
			       "--log-level=error",
			       "--vdev",
			       dpdk_vdev,
			       no_huge ? "--no-huge" : "--in-memory",
			       NULL };
		int pc = no_huge ? 10 : 9;

		if ((run[0] && prt_eal_init(pc, pa) < 0) ||
		    (run[1] && rte_eal_init((int)(sizeof(da) / sizeof(da[0])) - 1, da) < 0)) {
			fprintf(stderr, "bench: EAL init failed (hugepages? try --no-huge)\n");
			return 1;
		}
	}
	if ((run[0] && prt_side_init(&sides[0], intr, rx_free_thresh) < 0) ||
	    (run[1] && dpdk_side_init(&sides[1], intr) < 0)) {
		fprintf(stderr, "bench: a front-end did not come up (is the backend running, link "
				"up, rx interrupts there?)\n");
		return 1;
	}
	hz = run[0] ? prt_get_tsc_hz() : rte_get_tsc_hz();
	for (int k = 0; k < 2; k++) {
		sides[k].rtt = calloc(trips, sizeof(uint64_t));
		if (sides[k].rtt == NULL)
			return 1;
		if (run[k])
			round_trips(&sides[k], 1000, intr, hz); /* warm up: caches, rings */
		sides[k].n = 0;
		sides[k].waits = 0;
		sides[k].switches = 0;
	}
	for (uint64_t done = 0; done < trips; done += BLOCK) {
		uint64_t n = trips - done < BLOCK ? trips - done : BLOCK;
		int first = (int)((done / BLOCK) & 1); /* who goes first alternates */

		for (int k = 0; k < 2; k++) {
			struct side *s = &sides[first ^ k];

			if (run[first ^ k] && round_trips(s, n, intr, hz) < 0) {
				fprintf(stderr, "bench: %s: a frame did not come back in 2 s\n",
					s->name);
				return 1;
			}
		}
	}
	bench_print_cpu(stdout);
	printf("tsc_hz=%llu\n", (unsigned long long)hz);
	for (int k = 0; k < 2; k++)
		if (run[k])
			p99[k] = report(&sides[k], intr ? "intr" : "poll", hz);
	if (run[0] && run[1])
		printf("case=vhost_latency_%s_p99 prt=%.0f dpdk=%.0f ratio=%.2f\n",
		       intr ? "intr" : "poll", p99[0], p99[1], p99[1] / p99[0]);
	if (run[1]) {
		rte_eth_dev_stop(sides[1].port);
		rte_eal_cleanup();
	}
	if (run[0]) {
		prt_eth_dev_stop(sides[0].port);
		prt_eal_cleanup();
	}
	return 0;
}
