/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL's command line: DPDK-compatible options, checked strictly.
 *
 * Every error is one line on stderr naming the option, the bad value and
 * what would be valid. Parsing fills a caller-provided configuration and
 * applies nothing until every option has been accepted (log levels are applied
 * last), so a rejected command line changes nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <numa.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eal_private.h"

#define WHY_LEN 256

enum opt_id {
	OPT_LCORE_LIST,
	OPT_LCORES,
	OPT_COREMASK,
	OPT_MAIN_LCORE,
	OPT_ALLOW,
	OPT_BLOCK,
	OPT_VDEV,
	OPT_NO_PCI,
	OPT_NO_HUGE,
	OPT_HUGE_DIR,
	OPT_MEMORY,
	OPT_SOCKET_MEM,
	OPT_IN_MEMORY,
	OPT_IOVA_MODE,
	OPT_VFIO_MODE,
	OPT_LOG_LEVEL,
	OPT_MEM_CHANNELS,
	OPT_HELP,
};

struct eal_option {
	const char *name; /* long name, without "--" */
	char short_name; /* 0 when none */
	bool has_arg;
	enum opt_id id;
	const char *arg_name; /* for the usage text */
	const char *help;
};

static const struct eal_option options[] = {
	{ NULL, 'l', true, OPT_LCORE_LIST, "LIST", "lcores to run on, lcore id = CPU id: '0-3,6'" },
	{ "lcores", 0, true, OPT_LCORES, "MAP",
	  "lcore to CPU map: '0-3', '1@2,2@(3-4)', '(0-1)@5'" },
	{ NULL, 'c', true, OPT_COREMASK, "MASK", "lcores as a hex mask of CPU ids: '0x3'" },
	{ "main-lcore", 0, true, OPT_MAIN_LCORE, "ID", "lcore that runs main() (default: lowest)" },
	{ "allow", 'a', true, OPT_ALLOW, "BDF[,ARGS]", "use only these PCI devices (repeatable)" },
	{ "block", 'b', true, OPT_BLOCK, "BDF", "do not use this PCI device (repeatable)" },
	{ "vdev", 0, true, OPT_VDEV, "NAME[,K=V...]",
	  "software port, e.g. 'net_pcap0,rx_pcap=in.pcap' (repeatable)" },
	{ "no-pci", 0, false, OPT_NO_PCI, NULL, "do not scan the PCI bus" },
	{ "no-huge", 0, false, OPT_NO_HUGE, NULL,
	  "anonymous memory instead of hugepages (tests; IOVA as VA only)" },
	{ "huge-dir", 0, true, OPT_HUGE_DIR, "DIR",
	  "back memory with files in this hugetlbfs mount (default: memfd, no files)" },
	{ NULL, 'm', true, OPT_MEMORY, "MB", "memory to reserve at start-up, in MiB" },
	{ "socket-mem", 0, true, OPT_SOCKET_MEM, "MB,MB,...", "memory per NUMA node, in MiB" },
	{ "in-memory", 0, false, OPT_IN_MEMORY, NULL, "keep no files at all (prt's default)" },
	{ "iova-mode", 0, true, OPT_IOVA_MODE, "va|pa", "device addresses: virtual or physical" },
	{ "vfio-mode", 0, true, OPT_VFIO_MODE, "auto|iommufd|type1|noiommu",
	  "how to reach devices through VFIO (default auto)" },
	{ "log-level", 0, true, OPT_LOG_LEVEL, "[TYPE:]LEVEL",
	  "e.g. 'debug', 'pmd.virtio:debug', 'pmd.*:info', 'eal,8' (regex)" },
	{ NULL, 'n', true, OPT_MEM_CHANNELS, "N",
	  "memory channels (accepted for DPDK command lines; prt does not need it)" },
	{ "help", 'h', false, OPT_HELP, NULL, "print this help" },
};

/* Why an option was refused, for the one line on stderr. */
static int opt_error(const char *opt, const char *val, const char *fmt, ...)
	__prt_format_printf(3, 4);

