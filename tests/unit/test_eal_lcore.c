/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lcore threads: each worker runs on the CPU it is pinned to and knows its
 * own lcore id; launch/wait hands back the function's return value; a busy
 * worker refuses a second launch.
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "prt_test.h"

#include "prt_eal.h"

static char lcores_arg[64];

/* Every allowed CPU becomes an lcore; with one CPU, two lcores share it. */
static int setup(void **state)
{
	char *argv[] = { "prog", "--lcores", lcores_arg, "--no-huge", NULL };

	(void)state;
	prt_test_lcores(lcores_arg, sizeof(lcores_arg));
	return prt_eal_init(4, argv) == 3 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return prt_eal_cleanup();
}

/* Returns lcore id * 1000 + the CPU it ran on. */
static int where_am_i(void *arg)
{
	(void)arg;
	return (int)prt_lcore_id() * 1000 + sched_getcpu();
}

static void test_workers_run_pinned(void **state)
{
	unsigned int id, workers = 0;

	(void)state;
	assert_true(prt_lcore_count() >= 2);
	assert_int_equal(prt_lcore_id(), prt_get_main_lcore());
	assert_int_equal(sched_getcpu(), prt_lcore_to_cpu_id(prt_get_main_lcore()));
	PRT_LCORE_FOREACH_WORKER(id) {
		assert_int_not_equal(id, prt_get_main_lcore());
		assert_int_equal(prt_eal_remote_launch(where_am_i, NULL, id), 0);
		workers++;
	}
	assert_int_equal(workers, prt_lcore_count() - 1);
	PRT_LCORE_FOREACH_WORKER(id) {
		int ret = prt_eal_wait_lcore(id);

		assert_int_equal(ret / 1000, id);
		assert_int_equal(ret % 1000, prt_lcore_to_cpu_id(id));
		assert_int_equal(prt_eal_get_lcore_state(id), PRT_LCORE_WAIT);
	}
}

static atomic_int gate;

static int wait_for_gate(void *arg)
{
	while (!atomic_load(&gate))
		usleep(100);
	return *(int *)arg;
}

static void test_launch_busy_and_return_value(void **state)
{
	unsigned int w = prt_get_next_lcore(-1, 1, 0);
	int value = -42;

	(void)state;
	atomic_store(&gate, 0);
	assert_int_equal(prt_eal_remote_launch(wait_for_gate, &value, w), 0);
	assert_int_equal(prt_eal_remote_launch(wait_for_gate, &value, w), -EBUSY);
	assert_int_equal(prt_eal_mp_remote_launch(wait_for_gate, &value, 0), -EBUSY);
	atomic_store(&gate, 1);
	assert_int_equal(prt_eal_wait_lcore(w), -42);
	/* Collected: idle again, waiting again returns 0. */
	assert_int_equal(prt_eal_wait_lcore(w), 0);
	assert_int_equal(prt_eal_remote_launch(wait_for_gate, &value, prt_get_main_lcore()),
			 -EINVAL);
	assert_int_equal(prt_eal_remote_launch(wait_for_gate, &value, PRT_MAX_LCORE), -EINVAL);
}

static atomic_int ran;

static int count_me(void *arg)
{
	(void)arg;
	atomic_fetch_add(&ran, 1);
	return 0;
}

static void test_mp_launch(void **state)
{
	(void)state;
	atomic_store(&ran, 0);
	assert_int_equal(prt_eal_mp_remote_launch(count_me, NULL, 1), 0);
	prt_eal_mp_wait_lcore();
	assert_int_equal(atomic_load(&ran), (int)prt_lcore_count());
}

static void test_topology(void **state)
{
	unsigned int id, n = 0;

	(void)state;
	PRT_LCORE_FOREACH(id) {
		assert_true(prt_lcore_is_enabled(id));
		assert_true(prt_lcore_to_socket_id(id) >= 0);
		assert_true((unsigned int)prt_lcore_to_socket_id(id) < prt_socket_count());
		n++;
	}
	assert_int_equal(n, prt_lcore_count());
	assert_false(prt_lcore_is_enabled(PRT_MAX_LCORE));
	assert_int_equal(prt_lcore_to_socket_id(PRT_MAX_LCORE), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workers_run_pinned),
		cmocka_unit_test(test_launch_busy_and_return_value),
		cmocka_unit_test(test_mp_launch),
		cmocka_unit_test(test_topology),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
