/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ethdev API in-process, over software ports probed from --vdev:
 * the life cycle and its refusals, the fast path through net_ring (frames
 * come back in order, the same mbufs: zero copy), a joined pair, stats and
 * xstats, tx buffers, rx interrupts where a driver has none, and net_pcap's
 * end of input and chaining of large frames.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "prt_test.h"

#include "prt_eal.h"
#include "prt_ethdev.h"
#include "prt_mbuf.h"

static struct prt_mempool *pool;
static struct prt_mempool *small_pool; /* 256-byte mbufs: frames chain */
static uint16_t null0, ring0, ring1, ring2, pcap0, pcap1;
static char vdev_pcap[512], vdev_zoo[600], zoo_path[512];

static int setup(void **state)
{
	const char *src = getenv("PRT_SOURCE_ROOT");
	char *argv[] = {
		"test",	  "-l",	       "0",	 "--no-huge", "--vdev", "net_null0,size=100",
		"--vdev", "net_ring0", "--vdev", "net_ring1", "--vdev", "net_ring2,peer=net_ring1",
		"--vdev", vdev_pcap,   "--vdev", vdev_zoo,    NULL
	};

	(void)state;
	snprintf(vdev_pcap, sizeof(vdev_pcap), "net_pcap0,rx_pcap=%s/tests/data/mptcp-v0.pcap",
		 src ? src : "..");
	snprintf(zoo_path, sizeof(zoo_path), "%s/tests/data/zoo.pcap", src ? src : "..");
	snprintf(vdev_zoo, sizeof(vdev_zoo), "net_pcap1,rx_pcap=%s", zoo_path);
	if (prt_eal_init((int)PRT_DIM(argv) - 1, argv) < 0)
		return -1;
	pool = prt_pktmbuf_pool_create("test_pool", 4096, 64, 0, 2048 + PRT_PKTMBUF_HEADROOM,
				       PRT_SOCKET_ID_ANY);
	small_pool = prt_pktmbuf_pool_create("small_pool", 4096, 64, 0, 256 + PRT_PKTMBUF_HEADROOM,
					     PRT_SOCKET_ID_ANY);
	if (pool == NULL || small_pool == NULL)
		return -1;
	if (prt_eth_dev_get_port_by_name("net_null0", &null0) ||
	    prt_eth_dev_get_port_by_name("net_ring0", &ring0) ||
	    prt_eth_dev_get_port_by_name("net_ring1", &ring1) ||
	    prt_eth_dev_get_port_by_name("net_ring2", &ring2) ||
	    prt_eth_dev_get_port_by_name("net_pcap0", &pcap0) ||
	    prt_eth_dev_get_port_by_name("net_pcap1", &pcap1))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	uint16_t p;

	(void)state;
	PRT_ETH_FOREACH_DEV(p)
		prt_eth_dev_close(p);
	prt_mempool_free(pool);
	prt_mempool_free(small_pool);
	return prt_eal_cleanup();
}

static void port_up(uint16_t port, struct prt_mempool *mp)
{
	assert_int_equal(prt_eth_dev_configure(port, 1, 1, NULL), 0);
	assert_int_equal(prt_eth_rx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL, mp), 0);
	assert_int_equal(prt_eth_tx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL), 0);
	assert_int_equal(prt_eth_dev_start(port), 0);
}

/* Ports are numbered in --vdev order; names and counts are right. */
static void test_probe_order(void **state)
{
	(void)state;
	assert_int_equal(prt_eth_dev_count_avail(), 6);
	assert_int_equal(null0, 0);
	assert_int_equal(pcap0, 4);
	assert_string_equal(prt_eth_dev_name(ring2), "net_ring2");
	assert_null(prt_eth_dev_name(7));
	assert_int_equal(prt_eth_dev_get_port_by_name("net_ring9", &ring0 /* unchanged */),
			 -ENODEV);
}

