/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL's command line: DPDK-compatible options, checked strictly.
 *
 * One table entry per option: its names, its value, its help line and the
 * handler that checks the value into struct eal_config. Every error is one
 * line on stderr naming the option, the bad value and what would be valid.
 * Parsing fills a caller-provided configuration and applies nothing until
 * every option has been accepted (log levels are applied last, then the
 * options DPDK needs and prt does not are logged, once each), so a rejected
 * command line changes nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <numa.h>
#include <regex.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "eal_options.h"

#define WHY_LEN 256
/** Longest --file-prefix: it names a directory under /var/run/dpdk. */
#define EAL_FILE_PREFIX_MAX 64

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
	const char *e = eal_read_uint(val, &v);

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
		const char *e = eal_read_uint(s, &v);

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

/* The state of one parse: the configuration being filled and what is applied at the end. */
struct eal_parse {
	struct eal_config *cfg;
	struct eal_cpu_env env;
	int main_lcore; /* -1: not given */
	const char *noop_value[64]; /* per option: the value of a no-op option seen */
	bool noop_seen[64];
};

enum opt_arg {
	OPT_ARG_NONE,
	OPT_ARG_REQUIRED,
	OPT_ARG_OPTIONAL, /* only as --name=value */
};

struct eal_option {
	const char *name; /* long name, without "--" */
	char short_name; /* 0 when none */
	enum opt_arg arg;
	const char *arg_name; /* for the usage text */
	const char *help;
	/* Checks @val (NULL for OPT_ARG_NONE) into p->cfg; NULL: nothing to check. */
	int (*parse)(struct eal_parse *p, const char *opt, const char *val);
	/* Non-NULL: accepted for DPDK command lines, and why prt needs nothing more. */
	const char *noop;
	/* A switch: sets the bool at this offset of struct eal_config to flag_value. */
	bool is_flag;
	bool flag_value;
	size_t flag_off;
};

#define OPT_FLAG(field, value) \
	.is_flag = true, .flag_value = (value), .flag_off = offsetof(struct eal_config, field)

static int opt_lcore_list(struct eal_parse *p, const char *opt, const char *val)
{
	char why[WHY_LEN];

	if (eal_parse_lcore_list(p->cfg, &p->env, val, why, sizeof(why)) < 0)
		return opt_error(opt, val, "%s", why);
	return 0;
}

static int opt_lcores(struct eal_parse *p, const char *opt, const char *val)
{
	char why[WHY_LEN];

	if (eal_parse_lcores_map(p->cfg, &p->env, val, why, sizeof(why)) < 0)
		return opt_error(opt, val, "%s", why);
	return 0;
}

static int opt_coremask(struct eal_parse *p, const char *opt, const char *val)
{
	char why[WHY_LEN];

	if (eal_parse_coremask(p->cfg, &p->env, val, why, sizeof(why)) < 0)
		return opt_error(opt, val, "%s", why);
	return 0;
}

static int opt_main_lcore(struct eal_parse *p, const char *opt, const char *val)
{
	unsigned long id;
	const char *e = eal_read_uint(val, &id);

	if (e == NULL || *e != '\0' || id >= PRT_MAX_LCORE)
		return opt_error(opt, val, "not an lcore id; give a number 0-%d",
				 PRT_MAX_LCORE - 1);
	p->main_lcore = (int)id;
	return 0;
}

static int opt_allow(struct eal_parse *p, const char *opt, const char *val)
{
	return parse_pci_rule(p->cfg, opt, val, true);
}

static int opt_block(struct eal_parse *p, const char *opt, const char *val)
{
	return parse_pci_rule(p->cfg, opt, val, false);
}

static int opt_vdev(struct eal_parse *p, const char *opt, const char *val)
{
	return parse_vdev(p->cfg, opt, val);
}

static int opt_no_pci(struct eal_parse *p, const char *opt, const char *val)
{
	(void)opt;
	(void)val;
	p->cfg->pci_list_mode = EAL_PCI_LIST_ALLOW; /* an empty allow list */
	return 0;
}

