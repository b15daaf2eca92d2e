/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt_eal_init()'s command line: every malformed option is refused with one
 * line that names the option, the bad value and what would be valid; good
 * command lines are consumed exactly as rte_eal_init() consumes them.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "prt_test.h"

#include "prt_eal.h"
#include "prt_malloc.h"
#include "vfio_backend.h"

#define MAX_ARGS 24

struct bad_case {
	const char *args[MAX_ARGS]; /* after argv[0], NULL-terminated */
	const char *option; /* must appear in the message */
	const char *value; /* must appear in the message (NULL: none) */
	const char *why; /* must appear in the message */
};

static const struct bad_case bad_cases[] = {
	{ { "-l", "3-1" }, "-l", "3-1", "reversed" },
	{ { "-l", "0,,1" }, "-l", "0,,1", "empty element" },
	{ { "-l", "0," }, "-l", "0,", "empty element" },
	{ { "-l", "" }, "-l", "", "empty list" },
	{ { "-l", "500" }, "-l", "500", "over the maximum 127" },
	{ { "-l", "100" }, "-l", "100", "does not exist" },
	{ { "-l", "0-" }, "-l", "0-", "has no end" },
	{ { "-l", "x" }, "-l", "x", "not a number" },
	{ { "--lcores", "0,0" }, "--lcores", "0,0", "given twice" },
	{ { "-l" }, "-l", NULL, "needs a value" },
	{ { "--lcores", "1@(0" }, "--lcores", "1@(0", "unclosed" },
	{ { "--lcores", "1@99" }, "--lcores", "1@99", "does not exist" },
	{ { "--lcores", "200" }, "--lcores", "200", "over the maximum" },
	{ { "-c", "0xg" }, "-c", "0xg", "not a hex digit" },
	{ { "-c", "0x0" }, "-c", "0x0", "selects no lcore" },
	{ { "-l", "0", "--main-lcore", "5" }, "--main-lcore", "5", "not one of the lcores" },
	{ { "--main-lcore", "x" }, "--main-lcore", "x", "not an lcore id" },
	{ { "-a", "0000:zz:00.0" }, "-a", "0000:zz:00.0", "not a PCI address" },
	{ { "-a", "0000:00:20.0" }, "-a", "0000:00:20.0", "not a PCI address" },
	{ { "-a", "00:01.8" }, "-a", "00:01.8", "not a PCI address" },
	{ { "-a", "0000:00:01.0x" }, "-a", "0000:00:01.0x", "not a PCI address" },
	{ { "-a", "0000:00:01.0", "-b", "0000:00:02.0" }, "-b", "0000:00:02.0", "cannot be mixed" },
	{ { "-a", "00:01.0", "-a", "0000:00:01.0" }, "-a", "0000:00:01.0", "given twice" },
	{ { "-b", "0000:00:01.0,x=1" }, "-b", "0000:00:01.0,x=1", "without arguments" },
	{ { "--vfio-mode", "foo" }, "--vfio-mode", "foo", "auto, iommufd, type1, noiommu" },
	{ { "--vfio-vf-token", "yes" }, "--vfio-vf-token", "yes", "not a UUID" },
	{ { "--vfio-vf-token=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f" },
	  "--vfio-vf-token",
	  "bd8d9d2b-5a5f-4f5a-a211-f591514ba1f",
	  "8-4-4-4-12 hex digits" },
	{ { "--iova-mode=xx" }, "--iova-mode", "xx", "valid: pa, va" },
	{ { "--iova-mode=pa", "--no-huge" }, "--iova-mode", "pa", "need hugepages" },
	{ { "--vfio-mode=noiommu", "--iova-mode=va" }, "--iova-mode", "va", "no IOMMU" },
	{ { "--vfio-mode=noiommu", "--no-huge" }, "--vfio-mode", "noiommu", "hugepages" },
	{ { "--vdev", ",x=1" }, "--vdev", ",x=1", "no device name" },
	{ { "--vdev", "" }, "--vdev", "", "no device name" },
	{ { "--vdev", "0null" }, "--vdev", "0null", "starts with a letter" },
	{ { "--vdev", "net-null0" }, "--vdev", "net-null0", "'-' in the device name" },
	{ { "--vdev", "net_null0", "--vdev", "net_null0,size=64" },
	  "--vdev",
	  "net_null0,size=64",
	  "given twice" },
	{ { "-m", "0" }, "-m", "0", "0 MiB" },
	{ { "-m", "12x" }, "-m", "12x", "whole number" },
	{ { "-m", "-5" }, "-m", "-5", "whole number" },
	{ { "--socket-mem", "1024,abc" }, "--socket-mem", "1024,abc", "element 1" },
	{ { "--socket-mem", "0,0" }, "--socket-mem", "0,0", "no memory" },
	{ { "--socket-mem", "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,64" },
	  "--socket-mem",
	  "0,0,0",
	  "NUMA node 31" },
	{ { "-m", "64", "--socket-mem", "64" }, "-m", NULL, "only one of them" },
	{ { "--huge-dir", "/mnt/huge", "--no-huge" }, "--huge-dir", "/mnt/huge", "--no-huge" },
	{ { "--huge-dir", "/mnt/huge", "--in-memory" }, "--huge-dir", "/mnt/huge", "--in-memory" },
	{ { "--huge-dir", "" }, "--huge-dir", "", "empty path" },
	{ { "--log-level", "loud" }, "--log-level", "loud", "not a log level" },
	{ { "--log-level", ":debug" }, "--log-level", ":debug", "no log type" },
	{ { "--log-level", "eal(,debug" }, "--log-level", "eal(,debug", "regular expression" },
	{ { "--log-level=pmd.virtio:9" }, "--log-level", "pmd.virtio:9", "not a log level" },
	{ { "--bogus" }, "--bogus", NULL, "unknown EAL option" },
	{ { "-z" }, "-z", NULL, "unknown EAL option" },
	{ { "--no-huge=1" }, "--no-huge", "1", "takes no value" },
	{ { "-n", "0" }, "-n", "0", "memory channels" },
	{ { "-r", "17" }, "-r", "17", "memory ranks (1-16)" },
	{ { "--proc-type", "secondary" }, "--proc-type", "secondary", "telemetry socket" },
	{ { "--proc-type=primaryx" }, "--proc-type", "primaryx", "valid: primary, auto, secondary" },
	{ { "--file-prefix", "" }, "--file-prefix", "", "empty prefix" },
	{ { "--file-prefix", "a/b" }, "--file-prefix", "a/b", "'/' in the prefix" },
	{ { "--file-prefix=.." }, "--file-prefix", "..", "not a directory name" },
	{ { "--base-virtaddr", "zz" }, "--base-virtaddr", "zz", "in hex" },
	{ { "--base-virtaddr", "0x100001" }, "--base-virtaddr", "0x100001", "page size" },
	{ { "--huge-unlink=sometimes" }, "--huge-unlink", "sometimes", "valid: existing, always" },
	{ { "--single-file-segments=1" }, "--single-file-segments", "1", "takes no value" },
	{ { "--telemetry=on" }, "--telemetry", "on", "takes no value" },
};

