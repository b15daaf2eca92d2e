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
 * The rounds (B sends, A counts, a marker closes) are in mac_filter.c.
 *
 *   virtio_mac [EAL options: -a RECEIVER -a SENDER ...]
 */
#include <errno.h>

#include "mac_filter.h"

static const struct prt_ether_addr mac1 = { { 0x02, 0x70, 0x72, 0x74, 0x00, 0x01 } };
static const struct prt_ether_addr mac2 = { { 0x02, 0x70, 0x72, 0x74, 0x00, 0x02 } };

static void test_refused_without_ctrl_mac_addr(void **state)
{
	struct prt_ether_addr mac = mac2, before, after;

	(void)state;
	assert_int_equal(prt_eth_macaddr_get(mac_filter_tx_port, &before), 0);
	assert_int_equal(prt_eth_dev_default_mac_addr_set(mac_filter_tx_port, &mac), -ENOTSUP);
	assert_int_equal(prt_eth_macaddr_get(mac_filter_tx_port, &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
	assert_int_equal(prt_eth_dev_start(mac_filter_tx_port), 0);
	assert_int_equal(prt_eth_dev_default_mac_addr_set(mac_filter_tx_port, &mac), -ENOTSUP);
	assert_int_equal(prt_eth_macaddr_get(mac_filter_tx_port, &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
}

static void test_set_before_start(void **state)
{
	const struct prt_ether_addr *dsts[] = { &mac_filter_qemu_mac, &mac1 };
	struct prt_ether_addr mac = mac1;
	unsigned int got[PRT_DIM(dsts)];

	(void)state;
	assert_int_equal(prt_eth_dev_default_mac_addr_set(mac_filter_rx_port, &mac), 0);
	assert_int_equal(prt_eth_dev_start(mac_filter_rx_port), 0);
	assert_int_equal(prt_eth_promiscuous_disable(mac_filter_rx_port), 0);
	mac_filter_round(dsts, PRT_DIM(dsts), &mac1, got);
	assert_int_equal(got[1], MAC_FILTER_FRAMES);
	assert_int_equal(got[0], 0);
}

static void test_set_while_started(void **state)
{
	const struct prt_ether_addr *dsts[] = { &mac1, &mac2, &mac_filter_qemu_mac };
	struct prt_ether_addr mac = mac2;
	unsigned int got[PRT_DIM(dsts)];

	(void)state;
	assert_int_equal(prt_eth_dev_default_mac_addr_set(mac_filter_rx_port, &mac), 0);
	mac_filter_round(dsts, PRT_DIM(dsts), &mac2, got);
	assert_int_equal(got[1], MAC_FILTER_FRAMES);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[2], 0);
}

static void test_promiscuous_takes_all(void **state)
{
	const struct prt_ether_addr *dsts[] = { &mac1, &mac2, &mac_filter_qemu_mac };
	unsigned int got[PRT_DIM(dsts)];

	(void)state;
	assert_int_equal(prt_eth_promiscuous_enable(mac_filter_rx_port), 0);
	mac_filter_round(dsts, PRT_DIM(dsts), &mac2, got);
	for (unsigned int d = 0; d < PRT_DIM(dsts); d++)
		assert_int_equal(got[d], MAC_FILTER_FRAMES);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_without_ctrl_mac_addr),
		cmocka_unit_test(test_set_before_start),
		cmocka_unit_test(test_set_while_started),
		cmocka_unit_test(test_promiscuous_takes_all),
	};

	return mac_filter_main(argc, argv, "virtio_mac", tests, PRT_DIM(tests));
}
