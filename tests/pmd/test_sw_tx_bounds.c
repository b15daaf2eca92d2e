/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Software ports' tx paths against chains that lie (issue 15, #3 and #6):
 *  - net_pcap: a chain whose segments add up to more than its pkt_len (and
 *    more than the queue's gather buffer) is dropped and counted, never
 *    gathered past the buffer; a true chain is written whole;
 *  - net_af_packet (root, on lo): a frame of more than 64 segments, which
 *    no sendmmsg() iovec set takes, is dropped and counted instead of
 *    stalling the queue (tx_burst returning 0 for ever); the frame behind
 *    it is sent.
 *
 *   test_sw_tx_bounds pcap | af_packet
 */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prt_test.h"

#include "prt_eal.h"
#include "prt_ethdev.h"
#include "prt_mbuf.h"

#define SEG_LEN 2000

static struct prt_mempool *pool;
static uint16_t port;
static char out_path[] = "/tmp/prt-tx-bounds-XXXXXX";

/* A chain of @nb segments of @len bytes each, byte i of the frame = i & 0xff. */
static struct prt_mbuf *chain(unsigned int nb, uint16_t len)
{
	struct prt_mbuf *head = NULL, *last = NULL;
	uint32_t off = 0;

	for (unsigned int k = 0; k < nb; k++) {
		struct prt_mbuf *m = prt_pktmbuf_alloc(pool);
		uint8_t *p;

		assert_non_null(m);
		p = (uint8_t *)prt_pktmbuf_append(m, len);
		assert_non_null(p);
		for (uint16_t i = 0; i < len; i++)
			p[i] = (uint8_t)(off + i);
		off += len;
		if (head == NULL) {
			head = m;
		} else {
			last->next = m;
			head->nb_segs++;
			head->pkt_len += len;
		}
		last = m;
	}
	return head;
}

static void start_port(const char *name)
{
	assert_int_equal(prt_eth_dev_get_port_by_name(name, &port), 0);
	assert_int_equal(prt_eth_dev_configure(port, 1, 1, NULL), 0);
	assert_int_equal(prt_eth_rx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL, pool), 0);
	assert_int_equal(prt_eth_tx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL), 0);
	assert_int_equal(prt_eth_dev_start(port), 0);
}

/*
 * 40 x 2000 bytes (80000, past the 65535-byte gather buffer) under a
 * pkt_len of 1000. A debug build (PRT_DEBUG: mbuf sanity checks) stops at
 * the first free of such a chain, naming it; a release build's tx path
 * drops it and counts it, without gathering past the buffer.
 */
static void send_lying_chain(void)
{
	struct prt_mbuf *m = chain(40, SEG_LEN);

	m->pkt_len = 1000;
	assert_int_equal(prt_eth_tx_burst(port, 0, &m, 1), 1);
}

static void pcap_lying_chain_dropped(void **state)
{
	struct prt_mbuf *m;
	struct prt_eth_stats st;
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;

	(void)state;
	start_port("net_pcap0");
#ifdef PRT_DEBUG
	{
		char msg[4096] = "";
		int fd, status;
		ssize_t n;
		pid_t pid = prt_test_fork_piped(&fd);

		if (pid == 0) {
			dup2(fd, STDERR_FILENO);
			prt_log_set_stream(stderr);
			send_lying_chain();
			_exit(0);
		}
		n = read(fd, msg, sizeof(msg) - 1);
		msg[n > 0 ? n : 0] = '\0';
		close(fd);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
		assert_non_null(strstr(msg, "pkt_len differs from the sum of the segments"));
	}
#else
	send_lying_chain();
#endif
	m = chain(3, 500); /* a true chain of 1500 bytes */
	assert_int_equal(prt_eth_tx_burst(port, 0, &m, 1), 1);
	assert_int_equal(prt_eth_stats_get(port, &st), 0);
#ifndef PRT_DEBUG
	assert_int_equal(st.oerrors, 1);
#endif
	assert_int_equal(st.opackets, 1);
	assert_int_equal(st.obytes, 1500);
	assert_int_equal(prt_eth_dev_stop(port), 0);
	assert_int_equal(prt_eth_dev_close(port), 0); /* flushes the dumper */

	p = pcap_open_offline(out_path, err);
	assert_non_null(p);
	assert_int_equal(pcap_next_ex(p, &h, &data), 1);
	assert_int_equal(h->caplen, 1500);
	for (unsigned int i = 0; i < 1500; i++)
		assert_int_equal(data[i], (uint8_t)i);
	assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK); /* nothing else */
	pcap_close(p);
}

static void af_packet_too_many_segments_dropped(void **state)
{
	struct prt_mbuf *pkts[2];
	struct prt_eth_stats st;
	unsigned int taken = 0;

	(void)state;
	start_port("net_af_packet0");
	pkts[0] = chain(70, 60); /* 70 segments: more than a frame may have */
	pkts[1] = chain(1, 60);
	for (int call = 0; call < 10 && taken < 2; call++)
		taken += prt_eth_tx_burst(port, 0, pkts + taken, (uint16_t)(2 - taken));
	assert_int_equal(taken, 2); /* the queue did not stall on the first */
	assert_int_equal(prt_eth_stats_get(port, &st), 0);
	assert_int_equal(st.oerrors, 1);
	assert_int_equal(st.opackets, 1);
	assert_int_equal(prt_eth_dev_stop(port), 0);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

int main(int argc, char **argv)
{
	char vdev[600];
	char *eal[] = { "test", "-l", "0", "--no-huge", "--vdev", vdev, NULL };
	const struct CMUnitTest pcap_tests[] = {
		cmocka_unit_test(pcap_lying_chain_dropped),
	};
	const struct CMUnitTest afp_tests[] = {
		cmocka_unit_test(af_packet_too_many_segments_dropped),
	};
	bool afp = argc > 1 && strcmp(argv[1], "af_packet") == 0;
	int fd, ret;

	if (afp) {
		if (geteuid() != 0)
			prt_test_skip("net_af_packet needs CAP_NET_RAW: run as root");
		snprintf(vdev, sizeof(vdev), "net_af_packet0,iface=lo");
	} else {
		fd = mkstemp(out_path);
		assert_true(fd >= 0);
		close(fd);
		snprintf(vdev, sizeof(vdev), "net_pcap0,tx_pcap=%s", out_path);
	}
	if (prt_eal_init((int)PRT_DIM(eal) - 1, eal) < 0)
		return 1;
	pool = prt_pktmbuf_pool_create("tx_bounds", 1024, 0, 0, SEG_LEN + PRT_PKTMBUF_HEADROOM,
				       PRT_SOCKET_ID_ANY);
	if (pool == NULL)
		return 1;
	ret = afp ? cmocka_run_group_tests(afp_tests, NULL, NULL) :
		    cmocka_run_group_tests(pcap_tests, NULL, NULL);
	prt_mempool_free(pool);
	prt_eal_cleanup();
	if (!afp)
		unlink(out_path);
	return ret;
}
