/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Log types, their levels and the line writer.
 *
 * The level table is read without a lock on every PRT_LOG (a byte load);
 * registration and level changes take log_lock. A reader that races with a
 * level change sees the old or the new level, both of which are fine.
 */
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "prt_log.h"

#define LOG_DEFAULT_LEVEL PRT_LOG_NOTICE
#define LOG_MAX_PATTERNS 32
#define LOG_LINE_MAX 1024

uint8_t prt_log_levels[PRT_LOGTYPE_MAX] = {
	[0 ... PRT_LOGTYPE_MAX - 1] = LOG_DEFAULT_LEVEL,
};

static const char *log_names[PRT_LOGTYPE_MAX] = {
	[PRT_LOGTYPE_EAL] = "eal",	     [PRT_LOGTYPE_MEM] = "eal.mem",
	[PRT_LOGTYPE_MALLOC] = "eal.malloc", [PRT_LOGTYPE_VFIO] = "eal.vfio",
	[PRT_LOGTYPE_PCI] = "eal.pci",	     [PRT_LOGTYPE_INTR] = "eal.intr",
	[PRT_LOGTYPE_RING] = "ring",	     [PRT_LOGTYPE_MEMPOOL] = "mempool",
	[PRT_LOGTYPE_MBUF] = "mbuf",	     [PRT_LOGTYPE_ETHDEV] = "ethdev",
	[PRT_LOGTYPE_USER] = "user",
};

/* A level chosen by --log-level, kept to apply to types registered later. */
struct log_pattern {
	char *pattern;
	bool is_regex;
	regex_t re;
	int level;
};

static struct log_pattern log_patterns[LOG_MAX_PATTERNS];
static unsigned log_nb_patterns;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_stream;

static const char *const level_names[] = {
	[PRT_LOG_EMERG] = "emerg", [PRT_LOG_ALERT] = "alert",	  [PRT_LOG_CRIT] = "crit",
	[PRT_LOG_ERR] = "error",   [PRT_LOG_WARNING] = "warning", [PRT_LOG_NOTICE] = "notice",
	[PRT_LOG_INFO] = "info",   [PRT_LOG_DEBUG] = "debug",
};

const char *prt_log_level_name(int level)
{
	if (level < PRT_LOG_EMERG || level > PRT_LOG_DEBUG)
		return "?";
	return level_names[level];
}

int prt_log_level_parse(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	for (int l = PRT_LOG_EMERG; l <= PRT_LOG_DEBUG; l++)
		if (strcasecmp(s, level_names[l]) == 0)
			return l;
	if (strcasecmp(s, "err") == 0)
		return PRT_LOG_ERR;
	if (strcasecmp(s, "warn") == 0)
		return PRT_LOG_WARNING;
	/* DPDK's spellings (rte_log's --log-level). */
	if (strcasecmp(s, "emergency") == 0)
		return PRT_LOG_EMERG;
	if (strcasecmp(s, "critical") == 0)
		return PRT_LOG_CRIT;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < PRT_LOG_EMERG || v > PRT_LOG_DEBUG)
		return -EINVAL;
	return (int)v;
}

static bool pattern_matches(const struct log_pattern *p, const char *name)
{
	if (p->pattern == NULL)
		return true;
	if (p->is_regex)
		return regexec(&p->re, name, 0, NULL, 0) == 0;
	return fnmatch(p->pattern, name, 0) == 0;
}

/* The level for a new type: the last pattern that matches wins. Holds log_lock. */
static int level_for_new_type(const char *name, int dflt)
{
	int level = dflt;

	for (unsigned i = 0; i < log_nb_patterns; i++)
		if (pattern_matches(&log_patterns[i], name))
			level = log_patterns[i].level;
	return level;
}

