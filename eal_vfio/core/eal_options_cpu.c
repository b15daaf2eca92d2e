/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL options that name CPUs: -l, --lcores, -c, and the CPU lists they
 * are made of. Each checks that a CPU exists and that this process may run
 * on it, and says why not.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eal_options.h"

const char *eal_read_uint(const char *s, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return NULL;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno == ERANGE)
		return NULL;
	return end;
}

void eal_format_cpuset(const cpu_set_t *set, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE && n < len; c++) {
		int last = c;

		if (!CPU_ISSET(c, set))
			continue;
		while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
			last++;
		n += (size_t)snprintf(buf + n, len - n, n ? ",%d" : "%d", c);
		if (last > c && n < len)
			n += (size_t)snprintf(buf + n, len - n, "-%d", last);
		c = last;
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}

/* Parses "N" or "N-M" at *p; advances *p. */
static int read_range(const char **p, unsigned long *lo, unsigned long *hi, char *why, size_t len)
{
	const char *s = *p, *e;

	e = eal_read_uint(s, lo);
	if (e == NULL) {
		if (*s == ',' || *s == '\0' || *s == ')')
			snprintf(why, len, "an empty element; separate numbers with single commas");
		else
			snprintf(why, len,
				 "'%c' is not a number; write numbers and ranges like '0-3,6'", *s);
		return -EINVAL;
	}
	*hi = *lo;
	if (*e == '-') {
		const char *e2 = eal_read_uint(e + 1, hi);

		if (e2 == NULL) {
			snprintf(why, len, "range '%.*s' has no end; write it like '1-3'",
				 (int)(e - s + 1), s);
			return -EINVAL;
		}
		if (*hi < *lo) {
			snprintf(why, len,
				 "range %lu-%lu is reversed; write the lower end first (%lu-%lu)",
				 *lo, *hi, *hi, *lo);
			return -EINVAL;
		}
		e = e2;
	}
	*p = e;
	return 0;
}

/* Reads "N" or "N-M" at *p into @set (ids up to CPU_SETSIZE - 1); advances *p. */
static int read_range_into(const char **p, cpu_set_t *set, char *why, size_t len)
{
	unsigned long lo, hi;

	if (read_range(p, &lo, &hi, why, len) < 0)
		return -EINVAL;
	if (hi >= CPU_SETSIZE) {
		snprintf(why, len, "%lu is over the largest id %d", hi, CPU_SETSIZE - 1);
		return -EINVAL;
	}
	for (unsigned long c = lo; c <= hi; c++)
		CPU_SET((int)c, set);
	return 0;
}

int eal_parse_cpulist(const char *s, cpu_set_t *set, char *why, size_t len)
{
	CPU_ZERO(set);
	if (*s == '\0') {
		snprintf(why, len, "an empty list; give CPUs like '0-3,6'");
		return -EINVAL;
	}
	for (;;) {
		if (read_range_into(&s, set, why, len) < 0)
			return -EINVAL;
		if (*s == '\0')
			return 0;
		if (*s != ',') {
			snprintf(why, len, "unexpected '%c'; write CPUs like '0-3,6'", *s);
			return -EINVAL;
		}
		s++;
	}
}

int eal_cpu_env_get(struct eal_cpu_env *env)
{
	env->nr_cpus = sysconf(_SC_NPROCESSORS_CONF);
	if (sched_getaffinity(0, sizeof(env->allowed), &env->allowed) != 0)
		return -errno;
	eal_format_cpuset(&env->allowed, env->allowed_str, sizeof(env->allowed_str));
	return 0;
}

/* Checks that every CPU of @set exists and is allowed to this process. */
static int check_cpus(const struct eal_cpu_env *env, const cpu_set_t *set, char *why, size_t len)
{
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, set))
			continue;
		if (c >= env->nr_cpus) {
			snprintf(why, len, "CPU %d does not exist; this machine has CPUs 0-%ld", c,
				 env->nr_cpus - 1);
			return -EINVAL;
		}
		if (!CPU_ISSET(c, &env->allowed)) {
			snprintf(why, len,
				 "CPU %d is not in this process's affinity mask (allowed: %s); "
				 "check taskset or the cgroup cpuset",
				 c, env->allowed_str);
			return -EINVAL;
		}
	}
	return 0;
}

static int add_lcore(struct eal_config *cfg, unsigned long id, const cpu_set_t *cpus, char *why,
		     size_t len)
{
	if (id >= PRT_MAX_LCORE) {
		snprintf(why, len, "lcore id %lu is over the maximum %d", id, PRT_MAX_LCORE - 1);
		return -EINVAL;
	}
	if (cfg->lcores[id].enabled) {
		snprintf(why, len, "lcore %lu is given twice", id);
		return -EINVAL;
	}
	cfg->lcores[id].enabled = true;
	cfg->lcores[id].cpuset = *cpus;
	cfg->lcore_count++;
	return 0;
}

