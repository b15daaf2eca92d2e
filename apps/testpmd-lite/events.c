/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port events, as dpdk-testpmd prints them: "Port N: link state change
 * event" and "Port N: device removal event", each on one line of its own
 * that scripts can wait for. A link-state line ends with the new state:
 *
 *   Port 0: link state change event: link down
 *   Port 0: link state change event: link up, 1000 Mb/s, full duplex
 *
 * The callbacks run on prt's interrupt thread while the lcores forward and
 * the main lcore prints statistics; stdout is line-buffered and each line
 * is one printf, so lines never mix.
 */
#include <stdio.h>

#include "testpmd.h"

static int event_print(uint16_t port_id, enum prt_eth_event_type event, void *cb_arg,
		       void *ret_param)
{
	struct prt_eth_link link;

	(void)cb_arg;
	(void)ret_param;
	if (event == PRT_ETH_EVENT_INTR_RMV) {
		/* The driver stopped the port's queues; it is closed at the end of the run. */
		printf("Port %u: device removal event\n", port_id);
		return 0;
	}
	if (prt_eth_link_get_nowait(port_id, &link) < 0) {
		printf("Port %u: link state change event: link unknown\n", port_id);
		return 0;
	}
	if (!link.link_status)
		printf("Port %u: link state change event: link down\n", port_id);
	else if (link.link_speed == PRT_ETH_SPEED_NUM_UNKNOWN)
		printf("Port %u: link state change event: link up, speed unknown, %s duplex\n",
		       port_id, link.link_duplex ? "full" : "half");
	else
		printf("Port %u: link state change event: link up, %u Mb/s, %s duplex\n", port_id,
		       link.link_speed, link.link_duplex ? "full" : "half");
	return 0;
}

int tp_events_register(uint16_t port, bool lsc)
{
	struct prt_eth_dev_info info;
	int ret = prt_eth_dev_info_get(port, &info);

	if (ret == 0 && lsc)
		ret = prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_LSC, event_print,
						    NULL);
	if (ret == 0 && tp_cfg.rmv_intr && (info.dev_flags & PRT_ETH_DEV_INTR_RMV))
		ret = prt_eth_dev_callback_register(port, PRT_ETH_EVENT_INTR_RMV, event_print,
						    NULL);
	return ret;
}