static int opt_huge_dir(struct eal_parse *p, const char *opt, const char *val)
{
	if (*val == '\0')
		return opt_error(opt, val, "an empty path; name a hugetlbfs mount");
	free(p->cfg->huge_dir);
	p->cfg->huge_dir = strdup(val);
	return p->cfg->huge_dir ? 0 : -ENOMEM;
}

static int opt_memory(struct eal_parse *p, const char *opt, const char *val)
{
	return parse_mb(opt, val, &p->cfg->mem_mb);
}

static int opt_socket_mem(struct eal_parse *p, const char *opt, const char *val)
{
	memset(p->cfg->socket_mem_mb, 0, sizeof(p->cfg->socket_mem_mb));
	return parse_socket_mem(p->cfg, opt, val);
}

static int opt_iova_mode(struct eal_parse *p, const char *opt, const char *val)
{
	static const char *const names[] = { "pa", "va" };
	int v = parse_choice(opt, val, names, (int)PRT_DIM(names));

	if (v < 0)
		return v;
	p->cfg->iova_mode = v == 0 ? PRT_IOVA_PA : PRT_IOVA_VA;
	return 0;
}

static int opt_vfio_mode(struct eal_parse *p, const char *opt, const char *val)
{
	static const char *const names[] = { "auto", "iommufd", "type1", "noiommu" };
	int v = parse_choice(opt, val, names, (int)PRT_DIM(names));

	if (v < 0)
		return v;
	p->cfg->vfio_mode = (enum prt_vfio_mode)v;
	return 0;
}

static int opt_vfio_vf_token(struct eal_parse *p, const char *opt, const char *val)
{
	if (uuid_parse(val, p->cfg->vf_token) < 0)
		return opt_error(
			opt, val,
			"not a UUID; give one as 8-4-4-4-12 hex digits, e.g. from uuidgen");
	p->cfg->vf_token_set = true;
	return 0;
}

static int opt_log_level(struct eal_parse *p, const char *opt, const char *val)
{
	int ret = check_log_level(opt, val);

	if (ret == 0)
		p->cfg->log_levels[p->cfg->nb_log_levels++] = val;
	return ret;
}

/* -n and -r: DPDK's hints for spreading objects over memory channels and ranks. */
static int check_count(const char *opt, const char *val, unsigned long max, const char *what)
{
	unsigned long n;
	const char *e = eal_read_uint(val, &n);

	if (e == NULL || *e != '\0' || n == 0 || n > max)
		return opt_error(opt, val, "not a number of %s (1-%lu)", what, max);
	return 0;
}

static int opt_mem_channels(struct eal_parse *p, const char *opt, const char *val)
{
	(void)p;
	return check_count(opt, val, 32, "memory channels");
}

static int opt_mem_ranks(struct eal_parse *p, const char *opt, const char *val)
{
	(void)p;
	return check_count(opt, val, 16, "memory ranks");
}

static int opt_file_prefix(struct eal_parse *p, const char *opt, const char *val)
{
	size_t n = strlen(val);

	if (n == 0)
		return opt_error(opt, val, "an empty prefix; give a name such as 'vm1'");
	if (n > EAL_FILE_PREFIX_MAX)
		return opt_error(opt, val, "longer than %d characters", EAL_FILE_PREFIX_MAX);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)val[i]) && !strchr("_-.", val[i]))
			return opt_error(opt, val,
					 "'%c' in the prefix; it names a directory: use letters, "
					 "digits, '_', '-' and '.'",
					 val[i]);
	if (strcmp(val, ".") == 0 || strcmp(val, "..") == 0)
		return opt_error(opt, val, "not a directory name; give a name such as 'vm1'");
	free(p->cfg->file_prefix);
	p->cfg->file_prefix = strdup(val);
	return p->cfg->file_prefix ? 0 : -ENOMEM;
}

