/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_log.h
 * Logging: a level per log type ("eal", "eal.mem", "pmd.virtio", ...),
 * selected with --log-level=TYPE:LEVEL (glob) or TYPE,LEVEL (regex), as in DPDK.
 * A disabled message costs one load and one compare (PRT_LOG checks the level
 * inline before any argument is formatted).
 */
#ifndef PRT_LOG_H
#define PRT_LOG_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "prt_common.h"

/** Log levels, most severe first (numbers as DPDK's RTE_LOG_*). */
enum prt_log_level {
	PRT_LOG_EMERG = 1,
	PRT_LOG_ALERT = 2,
	PRT_LOG_CRIT = 3,
	PRT_LOG_ERR = 4,
	PRT_LOG_WARNING = 5,
	PRT_LOG_NOTICE = 6,
	PRT_LOG_INFO = 7,
	PRT_LOG_DEBUG = 8,
};

/** Log types of the library's own components; drivers register theirs with PRT_LOG_REGISTER. */
enum prt_logtype {
	PRT_LOGTYPE_EAL,
	PRT_LOGTYPE_MEM,
	PRT_LOGTYPE_MALLOC,
	PRT_LOGTYPE_VFIO,
	PRT_LOGTYPE_PCI,
	PRT_LOGTYPE_INTR,
	PRT_LOGTYPE_RING,
	PRT_LOGTYPE_MEMPOOL,
	PRT_LOGTYPE_MBUF,
	PRT_LOGTYPE_ETHDEV,
	PRT_LOGTYPE_USER,
	PRT_LOGTYPE_FIRST_DYNAMIC,
};

/** Most log types that can exist at once. */
#define PRT_LOGTYPE_MAX 128

/** Current level of each log type; read through prt_log_enabled(). */
extern uint8_t prt_log_levels[PRT_LOGTYPE_MAX];

/** True when a message of @p level for @p type would be printed. Thread-safe, lock-free. */
static inline int prt_log_enabled(int type, int level)
{
	return (unsigned)type < PRT_LOGTYPE_MAX && level <= prt_log_levels[type];
}

/**
 * Prints one log line "TYPE: [error: |warning: ]message" to the log stream
 * (stderr unless prt_log_set_stream() changed it), with a newline added when
 * @p fmt lacks one. The line is written with one call, so lines from several
 * threads never interleave. Prefer PRT_LOG(), which skips formatting when the
 * level is disabled. Leaves errno as it was, so a caller may log
 * strerror(errno) and then return -errno. Thread-safe.
 */
void prt_log(int level, int type, const char *fmt, ...) __prt_format_printf(3, 4);

/** va_list form of prt_log(). */
void prt_vlog(int level, int type, const char *fmt, va_list ap);

/** Logs when enabled: PRT_LOG(ERR, PRT_LOGTYPE_EAL, "no hugepages: %s", why). */
#define PRT_LOG(level, type, ...)                                    \
	do {                                                         \
		if (prt_log_enabled(type, PRT_LOG_##level))          \
			prt_log(PRT_LOG_##level, type, __VA_ARGS__); \
	} while (0)

/**
 * Registers a log type, or finds the one registered under @p name.
 * Levels chosen earlier with prt_log_set_level_pattern() that match @p name
 * apply to it. Thread-safe.
 *
 * @param name  dotted name, e.g. "pmd.virtio" (copied)
 * @param level level used when no pattern matches
 * @return the type id (>= 0); -EINVAL for an empty name or a bad level;
 *         -ENOSPC when PRT_LOGTYPE_MAX types exist.
 */
int prt_log_register(const char *name, int level);

/**
 * Defines an int variable @p var holding a log type registered at load time
 * under @p name (a bare token such as pmd.virtio) with default level @p level
 * (ERR, WARNING, NOTICE, INFO, DEBUG).
 */
#define PRT_LOG_REGISTER(var, name, level)                                    \
	int var = PRT_LOGTYPE_USER;                                           \
	__attribute__((constructor)) static void prt_log_register_##var(void) \
	{                                                                     \
		int t = prt_log_register(#name, PRT_LOG_##level);             \
		if (t >= 0)                                                   \
			var = t;                                              \
	}

/**
 * Sets the level of every type whose name matches @p pattern, now and for
 * types registered later. The pattern is a shell glob (fnmatch) when
 * @p is_regex is 0, an extended regular expression otherwise; NULL or "*"
 * means every type. Thread-safe.
 *
 * @return the number of existing types changed (>= 0); -EINVAL for a bad
 *         level or regular expression; -ENOSPC when too many patterns are set.
 */
int prt_log_set_level_pattern(const char *pattern, int is_regex, int level);

/**
 * Applies one --log-level argument: "LEVEL", "TYPE:LEVEL" (glob) or
 * "TYPE,LEVEL" (regex), where LEVEL is a name (emerg, alert, crit, error,
 * warning, notice, info, debug) or a number 1-8.
 *
 * @return 0; -EINVAL when the argument does not parse (nothing changed).
 */
int prt_log_parse_arg(const char *arg);

/**
 * Parses a level: a name (also DPDK's "emergency" and "critical", and "err",
 * "warn") or a number 1-8. @return the level; -EINVAL.
 */
int prt_log_level_parse(const char *s);

/** The name of @p level ("error", "debug", ...), "?" when out of range. */
const char *prt_log_level_name(int level);

/** The registered name of log @p type, NULL when none. */
const char *prt_log_type_name(int type);

/** Current level of @p type, -EINVAL when @p type is not registered. */
int prt_log_get_level(int type);

/** Directs log lines to @p f (NULL: back to stderr). Not thread-safe against concurrent logging. */
void prt_log_set_stream(FILE *f);

#endif /* PRT_LOG_H */