static void reset_lcores(struct eal_config *cfg)
{
	memset(cfg->lcores, 0, sizeof(cfg->lcores));
	cfg->lcore_count = 0;
}

/* -l 0-3,6: each lcore runs on the CPU of the same number. */
int eal_parse_lcore_list(struct eal_config *cfg, const struct eal_cpu_env *env, const char *s,
			 char *why, size_t len)
{
	cpu_set_t set;

	reset_lcores(cfg);
	if (eal_parse_cpulist(s, &set, why, len) < 0)
		return -EINVAL;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		cpu_set_t one;

		if (!CPU_ISSET(c, &set))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (add_lcore(cfg, (unsigned long)c, &one, why, len) < 0 ||
		    check_cpus(env, &one, why, len) < 0)
			return -EINVAL;
	}
	return 0;
}

/* A set "N", "N-M" or "(list)" at *p, as --lcores writes lcore and CPU sets. */
static int read_set(const char **p, cpu_set_t *set, char *why, size_t len)
{
	const char *s = *p;

	CPU_ZERO(set);
	if (*s != '(')
		return read_range_into(p, set, why, len);
	s++;
	for (;;) {
		if (read_range_into(&s, set, why, len) < 0)
			return -EINVAL;
		if (*s == ')')
			break;
		if (*s != ',') {
			snprintf(why, len, "unclosed '('; write groups like '(0-1)@(2,3)'");
			return -EINVAL;
		}
		s++;
	}
	*p = s + 1;
	return 0;
}

/* --lcores '0-3', '1@2,2@(3-4)', '(0-1)@5'. */
int eal_parse_lcores_map(struct eal_config *cfg, const struct eal_cpu_env *env, const char *s,
			 char *why, size_t len)
{
	reset_lcores(cfg);
	if (*s == '\0') {
		snprintf(why, len, "an empty map; give lcores like '0-3' or '1@2,2@(3-4)'");
		return -EINVAL;
	}
	for (;;) {
		cpu_set_t ids, cpus;
		bool mapped = false;

		if (read_set(&s, &ids, why, len) < 0)
			return -EINVAL;
		if (*s == '@') {
			s++;
			if (read_set(&s, &cpus, why, len) < 0)
				return -EINVAL;
			if (check_cpus(env, &cpus, why, len) < 0)
				return -EINVAL;
			mapped = true;
		}
		for (int id = 0; id < CPU_SETSIZE; id++) {
			if (!CPU_ISSET(id, &ids))
				continue;
			if (!mapped) {
				CPU_ZERO(&cpus);
				CPU_SET(id, &cpus);
			}
			if (add_lcore(cfg, (unsigned long)id, &cpus, why, len) < 0 ||
			    (!mapped && check_cpus(env, &cpus, why, len) < 0))
				return -EINVAL;
		}
		if (*s == '\0')
			return 0;
		if (*s != ',') {
			snprintf(why, len, "unexpected '%c'; write the map like '1@2,2@(3-4)'", *s);
			return -EINVAL;
		}
		s++;
	}
}

/* -c 0x3: a hex mask of lcore ids, each on the CPU of the same number. */
int eal_parse_coremask(struct eal_config *cfg, const struct eal_cpu_env *env, const char *s,
		       char *why, size_t len)
{
	size_t n;
	int bit = 0;

	reset_lcores(cfg);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	if (n == 0) {
		snprintf(why, len, "an empty mask; write it in hex like '0x3'");
		return -EINVAL;
	}
	for (size_t i = n; i-- > 0; bit += 4) {
		int v;

		if (!isxdigit((unsigned char)s[i])) {
			snprintf(why, len, "'%c' is not a hex digit; write the mask like '0x3'",
				 s[i]);
			return -EINVAL;
		}
		v = isdigit((unsigned char)s[i]) ? s[i] - '0' :
						   tolower((unsigned char)s[i]) - 'a' + 10;
		for (int b = 0; b < 4; b++) {
			cpu_set_t one;

			if (!(v & (1 << b)))
				continue;
			CPU_ZERO(&one);
			if (bit + b < CPU_SETSIZE)
				CPU_SET(bit + b, &one);
			if (add_lcore(cfg, (unsigned long)(bit + b), &one, why, len) < 0 ||
			    check_cpus(env, &one, why, len) < 0)
				return -EINVAL;
		}
	}
	if (cfg->lcore_count == 0) {
		snprintf(why, len, "the mask selects no lcore");
		return -EINVAL;
	}
	return 0;
}

void eal_lcores_default(struct eal_config *cfg, const struct eal_cpu_env *env)
{
	char why[128];

	for (int c = 0; c < CPU_SETSIZE && c < PRT_MAX_LCORE; c++) {
		cpu_set_t one;

		if (!CPU_ISSET(c, &env->allowed))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		add_lcore(cfg, (unsigned long)c, &one, why, sizeof(why));
	}
}
