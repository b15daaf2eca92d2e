/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * intel_port: net_e1000e / net_igb ports on QEMU's NICs, inside a VM lab
 * guest, through the ethdev API. Two NICs of one kind on QEMU's hub, port
 * 0 sending, port 1 receiving over all the rx queues RSS may use:
 *
 *  - link interrupt: a link-status change raised in the device (ICS.LSC,
 *    as the PHY would) reaches the driver through MSI-X vector 0;
 *  - RSS: port 0 replays a capture (every frame of up to 1514 bytes); every
 *    frame arrives, each queue gets some, each flow (addresses, protocol,
 *    ports) lands on one queue only and with one hash, IP frames carry the
 *    hash (PRT_MBUF_F_RX_RSS_HASH), and the device's counters agree;
 *  - jumbo frames: a 9000-byte frame sent as a chain of mbufs arrives as a
 *    chain of mbufs, byte for byte (multi-segment tx, rx over several
 *    descriptors with RCTL.LPE);
 *  - a device gone wrong: port 1's RDH made to read past its ring, as a
 *    broken or hostile device would; the driver counts it, stops the port
 *    for good (bursts return 0, the link reads down, start is refused) and
 *    still closes cleanly.
 *
 *   intel_port [EAL options: -a SENDER -a RECEIVER ...] -- CAPTURE.pcap NB_QUEUES
 *
 * Register offsets (the device-side pokes): ICS, 82574 10.2.4.3 / 82576
 * 8.8.5; RDH0, 82574 10.2.5.6 / 82576 8.10.11.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prt_eal.h"
#include "prt_ethdev.h"
#include "prt_io.h"
#include "prt_mbuf.h"
#include "prt_pci.h"
#include "prt_test.h"

#define MAX_FLOWS 4096
#define BURST 32
#define REG_ICS 0x000c8
#define ICR_LSC (1u << 2)
#define REG_RDH0_82574 0x02810
#define REG_RDH0_82576 0x0c010
#define JUMBO_MTU 9000
#define JUMBO_SEGS 5

struct flow {
	uint8_t key[40]; /* addresses, protocol, ports */
	uint8_t key_len;
	uint16_t queue;
	uint32_t hash;
	uint32_t frames;
};

static const char *capture;
static uint16_t nb_queues;
static struct prt_mempool *pool;
static struct flow flows[MAX_FLOWS];
static unsigned int nb_flows, conflicts, hash_conflicts, ip_without_hash;
static uint64_t per_queue[PRT_MAX_QUEUES_PER_PORT];

/* The flow key of an IPv4/IPv6 frame (0 for others). */
static unsigned int flow_key(const uint8_t *f, uint32_t len, uint8_t key[40])
{
	uint16_t type;
	unsigned int l4, n;

	if (len < 14)
		return 0;
	type = (uint16_t)(f[12] << 8 | f[13]);
	if (type == 0x0800 && len >= 34) {
		memcpy(key, f + 26, 8);
		key[8] = f[23];
		n = 9;
		l4 = 14 + (f[14] & 15u) * 4;
	} else if (type == 0x86dd && len >= 54) {
		memcpy(key, f + 22, 32);
		key[32] = f[20];
		n = 33;
		l4 = 54;
	} else {
		return 0;
	}
	if ((key[n - 1] == 6 || key[n - 1] == 17) && len >= l4 + 4) {
		memcpy(key + n, f + l4, 4);
		n += 4;
	}
	return n;
}

static void record(struct prt_mbuf *m, uint16_t q)
{
	uint8_t buf[128], key[40];
	const uint8_t *f = prt_pktmbuf_read(m, 0, PRT_MIN(m->pkt_len, (uint32_t)sizeof(buf)), buf);
	unsigned int n = flow_key(f, PRT_MIN(m->pkt_len, (uint32_t)sizeof(buf)), key);
	unsigned int i;

	per_queue[q]++;
	if (n == 0)
		return;
	if (!(m->ol_flags & PRT_MBUF_F_RX_RSS_HASH))
		ip_without_hash++;
	for (i = 0; i < nb_flows; i++)
		if (flows[i].key_len == n && memcmp(flows[i].key, key, n) == 0)
			break;
	if (i == nb_flows) {
		if (nb_flows == MAX_FLOWS)
			return;
		memcpy(flows[i].key, key, n);
		flows[i].key_len = (uint8_t)n;
		flows[i].queue = q;
		flows[i].hash = m->hash.rss;
		nb_flows++;
	}
	if (flows[i].queue != q)
		conflicts++;
	if (flows[i].hash != m->hash.rss)
		hash_conflicts++;
	flows[i].frames++;
}

