/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port events (prt_eth_dev_callback_*) over a fake driver that can raise
 * them and over net_null, which cannot: registration and its refusals,
 * several callbacks with their own arguments in order, unregistration (by
 * argument, of every argument, of a running callback), a callback that
 * closes its own port, callbacks freed with their port, callbacks for
 * every port (PRT_ETH_ALL), intr_conf.lsc
 * refused where the port cannot deliver it, and the link read from the
 * stored state, not the driver, while the interrupt keeps it current.
 */
#include <errno.h>
#include <string.h>

#include "prt_test.h"

#include "ethdev_driver.h"
#include "prt_eal.h"
#include "prt_mbuf.h"

static struct prt_mempool *pool;
static uint16_t null0;
static unsigned int link_update_calls;

/* ---- the fake driver: LSC and RMV capable, one queue of nothing ---- */

static int fake_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	(void)dev;
	info->max_rx_queues = 1;
	info->max_tx_queues = 1;
	return 0;
}

static int fake_queue_setup_rx(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc, int socket,
			       const struct prt_eth_rxconf *conf, struct prt_mempool *mp)
{
	(void)nb_desc;
	(void)socket;
	(void)conf;
	dev->data.rx_queues[qid] = mp; /* anything not NULL */
	return 0;
}

static int fake_link_update(struct prt_eth_dev *dev, int wait)
{
	(void)wait;
	link_update_calls++;
	prt_eth_linkstatus_set(dev, &(struct prt_eth_link){ .link_status = 1,
							    .link_speed = PRT_ETH_SPEED_NUM_10G });
	return 0;
}

static const struct prt_eth_dev_ops fake_ops = {
	.dev_infos_get = fake_infos_get,
	.rx_queue_setup = fake_queue_setup_rx,
	.link_update = fake_link_update,
};

static struct prt_eth_driver fake_driver = { .name = "net_fake" };

static struct prt_eth_dev *fake_port(void)
{
	struct prt_eth_dev *dev = prt_eth_dev_allocate("net_fake0", 0);

	assert_non_null(dev);
	dev->driver = &fake_driver;
	dev->dev_ops = &fake_ops;
	dev->data.dev_flags = PRT_ETH_DEV_INTR_LSC | PRT_ETH_DEV_INTR_RMV;
	prt_eth_dev_probing_finish(dev);
	return dev;
}

/* ---- what the callbacks saw ---- */

struct seen {
	unsigned int calls;
	uint16_t port;
	enum prt_eth_event_type event;
	unsigned int order; /* the call's rank among all callbacks of the event */
	int ret; /* what an unregister or close inside it returned */
};

static unsigned int calls_total;

static int record(uint16_t port_id, enum prt_eth_event_type event, void *cb_arg, void *ret_param)
{
	struct seen *s = cb_arg;

	assert_null(ret_param);
	s->calls++;
	s->port = port_id;
	s->event = event;
	s->order = ++calls_total;
	return 0;
}

static int other(uint16_t port_id, enum prt_eth_event_type event, void *cb_arg, void *ret_param)
{
	return record(port_id, event, cb_arg, ret_param);
}

static int unregister_self(uint16_t port_id, enum prt_eth_event_type event, void *cb_arg,
			   void *ret_param)
{
	struct seen *s = cb_arg;

	record(port_id, event, cb_arg, ret_param);
	s->ret = prt_eth_dev_callback_unregister(port_id, event, unregister_self, cb_arg);
	return 0;
}

static int close_own_port(uint16_t port_id, enum prt_eth_event_type event, void *cb_arg,
			  void *ret_param)
{
	struct seen *s = cb_arg;

	record(port_id, event, cb_arg, ret_param);
	s->ret = prt_eth_dev_close(port_id);
	return 7; /* handed back to the driver */
}

