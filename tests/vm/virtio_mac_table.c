/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio_mac_table: secondary MAC addresses and the multicast list of a
 * net_virtio port on QEMU's virtio-net-pci, inside a VM lab guest, through
 * VIRTIO_NET_CTRL_MAC_TABLE_SET (virtio 1.2 5.1.6.5.2). Two virtio NICs on
 * QEMU's hub: port A (00:03.0, QEMU's default ctrl_rx=on) receives, port B
 * (00:04.0, started with ctrl_rx=off) sends frames to chosen destinations.
 *
 * While not promiscuous, QEMU's virtio-net takes a unicast frame for its
 * own address or one of its unicast table, and, without all-multicast, a
 * multicast frame for one of its multicast table (hw/net/virtio-net.c,
 * receive_filter). So, promiscuous and all-multicast off:
 *
 *  - B, without VIRTIO_NET_F_CTRL_RX, refuses secondary addresses and a
 *    multicast list with -ENOTSUP;
 *  - A, given secondary address 1 while stopped (sent at start): frames to
 *    it arrive, frames to address 2 and to group 1 do not;
 *  - A, given address 2 while started: frames to both arrive; address 1
 *    removed: frames to it no longer arrive, to address 2 still;
 *  - A's multicast list set to group 1: frames to group 1 arrive, to group
 *    2 not, and address 2 still does (one command carries both tables);
 *    the list emptied: group 1 no longer arrives;
 *  - all-multicast on: both groups arrive (what was dropped before was the
 *    device's filter, not a lost frame).
 *
 * Frames to A's own address (QEMU's) arrive throughout; each round ends on
 * a marker to it (mac_filter.c).
 *
 *   virtio_mac_table [EAL options: -a RECEIVER -a SENDER ...]
 */
#include <errno.h>

#include "mac_filter.h"

static const struct prt_ether_addr sec1 = { { 0x02, 0x70, 0x72, 0x74, 0x00, 0x11 } };
static const struct prt_ether_addr sec2 = { { 0x02, 0x70, 0x72, 0x74, 0x00, 0x12 } };
static const struct prt_ether_addr group1 = { { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x7b } };
static const struct prt_ether_addr group2 = { { 0x33, 0x33, 0x00, 0x00, 0x00, 0x7c } };

/* Every round sends to all of these; indexes into what A received, BIT() of them. */
#define BIT(d) (1u << (d))
enum { OWN, SEC1, SEC2, GROUP1, GROUP2, NB_DSTS };
static const struct prt_ether_addr *const dsts[NB_DSTS] = {
	[OWN] = &mac_filter_qemu_mac, [SEC1] = &sec1,	  [SEC2] = &sec2,
	[GROUP1] = &group1,	      [GROUP2] = &group2,
};

/* One round; asserts that A received all frames to the destinations in @wanted, none to the others. */
static void round_expect(unsigned int wanted)
{
	unsigned int got[NB_DSTS];

	mac_filter_round(dsts, NB_DSTS, &mac_filter_qemu_mac, got);
	for (unsigned int d = 0; d < NB_DSTS; d++)
		assert_int_equal(got[d], (wanted & (1u << d)) ? MAC_FILTER_FRAMES : 0);
}

static void test_refused_without_ctrl_rx(void **state)
{
	struct prt_ether_addr a = sec1, set[] = { group1 }, t[2];

	(void)state;
	assert_int_equal(prt_eth_dev_mac_addr_add(mac_filter_tx_port, &a, 0), -ENOTSUP);
	assert_int_equal(prt_eth_dev_set_mc_addr_list(mac_filter_tx_port, set, 1), -ENOTSUP);
	assert_int_equal(prt_eth_dev_start(mac_filter_tx_port), 0);
	assert_int_equal(prt_eth_dev_mac_addr_add(mac_filter_tx_port, &a, 0), -ENOTSUP);
	assert_int_equal(prt_eth_dev_set_mc_addr_list(mac_filter_tx_port, set, 1), -ENOTSUP);
	/* the table holds the default address only */
	assert_int_equal(prt_eth_macaddrs_get(mac_filter_tx_port, t, 2), 2);
	assert_memory_equal(&t[1], "\0\0\0\0\0\0", 6);
}

static void test_secondary_added_before_start(void **state)
{
	struct prt_ether_addr a = sec1;

	(void)state;
	assert_int_equal(prt_eth_dev_mac_addr_add(mac_filter_rx_port, &a, 0), 0);
	assert_int_equal(prt_eth_dev_start(mac_filter_rx_port), 0);
	assert_int_equal(prt_eth_promiscuous_disable(mac_filter_rx_port), 0);
	assert_int_equal(prt_eth_allmulticast_disable(mac_filter_rx_port), 0);
	round_expect(BIT(OWN) | BIT(SEC1));
}

static void test_secondary_added_and_removed_live(void **state)
{
	struct prt_ether_addr a = sec1, b = sec2;

	(void)state;
	assert_int_equal(prt_eth_dev_mac_addr_add(mac_filter_rx_port, &b, 0), 0);
	round_expect(BIT(OWN) | BIT(SEC1) | BIT(SEC2));
	assert_int_equal(prt_eth_dev_mac_addr_remove(mac_filter_rx_port, &a), 0);
	round_expect(BIT(OWN) | BIT(SEC2));
}

static void test_multicast_list(void **state)
{
	struct prt_ether_addr set[] = { group1 };

	(void)state;
	assert_int_equal(prt_eth_dev_set_mc_addr_list(mac_filter_rx_port, set, 1), 0);
	round_expect(BIT(OWN) | BIT(SEC2) | BIT(GROUP1));
	assert_int_equal(prt_eth_dev_set_mc_addr_list(mac_filter_rx_port, NULL, 0), 0);
	round_expect(BIT(OWN) | BIT(SEC2));
}

static void test_allmulticast_takes_all_groups(void **state)
{
	(void)state;
	assert_int_equal(prt_eth_allmulticast_enable(mac_filter_rx_port), 0);
	round_expect(BIT(OWN) | BIT(SEC2) | BIT(GROUP1) | BIT(GROUP2));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_without_ctrl_rx),
		cmocka_unit_test(test_secondary_added_before_start),
		cmocka_unit_test(test_secondary_added_and_removed_live),
		cmocka_unit_test(test_multicast_list),
		cmocka_unit_test(test_allmulticast_takes_all_groups),
	};

	return mac_filter_main(argc, argv, "virtio_mac_table", tests, PRT_DIM(tests));
}
