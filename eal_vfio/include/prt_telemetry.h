/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_telemetry.h
 * Telemetry: commands a client asks over the EAL's telemetry socket, and the
 * data a command answers with. The protocol is DPDK's telemetry v2 (DPDK
 * 22.11): a unix SOCK_SEQPACKET socket `dpdk_telemetry.v2` in the runtime
 * directory, a JSON greeting on connect, then one JSON reply per command,
 * so that DPDK's `dpdk-telemetry.py` and the dashboards built on it work
 * unchanged (doc/telemetry.md).
 *
 * A command is registered by name with a callback (as
 * rte_telemetry_register_cmd()); a client sends "/name" or "/name,params"
 * and gets {"/name": VALUE}, where VALUE is what the callback built in the
 * struct prt_tel_data it is given: a string, a dictionary or an array of
 * strings, signed or unsigned integers, or containers (other dictionaries
 * and arrays). A callback that fails (returns < 0) answers null, as does a
 * command no one registered.
 *
 *     static int fwd_cmd(const char *cmd, const char *params, struct prt_tel_data *d)
 *     {
 *             prt_tel_data_start_dict(d);
 *             prt_tel_data_add_dict_string(d, "mode", "io");
 *             prt_tel_data_add_dict_uint(d, "nb_ports", 2);
 *             return 0;
 *     }
 *     prt_telemetry_register_cmd("/app/fwd", fwd_cmd, "Forwarding state. Takes no parameters");
 *
 * Callbacks run on the telemetry thread (a control thread, never a polling
 * lcore), one at a time, while the lcores go on: what they read must be safe
 * to read from another thread (counters, state that changes only on the
 * control path).
 */
#ifndef PRT_TELEMETRY_H
#define PRT_TELEMETRY_H

#include <stdint.h>

/** Longest string value or dictionary key, with its NUL (RTE_TEL_MAX_STRING_LEN). */
#define PRT_TEL_MAX_STRING_LEN 128
/** Longest value of prt_tel_data_string(), with its NUL (RTE_TEL_MAX_SINGLE_STRING_LEN). */
#define PRT_TEL_MAX_SINGLE_STRING_LEN 8192
/** Most entries of one dictionary (RTE_TEL_MAX_DICT_ENTRIES). */
#define PRT_TEL_MAX_DICT_ENTRIES 256
/** Most elements of one array (RTE_TEL_MAX_ARRAY_ENTRIES). */
#define PRT_TEL_MAX_ARRAY_ENTRIES 512
/** Longest command name, with its NUL (DPDK's MAX_CMD_LEN). */
#define PRT_TEL_MAX_CMD_LEN 56
/** Most bytes of one reply; the greeting says it as max_output_len (DPDK's MAX_OUTPUT_LEN). */
#define PRT_TEL_MAX_OUTPUT_LEN (16 * 1024)

/** The data a command answers with; opaque, filled through the functions below. */
struct prt_tel_data;

/** The type of an array's elements (prt_tel_data_start_array()). */
enum prt_tel_value_type {
	PRT_TEL_STRING_VAL, /**< strings of at most PRT_TEL_MAX_STRING_LEN - 1 bytes */
	PRT_TEL_INT_VAL, /**< signed 64-bit integers */
	PRT_TEL_UINT_VAL, /**< unsigned 64-bit integers */
	PRT_TEL_CONTAINER, /**< dictionaries or arrays (struct prt_tel_data) */
};

/**
 * A command's callback.
 * @param cmd    the command as the client sent it ("/ethdev/stats")
 * @param params what followed the first comma, or NULL when nothing did
 *               (client-controlled: check it)
 * @param d      empty data to fill; it answers null when left empty
 * @return >= 0 to answer with @p d; < 0 to answer null (a bad parameter, an
 *         unknown port, ...).
 */
typedef int (*prt_telemetry_cb)(const char *cmd, const char *params, struct prt_tel_data *d);

/**
 * Registers command @p cmd. Commands may be registered at any time, from a
 * constructor before prt_eal_init() too; they stay registered for the life
 * of the process (across prt_eal_cleanup() and a new prt_eal_init()).
 * Thread-safe.
 *
 * @param cmd  "/" followed by letters, digits, '_' and '/', shorter than
 *             PRT_TEL_MAX_CMD_LEN (copied)
 * @param fn   the callback
 * @param help one line for "/help,<cmd>", shorter than PRT_TEL_MAX_STRING_LEN (copied)
 * @return 0; -EINVAL for a bad name, a NULL @p fn or a help too long;
 *         -EEXIST when @p cmd is registered already; -ENOMEM.
 */