/* Each step of the life cycle refuses what comes too early or asks too much. */
static void test_life_cycle_refusals(void **state)
{
	struct prt_eth_dev_info info;
	struct prt_eth_conf conf = { .rxmode = { .mtu = 20 } };

	(void)state;
	assert_int_equal(prt_eth_dev_info_get(null0, &info), 0);
	assert_string_equal(info.driver_name, "net_null");
	assert_int_equal(prt_eth_dev_configure(9, 1, 1, NULL), -ENODEV);
	assert_int_equal(prt_eth_rx_queue_setup(null0, 0, 256, -1, NULL, pool), -EINVAL);
	assert_int_equal(prt_eth_dev_start(null0), -EINVAL); /* not configured */
	assert_int_equal(prt_eth_dev_configure(null0, info.max_rx_queues + 1, 1, NULL), -EINVAL);
	assert_int_equal(prt_eth_dev_configure(null0, 0, 0, NULL), -EINVAL);
	assert_int_equal(prt_eth_dev_configure(null0, 1, 1, &conf), -EINVAL); /* MTU 20 */
	assert_int_equal(prt_eth_dev_configure(null0, 2, 1, NULL), 0);
	assert_int_equal(prt_eth_rx_queue_setup(null0, 2, 256, -1, NULL, pool), -EINVAL);
	assert_int_equal(prt_eth_rx_queue_setup(null0, 0, 256, -1, NULL, NULL), -EINVAL);
	assert_int_equal(prt_eth_rx_queue_setup(null0, 0, 256, -1, NULL, pool), 0);
	assert_int_equal(prt_eth_tx_queue_setup(null0, 0, 256, -1, NULL), 0);
	assert_int_equal(prt_eth_dev_start(null0), -EINVAL); /* rx queue 1 not set up */
	assert_int_equal(prt_eth_rx_queue_setup(null0, 1, 256, -1, NULL, pool), 0);
	assert_int_equal(prt_eth_dev_start(null0), 0);
	assert_int_equal(prt_eth_dev_configure(null0, 1, 1, NULL), -EBUSY);
	assert_int_equal(prt_eth_dev_stop(null0), 0);
	assert_int_equal(prt_eth_dev_configure(null0, 1, 1, NULL), 0);
}

/* net_null: frames of size= bytes; stats and xstats count them. */
static void test_null_stats(void **state)
{
	struct prt_mbuf *pkts[32];
	struct prt_eth_stats st;
	uint64_t v;
	uint16_t n;

	(void)state;
	port_up(null0, pool);
	assert_int_equal(prt_eth_stats_reset(null0), 0);
	n = prt_eth_rx_burst(null0, 0, pkts, 32);
	assert_int_equal(n, 32);
	assert_int_equal(pkts[0]->pkt_len, 100);
	assert_int_equal(pkts[0]->port, null0);
	assert_int_equal(prt_eth_tx_burst(null0, 0, pkts, n), 32);
	assert_int_equal(prt_eth_stats_get(null0, &st), 0);
	assert_int_equal(st.ipackets, 32);
	assert_int_equal(st.ibytes, 3200);
	assert_int_equal(st.opackets, 32);
	assert_int_equal(st.q_opackets[0], 32);
	assert_int_equal(prt_eth_xstats_get_by_name(null0, "rx_q0_bytes", &v), 0);
	assert_int_equal(v, 3200);
	assert_int_equal(prt_eth_xstats_get_by_name(null0, "no_such_xstat", &v), -ENOENT);
	assert_int_equal(prt_eth_dev_rx_intr_enable(null0, 0), -ENOTSUP);
	assert_int_equal(prt_eth_rx_eof(null0), 0); /* a null port never ends */
	assert_int_equal(prt_eth_dev_stop(null0), 0);
	assert_int_equal(prt_eth_rx_burst(null0, 0, pkts, 32), 0); /* stopped: nothing */
}

/* net_ring alone is a loopback: the same mbufs come back, in order. */
static void test_ring_loopback_zero_copy(void **state)
{
	struct prt_mbuf *out[8], *in[8];

	(void)state;
	port_up(ring0, pool);
	assert_int_equal(prt_pktmbuf_alloc_bulk(pool, out, 8), 0);
	for (int i = 0; i < 8; i++)
		out[i]->pkt_len = out[i]->data_len = (uint16_t)(60 + i);
	assert_int_equal(prt_eth_tx_burst(ring0, 0, out, 8), 8);
	assert_int_equal(prt_eth_rx_burst(ring0, 0, in, 8), 8);
	for (int i = 0; i < 8; i++)
		assert_ptr_equal(in[i], out[i]);
	prt_pktmbuf_free_bulk(in, 8);
	assert_int_equal(prt_eth_dev_stop(ring0), 0);
}

