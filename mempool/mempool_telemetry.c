/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mempool telemetry commands, as DPDK 22.11's (lib/mempool/rte_mempool.c):
 * /mempool/list, the pools' names, and /mempool/info,<name>, one pool's
 * sizes and memzone ({} for a name no pool has, as DPDK). Registered
 * through the EAL's prt_telemetry_register_cmd() from a constructor. DPDK's
 * pool_id and ops_index are left out: prt's pools have one store, their ring.
 */
#include <errno.h>
#include <string.h>

#include "prt_memzone.h"
#include "prt_mempool.h"
#include "prt_telemetry.h"

static void list_one(struct prt_mempool *mp, void *arg)
{
	prt_tel_data_add_array_string(arg, mp->name);
}

static int handle_list(const char *cmd, const char *params, struct prt_tel_data *d)
{
	(void)cmd;
	(void)params;
	prt_tel_data_start_array(d, PRT_TEL_STRING_VAL);
	prt_mempool_walk(list_one, d);
	return 0;
}

struct info_arg {
	const char *name;
	struct prt_tel_data *d;
};

/* Under the registry's lock, so the pool cannot be freed meanwhile. */
static void info_one(struct prt_mempool *mp, void *arg)
{
	const struct info_arg *a = arg;
	const struct prt_memzone *mz = mp->mz;
	struct prt_tel_data *d = a->d;

	if (strcmp(mp->name, a->name) != 0)
		return;
	prt_tel_data_add_dict_string(d, "name", mp->name);
	prt_tel_data_add_dict_uint(d, "flags", mp->flags);
	prt_tel_data_add_dict_int(d, "socket_id", mp->socket_id);
	prt_tel_data_add_dict_uint(d, "size", mp->size);
	prt_tel_data_add_dict_uint(d, "cache_size", mp->cache_size);
	prt_tel_data_add_dict_uint(d, "elt_size", mp->elt_size);
	prt_tel_data_add_dict_uint(d, "header_size", mp->header_size);
	prt_tel_data_add_dict_uint(d, "trailer_size", mp->trailer_size);
	prt_tel_data_add_dict_uint(d, "private_data_size", mp->private_data_size);
	prt_tel_data_add_dict_uint(d, "populated_size", mp->size);
	prt_tel_data_add_dict_string(d, "mz_name", mz->name);
	prt_tel_data_add_dict_uint(d, "mz_len", mz->len);
	prt_tel_data_add_dict_uint(d, "mz_hugepage_sz", mz->hugepage_sz);
	prt_tel_data_add_dict_int(d, "mz_socket_id", mz->socket_id);
	prt_tel_data_add_dict_uint(d, "mz_flags", mz->flags);
}

static int handle_info(const char *cmd, const char *params, struct prt_tel_data *d)
{
	struct info_arg a = { params, d };

	(void)cmd;
	if (params == NULL)
		return -EINVAL;
	prt_tel_data_start_dict(d);
	prt_mempool_walk(info_one, &a);
	return 0;
}

__attribute__((constructor)) static void mempool_telemetry_register(void)
{
	prt_telemetry_register_cmd("/mempool/list", handle_list,
				   "Returns list of available mempool. Takes no parameters");
	prt_telemetry_register_cmd("/mempool/info", handle_info,
				   "Returns mempool info. Parameters: pool_name");
}