static int opt_error(const char *opt, const char *val, const char *fmt, ...)
{
	char why[WHY_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (val != NULL)
		prt_log(PRT_LOG_ERR, PRT_LOGTYPE_EAL, "option %s '%s': %s", opt, val, why);
	else
		prt_log(PRT_LOG_ERR, PRT_LOGTYPE_EAL, "option %s: %s", opt, why);
	return -EINVAL;
}

/* Reads a decimal number (digits only, no sign); returns the end or NULL. */
static const char *read_uint(const char *s, unsigned long *v)
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

/* Formats the CPUs of @set as a list "0-3,6" into @buf. */
static void format_cpuset(const cpu_set_t *set, char *buf, size_t len)
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

	e = read_uint(s, lo);
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
		const char *e2 = read_uint(e + 1, hi);

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

/* What the machine offers: CPUs that exist, and those this process may use. */
struct cpu_env {
	long nr_cpus;
	cpu_set_t allowed;
	char allowed_str[128];
};

static int cpu_env_get(struct cpu_env *env)
{
	env->nr_cpus = sysconf(_SC_NPROCESSORS_CONF);
	if (sched_getaffinity(0, sizeof(env->allowed), &env->allowed) != 0)
		return -errno;
	format_cpuset(&env->allowed, env->allowed_str, sizeof(env->allowed_str));
	return 0;
}

/* Checks that every CPU of @set exists and is allowed to this process. */
static int check_cpus(const struct cpu_env *env, const cpu_set_t *set, char *why, size_t len)
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
static int parse_lcore_list(struct eal_config *cfg, const struct cpu_env *env, const char *s,
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
static int parse_lcores_map(struct eal_config *cfg, const struct cpu_env *env, const char *s,
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
static int parse_coremask(struct eal_config *cfg, const struct cpu_env *env, const char *s,
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

static int parse_pci_rule(struct eal_config *cfg, const char *opt, const char *val, bool allow)
{
	enum eal_pci_list_mode mode = allow ? EAL_PCI_LIST_ALLOW : EAL_PCI_LIST_BLOCK;
	struct eal_pci_rule *rules, rule = { 0 };
	const char *comma = strchr(val, ',');
	char bdf[64];
	size_t n = comma ? (size_t)(comma - val) : strlen(val);

	if (cfg->pci_list_mode != EAL_PCI_LIST_NONE && cfg->pci_list_mode != mode)
		return opt_error(opt, val,
				 "-a and -b cannot be mixed; list the devices to use with -a, "
				 "or those to leave alone with -b");
	if (!allow && comma)
		return opt_error(opt, val, "-b takes a PCI address only, without arguments");
	if (n < sizeof(bdf)) {
		memcpy(bdf, val, n);
		bdf[n] = '\0';
	}
	if (n >= sizeof(bdf) || prt_pci_addr_parse(bdf, &rule.addr) < 0)
		return opt_error(opt, val,
				 "not a PCI address; write DOMAIN:BUS:DEVICE.FUNCTION in hex, "
				 "e.g. 0000:01:00.0 (lspci -D lists them)");
	for (unsigned int i = 0; i < cfg->nb_pci_rules; i++)
		if (prt_pci_addr_cmp(&cfg->pci_rules[i].addr, &rule.addr) == 0)
			return opt_error(opt, val, "this device is given twice");
	rule.args = strdup(comma ? comma + 1 : "");
	rules = realloc(cfg->pci_rules, (cfg->nb_pci_rules + 1) * sizeof(*rules));
	if (rule.args == NULL || rules == NULL) {
		free(rule.args);
		if (rules)
			cfg->pci_rules = rules;
		return -ENOMEM;
	}
	rules[cfg->nb_pci_rules++] = rule;
	cfg->pci_rules = rules;
	cfg->pci_list_mode = mode;
	return 0;
}

static int parse_vdev(struct eal_config *cfg, const char *opt, const char *val)
{
	const char *comma = strchr(val, ',');
	size_t n = comma ? (size_t)(comma - val) : strlen(val);
	struct eal_vdev vdev, *vdevs;

	if (n == 0)
		return opt_error(opt, val,
				 "no device name; write a driver name and instance number first, "
				 "e.g. 'net_null0' or 'net_pcap0,rx_pcap=in.pcap'");
	if (!isalpha((unsigned char)val[0]))
		return opt_error(opt, val, "a device name starts with a letter, e.g. 'net_null0'");
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)val[i]) && val[i] != '_')
			return opt_error(opt, val,
					 "'%c' in the device name; names are letters, digits and "
					 "'_', e.g. 'net_ring0'",
					 val[i]);
	for (unsigned int i = 0; i < cfg->nb_vdevs; i++)
		if (strlen(cfg->vdevs[i].name) == n && strncmp(cfg->vdevs[i].name, val, n) == 0)
			return opt_error(opt, val,
					 "device name given twice; number instances 'net_null0', "
					 "'net_null1', ...");
	vdev.name = strndup(val, n);
	vdev.args = strdup(comma ? comma + 1 : "");
	vdevs = realloc(cfg->vdevs, (cfg->nb_vdevs + 1) * sizeof(*vdevs));
	if (vdev.name == NULL || vdev.args == NULL || vdevs == NULL) {
		free(vdev.name);
		free(vdev.args);
		if (vdevs)
			cfg->vdevs = vdevs;
		return -ENOMEM;
	}
	vdevs[cfg->nb_vdevs++] = vdev;
	cfg->vdevs = vdevs;
	return 0;
}

static int parse_mb(const char *opt, const char *val, uint64_t *mb)
{
	unsigned long v;
	const char *e = read_uint(val, &v);

	if (e == NULL || *e != '\0')
		return opt_error(opt, val, "not a whole number of MiB; write e.g. 512");
	if (v == 0)
		return opt_error(opt, val, "0 MiB; give the memory to reserve, e.g. 512");
	if (v > (1ul << 30))
		return opt_error(opt, val, "over %lu MiB, more than any machine has", 1ul << 30);
	*mb = v;
	return 0;
}

static int parse_socket_mem(struct eal_config *cfg, const char *opt, const char *val)
{
	int max_node = numa_available() < 0 ? 0 : numa_max_node();
	const char *s = val;
	unsigned int node = 0;
	uint64_t total = 0;

	for (;;) {
		unsigned long v;
		const char *e = read_uint(s, &v);

		if (e == NULL)
			return opt_error(opt, val,
					 "element %u is not a number of MiB; write one number per "
					 "NUMA node, e.g. '1024,1024'",
					 node);
		if (node >= EAL_MAX_NUMA_NODES)
			return opt_error(opt, val, "more than %d NUMA nodes", EAL_MAX_NUMA_NODES);
		if (v > 0 && (int)node > max_node)
			return opt_error(opt, val,
					 "asks memory on NUMA node %u, but this machine has nodes "
					 "0-%d",
					 node, max_node);
		if (v > (1ul << 30))
			return opt_error(opt, val,
					 "%lu MiB on node %u is more than any machine has", v,
					 node);
		cfg->socket_mem_mb[node++] = v;
		total += v;
		if (*e == '\0')
			break;
		if (*e != ',')
			return opt_error(opt, val, "unexpected '%c'; write e.g. '1024,0'", *e);
		s = e + 1;
	}
	if (total == 0)
		return opt_error(opt, val, "asks for no memory on any node");
	cfg->socket_mem_set = true;
	return 0;
}

static int check_log_level(const char *opt, const char *val)
{
	const char *sep = strpbrk(val, ":,");
	const char *level = sep ? sep + 1 : val;
	const char *valid = "levels are emerg, alert, crit, error, warning, notice, info, debug "
			    "or 1-8; e.g. 'pmd.virtio:debug'";

	if (sep == val)
		return opt_error(opt, val, "no log type before '%c'; %s", *sep, valid);
	if (prt_log_level_parse(level) < 0)
		return opt_error(opt, val, "'%s' is not a log level; %s", level, valid);
	if (sep && *sep == ',') {
		char *re_s = strndup(val, (size_t)(sep - val));
		regex_t re;
		int bad;

		if (re_s == NULL)
			return -ENOMEM;
		bad = regcomp(&re, re_s, REG_EXTENDED | REG_NOSUB);
		if (!bad)
			regfree(&re);
		free(re_s);
		if (bad)
			return opt_error(opt, val, "the type is not a valid regular expression");
	}
	return 0;
}

static int parse_choice(const char *opt, const char *val, const char *const *names, int n)
{
	char valid[128] = "";

	for (int i = 0; i < n; i++)
		if (strcmp(val, names[i]) == 0)
			return i;
	for (int i = 0; i < n; i++) {
		strncat(valid, names[i], sizeof(valid) - strlen(valid) - 1);
		if (i + 1 < n)
			strncat(valid, ", ", sizeof(valid) - strlen(valid) - 1);
	}
	return opt_error(opt, val, "unknown value; valid: %s", valid);
}

static const struct eal_option *find_option(const char *arg, const char **inline_val, char *name,
					    size_t len)
{
	*inline_val = NULL;
	if (arg[0] == '-' && arg[1] == '-') {
		const char *eq = strchr(arg + 2, '=');
		size_t n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);

		snprintf(name, len, "--%.*s", (int)n, arg + 2);
		for (size_t i = 0; i < PRT_DIM(options); i++) {
			if (options[i].name && strlen(options[i].name) == n &&
			    strncmp(options[i].name, arg + 2, n) == 0) {
				if (eq)
					*inline_val = eq + 1;
				return &options[i];
			}
		}
		return NULL;
	}
	snprintf(name, len, "-%c", arg[1]);
	for (size_t i = 0; i < PRT_DIM(options); i++) {
		if (options[i].short_name && options[i].short_name == arg[1]) {
			if (arg[2] != '\0')
				*inline_val = arg + 2;
			return &options[i];
		}
	}
	return NULL;
}