/* A joined pair: what one sends the other receives; a tx buffer flushes when full. */
static void test_ring_pair_and_tx_buffer(void **state)
{
	uint8_t buf[PRT_ETH_TX_BUFFER_SIZE(4)];
	struct prt_eth_dev_tx_buffer *tb = (struct prt_eth_dev_tx_buffer *)buf;
	struct prt_mbuf *m[6], *in[8];
	uint64_t dropped = 0;

	(void)state;
	port_up(ring1, pool);
	port_up(ring2, pool);
	assert_int_equal(prt_eth_tx_buffer_init(tb, 4), 0);
	assert_int_equal(prt_eth_tx_buffer_set_err_callback(tb, prt_eth_tx_buffer_count_callback,
							    &dropped),
			 0);
	assert_int_equal(prt_pktmbuf_alloc_bulk(pool, m, 6), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(prt_eth_tx_buffer(ring2, 0, tb, m[i]), 0);
	assert_int_equal(prt_eth_tx_buffer(ring2, 0, tb, m[3]), 4); /* full: flushed */
	assert_int_equal(prt_eth_tx_buffer(ring2, 0, tb, m[4]), 0);
	assert_int_equal(prt_eth_tx_buffer_flush(ring2, 0, tb), 1);
	assert_int_equal(prt_eth_rx_burst(ring2, 0, in, 8), 0); /* not to itself */
	assert_int_equal(prt_eth_rx_burst(ring1, 0, in, 8), 5);
	assert_ptr_equal(in[0], m[0]);
	assert_ptr_equal(in[4], m[4]);
	prt_pktmbuf_free_bulk(in, 5);
	prt_pktmbuf_free(m[5]);
	assert_int_equal(dropped, 0);
	assert_int_equal(prt_eth_dev_stop(ring1), 0);
	assert_int_equal(prt_eth_dev_stop(ring2), 0);
}

/* net_pcap: the capture comes in whole, in 256-byte chains, then ends. */
static void test_pcap_chains_and_eof(void **state)
{
	struct prt_mbuf *pkts[32];
	uint64_t frames = 0, chained = 0;
	int spins = 0;

	(void)state;
	port_up(pcap0, small_pool);
	assert_int_equal(prt_eth_rx_eof(pcap0), 0);
	while (prt_eth_rx_eof(pcap0) == 0 && spins++ < 100000) {
		uint16_t n = prt_eth_rx_burst(pcap0, 0, pkts, 32);

		for (uint16_t i = 0; i < n; i++) {
			uint32_t sum = 0, segs = 0;

			for (struct prt_mbuf *s = pkts[i]; s; s = s->next, segs++)
				sum += s->data_len;
			assert_int_equal(sum, pkts[i]->pkt_len);
			assert_int_equal(segs, pkts[i]->nb_segs);
			chained += segs > 1;
		}
		frames += n;
		prt_pktmbuf_free_bulk(pkts, n);
	}
	assert_int_equal(prt_eth_rx_eof(pcap0), 1);
	assert_true(frames > 0);
	assert_true(chained > 0);
	assert_int_equal(prt_eth_rx_burst(pcap0, 0, pkts, 32), 0);
	assert_int_equal(prt_mempool_in_use_count(small_pool), 0);
	assert_int_equal(prt_eth_dev_stop(pcap0), 0);
}

/*
 * net_pcap and records captured short of the frame (caplen < len, as
 * `tcpdump -s N` writes them): delivered as captured, caplen bytes, as
 * DPDK's net_pcap does, and counted in rx_truncated. zoo.pcap holds such
 * records; libpcap, read here, says how many the port must deliver.
 */
static void test_pcap_truncated_records(void **state)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const uint8_t *data;
	uint64_t want_frames = 0, want_bytes = 0, want_truncated = 0, frames = 0, bytes = 0;
	uint64_t truncated = 0;
	struct prt_mbuf *pkts[32];
	pcap_t *p = pcap_open_offline(zoo_path, errbuf);
	int spins = 0;

	(void)state;
	assert_non_null(p);
	while (pcap_next_ex(p, &hdr, &data) == 1) {
		if (hdr->caplen < PRT_ETHER_HDR_LEN || hdr->caplen > 1500 + PRT_ETHER_HDR_CRC_LEN)
			continue; /* runts and oversize frames: dropped, counted apart */
		want_frames++;
		want_bytes += hdr->caplen;
		want_truncated += hdr->caplen < hdr->len;
	}
	pcap_close(p);
	assert_true(want_truncated > 0);

	port_up(pcap1, pool);
	while (prt_eth_rx_eof(pcap1) == 0 && spins++ < 1000000) {
		uint16_t n = prt_eth_rx_burst(pcap1, 0, pkts, 32);

		for (uint16_t i = 0; i < n; i++)
			bytes += pkts[i]->pkt_len;
		frames += n;
		prt_pktmbuf_free_bulk(pkts, n);
	}
	assert_int_equal(frames, want_frames);
	assert_int_equal(bytes, want_bytes);
	assert_int_equal(prt_eth_xstats_get_by_name(pcap1, "rx_truncated", &truncated), 0);
	assert_int_equal(truncated, want_truncated);
	assert_int_equal(prt_eth_dev_stop(pcap1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_order),
		cmocka_unit_test(test_life_cycle_refusals),
		cmocka_unit_test(test_null_stats),
		cmocka_unit_test(test_ring_loopback_zero_copy),
		cmocka_unit_test(test_ring_pair_and_tx_buffer),
		cmocka_unit_test(test_pcap_chains_and_eof),
		cmocka_unit_test(test_pcap_truncated_records),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
