/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio_mac: the MAC address of a net_virtio port on QEMU's virtio-net-pci,
 * inside a VM lab guest. Two virtio NICs on QEMU's hub: port A (00:03.0,
 * QEMU's default ctrl_mac_addr=on) receives, port B (00:04.0, started with
 * ctrl_mac_addr=off) sends frames to chosen destination addresses.
 *
 * QEMU's virtio-net drops unicast frames for another address than its own
 * while not promiscuous (hw/net/virtio-net.c, receive_filter). So:
 *
 *  - B, without VIRTIO_NET_F_CTRL_MAC_ADDR, refuses a new address with
 *    -ENOTSUP and keeps its own;
 *  - A, given address 1 while stopped (sent at start as
 *    VIRTIO_NET_CTRL_MAC_ADDR_SET, virtio 1.2 5.1.6.5.2), promiscuous off:
 *    frames to address 1 arrive, frames to QEMU's address do not;
 *  - A, given address 2 while started (sent at once): frames to address 2
 *    arrive, frames to address 1 do not;
 *  - promiscuous on again: frames to any address arrive (what was dropped
 *    before was the device's filter, not a lost frame).
 *
 * Each round ends with a marker frame to the address that must be accepted:
 * QEMU's hub hands B's frames to A in the order B sent them, so once the
 * marker is in, every frame before it was either received or dropped.
 *
 *   virtio_mac [EAL options: -a RECEIVER -a SENDER ...]
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prt_eal.h"
#include "prt_ethdev.h"
#include "prt_mbuf.h"
#include "prt_test.h"

#define BURST 32
#define FRAMES 20 /* per destination and round */
#define FRAME_LEN 60
#define MARKER 0xff /* the payload's first byte in the marker */
#define ROUND_POLLS 3000 /* 10 ms each: a hang guard only, never a verdict on speed */

static const char *const rx_bdf = "0000:00:03.0", *const tx_bdf = "0000:00:04.0";
static uint16_t rx_port, tx_port;
static struct prt_mempool *pool;
static struct prt_ether_addr qemu_mac; /* A's own, as QEMU gave it */
static const struct prt_ether_addr mac1 = { { 0x02, 0x70, 0x72, 0x74, 0x00, 0x01 } };
static const struct prt_ether_addr mac2 = { { 0x02, 0x70, 0x72, 0x74, 0x00, 0x02 } };

/* Frames A received in a round, by destination. */
struct round {
	unsigned int to_qemu, to_mac1, to_mac2, other;
};

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
	assert_int_equal(prt_eth_macaddr_get(tx_port, (struct prt_ether_addr *)(void *)(p + 6)), 0);
	p[12] = 0x88;
	p[13] = 0xb5;
	p[14] = tag;
	return m;
}

