/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A port's addresses through the ethdev layer (pmd/ethdev/ethdev_mac.c), over a
 * fake driver with a 3-entry address table and a 2-entry multicast list,
 * and over net_null, which has neither: secondary addresses added to free
 * slots and removed, an address added twice taking one slot, refusals
 * (zero, multicast, pool, full table, the default address removed, a
 * secondary address made the default), the multicast list set, emptied and
 * refused (unicast entry, too long), the table left as it was when the
 * driver fails, and -ENOTSUP where the driver has no op.
 */
#include <errno.h>
#include <string.h>

#include "prt_test.h"

#include "ethdev_driver.h"
#include "prt_eal.h"

#define FAKE_MAC_ADDRS 3
#define FAKE_MC_ADDRS 2

static uint16_t null0;

/* What the fake driver was asked to do, and whether it fails. */
static struct {
	unsigned int adds, removes, mc_sets;
	uint32_t index; /* of the last add or remove */
	struct prt_ether_addr added;
	uint32_t nb_mc;
	int fail; /* a negative errno to return, or 0 */
} drv;

static int fake_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	(void)dev;
	info->max_rx_queues = 1;
	info->max_tx_queues = 1;
	info->max_mac_addrs = FAKE_MAC_ADDRS;
	info->max_mc_addrs = FAKE_MC_ADDRS;
	return 0;
}

static int fake_mac_addr_add(struct prt_eth_dev *dev, struct prt_ether_addr *addr, uint32_t index)
{
	/* The contract: the slot already holds the address. */
	assert_memory_equal(&dev->data.mac_addrs[index], addr, sizeof(*addr));
	drv.adds++;
	drv.index = index;
	drv.added = *addr;
	return drv.fail;
}

static int fake_mac_addr_remove(struct prt_eth_dev *dev, uint32_t index)
{
	static const struct prt_ether_addr zero;

	assert_memory_equal(&dev->data.mac_addrs[index], &zero, sizeof(zero));
	drv.removes++;
	drv.index = index;
	return drv.fail;
}

static int fake_set_mc_addr_list(struct prt_eth_dev *dev, struct prt_ether_addr *set, uint32_t n)
{
	assert_int_equal(dev->data.nb_mc_addrs, n);
	assert_ptr_equal(set, dev->data.mc_addrs);
	drv.mc_sets++;
	drv.nb_mc = n;
	return drv.fail;
}

static const struct prt_eth_dev_ops fake_ops = {
	.dev_infos_get = fake_infos_get,
	.mac_addr_add = fake_mac_addr_add,
	.mac_addr_remove = fake_mac_addr_remove,
	.set_mc_addr_list = fake_set_mc_addr_list,
};

static struct prt_eth_driver fake_driver = { .name = "net_fake" };

static const struct prt_ether_addr default_mac = { { 0x02, 0, 0, 0, 0, 0x10 } };
static const struct prt_ether_addr uc1 = { { 0x02, 0, 0, 0, 0, 0x01 } };
static const struct prt_ether_addr uc2 = { { 0x02, 0, 0, 0, 0, 0x02 } };
static const struct prt_ether_addr uc3 = { { 0x02, 0, 0, 0, 0, 0x03 } };
static const struct prt_ether_addr mc1 = { { 0x01, 0x00, 0x5e, 0, 0, 0x01 } };
static const struct prt_ether_addr mc2 = { { 0x33, 0x33, 0, 0, 0, 0x02 } };
static const struct prt_ether_addr mc3 = { { 0x01, 0x00, 0x5e, 0, 0, 0x03 } };

/* A fresh fake port with address @default_mac; the driver's record cleared. */
static uint16_t fake_port(void)
{
	struct prt_eth_dev *dev = prt_eth_dev_allocate("net_fake0", 0);

	assert_non_null(dev);
	dev->driver = &fake_driver;
	dev->dev_ops = &fake_ops;
	dev->data.mac_addr = default_mac;
	prt_eth_dev_probing_finish(dev);
	memset(&drv, 0, sizeof(drv));
	return dev->data.port_id;
}

