/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control-path helpers the Intel drivers share (e1000_hw.h) and the
 * accumulated statistics (e1000_stats.h), against a fake BAR 0 in memory.
 * A helper thread plays the device where the helpers wait on it (CTRL.RST
 * clearing, EECD.AUTO_RD).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "prt_atomic.h"
#include "prt_test.h"

#include "e1000_hw.h"
#include "e1000_stats.h"

#define BAR_SIZE 0x20000
#define STATUS_UP_1G_FD (E1000_STATUS_LU | E1000_STATUS_FD | (2u << E1000_STATUS_SPEED_SHIFT))

static struct e1000_hw hw;
static uint32_t *bar;

static void reg_set(uint32_t reg, uint32_t v)
{
	prt_atomic_store(&bar[reg / 4], v, memory_order_release);
}

static uint32_t reg_get(uint32_t reg)
{
	return prt_atomic_load(&bar[reg / 4], memory_order_acquire);
}

static int setup(void **state)
{
	(void)state;
	bar = calloc(1, BAR_SIZE);
	assert_non_null(bar);
	hw = (struct e1000_hw){ .bar0 = (volatile uint8_t *)bar, .name = "fake" };
	reg_set(E1000_STATUS, STATUS_UP_1G_FD);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(bar);
	return 0;
}

static void test_alive_and_removed(void **state)
{
	struct e1000_link link;
	struct e1000_hw_stats st = { 0 };

	(void)state;
	assert_true(e1000_hw_alive(&hw));
	reg_set(E1000_STATUS, UINT32_MAX); /* surprise removal */
	assert_false(e1000_hw_alive(&hw));
	assert_true(hw.removed);
	reg_set(E1000_STATUS, STATUS_UP_1G_FD); /* sticky: never trusted again */
	assert_false(e1000_hw_alive(&hw));
	assert_int_equal(e1000_hw_reset(&hw), -ENODEV);
	assert_int_equal(e1000_hw_link_get(&hw, &link, 0), -ENODEV);
	assert_int_equal(e1000_stats_update(&hw, &st), -ENODEV);
}

static void test_link(void **state)
{
	struct e1000_link link;

	(void)state;
	assert_int_equal(e1000_hw_link_get(&hw, &link, 0), 0);
	assert_true(link.up);
	assert_true(link.full_duplex);
	assert_int_equal(link.speed_mbps, 1000);
	reg_set(E1000_STATUS, E1000_STATUS_FD);
	assert_int_equal(e1000_hw_link_get(&hw, &link, 30), 0); /* waits 30 ms, still down */
	assert_false(link.up);
	assert_int_equal(link.speed_mbps, 0);
}

static void test_mac(void **state)
{
	static const uint8_t want[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	uint8_t mac[6];

	(void)state;
	e1000_hw_set_rar(&hw, E1000_RAL(0), E1000_RAH(0), want);
	assert_int_equal(reg_get(E1000_RAL(0)), 0x12005452);
	assert_int_equal(reg_get(E1000_RAH(0)), 0x5634 | E1000_RAH_AV);
	assert_int_equal(e1000_hw_read_mac(&hw, mac), 0);
	assert_memory_equal(mac, want, 6);
	/* No valid address in RAL0/RAH0 and an NVM that never answers: -EIO, no garbage. */
	e1000_hw_set_rar(&hw, E1000_RAL(0), E1000_RAH(0), NULL);
	assert_int_equal(reg_get(E1000_RAH(0)), 0);
	assert_int_equal(e1000_hw_read_mac(&hw, mac), -EIO);
}

static atomic_bool device_run;

/* The device's side of a reset: RST self-clears, the NVM auto-read completes. */
static void *device_thread(void *arg)
{
	(void)arg;
	while (atomic_load(&device_run)) {
		uint32_t ctrl = reg_get(E1000_CTRL);

		if (ctrl & E1000_CTRL_RST) {
			reg_set(E1000_CTRL, ctrl & ~E1000_CTRL_RST);
			reg_set(E1000_EECD, E1000_EECD_AUTO_RD);
		}
	}
	return NULL;
}

static void test_reset(void **state)
{
	pthread_t t;

	(void)state;
	reg_set(E1000_RCTL, E1000_RCTL_EN);
	reg_set(E1000_TCTL, E1000_TCTL_EN);
	/* Nobody clears RST: the reset times out with a message, after 100 ms. */
	assert_int_equal(e1000_hw_reset(&hw), -ETIMEDOUT);
	assert_int_equal(reg_get(E1000_RCTL), 0); /* receiver stopped before the reset */
	reg_set(E1000_CTRL, 0);
	atomic_store(&device_run, true);
	assert_int_equal(pthread_create(&t, NULL, device_thread, NULL), 0);
	assert_int_equal(e1000_hw_reset(&hw), 0);
	atomic_store(&device_run, false);
	pthread_join(t, NULL);
	assert_int_equal(reg_get(E1000_IMC), UINT32_MAX); /* every interrupt masked */
	assert_true(reg_get(E1000_CTRL_EXT) & E1000_CTRL_EXT_DRV_LOAD);
	assert_false(reg_get(E1000_CTRL) & E1000_CTRL_RST);
}

static void test_stats_accumulate(void **state)
{
	struct e1000_hw_stats st = { 0 };
	struct prt_eth_stats eth = { 0 };

	(void)state;
	reg_set(E1000_GPRC, 10);
	reg_set(E1000_GORCL, 640 + 40);
	reg_set(E1000_GORCH, 0);
	reg_set(E1000_GPTC, 7);
	reg_set(E1000_GOTCL, 0xfffffff0);
	reg_set(E1000_GOTCH, 1);
	reg_set(E1000_MPC, 3);
	reg_set(E1000_CRCERRS, 2);
	reg_set(E1000_ROC, 1);
	reg_set(E1000_LATECOL, 5);
	assert_int_equal(e1000_stats_update(&hw, &st), 0);
	/* The counters clear on read: the device starts again from zero. */
	for (unsigned int i = 0; i < e1000_nb_stats; i++) {
		reg_set(e1000_stat_descs[i].reg, 0);
		if (e1000_stat_descs[i].is64)
			reg_set(e1000_stat_descs[i].reg + 4, 0);
	}
	reg_set(E1000_GPRC, 5);
	reg_set(E1000_GORCL, 320 + 20);
	reg_set(E1000_MPC, 1);
	assert_int_equal(e1000_stats_update(&hw, &st), 0);
	assert_int_equal(st.gprc, 15);
	assert_int_equal(st.gorc, 1020);
	assert_int_equal(st.gotc, 0x1fffffff0ull);
	assert_int_equal(st.mpc, 4);
	e1000_stats_to_eth(&st, &eth);
	assert_int_equal(eth.ipackets, 15);
	assert_int_equal(eth.ibytes, 1020 - 15 * 4); /* FCS not counted */
	assert_int_equal(eth.opackets, 7);
	assert_int_equal(eth.obytes, 0x1fffffff0ull - 7 * 4);
	assert_int_equal(eth.imissed, 4);
	assert_int_equal(eth.ierrors, 3);
	assert_int_equal(eth.oerrors, 5);
	/* Every xstat name is unique and its value is the field's. */
	for (unsigned int i = 0; i < e1000_nb_stats; i++)
		for (unsigned int j = i + 1; j < e1000_nb_stats; j++)
			assert_string_not_equal(e1000_stat_descs[i].name, e1000_stat_descs[j].name);
	assert_int_equal(e1000_stat_value(&st, 25), st.gprc);
	assert_string_equal(e1000_stat_descs[25].name, "rx_good_packets");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alive_and_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_accumulate, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