static int opt_proc_type(struct eal_parse *p, const char *opt, const char *val)
{
	static const char *const names[] = { "primary", "auto", "secondary" };
	int v = parse_choice(opt, val, names, (int)PRT_DIM(names));

	(void)p;
	if (v == 2)
		return opt_error(opt, val,
				 "prt has no secondary processes: each prt process owns its "
				 "devices and memory. To read a running prt's statistics, use its "
				 "telemetry socket (dpdk-telemetry.py, doc/telemetry.md)");
	return v < 0 ? v : 0;
}

static int opt_huge_unlink(struct eal_parse *p, const char *opt, const char *val)
{
	static const char *const names[] = { "existing", "always", "never" };

	(void)p;
	return val == NULL ? 0 : PRT_MIN(parse_choice(opt, val, names, (int)PRT_DIM(names)), 0);
}

static int opt_base_virtaddr(struct eal_parse *p, const char *opt, const char *val)
{
	unsigned long long addr;
	char *end;

	(void)p;
	errno = 0;
	addr = strtoull(val, &end, 16);
	if (!isxdigit((unsigned char)val[0]) || *end != '\0' || errno == ERANGE || addr == 0)
		return opt_error(opt, val,
				 "not a virtual address; write it in hex, e.g. 0x7f0000000000");
	if (addr & ((unsigned long long)sysconf(_SC_PAGESIZE) - 1))
		return opt_error(opt, val, "not aligned to the page size (%ld bytes)",
				 sysconf(_SC_PAGESIZE));
	return 0;
}

static int opt_telemetry(struct eal_parse *p, const char *opt, const char *val)
{
	(void)opt;
	(void)val;
	p->cfg->no_telemetry = false;
	p->cfg->telemetry_required = true;
	return 0;
}

static int opt_no_telemetry(struct eal_parse *p, const char *opt, const char *val)
{
	(void)opt;
	(void)val;
	p->cfg->no_telemetry = true;
	p->cfg->telemetry_required = false;
	return 0;
}

