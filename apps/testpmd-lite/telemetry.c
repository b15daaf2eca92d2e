/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /testpmd/fwd: the forwarding state for a telemetry client (dpdk-telemetry.py,
 * a dashboard), registered through prt_telemetry_register_cmd(). It runs on
 * the EAL's telemetry thread, so it reads only what stays valid while the
 * main lcore starts and stops forwarding: the options, the forwarding
 * ports' ids (a static array) and the running lcores' snapshot.
 */
#include "prt_telemetry.h"
#include "testpmd.h"

static const char *const topology_names[] = {
	[TP_TOPO_PAIRED] = "paired",
	[TP_TOPO_CHAINED] = "chained",
	[TP_TOPO_LOOP] = "loop",
};

/* An array of the @p n ints @p v, as entry @p name. */
static void add_ids(struct prt_tel_data *d, const char *name, const unsigned int *v, unsigned int n)
{
	struct prt_tel_data *a = prt_tel_data_alloc();

	if (a == NULL)
		return;
	prt_tel_data_start_array(a, PRT_TEL_INT_VAL);
	for (unsigned int i = 0; i < n; i++)
		prt_tel_data_add_array_int(a, v[i]);
	prt_tel_data_add_dict_container(d, name, a, 0);
}

static int fwd_state(const char *cmd, const char *params, struct prt_tel_data *d)
{
	unsigned int ids[PRT_MAX_LCORE], ports[PRT_MAX_ETHPORTS];
	unsigned int n = PRT_MIN(tp_fwd_running_lcores(ids, PRT_DIM(ids)), (unsigned)PRT_DIM(ids));

	(void)cmd;
	(void)params;
	prt_tel_data_start_dict(d);
	prt_tel_data_add_dict_string(d, "mode", tp_cfg.engine->name);
	prt_tel_data_add_dict_int(d, "running", n > 0);
	prt_tel_data_add_dict_int(d, "nb_fwd_lcores", n);
	add_ids(d, "fwd_lcores", ids, n);
	prt_tel_data_add_dict_int(d, "nb_cores", tp_cfg.nb_cores);
	for (unsigned int i = 0; i < nb_fwd_ports; i++)
		ports[i] = fwd_ports[i];
	prt_tel_data_add_dict_int(d, "nb_fwd_ports", nb_fwd_ports);
	add_ids(d, "fwd_ports", ports, nb_fwd_ports);
	prt_tel_data_add_dict_string(d, "port_topology", topology_names[tp_cfg.topology]);
	prt_tel_data_add_dict_int(d, "nb_rxq", tp_cfg.nb_rxq);
	prt_tel_data_add_dict_int(d, "nb_txq", tp_cfg.nb_txq);
	prt_tel_data_add_dict_int(d, "burst", tp_cfg.burst);
	return 0;
}

int tp_telemetry_register(void)
{
	return prt_telemetry_register_cmd(
		"/testpmd/fwd", fwd_state,
		"Returns testpmd-lite's forwarding mode, ports, lcores and whether it runs. Takes no parameters");
}
