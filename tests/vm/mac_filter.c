/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VM lab's receive-filter rounds (mac_filter.h): B sends, A counts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mac_filter.h"
#include "prt_eal.h"
#include "prt_mbuf.h"

#define BURST 32
#define FRAME_LEN 60
#define MARKER 0xff /* the payload's first byte in the marker */
#define ROUND_POLLS 3000 /* 10 ms each: a hang guard only, never a verdict on speed */

static const char *const rx_bdf = "0000:00:03.0", *const tx_bdf = "0000:00:04.0";
uint16_t mac_filter_rx_port, mac_filter_tx_port;
struct prt_ether_addr mac_filter_qemu_mac;
static struct prt_mempool *pool;

/* One frame from B to @dst: EtherType 0x88b5 (local experimental), @tag first. */
static struct prt_mbuf *frame(const struct prt_ether_addr *dst, uint8_t tag)
{
	struct prt_mbuf *m = prt_pktmbuf_alloc(pool);
	uint8_t *p;

	assert_non_null(m);
	p = (uint8_t *)prt_pktmbuf_append(m, FRAME_LEN);
	assert_non_null(p);
	memset(p, 0, FRAME_LEN);
	memcpy(p, dst->addr_bytes, 6);
	assert_int_equal(prt_eth_macaddr_get(mac_filter_tx_port,
					     (struct prt_ether_addr *)(void *)(p + 6)),
			 0);
	p[12] = 0x88;
	p[13] = 0xb5;
	p[14] = tag;
	return m;
}

static void send_one(struct prt_mbuf *m)
{
	for (int i = 0; i < ROUND_POLLS; i++) {
		if (prt_eth_tx_burst(mac_filter_tx_port, 0, &m, 1) == 1)
			return;
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	fail_msg("port B's tx queue stayed full");
}

/* Counts frame @p (@len bytes) in @received by destination; returns true for the marker. */
static bool frame_count(const uint8_t *p, uint16_t len, const struct prt_ether_addr *const *dsts,
			unsigned int nb_dsts, const struct prt_ether_addr *accepted,
			unsigned int *received, unsigned int *other)
{
	const struct prt_ether_addr *dst = (const void *)p;

	if (len > 14 && p[14] == MARKER && prt_is_same_ether_addr(dst, accepted))
		return true; /* not counted */
	for (unsigned int d = 0; d < nb_dsts; d++)
		if (prt_is_same_ether_addr(dst, dsts[d])) {
			received[d]++;
			return false;
		}
	(*other)++;
	return false;
}

void mac_filter_round(const struct prt_ether_addr *const *dsts, unsigned int nb_dsts,
		      const struct prt_ether_addr *accepted, unsigned int *received)
{
	unsigned int other = 0;
	bool marker = false;

	memset(received, 0, nb_dsts * sizeof(*received));
	for (unsigned int d = 0; d < nb_dsts; d++)
		for (unsigned int i = 0; i < MAC_FILTER_FRAMES; i++)
			send_one(frame(dsts[d], (uint8_t)i));
	send_one(frame(accepted, MARKER));
	for (int i = 0; i < ROUND_POLLS && !marker; i++) {
		struct prt_mbuf *pkts[BURST];
		uint16_t n = prt_eth_rx_burst(mac_filter_rx_port, 0, pkts, BURST);

		for (uint16_t k = 0; k < n; k++)
			marker |= frame_count(prt_pktmbuf_mtod(pkts[k], const uint8_t *),
					      pkts[k]->data_len, dsts, nb_dsts, accepted, received,
					      &other);
		prt_pktmbuf_free_bulk(pkts, n);
		if (n == 0)
			nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	printf("round: marker %s; received", marker ? "in" : "MISSING");
	for (unsigned int d = 0; d < nb_dsts; d++) {
		char s[PRT_ETHER_ADDR_FMT_SIZE];

		prt_ether_format_addr(s, sizeof(s), dsts[d]);
		printf(" to %s %u,", s, received[d]);
	}
	printf(" other %u\n", other);
	assert_true(marker);
	assert_int_equal(other, 0);
}

static int port_setup(uint16_t port)
{
	int ret = prt_eth_dev_configure(port, 1, 1, &(struct prt_eth_conf){ 0 });

	if (ret == 0)
		ret = prt_eth_rx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL, pool);
	if (ret == 0)
		ret = prt_eth_tx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL);
	return ret;
}

static int ports_setup(void **state)
{
	(void)state;
	if (prt_eth_dev_get_port_by_name(rx_bdf, &mac_filter_rx_port) != 0 ||
	    prt_eth_dev_get_port_by_name(tx_bdf, &mac_filter_tx_port) != 0) {
		fprintf(stderr, "wants net_virtio ports on %s and %s\n", rx_bdf, tx_bdf);
		return -1;
	}
	if (port_setup(mac_filter_rx_port) != 0 || port_setup(mac_filter_tx_port) != 0 ||
	    prt_eth_macaddr_get(mac_filter_rx_port, &mac_filter_qemu_mac) != 0)
		return -1;
	return 0;
}

int mac_filter_main(int argc, char **argv, const char *name, const struct CMUnitTest *tests,
		    size_t nb_tests)
{
	int failed;

	if (getenv("PRT_VMLAB_MODE") == NULL)
		prt_test_skip("not inside the VM lab (PRT_VMLAB_MODE unset)");
	if (prt_eal_init(argc, argv) < 0)
		return 1;
	pool = prt_pktmbuf_pool_create("mac_pool", 2048, 64, 0, PRT_MBUF_DEFAULT_BUF_SIZE,
				       PRT_SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "%s: no mbuf pool: %s\n", name, strerror(errno));
		prt_eal_cleanup();
		return 1;
	}
	failed = _cmocka_run_group_tests(name, tests, nb_tests, ports_setup, NULL);
	prt_eal_cleanup();
	return failed ? 1 : 0;
}