static const struct eal_option options[] = {
	{ .short_name = 'l',
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "LIST",
	  .help = "lcores to run on, lcore id = CPU id: '0-3,6'",
	  .parse = opt_lcore_list },
	{ .name = "lcores",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "MAP",
	  .help = "lcore to CPU map: '0-3', '1@2,2@(3-4)', '(0-1)@5'",
	  .parse = opt_lcores },
	{ .short_name = 'c',
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "MASK",
	  .help = "lcores as a hex mask of CPU ids: '0x3'",
	  .parse = opt_coremask },
	{ .name = "main-lcore",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "ID",
	  .help = "lcore that runs main() (default: lowest)",
	  .parse = opt_main_lcore },
	{ .name = "allow",
	  .short_name = 'a',
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "BDF[,ARGS]",
	  .help = "use only these PCI devices (repeatable)",
	  .parse = opt_allow },
	{ .name = "block",
	  .short_name = 'b',
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "BDF",
	  .help = "do not use this PCI device (repeatable)",
	  .parse = opt_block },
	{ .name = "vdev",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "NAME[,K=V...]",
	  .help = "software port, e.g. 'net_pcap0,rx_pcap=in.pcap' (repeatable)",
	  .parse = opt_vdev },
	{ .name = "no-pci",
	  .arg = OPT_ARG_NONE,
	  .help = "do not scan the PCI bus",
	  .parse = opt_no_pci },
	{ .name = "no-huge",
	  .arg = OPT_ARG_NONE,
	  .help = "anonymous memory instead of hugepages (tests; IOVA as VA only)",
	  OPT_FLAG(no_huge, true) },
	{ .name = "huge-dir",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "DIR",
	  .help = "back memory with files in this hugetlbfs mount (default: memfd, no files)",
	  .parse = opt_huge_dir },
	{ .short_name = 'm',
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "MB",
	  .help = "memory to reserve at start-up, in MiB",
	  .parse = opt_memory },
	{ .name = "socket-mem",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "MB,MB,...",
	  .help = "memory per NUMA node, in MiB",
	  .parse = opt_socket_mem },
	{ .name = "legacy-mem",
	  .arg = OPT_ARG_NONE,
	  .help = "memory is reserved at start-up only; the heaps never grow",
	  OPT_FLAG(legacy_mem, true) },
	{ .name = "in-memory",
	  .arg = OPT_ARG_NONE,
	  .help = "keep no files at all (prt's default)",
	  OPT_FLAG(in_memory, true) },
	{ .name = "iova-mode",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "va|pa",
	  .help = "device addresses: virtual or physical",
	  .parse = opt_iova_mode },
	{ .name = "vfio-mode",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "auto|iommufd|type1|noiommu",
	  .help = "how to reach devices through VFIO (default auto)",
	  .parse = opt_vfio_mode },
	{ .name = "vfio-vf-token",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "UUID",
	  .help = "the VF token shared with the PF's user, for SR-IOV PFs and VFs on vfio-pci",
	  .parse = opt_vfio_vf_token },
	{ .name = "log-level",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "[TYPE:]LEVEL",
	  .help = "e.g. 'debug', 'pmd.virtio:debug', 'pmd.*:info', 'eal,8' (regex)",
	  .parse = opt_log_level },
	{ .name = "file-prefix",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "NAME",
	  .help = "names the runtime directory (telemetry socket): /var/run/dpdk/NAME (default rte)",
	  .parse = opt_file_prefix },
	{ .name = "telemetry",
	  .arg = OPT_ARG_NONE,
	  .help = "serve the telemetry socket; without it, prt runs on when the socket cannot be made",
	  .parse = opt_telemetry },
	{ .name = "no-telemetry",
	  .arg = OPT_ARG_NONE,
	  .help = "no telemetry socket",
	  .parse = opt_no_telemetry },
	{ .name = "proc-type",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "primary|auto",
	  .help = "accepted for DPDK command lines; prt always runs as the primary",
	  .parse = opt_proc_type,
	  .noop = "prt always runs as the primary process" },
	{ .short_name = 'n',
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "N",
	  .help = "memory channels (accepted; prt does not need it)",
	  .parse = opt_mem_channels,
	  .noop = "prt's mempools do not spread objects over memory channels" },
	{ .short_name = 'r',
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "N",
	  .help = "memory ranks (accepted; prt does not need it)",
	  .parse = opt_mem_ranks,
	  .noop = "prt's mempools do not spread objects over memory ranks" },
	{ .name = "single-file-segments",
	  .arg = OPT_ARG_NONE,
	  .help = "accepted; prt maps each segment from one file already",
	  .noop = "prt maps each memory segment from one memfd or file, never a file per page" },
	{ .name = "huge-unlink",
	  .arg = OPT_ARG_OPTIONAL,
	  .arg_name = "[=existing|always|never]",
	  .help = "accepted; prt's hugepage files never have a name",
	  .parse = opt_huge_unlink,
	  .noop = "prt's hugepage files are memfds or O_TMPFILE files, which have no name to unlink "
		  "or keep" },
	{ .name = "no-shconf",
	  .arg = OPT_ARG_NONE,
	  .help = "accepted; prt keeps no shared configuration",
	  .noop = "prt keeps no shared configuration files (it has no secondary processes)" },
	{ .name = "match-allocations",
	  .arg = OPT_ARG_NONE,
	  .help = "accepted; prt gives no memory back before cleanup",
	  .noop = "prt gives no hugepage back to the system before cleanup, so no segment is split" },
	{ .name = "base-virtaddr",
	  .arg = OPT_ARG_REQUIRED,
	  .arg_name = "ADDR",
	  .help = "accepted; no secondary process needs prt's addresses",
	  .parse = opt_base_virtaddr,
	  .noop = "prt has no secondary processes that must map memory at the same addresses" },
	{ .name = "help",
	  .short_name = 'h',
	  .arg = OPT_ARG_NONE,
	  .help = "print this help",
	  OPT_FLAG(help, true) },
};