/* Asserts that the port's table is @a, @b, @c (slot 0 the default). */
static void table_is(uint16_t port, const struct prt_ether_addr *a, const struct prt_ether_addr *b,
		     const struct prt_ether_addr *c)
{
	struct prt_ether_addr t[FAKE_MAC_ADDRS + 2];

	/* num above the table: only the port's entries */
	assert_int_equal(prt_eth_macaddrs_get(port, t, PRT_DIM(t)), FAKE_MAC_ADDRS);
	assert_memory_equal(&t[0], a, sizeof(*a));
	assert_memory_equal(&t[1], b, sizeof(*b));
	assert_memory_equal(&t[2], c, sizeof(*c));
}

static const struct prt_ether_addr zero;

static void add_fills_free_slots(void **state)
{
	uint16_t port = fake_port();
	struct prt_ether_addr a = uc1, b = uc2, c = uc3, d = default_mac;

	(void)state;
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &a, 0), 0);
	assert_int_equal(drv.adds, 1);
	assert_int_equal(drv.index, 1);
	assert_memory_equal(&drv.added, &uc1, sizeof(uc1));
	/* present already (a secondary, or the default): nothing done, as DPDK */
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &a, 0), 0);
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &d, 0), 0);
	assert_int_equal(drv.adds, 1);
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &b, 0), 0);
	assert_int_equal(drv.index, 2);
	table_is(port, &default_mac, &uc1, &uc2);
	/* full: 3 entries, the default included */
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &c, 0), -ENOSPC);
	assert_int_equal(drv.adds, 2);
	/* a freed slot is taken again */
	assert_int_equal(prt_eth_dev_mac_addr_remove(port, &a), 0);
	assert_int_equal(drv.removes, 1);
	assert_int_equal(drv.index, 1);
	table_is(port, &default_mac, &zero, &uc2);
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &c, 0), 0);
	assert_int_equal(drv.index, 1);
	table_is(port, &default_mac, &uc3, &uc2);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

static void add_refusals(void **state)
{
	uint16_t port = fake_port();
	struct prt_ether_addr z = zero, m = mc1, a = uc1;

	(void)state;
	assert_int_equal(prt_eth_dev_mac_addr_add(port, NULL, 0), -EINVAL);
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &z, 0), -EINVAL);
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &m, 0), -EINVAL);
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &a, 1), -EINVAL); /* no VMDq pools */
	assert_int_equal(prt_eth_dev_mac_addr_add(PRT_MAX_ETHPORTS, &a, 0), -ENODEV);
	assert_int_equal(drv.adds, 0);
	/* the driver fails: the slot is free again */
	drv.fail = -EIO;
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &a, 0), -EIO);
	assert_int_equal(drv.adds, 1);
	table_is(port, &default_mac, &zero, &zero);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

static void remove_refusals(void **state)
{
	uint16_t port = fake_port();
	struct prt_ether_addr a = uc1, b = uc2, d = default_mac, z = zero;

	(void)state;
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &a, 0), 0);
	assert_int_equal(prt_eth_dev_mac_addr_remove(port, NULL), -EINVAL);
	assert_int_equal(prt_eth_dev_mac_addr_remove(port, &d), -EADDRINUSE);
	/* not in the table (a free slot's zero neither): nothing to do, as DPDK */
	assert_int_equal(prt_eth_dev_mac_addr_remove(port, &b), 0);
	assert_int_equal(prt_eth_dev_mac_addr_remove(port, &z), 0);
	assert_int_equal(drv.removes, 0);
	/* the driver fails: the address stays */
	drv.fail = -EIO;
	assert_int_equal(prt_eth_dev_mac_addr_remove(port, &a), -EIO);
	assert_int_equal(drv.removes, 1);
	table_is(port, &default_mac, &uc1, &zero);
	/* a secondary address cannot become the default while it is one */
	drv.fail = 0;
	assert_int_equal(prt_eth_dev_default_mac_addr_set(port, &a), -EEXIST);
	assert_int_equal(prt_eth_dev_mac_addr_remove(port, &a), 0);
	assert_int_equal(prt_eth_dev_default_mac_addr_set(port, &a), 0);
	table_is(port, &uc1, &zero, &zero);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