/* Polls every rx queue of port 1 once; @return the frames received. */
static unsigned int rx_poll(void)
{
	struct prt_mbuf *pkts[BURST];
	unsigned int total = 0;

	for (uint16_t q = 0; q < nb_queues; q++) {
		uint16_t n = prt_eth_rx_burst(1, q, pkts, BURST);

		for (uint16_t i = 0; i < n; i++)
			record(pkts[i], q);
		prt_pktmbuf_free_bulk(pkts, n);
		total += n;
	}
	return total;
}

/* Sends @p n frames on port 0, polling port 1 between bursts; @return the frames received. */
static uint64_t send_all(struct prt_mbuf **pkts, unsigned int n)
{
	uint64_t received = 0;

	/* QEMU delivers while the tail is written: poll after every burst. */
	for (unsigned int off = 0; off < n;) {
		off += prt_eth_tx_burst(0, 0, pkts + off, (uint16_t)(n - off));
		received += rx_poll();
	}
	return received;
}

static int port_setup(uint16_t port, uint16_t nb_rxq)
{
	struct prt_eth_dev_info info;
	struct prt_eth_conf conf = { 0 };
	int ret;

	ret = prt_eth_dev_info_get(port, &info);
	if (ret < 0)
		return ret;
	conf.rxmode.mtu = JUMBO_MTU;
	conf.rxmode.offloads = PRT_ETH_RX_OFFLOAD_SCATTER;
	conf.txmode.offloads = PRT_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (nb_rxq > 1) {
		conf.rxmode.mq_mode = PRT_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads;
	}
	ret = prt_eth_dev_configure(port, nb_rxq, 1, &conf);
	for (uint16_t q = 0; ret == 0 && q < nb_rxq; q++)
		ret = prt_eth_rx_queue_setup(port, q, 512, PRT_SOCKET_ID_ANY, NULL, pool);
	if (ret == 0)
		ret = prt_eth_tx_queue_setup(port, 0, 512, PRT_SOCKET_ID_ANY, NULL);
	if (ret == 0)
		ret = prt_eth_promiscuous_enable(port);
	if (ret == 0)
		ret = prt_eth_dev_start(port);
	return ret;
}

/* A driver xstat of @p port by name. */
static uint64_t xstat(uint16_t port, const char *name)
{
	uint64_t v = 0;

	assert_int_equal(prt_eth_xstats_get_by_name(port, name, &v), 0);
	return v;
}

/* The BAR 0 register @p reg of port @p port's PCI device (the test plays the device). */
static volatile uint32_t *dev_reg(uint16_t port, uint32_t reg)
{
	struct prt_pci_addr addr;
	struct prt_pci_device *d;

	assert_int_equal(prt_pci_addr_parse(prt_eth_dev_name(port), &addr), 0);
	d = prt_pci_device_find(&addr);
	assert_non_null(d);
	return (volatile uint32_t *)((char *)d->mem_resource[0].addr + reg);
}