/* Runs prt_eal_init on argv0 + @args with the log captured; returns the output in @out. */
static int run_init(const char *const *args, char *out, size_t len)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0, ret;
	FILE *f = tmpfile();
	size_t n;

	assert_non_null(f);
	argv[argc++] = (char *)"prog";
	for (int i = 0; args[i]; i++)
		argv[argc++] = (char *)args[i];
	argv[argc] = NULL;
	prt_log_set_stream(f);
	ret = prt_eal_init(argc, argv);
	prt_log_set_stream(NULL);
	fflush(f);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
	return ret;
}

static void test_bad_args(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		char out[2048], *nl;
		int ret = run_init(c->args, out, sizeof(out));

		if (ret >= 0)
			prt_eal_cleanup();
		if (ret != -EINVAL || strstr(out, c->option) == NULL ||
		    (c->value && strstr(out, c->value) == NULL) || strstr(out, c->why) == NULL) {
			print_error("case %zu (%s %s): ret %d, message: %s\n", i, c->args[0],
				    c->args[1] ? c->args[1] : "", ret, out);
			fail();
		}
		/* One line, starting with the component. */
		nl = strchr(out, '\n');
		assert_non_null(nl);
		assert_string_equal(nl + 1, "");
		assert_true(strncmp(out, "eal: error: ", 12) == 0);
	}
}

