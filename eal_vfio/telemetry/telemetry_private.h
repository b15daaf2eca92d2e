/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the telemetry files share inside the EAL: the layout of struct
 * prt_tel_data, the JSON writer, the command table, and the socket's start
 * and stop, which prt_eal_init() and prt_eal_cleanup() call. Not installed.
 */
#ifndef TELEMETRY_PRIVATE_H
#define TELEMETRY_PRIVATE_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "prt_log.h"
#include "prt_telemetry.h"

extern int telemetry_logtype;
#define TEL_LOG(level, ...) PRT_LOG(level, telemetry_logtype, __VA_ARGS__)

/** The file name DPDK's clients look for in the runtime directory. */
#define TELEMETRY_SOCKET_NAME "dpdk_telemetry.v2"

/** What a struct prt_tel_data holds. */
enum tel_kind {
	TEL_NULL = 0, /**< nothing: answers null */
	TEL_STRING, /**< one string (str) */
	TEL_DICT, /**< entries with names */
	TEL_ARRAY, /**< elements of array_type, names unused */
};

/** One dictionary entry or array element. */
struct tel_entry {
	char name[PRT_TEL_MAX_STRING_LEN];
	enum prt_tel_value_type type;
	union {
		char sval[PRT_TEL_MAX_STRING_LEN];
		int64_t ival;
		uint64_t uval;
		struct {
			struct prt_tel_data *data;
			bool keep; /**< the caller frees it, not the entry */
		} cont;
	};
};

struct prt_tel_data {
	enum tel_kind kind;
	enum prt_tel_value_type array_type; /**< TEL_ARRAY */
	char *str; /**< TEL_STRING, malloc'd */
	struct tel_entry *entries; /**< TEL_DICT, TEL_ARRAY: n used of cap, malloc'd */
	unsigned int n;
	unsigned int cap;
};

/**
 * Frees what @p d holds (its string, its entries, the containers it owns)
 * and leaves it TEL_NULL; @p d itself is not freed.
 */
void tel_data_release(struct prt_tel_data *d);

/**
 * Writes the answer {"@p cmd":VALUE} to command @p cmd into @p buf of @p cap
 * bytes (at least PRT_TEL_MAX_CMD_LEN * 6 + 16), as DPDK 22.11 writes it:
 * an entry or element that does not fit is left out, so the answer is
 * always whole JSON; a nested container is written whole or left out.
 * Strings are escaped (", \, control characters; bytes that are not UTF-8
 * become U+FFFD); @p cmd is cut to PRT_TEL_MAX_CMD_LEN bytes (DPDK's "%.*s").
 * @return the length written (no NUL counted; a NUL follows).
 */
size_t tel_json_answer(const char *cmd, const struct prt_tel_data *d, char *buf, size_t cap);

/**
 * Runs one request as a client sent it (@p len bytes, not NUL-terminated;
 * "/cmd" or "/cmd,params") and writes the answer into @p buf of @p cap
 * bytes: the command's value, or null for an unknown command, a command
 * too long, or a callback that failed. Thread-safe; the callback runs
 * without the command table's lock.
 * @return the length of the answer.
 */
size_t telemetry_handle(const char *req, size_t len, char *buf, size_t cap);

/** The greeting a client gets on connect (version, pid, max_output_len). @return its length. */
size_t telemetry_greeting(char *buf, size_t cap);

/**
 * Opens the telemetry socket in @p runtime_dir ("" means /tmp, as DPDK;
 * created with its parent, mode 0700, where missing): dpdk_telemetry.v2,
 * or dpdk_telemetry.v2:N, the
 * first N a live process does not hold (a socket left by a dead process is
 * replaced), and starts the telemetry thread on @p cpuset (the control
 * CPUs; NULL: the caller's).
 * @return 0; -EALREADY when it runs already; -EINVAL when @p runtime_dir
 *         is NULL; -ENOENT when @p runtime_dir
 *         is not a directory and cannot be made one; -ENAMETOOLONG; -EADDRINUSE when 1024
 *         instances are taken; other negative errno values of socket(),
 *         bind(), listen(), pthread_create(); each with one log line.
 */
int telemetry_init(const char *runtime_dir, const cpu_set_t *cpuset);

/** Stops the telemetry thread, closes its clients and removes the socket. No-op when not running. */
void telemetry_cleanup(void);

/** The socket's path while it runs, else NULL. */
const char *telemetry_socket_path(void);

#endif /* TELEMETRY_PRIVATE_H */