static void test_link_interrupt(void **state)
{
	struct prt_eth_link link;
	uint64_t n = 0;

	(void)state;
	assert_int_equal(prt_eth_stats_reset(1), 0);
	/* ICS sets the cause as a PHY link change would (82574 10.2.4.3, 82576 8.8.5). */
	prt_write32(ICR_LSC, dev_reg(1, REG_ICS));
	for (int i = 0; i < 200 && n == 0; i++) {
		n = xstat(1, "link_status_interrupts");
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	printf("link: %llu link-status interrupt(s) handled\n", (unsigned long long)n);
	assert_true(n >= 1);
	assert_int_equal(prt_eth_link_get_nowait(1, &link), 0);
	assert_true(link.link_status);
}

static void test_jumbo_chain(void **state)
{
	static uint8_t frame[JUMBO_MTU], got[JUMBO_MTU];
	struct prt_mbuf *head = NULL, *pkts[BURST];
	const uint16_t seg_len = JUMBO_MTU / JUMBO_SEGS;
	struct prt_mbuf *rx = NULL;

	(void)state;
	memset(frame, 0xff, 6); /* broadcast */
	memset(frame + 6, 0x02, 6);
	frame[12] = 0x88; /* IEEE local experimental EtherType: no RSS, queue 0 */
	frame[13] = 0xb5;
	for (unsigned int i = 14; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7 + i / 251);
	for (unsigned int s = 0; s < JUMBO_SEGS; s++) {
		struct prt_mbuf *m = prt_pktmbuf_alloc(pool);

		assert_non_null(m);
		memcpy(prt_pktmbuf_append(m, seg_len), frame + s * seg_len, seg_len);
		if (head == NULL)
			head = m;
		else
			assert_int_equal(prt_pktmbuf_chain(head, m), 0);
	}
	assert_int_equal(head->pkt_len, JUMBO_MTU);
	assert_int_equal(prt_eth_tx_burst(0, 0, &head, 1), 1);
	for (int i = 0; i < 400 && rx == NULL; i++) {
		for (uint16_t q = 0; q < nb_queues && rx == NULL; q++) {
			uint16_t n = prt_eth_rx_burst(1, q, pkts, BURST);

			if (n > 0) {
				rx = pkts[0];
				prt_pktmbuf_free_bulk(pkts + 1, n - 1u);
			}
		}
		if (rx == NULL)
			nanosleep(&(struct timespec){ .tv_nsec = 5000000 }, NULL);
	}
	assert_non_null(rx);
	printf("jumbo: %u-byte frame sent in %u mbufs, received in %u\n", rx->pkt_len, JUMBO_SEGS,
	       rx->nb_segs);
	assert_int_equal(rx->pkt_len, JUMBO_MTU);
	assert_true(rx->nb_segs > 1);
	assert_memory_equal(prt_pktmbuf_read(rx, 0, JUMBO_MTU, got), frame, JUMBO_MTU);
	prt_pktmbuf_free(rx);
}

static void test_broken_device(void **state)
{
	struct prt_mbuf *pkts[BURST];
	struct prt_eth_dev_info info;
	struct prt_eth_link link;
	struct prt_eth_stats st;
	uint32_t rdh;

	(void)state;
	assert_int_equal(prt_eth_dev_info_get(1, &info), 0);
	rdh = strcmp(info.driver_name, "net_igb") == 0 ? REG_RDH0_82576 : REG_RDH0_82574;
	/* Nothing is sent now: the device never gets to use the bad head. */
	prt_write32(4000, dev_reg(1, rdh));
	assert_int_equal(prt_eth_stats_get(1, &st), 0);
	printf("broken: ring_head_errors %llu\n", (unsigned long long)xstat(1, "ring_head_errors"));
	assert_true(xstat(1, "ring_head_errors") >= 1);
	assert_int_equal(prt_eth_rx_burst(1, 0, pkts, BURST), 0);
	assert_int_equal(prt_eth_link_get_nowait(1, &link), 0);
	assert_false(link.link_status);
	assert_int_equal(prt_eth_dev_stop(1), 0);
	assert_int_equal(prt_eth_dev_start(1), -EIO);
	assert_int_equal(prt_eth_dev_close(1), 0);
	assert_int_equal(prt_eth_dev_count_avail(), 1);
}

static void test_rss_spread(void **state)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const uint8_t *data;
	struct prt_mbuf *burst[BURST];
	struct prt_eth_stats st;
	uint64_t sent = 0, received = 0;
	unsigned int nb = 0, idle;
	pcap_t *p;

	(void)state;
	assert_int_equal(prt_eth_stats_reset(1), 0);
	p = pcap_open_offline(capture, err);
	if (p == NULL)
		fail_msg("%s", err);
	while (pcap_next_ex(p, &h, &data) == 1) {
		struct prt_mbuf *m;

		if (h->caplen != h->len || h->caplen > PRT_ETHER_MAX_LEN - 4 || h->caplen < 14)
			continue;
		m = prt_pktmbuf_alloc(pool);
		assert_non_null(m);
		memcpy(prt_pktmbuf_append(m, (uint16_t)h->caplen), data, h->caplen);
		burst[nb++] = m;
		if (nb == BURST) {
			received += send_all(burst, nb);
			sent += nb;
			nb = 0;
		}
	}
	received += send_all(burst, nb);
	sent += nb;
	pcap_close(p);
	for (idle = 0; idle < 200 && received < sent; idle++) {
		unsigned int n = rx_poll();

		received += n;
		if (n == 0)
			nanosleep(&(struct timespec){ .tv_nsec = 5000000 }, NULL);
	}
	printf("rss: %llu frames sent, %llu received, %u flows, per queue:",
	       (unsigned long long)sent, (unsigned long long)received, nb_flows);
	for (uint16_t q = 0; q < nb_queues; q++)
		printf(" q%u=%llu", q, (unsigned long long)per_queue[q]);
	printf("\nrss: %u frames of a flow on another queue, %u with another hash, %u IP frames without a hash\n",
	       conflicts, hash_conflicts, ip_without_hash);
	/*
	 * QEMU's models send only frames they can parse (a malformed IP header
	 * is dropped, uncounted): compare with what the sender's device sent.
	 */
	assert_int_equal(prt_eth_stats_get(0, &st), 0);
	printf("rss: port 0's device sent %llu of them\n", (unsigned long long)st.opackets);
	assert_true(st.opackets > 1000 && st.opackets + 10 >= sent);
	assert_int_equal(received, st.opackets);
	for (uint16_t q = 0; q < nb_queues; q++)
		assert_true(per_queue[q] > 0);
	assert_true(nb_flows > 100);
	assert_int_equal(conflicts, 0);
	assert_int_equal(hash_conflicts, 0);
	assert_int_equal(ip_without_hash, 0);
	/* The device's own counters saw the same frames. */
	assert_int_equal(prt_eth_stats_get(1, &st), 0);
	printf("rss: port 1 counts ipackets %llu, imissed %llu, ierrors %llu\n",
	       (unsigned long long)st.ipackets, (unsigned long long)st.imissed,
	       (unsigned long long)st.ierrors);
	/* ierrors may count RUC: QEMU pads frames under 60 bytes and counts them undersized. */
	assert_int_equal(st.ipackets, received);
	for (uint16_t q = 0; q < nb_queues; q++) {
		assert_int_equal(st.q_ipackets[q], per_queue[q]);
		assert_int_equal(st.q_errors[q], 0);
	}
}