/* Checks made once every option is known: the combinations. */
static int check_config(struct eal_config *cfg, const struct cpu_env *env, int main_lcore)
{
	char why[WHY_LEN];

	if (cfg->lcore_count == 0) { /* default: every CPU this process may use */
		for (int c = 0; c < CPU_SETSIZE && c < PRT_MAX_LCORE; c++) {
			cpu_set_t one;

			if (!CPU_ISSET(c, &env->allowed))
				continue;
			CPU_ZERO(&one);
			CPU_SET(c, &one);
			add_lcore(cfg, (unsigned long)c, &one, why, sizeof(why));
		}
	}
	if (main_lcore >= 0) {
		char s[16];

		snprintf(s, sizeof(s), "%d", main_lcore);
		if (main_lcore >= PRT_MAX_LCORE || !cfg->lcores[main_lcore].enabled)
			return opt_error("--main-lcore", s,
					 "not one of the lcores given with -l/--lcores; pick one "
					 "of them");
		cfg->main_lcore = (unsigned int)main_lcore;
	} else {
		for (unsigned int i = 0; i < PRT_MAX_LCORE; i++) {
			if (cfg->lcores[i].enabled) {
				cfg->main_lcore = i;
				break;
			}
		}
	}
	if (cfg->no_huge && cfg->iova_mode == PRT_IOVA_PA)
		return opt_error("--iova-mode", "pa",
				 "physical addresses need hugepages (anonymous pages move); "
				 "drop --no-huge or use --iova-mode=va");
	if (cfg->no_huge && cfg->huge_dir)
		return opt_error("--huge-dir", cfg->huge_dir,
				 "contradicts --no-huge; drop one of them");
	if (cfg->in_memory && cfg->huge_dir)
		return opt_error("--huge-dir", cfg->huge_dir,
				 "contradicts --in-memory, which keeps no hugepage files; drop one "
				 "of them");
	if (cfg->mem_mb && cfg->socket_mem_set)
		return opt_error("-m", NULL,
				 "-m and --socket-mem both size memory; give only one of them");
	if (cfg->vfio_mode == PRT_VFIO_MODE_NOIOMMU && cfg->iova_mode == PRT_IOVA_VA)
		return opt_error("--iova-mode", "va",
				 "no-IOMMU mode has no IOMMU to translate virtual addresses; use "
				 "--iova-mode=pa or another --vfio-mode");
	if (cfg->vfio_mode == PRT_VFIO_MODE_NOIOMMU && cfg->no_huge)
		return opt_error("--vfio-mode", "noiommu",
				 "no-IOMMU mode needs physical addresses, which need hugepages; "
				 "drop --no-huge");
	return 0;
}