static int setup(void **state)
{
	char *argv[] = { "test", "-l", "0", "--no-huge", "--vdev", "net_null0", NULL };

	(void)state;
	if (prt_eal_init((int)PRT_DIM(argv) - 1, argv) < 0)
		return -1;
	pool = prt_pktmbuf_pool_create("event_pool", 512, 0, 0, 2048 + PRT_PKTMBUF_HEADROOM,
				       PRT_SOCKET_ID_ANY);
	if (pool == NULL || prt_eth_dev_get_port_by_name("net_null0", &null0) < 0)
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
	return prt_eal_cleanup();
}

/* Several callbacks, each with its argument, in registration order, for their event only. */
static void callbacks_run_in_order(void **state)
{
	struct prt_eth_dev *dev = fake_port();
	uint16_t port = dev->data.port_id;
	struct seen a = { 0 }, b = { 0 }, rmv = { 0 };

	(void)state;
	calls_total = 0;
	assert_int_equal(prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_LSC, record, &a),
			 0);
	assert_int_equal(prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_LSC, other, &b), 0);
	/* The same function, event and argument again: still once. */
	assert_int_equal(prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_LSC, record, &a),
			 0);
	assert_int_equal(prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_RMV, record, &rmv),
			 0);

	assert_int_equal(prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL), 0);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(rmv.calls, 0);
	assert_int_equal(a.port, port);
	assert_int_equal(a.event, PRT_ETH_EVENT_INTR_LSC);
	assert_true(a.order < b.order);

	assert_int_equal(prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_RMV, NULL), 0);
	assert_int_equal(rmv.calls, 1);
	assert_int_equal(rmv.event, PRT_ETH_EVENT_INTR_RMV);
	assert_int_equal(a.calls, 1);

	/* Unregister one: the other still runs; a second time finds nothing. */
	assert_int_equal(prt_eth_dev_callback_unregister(port, PRT_ETH_EVENT_INTR_LSC, record, &a),
			 0);
	assert_int_equal(prt_eth_dev_callback_unregister(port, PRT_ETH_EVENT_INTR_LSC, record, &a),
			 -ENOENT);
	/* Registered for RMV, not for LSC: nothing to remove there. */
	assert_int_equal(prt_eth_dev_callback_unregister(port, PRT_ETH_EVENT_INTR_LSC, record,
							 &rmv),
			 -ENOENT);
	prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 2);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

/* (void *)-1 removes a function with any argument (as DPDK). */
static void unregister_every_argument(void **state)
{
	struct prt_eth_dev *dev = fake_port();
	uint16_t port = dev->data.port_id;
	struct seen a = { 0 }, b = { 0 }, c = { 0 };

	(void)state;
	assert_int_equal(prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_LSC, record, &a),
			 0);
	assert_int_equal(prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_LSC, record, &b),
			 0);
	assert_int_equal(prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_LSC, other, &c), 0);
	assert_int_equal(prt_eth_dev_callback_unregister(port, PRT_ETH_EVENT_INTR_LSC, record,
							 (void *)-1),
			 0);
	prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
	assert_int_equal(a.calls + b.calls, 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

/* A running callback stays (-EAGAIN); a callback cannot close its own port (-EDEADLK). */
static void running_callback_refusals(void **state)
{
	struct prt_eth_dev *dev = fake_port();
	uint16_t port = dev->data.port_id;
	struct seen u = { 0 }, c = { 0 };

	(void)state;
	assert_int_equal(prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_LSC,
						       unregister_self, &u),
			 0);
	prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
	assert_int_equal(u.ret, -EAGAIN);
	prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
	assert_int_equal(u.calls, 2); /* still registered */
	assert_int_equal(prt_eth_dev_callback_unregister(port, PRT_ETH_EVENT_INTR_LSC,
							 unregister_self, &u),
			 0);

	assert_int_equal(
		prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_RMV, close_own_port, &c), 0);
	assert_int_equal(prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_RMV, NULL), 7);
	assert_int_equal(c.ret, -EDEADLK);
	assert_true(prt_eth_dev_is_valid_port(port));
	assert_int_equal(prt_eth_dev_close(port), 0); /* from the main thread it closes */
}