static void mc_list_set_and_cleared(void **state)
{
	uint16_t port = fake_port();
	struct prt_ether_addr set[] = { mc1, mc2 }, other[] = { mc3 };
	struct prt_eth_dev *dev = prt_eth_dev_get(port);

	(void)state;
	assert_int_equal(prt_eth_dev_set_mc_addr_list(port, set, 2), 0);
	assert_int_equal(drv.mc_sets, 1);
	assert_int_equal(drv.nb_mc, 2);
	assert_int_equal(dev->data.nb_mc_addrs, 2);
	assert_memory_equal(dev->data.mc_addrs, set, sizeof(set));
	/* the driver fails: the previous list stays */
	drv.fail = -EIO;
	assert_int_equal(prt_eth_dev_set_mc_addr_list(port, other, 1), -EIO);
	assert_int_equal(dev->data.nb_mc_addrs, 2);
	assert_memory_equal(dev->data.mc_addrs, set, sizeof(set));
	drv.fail = 0;
	/* 0 empties it (the array may then be NULL) */
	assert_int_equal(prt_eth_dev_set_mc_addr_list(port, NULL, 0), 0);
	assert_int_equal(drv.nb_mc, 0);
	assert_int_equal(dev->data.nb_mc_addrs, 0);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

static void mc_list_refusals(void **state)
{
	uint16_t port = fake_port();
	struct prt_ether_addr too_many[] = { mc1, mc2, mc3 }, with_unicast[] = { mc1, uc1 },
			      with_zero[] = { zero };

	(void)state;
	assert_int_equal(prt_eth_dev_set_mc_addr_list(port, NULL, 1), -EINVAL);
	assert_int_equal(prt_eth_dev_set_mc_addr_list(port, too_many, 3), -ENOSPC);
	assert_int_equal(prt_eth_dev_set_mc_addr_list(port, with_unicast, 2), -EINVAL);
	assert_int_equal(prt_eth_dev_set_mc_addr_list(port, with_zero, 1), -EINVAL);
	assert_int_equal(prt_eth_dev_set_mc_addr_list(PRT_MAX_ETHPORTS, with_zero, 0), -ENODEV);
	assert_int_equal(drv.mc_sets, 0);
	assert_int_equal(prt_eth_dev_get(port)->data.nb_mc_addrs, 0);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

/* net_null has no address table beyond its default address, nor a multicast filter. */
static void not_supported_without_ops(void **state)
{
	struct prt_ether_addr a = uc1, set[] = { mc1 }, t[4], own;
	struct prt_eth_dev_info info;

	(void)state;
	assert_int_equal(prt_eth_dev_info_get(null0, &info), 0);
	assert_int_equal(info.max_mac_addrs, 1);
	assert_int_equal(info.max_mc_addrs, 0);
	assert_int_equal(prt_eth_dev_mac_addr_add(null0, &a, 0), -ENOTSUP);
	assert_int_equal(prt_eth_dev_mac_addr_remove(null0, &a), -ENOTSUP);
	assert_int_equal(prt_eth_dev_set_mc_addr_list(null0, set, 1), -ENOTSUP);
	assert_int_equal(prt_eth_macaddrs_get(null0, NULL, 4), -EINVAL);
	assert_int_equal(prt_eth_macaddrs_get(null0, t, PRT_DIM(t)), 1);
	assert_int_equal(prt_eth_macaddr_get(null0, &own), 0);
	assert_memory_equal(&t[0], &own, sizeof(own));
}

static int setup(void **state)
{
	char *argv[] = { "test", "-l", "0", "--no-huge", "--vdev", "net_null0", NULL };

	(void)state;
	if (prt_eal_init((int)PRT_DIM(argv) - 1, argv) < 0)
		return -1;
	return prt_eth_dev_get_port_by_name("net_null0", &null0) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	uint16_t p;

	(void)state;
	PRT_ETH_FOREACH_DEV(p)
		prt_eth_dev_close(p);
	return prt_eal_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_fills_free_slots), cmocka_unit_test(add_refusals),
		cmocka_unit_test(remove_refusals),	cmocka_unit_test(mc_list_set_and_cleared),
		cmocka_unit_test(mc_list_refusals),	cmocka_unit_test(not_supported_without_ops),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