static void test_failure_leaves_nothing(void **state)
{
	const char *bad[] = { "-l", "0", "--vdev", "net_null0", "-l", "3-1", NULL };
	const char *good[] = { "-l", "0", "--no-huge", NULL };
	char out[1024];

	(void)state;
	assert_int_equal(run_init(bad, out, sizeof(out)), -EINVAL);
	assert_int_equal(prt_eal_cleanup(), -EALREADY);
	assert_int_equal(run_init(good, out, sizeof(out)), 3);
	assert_int_equal(prt_eal_vdev_count(), 0);
	assert_int_equal(prt_eal_cleanup(), 0);
}

static void test_consumed_and_argv(void **state)
{
	char *argv[] = { "prog",   "-l",
			 "0",	   "--no-huge",
			 "--vdev", "net_null0,size=64",
			 "--",	   "--forward-mode=io",
			 NULL };
	const char *name, *args;
	int ret;

	(void)state;
	ret = prt_eal_init(7 + 1, argv);
	assert_int_equal(ret, 6);
	/* As with DPDK: the program's parser sees argv[0] first. */
	assert_string_equal(argv[ret], "prog");
	assert_string_equal(argv[ret + 1], "--forward-mode=io");
	assert_int_equal(prt_eal_vdev_count(), 1);
	assert_int_equal(prt_eal_vdev_get(0, &name, &args), 0);
	assert_string_equal(name, "net_null0");
	assert_string_equal(args, "size=64");
	assert_int_equal(prt_eal_vdev_get(1, &name, &args), -ENOENT);
	assert_false(prt_eal_has_hugepages());
	assert_int_equal(prt_eal_iova_mode(), PRT_IOVA_VA);
	assert_int_equal(prt_eal_init(7 + 1, argv), -EALREADY);
	assert_int_equal(prt_eal_cleanup(), 0);
}

static void test_stops_at_first_non_option(void **state)
{
	char *argv[] = { "prog", "--no-huge", "-l0", "file.pcap", "-x", NULL };

	(void)state;
	assert_int_equal(prt_eal_init(5, argv), 2);
	assert_int_equal(prt_get_main_lcore(), 0);
	assert_int_equal(prt_lcore_count(), 1);
	assert_int_equal(prt_eal_cleanup(), 0);
}

static void test_modes_and_memory(void **state)
{
	/* -b, not -a: a device named with -a must exist and be bound to vfio-pci. */
	char *argv[] = { "prog",	 "-l",		"0",	   "--vfio-mode=noiommu", "-b",
			 "0000:1f:03.0", "-b",		"1f:04.0", "--socket-mem",	  "64",
			 "--log-level",	 "pmd.*:debug", NULL };

	(void)state;
	assert_int_equal(prt_eal_init(12, argv), 11);
	assert_int_equal(prt_eal_vfio_mode(), PRT_VFIO_MODE_NOIOMMU);
	assert_int_equal(prt_eal_iova_mode(), PRT_IOVA_PA); /* no IOMMU: physical */
	assert_true(prt_eal_has_hugepages());
	assert_int_equal(prt_eal_cleanup(), 0);
}