_Static_assert(PRT_DIM(options) <= PRT_DIM(((struct eal_parse *)0)->noop_seen),
	       "struct eal_parse tracks no-op options per table entry");

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
static int check_config(struct eal_config *cfg, const struct eal_cpu_env *env, int main_lcore)
{
	if (cfg->lcore_count == 0) /* default: every CPU this process may use */
		eal_lcores_default(cfg, env);
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

/* Takes one option at argv[*i] (and its value), advancing *i past what it used. */
static int parse_one(struct eal_parse *p, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *val;
	const struct eal_option *o;
	char name[64];
	int ret;

	o = find_option(arg, &val, name, sizeof(name));
	if (o == NULL)
		return opt_error(name, NULL,
				 "unknown EAL option; EAL options come first and end at '--' "
				 "(see -h)");
	if (o->arg == OPT_ARG_NONE && val != NULL)
		return opt_error(name, val, "this option takes no value");
	if (o->arg == OPT_ARG_REQUIRED && val == NULL) {
		if (*i + 1 >= argc)
			return opt_error(name, NULL, "needs a value: %s %s", name, o->arg_name);
		val = argv[++*i];
	}
	if (o->is_flag)
		*(bool *)((char *)p->cfg + o->flag_off) = o->flag_value;
	ret = o->parse ? o->parse(p, name, val) : 0;
	if (ret == 0 && o->noop) {
		p->noop_seen[o - options] = true;
		p->noop_value[o - options] = val;
	}
	return ret;
}

/* Says, once each, which DPDK options were accepted without effect, and why. */
static void log_noops(const struct eal_parse *p)
{
	for (size_t k = 0; k < PRT_DIM(options); k++) {
		const struct eal_option *o = &options[k];
		char name[32];

		if (!p->noop_seen[k])
			continue;
		if (o->name)
			snprintf(name, sizeof(name), "--%s", o->name);
		else
			snprintf(name, sizeof(name), "-%c", o->short_name);
		prt_log(PRT_LOG_INFO, PRT_LOGTYPE_EAL, "option %s%s%s: accepted, nothing to do: %s",
			name, p->noop_value[k] ? " " : "", p->noop_value[k] ? p->noop_value[k] : "",
			o->noop);
	}
}

int eal_parse_args(int argc, char **argv, struct eal_config *cfg)
{
	struct eal_parse p = { .cfg = cfg, .main_lcore = -1 };
	int i, ret;

	ret = eal_cpu_env_get(&p.env);
	if (ret < 0) {
		prt_log(PRT_LOG_ERR, PRT_LOGTYPE_EAL, "cannot read this process's CPU affinity: %s",
			strerror(-ret));
		return ret;
	}
	cfg->log_levels = calloc((size_t)argc + 1, sizeof(*cfg->log_levels));
	if (cfg->log_levels == NULL)
		return -ENOMEM;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			break; /* the program's own arguments */
		ret = parse_one(&p, argc, argv, &i);
		if (ret < 0 || cfg->help)
			goto out;
	}
	ret = check_config(cfg, &p.env, p.main_lcore);
	if (ret < 0)
		goto out;
	if (cfg->file_prefix == NULL) {
		cfg->file_prefix = strdup("rte");
		if (cfg->file_prefix == NULL) {
			ret = -ENOMEM;
			goto out;
		}
	}
	log_noops(&p);
	ret = i - 1;
out:
	return ret;
}

void eal_log_levels_apply(const struct eal_config *cfg)
{
	for (unsigned int k = 0; k < cfg->nb_log_levels; k++)
		prt_log_parse_arg(cfg->log_levels[k]);
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
	free(cfg->file_prefix);
	free(cfg->runtime_dir);
	eal_args_free(cfg->eal_args);
	eal_args_free(cfg->app_args);
	free(cfg->log_levels);
	memset(cfg, 0, sizeof(*cfg));
}

void prt_eal_usage(FILE *f)
{
	fprintf(f, "EAL options (they come first; the program's own options follow '--'):\n");
	for (size_t i = 0; i < PRT_DIM(options); i++) {
		const struct eal_option *o = &options[i];
		const char *sp = o->arg == OPT_ARG_REQUIRED ? " " : "";
		const char *an = o->arg != OPT_ARG_NONE ? o->arg_name : "";
		char left[64];

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