static void send_one(struct prt_mbuf *m)
{
	for (int i = 0; i < ROUND_POLLS; i++) {
		if (prt_eth_tx_burst(tx_port, 0, &m, 1) == 1)
			return;
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	fail_msg("port B's tx queue stayed full");
}

/* Sends FRAMES frames to each of @dsts, then a marker to @accepted; counts what A gets. */
static struct round round_run(const struct prt_ether_addr *const *dsts, unsigned int nb_dsts,
			      const struct prt_ether_addr *accepted)
{
	struct round r = { 0 };
	bool marker = false;

	for (unsigned int d = 0; d < nb_dsts; d++)
		for (unsigned int i = 0; i < FRAMES; i++)
			send_one(frame(dsts[d], (uint8_t)i));
	send_one(frame(accepted, MARKER));
	for (int i = 0; i < ROUND_POLLS && !marker; i++) {
		struct prt_mbuf *pkts[BURST];
		uint16_t n = prt_eth_rx_burst(rx_port, 0, pkts, BURST);

		for (uint16_t k = 0; k < n; k++) {
			const uint8_t *p = prt_pktmbuf_mtod(pkts[k], const uint8_t *);
			const struct prt_ether_addr *dst = (const void *)p;

			if (pkts[k]->data_len > 14 && p[14] == MARKER &&
			    prt_is_same_ether_addr(dst, accepted)) {
				marker = true; /* not counted */
				continue;
			}
			if (prt_is_same_ether_addr(dst, &qemu_mac))
				r.to_qemu++;
			else if (prt_is_same_ether_addr(dst, &mac1))
				r.to_mac1++;
			else if (prt_is_same_ether_addr(dst, &mac2))
				r.to_mac2++;
			else
				r.other++;
		}
		prt_pktmbuf_free_bulk(pkts, n);
		if (n == 0)
			nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	printf("round: marker %s; received to QEMU's address %u, to address 1 %u, to address 2 %u, other %u\n",
	       marker ? "in" : "MISSING", r.to_qemu, r.to_mac1, r.to_mac2, r.other);
	assert_true(marker);
	assert_int_equal(r.other, 0);
	return r;
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

static void test_refused_without_ctrl_mac_addr(void **state)
{
	struct prt_ether_addr mac = mac2, before, after;

	(void)state;
	assert_int_equal(prt_eth_macaddr_get(tx_port, &before), 0);
	assert_int_equal(prt_eth_dev_default_mac_addr_set(tx_port, &mac), -ENOTSUP);
	assert_int_equal(prt_eth_macaddr_get(tx_port, &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
	assert_int_equal(prt_eth_dev_start(tx_port), 0);
	assert_int_equal(prt_eth_dev_default_mac_addr_set(tx_port, &mac), -ENOTSUP);
	assert_int_equal(prt_eth_macaddr_get(tx_port, &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
}

static void test_set_before_start(void **state)
{
	const struct prt_ether_addr *dsts[] = { &qemu_mac, &mac1 };
	struct prt_ether_addr mac = mac1;
	struct round r;

	(void)state;
	assert_int_equal(prt_eth_dev_default_mac_addr_set(rx_port, &mac), 0);
	assert_int_equal(prt_eth_dev_start(rx_port), 0);
	assert_int_equal(prt_eth_promiscuous_disable(rx_port), 0);
	r = round_run(dsts, PRT_DIM(dsts), &mac1);
	assert_int_equal(r.to_mac1, FRAMES);
	assert_int_equal(r.to_qemu, 0);
}

static void test_set_while_started(void **state)
{
	const struct prt_ether_addr *dsts[] = { &mac1, &mac2, &qemu_mac };
	struct prt_ether_addr mac = mac2;
	struct round r;

	(void)state;
	assert_int_equal(prt_eth_dev_default_mac_addr_set(rx_port, &mac), 0);
	r = round_run(dsts, PRT_DIM(dsts), &mac2);
	assert_int_equal(r.to_mac2, FRAMES);
	assert_int_equal(r.to_mac1, 0);
	assert_int_equal(r.to_qemu, 0);
}

static void test_promiscuous_takes_all(void **state)
{
	const struct prt_ether_addr *dsts[] = { &mac1, &mac2, &qemu_mac };
	struct round r;

	(void)state;
	assert_int_equal(prt_eth_promiscuous_enable(rx_port), 0);
	r = round_run(dsts, PRT_DIM(dsts), &mac2);
	assert_int_equal(r.to_mac1, FRAMES);
	assert_int_equal(r.to_mac2, FRAMES);
	assert_int_equal(r.to_qemu, FRAMES);
}

static int ports_setup(void **state)
{
	(void)state;
	if (prt_eth_dev_get_port_by_name(rx_bdf, &rx_port) != 0 ||
	    prt_eth_dev_get_port_by_name(tx_bdf, &tx_port) != 0) {
		fprintf(stderr, "virtio_mac: wants net_virtio ports on %s and %s\n", rx_bdf,
			tx_bdf);
		return -1;
	}
	if (port_setup(rx_port) != 0 || port_setup(tx_port) != 0 ||
	    prt_eth_macaddr_get(rx_port, &qemu_mac) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_without_ctrl_mac_addr),
		cmocka_unit_test(test_set_before_start),
		cmocka_unit_test(test_set_while_started),
		cmocka_unit_test(test_promiscuous_takes_all),
	};
	int n, failed;

	if (getenv("PRT_VMLAB_MODE") == NULL)
		prt_test_skip("not inside the VM lab (PRT_VMLAB_MODE unset)");
	n = prt_eal_init(argc, argv);
	if (n < 0)
		return 1;
	pool = prt_pktmbuf_pool_create("mac_pool", 2048, 64, 0, PRT_MBUF_DEFAULT_BUF_SIZE,
				       PRT_SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "virtio_mac: no mbuf pool: %s\n", strerror(errno));
		prt_eal_cleanup();
		return 1;
	}
	failed = cmocka_run_group_tests(tests, ports_setup, NULL);
	prt_eal_cleanup();
	return failed ? 1 : 0;
}