/* A closed port's callbacks go with it: a new port on the same id starts with none. */
static void callbacks_freed_with_port(void **state)
{
	struct prt_eth_dev *dev = fake_port();
	uint16_t port = dev->data.port_id;
	struct seen a = { 0 };

	(void)state;
	assert_int_equal(prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_LSC, record, &a),
			 0);
	assert_int_equal(prt_eth_dev_close(port), 0);
	dev = fake_port();
	assert_int_equal(dev->data.port_id, port);
	assert_int_equal(prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL), 0);
	assert_int_equal(a.calls, 0);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

/* Registers record(@own) and other(@kept) for port @port's link-state events. */
static void register_own_and_kept(uint16_t port, struct seen *own, struct seen *kept)
{
	assert_int_equal(prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_LSC, record, own),
			 0);
	assert_int_equal(prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_LSC, other, kept),
			 0);
}

/*
 * PRT_ETH_ALL: for the ports there are and those made later, after each
 * port's own callbacks; unregistering with PRT_ETH_ALL removes every
 * port's matching callbacks too (as DPDK).
 */
static void callbacks_for_every_port(void **state)
{
	struct seen all = { 0 }, own = { 0 }, kept = { 0 };
	struct prt_eth_dev *dev;
	uint16_t port;

	(void)state;
	calls_total = 0;
	assert_int_equal(prt_eth_dev_callback_register(PRT_ETH_ALL, PRT_ETH_EVENT_INTR_LSC, record,
						       &all),
			 0);
	assert_int_equal(prt_eth_dev_callback_register(PRT_ETH_ALL, PRT_ETH_EVENT_INTR_LSC, record,
						       &all),
			 0);
	dev = fake_port(); /* made after the registration */
	port = dev->data.port_id;
	register_own_and_kept(port, &own, &kept);
	prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
	assert_int_equal(all.calls, 1);
	assert_int_equal(all.port, port);
	assert_true(own.order < all.order && kept.order < all.order);
	prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_RMV, NULL);
	assert_int_equal(all.calls, 1); /* registered for LSC only */
	prt_eth_dev_callback_process(prt_eth_dev_get(null0), PRT_ETH_EVENT_INTR_LSC, NULL);
	assert_int_equal(all.calls, 2);
	assert_int_equal(all.port, null0);

	/* A port closed and made again: its own callbacks are gone, these stay. */
	assert_int_equal(prt_eth_dev_close(port), 0);
	dev = fake_port();
	port = dev->data.port_id;
	register_own_and_kept(port, &own, &kept);
	prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
	assert_int_equal(all.calls, 3);
	assert_int_equal(own.calls, 2);

	/* Every argument of record(), for every port: all and own go, kept stays. */
	assert_int_equal(prt_eth_dev_callback_unregister(PRT_ETH_ALL, PRT_ETH_EVENT_INTR_LSC,
							 record, (void *)-1),
			 0);
	prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
	assert_int_equal(all.calls, 3);
	assert_int_equal(own.calls, 2);
	assert_int_equal(kept.calls, 3);
	assert_int_equal(prt_eth_dev_callback_unregister(PRT_ETH_ALL, PRT_ETH_EVENT_INTR_LSC,
							 record, &all),
			 -ENOENT);
	assert_int_equal(prt_eth_dev_callback_register(PRT_ETH_ALL, PRT_ETH_EVENT_INTR_LSC, NULL,
						       &all),
			 -EINVAL);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

/* Bad arguments: unknown port, event out of range, no function. */
static void bad_arguments(void **state)
{
	struct seen a = { 0 };

	(void)state;
	assert_int_equal(prt_eth_dev_callback_register(PRT_MAX_ETHPORTS - 1, PRT_ETH_EVENT_INTR_LSC,
						       record, &a),
			 -ENODEV);
	assert_int_equal(prt_eth_dev_callback_unregister(PRT_MAX_ETHPORTS - 1,
							 PRT_ETH_EVENT_INTR_LSC, record, &a),
			 -ENODEV);
	assert_int_equal(prt_eth_dev_callback_register(null0, PRT_ETH_EVENT_MAX, record, &a),
			 -EINVAL);
	assert_int_equal(prt_eth_dev_callback_register(null0, (enum prt_eth_event_type) - 1, record,
						       &a),
			 -EINVAL);
	assert_int_equal(prt_eth_dev_callback_register(null0, PRT_ETH_EVENT_INTR_LSC, NULL, &a),
			 -EINVAL);
	assert_int_equal(prt_eth_dev_callback_unregister(null0, PRT_ETH_EVENT_MAX, record, &a),
			 -EINVAL);
}