int prt_log_register(const char *name, int level)
{
	int ret = -ENOSPC;

	if (name == NULL || *name == '\0' || level < PRT_LOG_EMERG || level > PRT_LOG_DEBUG)
		return -EINVAL;
	pthread_mutex_lock(&log_lock);
	for (int t = 0; t < PRT_LOGTYPE_MAX; t++) {
		if (log_names[t] != NULL && strcmp(log_names[t], name) == 0) {
			ret = t;
			goto out;
		}
	}
	for (int t = PRT_LOGTYPE_FIRST_DYNAMIC; t < PRT_LOGTYPE_MAX; t++) {
		if (log_names[t] != NULL)
			continue;
		log_names[t] = strdup(name);
		if (log_names[t] == NULL) {
			ret = -ENOMEM;
			goto out;
		}
		prt_log_levels[t] = (uint8_t)level_for_new_type(name, level);
		ret = t;
		goto out;
	}
out:
	pthread_mutex_unlock(&log_lock);
	return ret;
}

int prt_log_set_level_pattern(const char *pattern, int is_regex, int level)
{
	struct log_pattern p = { .is_regex = is_regex != 0, .level = level };
	int changed = 0;

	if (level < PRT_LOG_EMERG || level > PRT_LOG_DEBUG)
		return -EINVAL;
	if (pattern != NULL && strcmp(pattern, "*") != 0) {
		if (p.is_regex && regcomp(&p.re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
			return -EINVAL;
		p.pattern = strdup(pattern);
		if (p.pattern == NULL) {
			if (p.is_regex)
				regfree(&p.re);
			return -ENOMEM;
		}
	}
	pthread_mutex_lock(&log_lock);
	if (log_nb_patterns == LOG_MAX_PATTERNS) {
		pthread_mutex_unlock(&log_lock);
		if (p.is_regex && p.pattern)
			regfree(&p.re);
		free(p.pattern);
		return -ENOSPC;
	}
	log_patterns[log_nb_patterns++] = p;
	for (int t = 0; t < PRT_LOGTYPE_MAX; t++) {
		if (log_names[t] != NULL && pattern_matches(&p, log_names[t])) {
			prt_log_levels[t] = (uint8_t)level;
			changed++;
		}
	}
	pthread_mutex_unlock(&log_lock);
	return changed;
}

int prt_log_parse_arg(const char *arg)
{
	const char *sep;
	char *type;
	int level, ret;

	if (arg == NULL || *arg == '\0')
		return -EINVAL;
	sep = strpbrk(arg, ":,");
	if (sep == NULL) {
		level = prt_log_level_parse(arg);
		return level < 0 ? level :
				   (prt_log_set_level_pattern(NULL, 0, level) < 0 ? -EINVAL : 0);
	}
	level = prt_log_level_parse(sep + 1);
	if (level < 0 || sep == arg)
		return -EINVAL;
	type = strndup(arg, (size_t)(sep - arg));
	if (type == NULL)
		return -ENOMEM;
	ret = prt_log_set_level_pattern(type, *sep == ',', level);
	free(type);
	return ret < 0 ? ret : 0;
}

const char *prt_log_type_name(int type)
{
	if (type < 0 || type >= PRT_LOGTYPE_MAX)
		return NULL;
	return log_names[type];
}

int prt_log_get_level(int type)
{
	if (prt_log_type_name(type) == NULL)
		return -EINVAL;
	return prt_log_levels[type];
}

void prt_log_set_stream(FILE *f)
{
	log_stream = f;
}

void prt_vlog(int level, int type, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	const char *name = prt_log_type_name(type);
	const char *tag = "";
	int saved_errno = errno; /* callers log strerror(errno), then return -errno */
	int n;

	if (level <= PRT_LOG_ERR)
		tag = "error: ";
	else if (level == PRT_LOG_WARNING)
		tag = "warning: ";
	n = snprintf(line, sizeof(line), "%s: %s", name ? name : "?", tag);
	if (n < 0)
		goto out;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	n = (int)strlen(line);
	if (n > 0 && line[n - 1] != '\n') {
		if ((size_t)n + 1 >= sizeof(line))
			n = (int)sizeof(line) - 2;
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	fputs(line, log_stream ? log_stream : stderr);
out:
	errno = saved_errno;
}

void prt_log(int level, int type, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	prt_vlog(level, type, fmt, ap);
	va_end(ap);
}
