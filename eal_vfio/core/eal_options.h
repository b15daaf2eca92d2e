/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the option parser's two files share: the CPUs this process may use and
 * the parsers of the options that name them (eal_options_cpu.c). Not installed.
 */
#ifndef EAL_OPTIONS_H
#define EAL_OPTIONS_H

#include <sched.h>
#include <stddef.h>

#include "eal_private.h"

/** What the machine offers: CPUs that exist, and those this process may use. */
struct eal_cpu_env {
	long nr_cpus;
	cpu_set_t allowed;
	char allowed_str[128]; /**< @c allowed as a list "0-3,6", for messages */
};

/** Reads this process's CPUs. @return 0; negative errno of sched_getaffinity(). */
int eal_cpu_env_get(struct eal_cpu_env *env);

/**
 * Reads a decimal number at @p s (digits only, no sign) into @p v.
 * @return the first character after it; NULL when @p s does not start with a
 *         digit or the number does not fit an unsigned long.
 */
const char *eal_read_uint(const char *s, unsigned long *v);

/*
 * The lcore options. Each replaces the lcores of @p cfg with those of @p s,
 * one lcore per CPU id for -l and -c, and the map of --lcores
 * ('1@2,2@(3-4)'). @return 0, or -EINVAL with the reason for the user in
 * @p why (size @p len).
 */
int eal_parse_lcore_list(struct eal_config *cfg, const struct eal_cpu_env *env, const char *s,
			 char *why, size_t len);
int eal_parse_lcores_map(struct eal_config *cfg, const struct eal_cpu_env *env, const char *s,
			 char *why, size_t len);
int eal_parse_coremask(struct eal_config *cfg, const struct eal_cpu_env *env, const char *s,
		       char *why, size_t len);

/** With no lcore option: one lcore per CPU this process may use, lcore id = CPU id. */
void eal_lcores_default(struct eal_config *cfg, const struct eal_cpu_env *env);

#endif /* EAL_OPTIONS_H */