/* intr_conf.lsc: refused where the port cannot deliver it, said in dev_info. */
static void lsc_only_where_supported(void **state)
{
	struct prt_eth_conf conf = { .intr_conf = { .lsc = 1 } };
	struct prt_eth_dev *dev = fake_port();
	uint16_t port = dev->data.port_id;
	struct prt_eth_dev_info info;
	struct prt_eth_link link;

	(void)state;
	assert_int_equal(prt_eth_dev_info_get(null0, &info), 0);
	assert_false(info.dev_flags & PRT_ETH_DEV_INTR_LSC);
	assert_int_equal(prt_eth_dev_configure(null0, 1, 1, &conf), -ENOTSUP);
	/* Registering is allowed: the port simply never raises the event. */
	assert_int_equal(prt_eth_dev_callback_register(null0, PRT_ETH_EVENT_INTR_LSC, record, NULL),
			 0);
	assert_int_equal(
		prt_eth_dev_callback_unregister(null0, PRT_ETH_EVENT_INTR_LSC, record, NULL), 0);

	assert_int_equal(prt_eth_dev_info_get(port, &info), 0);
	assert_true(info.dev_flags & PRT_ETH_DEV_INTR_LSC);
	assert_true(info.dev_flags & PRT_ETH_DEV_INTR_RMV);
	assert_int_equal(prt_eth_dev_configure(port, 1, 0, &conf), 0);
	assert_int_equal(prt_eth_rx_queue_setup(port, 0, 64, PRT_SOCKET_ID_ANY, NULL, pool), 0);
	assert_int_equal(prt_eth_dev_start(port), 0); /* reads the link once */

	/* Started with lsc: the stored link, kept by the interrupt, not the driver's op. */
	link_update_calls = 0;
	prt_eth_linkstatus_set(dev, &(struct prt_eth_link){ 0 });
	assert_int_equal(prt_eth_link_get_nowait(port, &link), 0);
	assert_int_equal(link.link_status, 0);
	assert_int_equal(prt_eth_link_get(port, &link), 0); /* no 9 s wait either */
	assert_int_equal(link.link_status, 0);
	assert_int_equal(link_update_calls, 0);
	assert_int_equal(prt_eth_linkstatus_set(dev, &(struct prt_eth_link){ .link_status = 1 }),
			 0); /* changed */
	assert_int_equal(prt_eth_linkstatus_set(dev, &(struct prt_eth_link){ .link_status = 1 }),
			 -1); /* the same */
	assert_int_equal(prt_eth_link_get_nowait(port, &link), 0);
	assert_int_equal(link.link_status, 1);

	/* Without lsc, the driver is asked. */
	assert_int_equal(prt_eth_dev_stop(port), 0);
	assert_int_equal(prt_eth_dev_configure(port, 1, 0, NULL), 0);
	assert_int_equal(prt_eth_rx_queue_setup(port, 0, 64, PRT_SOCKET_ID_ANY, NULL, pool), 0);
	assert_int_equal(prt_eth_dev_start(port), 0);
	link_update_calls = 0;
	assert_int_equal(prt_eth_link_get_nowait(port, &link), 0);
	assert_int_equal(link_update_calls, 1);
	assert_int_equal(link.link_speed, PRT_ETH_SPEED_NUM_10G);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(callbacks_run_in_order),
		cmocka_unit_test(unregister_every_argument),
		cmocka_unit_test(running_callback_refusals),
		cmocka_unit_test(callbacks_freed_with_port),
		cmocka_unit_test(callbacks_for_every_port),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(lsc_only_where_supported),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
