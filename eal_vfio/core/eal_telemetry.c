/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL's telemetry commands, as DPDK's eal_common_options.c has them:
 * /eal/params (the program's name and the EAL's arguments) and
 * /eal/app_params (the program's own, after "--"), each an array of
 * strings. They read the command line prt_eal_init() kept; the telemetry
 * thread stops before prt_eal_cleanup() frees it.
 */
#include <string.h>

#include "eal_private.h"
#include "prt_telemetry.h"

static int eal_params(const char *cmd, const char *params, struct prt_tel_data *d)
{
	char **args = strcmp(cmd, "/eal/params") == 0 ? eal_cfg.eal_args : eal_cfg.app_args;

	(void)params;
	prt_tel_data_start_array(d, PRT_TEL_STRING_VAL);
	for (unsigned int i = 0; args != NULL && args[i] != NULL; i++)
		prt_tel_data_add_array_string(d, args[i]);
	return 0;
}

__attribute__((constructor)) static void eal_telemetry_register(void)
{
	prt_telemetry_register_cmd("/eal/params", eal_params,
				   "Returns EAL commandline parameters used. Takes no parameters");
	prt_telemetry_register_cmd("/eal/app_params", eal_params,
				   "Returns app commandline parameters used. Takes no parameters");
}