/* Every option DPDK 22.11 scripts pass and prt accepts, in one command line. */
static void test_dpdk_options(void **state)
{
	const char *args[] = { "-l",
			       "0",
			       "-n",
			       "4",
			       "-r",
			       "2",
			       "--no-huge",
			       "--file-prefix",
			       "vm1",
			       "--proc-type=auto",
			       "--single-file-segments",
			       "--huge-unlink",
			       "--no-shconf",
			       "--no-shconf",
			       "--match-allocations",
			       "--base-virtaddr=0x7f0000000000",
			       "--no-telemetry",
			       "--log-level=eal:info",
			       "--log-level=ring:critical",
			       "--vfio-vf-token",
			       "BD8D9D2B-5a5f-4f5a-a211-f591514ba1f3",
			       "--",
			       "--app-opt",
			       NULL };
	static const unsigned char token[16] = { 0xbd, 0x8d, 0x9d, 0x2b, 0x5a, 0x5f, 0x4f, 0x5a,
						 0xa2, 0x11, 0xf5, 0x91, 0x51, 0x4b, 0xa1, 0xf3 };
	char out[4096], want[256];
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	(void)state;
	assert_int_equal(run_init(args, out, sizeof(out)), 22);
	assert_int_equal(prt_log_get_level(PRT_LOGTYPE_RING), PRT_LOG_CRIT);
	assert_non_null(vfio_vf_token());
	assert_memory_equal(vfio_vf_token(), token, sizeof(token));
	/* Each no-op said once, at info level, with why. */
	assert_non_null(strstr(out, "option -n 4: accepted, nothing to do: prt's mempools"));
	assert_non_null(
		strstr(out, "option --proc-type auto: accepted, nothing to do: prt always"));
	assert_non_null(strstr(out, "option --single-file-segments: accepted, nothing to do"));
	assert_non_null(strstr(out, "option --huge-unlink: accepted"));
	assert_non_null(strstr(out, "option --match-allocations: accepted"));
	assert_non_null(strstr(out, "option --base-virtaddr 0x7f0000000000: accepted"));
	assert_non_null(strstr(out, "option --no-shconf: accepted"));
	assert_null(strstr(strstr(out, "option --no-shconf: accepted") + 20, "--no-shconf"));
	assert_null(strstr(out, "--no-telemetry: accepted")); /* not a no-op */
	if (geteuid() == 0)
		snprintf(want, sizeof(want), "/var/run/dpdk/vm1");
	else
		snprintf(want, sizeof(want), "%s/dpdk/vm1", xdg && *xdg ? xdg : "/tmp");
	assert_string_equal(prt_eal_runtime_dir(), want);
	assert_int_equal(prt_eal_cleanup(), 0);
	assert_null(prt_eal_runtime_dir());
}

static void test_runtime_dir_default(void **state)
{
	const char *args[] = { "-l", "0", "--no-huge", NULL };
	char out[1024];

	(void)state;
	assert_int_equal(run_init(args, out, sizeof(out)), 3);
	assert_non_null(strstr(prt_eal_runtime_dir(), "/dpdk/rte"));
	assert_null(vfio_vf_token()); /* none given */
	assert_int_equal(prt_eal_cleanup(), 0);
}

/* --legacy-mem: what start-up reserved is all there is; without it the heap grows. */
static void test_legacy_mem(void **state)
{
	const char *legacy[] = { "-l", "0", "--no-huge", "-m", "64", "--legacy-mem", NULL };
	const char *dynamic[] = { "-l", "0", "--no-huge", "-m", "64", NULL };
	char out[2048];
	void *p;

	(void)state;
	assert_int_equal(run_init(legacy, out, sizeof(out)), 6);
	prt_log_set_stream(tmpfile());
	p = prt_malloc(NULL, 96u << 20, 0);
	prt_log_set_stream(NULL);
	assert_null(p);
	assert_int_equal(prt_eal_cleanup(), 0);

	assert_int_equal(run_init(dynamic, out, sizeof(out)), 5);
	p = prt_malloc(NULL, 96u << 20, 0);
	assert_non_null(p);
	prt_free(p);
	assert_int_equal(prt_eal_cleanup(), 0);
}

static void test_help(void **state)
{
	char *argv[] = { "prog", "-h", NULL };

	(void)state;
	assert_int_equal(prt_eal_init(2, argv), -ECANCELED);
	assert_int_equal(prt_eal_cleanup(), -EALREADY);
}

static void test_not_in_affinity(void **state)
{
	cpu_set_t saved, one;
	const char *args[] = { "-l", "1", NULL };
	char out[1024];

	(void)state;
	if (sysconf(_SC_NPROCESSORS_CONF) < 2) {
		skip();
		return;
	}
	assert_int_equal(sched_getaffinity(0, sizeof(saved), &saved), 0);
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	assert_int_equal(run_init(args, out, sizeof(out)), -EINVAL);
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
	assert_non_null(strstr(out, "CPU 1 is not in this process's affinity mask (allowed: 0)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_failure_leaves_nothing),
		cmocka_unit_test(test_consumed_and_argv),
		cmocka_unit_test(test_stops_at_first_non_option),
		cmocka_unit_test(test_modes_and_memory),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_dpdk_options),
		cmocka_unit_test(test_runtime_dir_default),
		cmocka_unit_test(test_legacy_mem),
		cmocka_unit_test(test_not_in_affinity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