int eal_parse_args(int argc, char **argv, struct eal_config *cfg)
{
	static const char *const iova_names[] = { "dc", "pa", "va" };
	static const char *const vfio_names[] = { "auto", "iommufd", "type1", "noiommu" };
	const char **log_args;
	unsigned int nb_log_args = 0;
	struct cpu_env env;
	int main_lcore = -1;
	int i, ret = 0;

	ret = cpu_env_get(&env);
	if (ret < 0) {
		prt_log(PRT_LOG_ERR, PRT_LOGTYPE_EAL, "cannot read this process's CPU affinity: %s",
			strerror(-ret));
		return ret;
	}
	log_args = calloc((size_t)argc + 1, sizeof(*log_args));
	if (log_args == NULL)
		return -ENOMEM;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *val;
		const struct eal_option *o;
		char name[64], why[WHY_LEN];
		int v;

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break; /* the program's own arguments */
		o = find_option(arg, &val, name, sizeof(name));
		if (o == NULL) {
			ret = opt_error(
				name, NULL,
				"unknown EAL option; EAL options come first and end at '--' "
				"(see -h)");
			goto out;
		}
		if (!o->has_arg && val != NULL) {
			ret = opt_error(name, val, "this option takes no value");
			goto out;
		}
		if (o->has_arg && val == NULL) {
			if (i + 1 >= argc) {
				ret = opt_error(name, NULL, "needs a value: %s %s", name,
						o->arg_name);
				goto out;
			}
			val = argv[++i];
		}
		switch (o->id) {
		case OPT_LCORE_LIST:
		case OPT_LCORES:
		case OPT_COREMASK:
			ret = o->id == OPT_LCORE_LIST ?
				      parse_lcore_list(cfg, &env, val, why, sizeof(why)) :
			      o->id == OPT_LCORES ?
				      parse_lcores_map(cfg, &env, val, why, sizeof(why)) :
				      parse_coremask(cfg, &env, val, why, sizeof(why));
			if (ret < 0)
				ret = opt_error(name, val, "%s", why);
			break;
		case OPT_MAIN_LCORE: {
			unsigned long id;
			const char *e = read_uint(val, &id);

			if (e == NULL || *e != '\0' || id >= PRT_MAX_LCORE)
				ret = opt_error(name, val, "not an lcore id; give a number 0-%d",
						PRT_MAX_LCORE - 1);
			else
				main_lcore = (int)id;
			break;
		}
		case OPT_ALLOW:
		case OPT_BLOCK:
			ret = parse_pci_rule(cfg, name, val, o->id == OPT_ALLOW);
			break;
		case OPT_VDEV:
			ret = parse_vdev(cfg, name, val);
			break;
		case OPT_NO_PCI:
			cfg->pci_list_mode = EAL_PCI_LIST_ALLOW; /* an empty allow list */
			break;
		case OPT_NO_HUGE:
			cfg->no_huge = true;
			break;
		case OPT_HUGE_DIR:
			if (*val == '\0') {
				ret = opt_error(name, val, "an empty path; name a hugetlbfs mount");
				break;
			}
			free(cfg->huge_dir);
			cfg->huge_dir = strdup(val);
			if (cfg->huge_dir == NULL)
				ret = -ENOMEM;
			break;
		case OPT_MEMORY:
			ret = parse_mb(name, val, &cfg->mem_mb);
			break;
		case OPT_SOCKET_MEM:
			memset(cfg->socket_mem_mb, 0, sizeof(cfg->socket_mem_mb));
			ret = parse_socket_mem(cfg, name, val);
			break;
		case OPT_IN_MEMORY:
			cfg->in_memory = true;
			break;
		case OPT_IOVA_MODE:
			v = parse_choice(name, val, iova_names + 1, 2);
			if (v >= 0)
				cfg->iova_mode = v == 0 ? PRT_IOVA_PA : PRT_IOVA_VA;
			ret = v < 0 ? v : 0;
			break;
		case OPT_VFIO_MODE:
			v = parse_choice(name, val, vfio_names, (int)PRT_DIM(vfio_names));
			if (v >= 0)
				cfg->vfio_mode = (enum prt_vfio_mode)v;
			ret = v < 0 ? v : 0;
			break;
		case OPT_LOG_LEVEL:
			ret = check_log_level(name, val);
			log_args[nb_log_args++] = val;
			break;
		case OPT_MEM_CHANNELS: {
			unsigned long n;
			const char *e = read_uint(val, &n);

			if (e == NULL || *e != '\0' || n == 0 || n > 32)
				ret = opt_error(name, val,
						"not a number of memory channels (1-32)");
			break;
		}
		case OPT_HELP:
			cfg->help = true;
			break;
		}
		if (ret < 0 || cfg->help)
			goto out;
	}
	ret = check_config(cfg, &env, main_lcore);
	if (ret < 0)
		goto out;
	for (unsigned int k = 0; k < nb_log_args; k++)
		prt_log_parse_arg(log_args[k]);
	ret = i - 1;
out:
	free(log_args);
	return ret;
}

void eal_config_free(struct eal_config *cfg)
{
	for (unsigned int i = 0; i < cfg->nb_pci_rules; i++)
		free(cfg->pci_rules[i].args);
	free(cfg->pci_rules);
	for (unsigned int i = 0; i < cfg->nb_vdevs; i++) {
		free(cfg->vdevs[i].name);
		free(cfg->vdevs[i].args);
	}
	free(cfg->vdevs);
	free(cfg->huge_dir);
	memset(cfg, 0, sizeof(*cfg));
}

void prt_eal_usage(FILE *f)
{
	fprintf(f, "EAL options (they come first; the program's own options follow '--'):\n");
	for (size_t i = 0; i < PRT_DIM(options); i++) {
		const struct eal_option *o = &options[i];
		char left[64];

		const char *sp = o->has_arg ? " " : "", *an = o->has_arg ? o->arg_name : "";

		if (o->name && o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name, sp,
				 an);
		else if (o->name)
			snprintf(left, sizeof(left), "--%s%s%s", o->name, sp, an);
		else
			snprintf(left, sizeof(left), "-%c%s%s", o->short_name, sp, an);
		fprintf(f, "  %-34s %s\n", left, o->help);
	}
}