/* Both ports started, port 1 with its link up. */
static int ports_start(void **state)
{
	struct prt_eth_link link;

	(void)state;
	if (prt_eth_dev_count_avail() != 2 || port_setup(0, 1) != 0 ||
	    port_setup(1, nb_queues) != 0 || prt_eth_link_get(1, &link) != 0 || !link.link_status)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_interrupt),
		cmocka_unit_test(test_rss_spread),
		cmocka_unit_test(test_jumbo_chain),
		cmocka_unit_test(test_broken_device),
	};
	int n, failed;

	if (getenv("PRT_VMLAB_MODE") == NULL)
		prt_test_skip("not inside the VM lab (PRT_VMLAB_MODE unset)");
	n = prt_eal_init(argc, argv);
	if (n < 0)
		return 1;
	if (argc - n != 3) {
		fprintf(stderr, "usage: %s [EAL options] -- CAPTURE.pcap NB_QUEUES\n", argv[0]);
		prt_eal_cleanup();
		return 2;
	}
	capture = argv[n + 1];
	nb_queues = (uint16_t)atoi(argv[n + 2]);
	pool = prt_pktmbuf_pool_create("port_pool", 8192, 256, 0, PRT_MBUF_DEFAULT_BUF_SIZE,
				       PRT_SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "intel_port: no mbuf pool: %s\n", strerror(errno));
		prt_eal_cleanup();
		return 1;
	}
	failed = cmocka_run_group_tests(tests, ports_start, NULL);
	prt_eal_cleanup();
	return failed ? 1 : 0;
}
