/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ethdev telemetry commands, with the names, parameters and answers of
 * DPDK 22.11's (lib/ethdev/rte_ethdev.c): /ethdev/list, /ethdev/info,
 * /ethdev/stats, /ethdev/xstats, /ethdev/link_status. Registered through
 * the EAL's prt_telemetry_register_cmd() from a constructor, so the EAL
 * never calls up into ethdev.
 *
 * They run on the telemetry thread and read a port as the query calls do
 * (stats and xstats are the drivers' relaxed counters; the link is the
 * stored one, prt_eth_link_get_nowait()), under the control lock
 * (ethdev_private.h): an application closing or reconfiguring a port on
 * another thread waits for the answer, and no answer reads a port that is
 * going. (DPDK takes no lock there.)
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ethdev_driver.h"
#include "ethdev_private.h"
#include "prt_telemetry.h"

/*
 * The port a command's parameter names: a number as strtoul() reads it
 * with base 0 (DPDK's), of a port that exists; what follows it is ignored
 * (DPDK logs it).
 */
static int port_param(const char *params, uint16_t *port_id)
{
	unsigned long v;
	char *end;

	if (params == NULL || !isdigit((unsigned char)params[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(params, &end, 0);
	if (errno != 0 || v >= PRT_MAX_ETHPORTS || !prt_eth_dev_is_valid_port((uint16_t)v))
		return -ENODEV;
	if (*end != '\0')
		ETHDEV_LOG(NOTICE, "telemetry: \"%s\": what follows the port id is ignored",
			   params);
	*port_id = (uint16_t)v;
	return 0;
}

static int handle_port_list(const char *cmd, const char *params, struct prt_tel_data *d)
{
	uint16_t p;

	(void)cmd;
	(void)params;
	prt_tel_data_start_array(d, PRT_TEL_INT_VAL);
	PRT_ETH_FOREACH_DEV(p)
		prt_tel_data_add_array_int(d, p);
	return 0;
}

/* An array of the PRT_ETHDEV_QUEUE_STAT_CNTRS per-queue counters @p q, as entry @p name. */
static void add_queue_stats(struct prt_tel_data *d, const char *name, const uint64_t *q)
{
	struct prt_tel_data *a = prt_tel_data_alloc();

	if (a == NULL)
		return;
	prt_tel_data_start_array(a, PRT_TEL_UINT_VAL);
	for (unsigned int i = 0; i < PRT_ETHDEV_QUEUE_STAT_CNTRS; i++)
		prt_tel_data_add_array_uint(a, q[i]);
	prt_tel_data_add_dict_container(d, name, a, 0);
}

static int handle_port_stats(const char *cmd, const char *params, struct prt_tel_data *d)
{
	struct prt_eth_stats s;
	uint16_t port;
	int ret;

	(void)cmd;
	ret = port_param(params, &port);
	if (ret == 0)
		ret = prt_eth_stats_get(port, &s);
	if (ret < 0)
		return ret;
	prt_tel_data_start_dict(d);
	prt_tel_data_add_dict_uint(d, "ipackets", s.ipackets);
	prt_tel_data_add_dict_uint(d, "opackets", s.opackets);
	prt_tel_data_add_dict_uint(d, "ibytes", s.ibytes);
	prt_tel_data_add_dict_uint(d, "obytes", s.obytes);
	prt_tel_data_add_dict_uint(d, "imissed", s.imissed);
	prt_tel_data_add_dict_uint(d, "ierrors", s.ierrors);
	prt_tel_data_add_dict_uint(d, "oerrors", s.oerrors);
	prt_tel_data_add_dict_uint(d, "rx_nombuf", s.rx_nombuf);
	add_queue_stats(d, "q_ipackets", s.q_ipackets);
	add_queue_stats(d, "q_opackets", s.q_opackets);
	add_queue_stats(d, "q_ibytes", s.q_ibytes);
	add_queue_stats(d, "q_obytes", s.q_obytes);
	add_queue_stats(d, "q_errors", s.q_errors);
	return 0;
}

static int handle_port_xstats(const char *cmd, const char *params, struct prt_tel_data *d)
{
	struct prt_eth_xstat_name *names = NULL;
	struct prt_eth_xstat *vals = NULL;
	int n, ret;
	uint16_t port;

	(void)cmd;
	ret = port_param(params, &port);
	if (ret < 0)
		return ret;
	n = prt_eth_xstats_get_names(port, NULL, 0);
	if (n < 0)
		return n;
	names = calloc((size_t)n + 1, sizeof(*names));
	vals = calloc((size_t)n + 1, sizeof(*vals));
	ret = -ENOMEM;
	if (names == NULL || vals == NULL)
		goto out;
	/* Both counts again: a driver's xstats may differ between calls. */
	ret = prt_eth_xstats_get_names(port, names, (unsigned int)n);
	if (ret >= 0 && ret <= n) {
		n = ret;
		ret = prt_eth_xstats_get(port, vals, (unsigned int)n);
	}
	if (ret < 0 || ret > n) {
		ret = ret < 0 ? ret : -EIO;
		goto out;
	}
	prt_tel_data_start_dict(d);
	for (int i = 0; i < ret; i++)
		if (vals[i].id < (uint64_t)n)
			prt_tel_data_add_dict_uint(d, names[vals[i].id].name, vals[i].value);
	ret = 0;
out:
	free(names);
	free(vals);
	return ret;
}

static int handle_port_link_status(const char *cmd, const char *params, struct prt_tel_data *d)
{
	struct prt_eth_link link;
	uint16_t port;
	int ret;

	(void)cmd;
	ret = port_param(params, &port);
	if (ret == 0)
		ret = prt_eth_link_get_nowait(port, &link);
	if (ret < 0)
		return ret;
	prt_tel_data_start_dict(d);
	if (!link.link_status)
		return prt_tel_data_add_dict_string(d, "status", "DOWN");
	prt_tel_data_add_dict_string(d, "status", "UP");
	prt_tel_data_add_dict_uint(d, "speed", link.link_speed);
	prt_tel_data_add_dict_string(d, "duplex", link.link_duplex ? "full-duplex" : "half-duplex");
	return 0;
}

/* An array of @p n ints @p v, as entry @p name. */
static void add_int_array(struct prt_tel_data *d, const char *name, unsigned int n, int v)
{
	struct prt_tel_data *a = prt_tel_data_alloc();

	if (a == NULL)
		return;
	prt_tel_data_start_array(a, PRT_TEL_INT_VAL);
	for (unsigned int i = 0; i < n; i++)
		prt_tel_data_add_array_int(a, v);
	prt_tel_data_add_dict_container(d, name, a, 0);
}

/*
 * DPDK's fields, from what prt keeps: "state" is DPDK's RTE_ETH_DEV_ATTACHED
 * (1), the only state a valid port is in; prt's queues start and stop with
 * their port, so each queue's state (DPDK's RTE_ETH_QUEUE_STATE_STARTED 1,
 * STOPPED 0) is the port's; prt has no LRO ("lro" 0).
 */
static int handle_port_info(const char *cmd, const char *params, struct prt_tel_data *d)
{
	char mac[PRT_ETHER_ADDR_FMT_SIZE];
	const struct prt_eth_dev_data *data;
	uint16_t port;
	int ret;

	(void)cmd;
	ret = port_param(params, &port);
	if (ret < 0)
		return ret;
	data = &prt_eth_dev_get(port)->data;
	prt_tel_data_start_dict(d);
	prt_tel_data_add_dict_string(d, "name", data->name);
	prt_tel_data_add_dict_int(d, "state", 1);
	prt_tel_data_add_dict_int(d, "nb_rx_queues", data->nb_rx_queues);
	prt_tel_data_add_dict_int(d, "nb_tx_queues", data->nb_tx_queues);
	prt_tel_data_add_dict_int(d, "port_id", data->port_id);
	prt_tel_data_add_dict_int(d, "mtu", data->mtu);
	prt_tel_data_add_dict_uint(d, "rx_mbuf_size_min", data->min_rx_buf_size);
	prt_ether_format_addr(mac, sizeof(mac), &data->mac_addr);
	prt_tel_data_add_dict_string(d, "mac_addr", mac);
	prt_tel_data_add_dict_int(d, "promiscuous", data->promiscuous);
	prt_tel_data_add_dict_int(d, "scattered_rx",
				  !!(data->dev_conf.rxmode.offloads & PRT_ETH_RX_OFFLOAD_SCATTER));
	prt_tel_data_add_dict_int(d, "all_multicast", data->all_multicast);
	prt_tel_data_add_dict_int(d, "dev_started", data->started);
	prt_tel_data_add_dict_int(d, "lro", 0);
	prt_tel_data_add_dict_int(d, "dev_configured", data->configured);
	add_int_array(d, "rxq_state", data->nb_rx_queues, data->started);
	add_int_array(d, "txq_state", data->nb_tx_queues, data->started);
	prt_tel_data_add_dict_int(d, "numa_node", data->numa_node);
	prt_tel_data_add_dict_uint(d, "dev_flags", data->dev_flags);
	prt_tel_data_add_dict_uint(d, "rx_offloads", data->dev_conf.rxmode.offloads);
	prt_tel_data_add_dict_uint(d, "tx_offloads", data->dev_conf.txmode.offloads);
	prt_tel_data_add_dict_uint(d, "ethdev_rss_hf", data->dev_conf.rx_adv_conf.rss_conf.rss_hf);
	return 0;
}

static const struct {
	const char *name;
	prt_telemetry_cb fn;
	const char *help;
} commands[] = {
	{ "/ethdev/list", handle_port_list,
	  "Returns list of available ethdev ports. Takes no parameters" },
	{ "/ethdev/stats", handle_port_stats,
	  "Returns the common stats for a port. Parameters: int port_id" },
	{ "/ethdev/xstats", handle_port_xstats,
	  "Returns the extended stats for a port. Parameters: int port_id" },
	{ "/ethdev/link_status", handle_port_link_status,
	  "Returns the link status for a port. Parameters: int port_id" },
	{ "/ethdev/info", handle_port_info,
	  "Returns the device info for a port. Parameters: int port_id" },
};

/* Every command: its handler, under the control lock. */
static int handle_locked(const char *cmd, const char *params, struct prt_tel_data *d)
{
	int ret = -ENOENT;

	eth_dev_ctrl_lock();
	for (unsigned int i = 0; i < PRT_DIM(commands); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			ret = commands[i].fn(cmd, params, d);
	eth_dev_ctrl_unlock();
	return ret;
}

__attribute__((constructor)) static void ethdev_telemetry_register(void)
{
	for (unsigned int i = 0; i < PRT_DIM(commands); i++)
		prt_telemetry_register_cmd(commands[i].name, handle_locked, commands[i].help);
}