int prt_telemetry_register_cmd(const char *cmd, prt_telemetry_cb fn, const char *help);

/**
 * Makes @p d a dictionary with no entries (what it held before is dropped).
 * @return 0; -EINVAL when @p d is NULL.
 */
int prt_tel_data_start_dict(struct prt_tel_data *d);

/**
 * Makes @p d an empty array of values of @p type.
 * @return 0; -EINVAL when @p d is NULL or @p type is not a prt_tel_value_type.
 */
int prt_tel_data_start_array(struct prt_tel_data *d, enum prt_tel_value_type type);

/**
 * Makes @p d the string @p str (copied), the whole answer.
 * @return 0; E2BIG (positive, as DPDK) when @p str was cut to
 *         PRT_TEL_MAX_SINGLE_STRING_LEN - 1 bytes; -EINVAL; -ENOMEM.
 */
int prt_tel_data_string(struct prt_tel_data *d, const char *str);

/**
 * Appends to array @p d a string (copied) / a signed integer / an unsigned
 * integer; the array's type must match.
 * @return 0; E2BIG (positive) when the string was cut to
 *         PRT_TEL_MAX_STRING_LEN - 1 bytes (it is added, cut); -EINVAL when
 *         @p d is not an array of that type; -ENOSPC when it has
 *         PRT_TEL_MAX_ARRAY_ENTRIES elements; -ENOMEM.
 */
int prt_tel_data_add_array_string(struct prt_tel_data *d, const char *str);
/** @copydoc prt_tel_data_add_array_string */
int prt_tel_data_add_array_int(struct prt_tel_data *d, int64_t x);
/** @copydoc prt_tel_data_add_array_string */
int prt_tel_data_add_array_uint(struct prt_tel_data *d, uint64_t x);

/**
 * Appends container @p val (a dictionary or an array from
 * prt_tel_data_alloc()) to array @p d, of type PRT_TEL_CONTAINER. With
 * @p keep 0, @p d owns @p val from then on, and frees it once the answer is
 * written (also when this call fails); with @p keep non-zero the caller
 * keeps it, and must keep it alive until the answer is written.
 * @return 0; -EINVAL when @p d is not an array of containers, or @p val is
 *         not a dictionary or an array, or is @p d; -ENOSPC; -ENOMEM.
 */
int prt_tel_data_add_array_container(struct prt_tel_data *d, struct prt_tel_data *val, int keep);

/**
 * Adds to dictionary @p d the entry @p name with a string value (copied) /
 * a signed integer / an unsigned integer. Entries keep the order they were
 * added in; names are not checked for duplicates.
 * @param name letters, digits, '_' and '/', shorter than PRT_TEL_MAX_STRING_LEN
 * @return 0; E2BIG (positive) when the string value was cut to
 *         PRT_TEL_MAX_STRING_LEN - 1 bytes (it is added, cut); -EINVAL when
 *         @p d is not a dictionary or @p name is not a valid name;
 *         -ENOSPC when @p d has PRT_TEL_MAX_DICT_ENTRIES entries; -ENOMEM.
 */
int prt_tel_data_add_dict_string(struct prt_tel_data *d, const char *name, const char *val);
/** @copydoc prt_tel_data_add_dict_string */
int prt_tel_data_add_dict_int(struct prt_tel_data *d, const char *name, int64_t val);
/** @copydoc prt_tel_data_add_dict_string */
int prt_tel_data_add_dict_uint(struct prt_tel_data *d, const char *name, uint64_t val);

/**
 * Adds to dictionary @p d the entry @p name whose value is container @p val
 * (a dictionary or an array from prt_tel_data_alloc()); ownership as in
 * prt_tel_data_add_array_container().
 * @return 0; -EINVAL (as prt_tel_data_add_dict_string(), or @p val not a
 *         dictionary or an array, or @p val is @p d); -ENOSPC; -ENOMEM.
 */
int prt_tel_data_add_dict_container(struct prt_tel_data *d, const char *name,
				    struct prt_tel_data *val, int keep);

/**
 * A new, empty container for prt_tel_data_add_*_container().
 * @return it, or NULL with errno ENOMEM.
 */
struct prt_tel_data *prt_tel_data_alloc(void);

/** Frees @p d from prt_tel_data_alloc() and the containers it owns. NULL is ignored. */
void prt_tel_data_free(struct prt_tel_data *d);

#endif /* PRT_TELEMETRY_H */
