/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a user gets when the system cannot give the memory asked: too many
 * pages asked, --huge-dir not a hugetlbfs mount or missing, a mount of the
 * wrong page size, PA mode without CAP_SYS_ADMIN. Each must fail with one
 * message that carries the numbers and the fix, and leave nothing mapped
 * (the process's own maps show no hugepage mapping), so a second
 * prt_eal_init() works. Also --huge-dir on a real mount leaves no file.
 * Needs root (mounts, capabilities) and free 2 MiB pages.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem_test.h"

#include "prt_malloc.h"
#include "prt_memory.h"

/* prt_eal_init() with @extra after "-l 0"; its log lines in *log (free() them). */
static int init_with(const char *const *extra, char **log)
{
	char *argv[16] = { "prog", "-l", "0" };
	size_t len = 0;
	int argc = 3, ret;
	FILE *f;

	for (; *extra && argc < 15; extra++)
		argv[argc++] = (char *)*extra;
	argv[argc] = NULL;
	*log = NULL;
	f = mem_test_log_begin(log, &len);
	ret = prt_eal_init(argc, argv);
	mem_test_log_end(f);
	printf("prt_eal_init: %d, log: %s\n", ret, *log);
	return ret;
}

/* Hugepage mappings of this process, from /proc/self/maps. */
static int hugepage_mappings(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "prt-hugepages") || strstr(line, "prt-mnt"))
			n++;
	fclose(f);
	return n;
}

/* After a failure nothing is left: no mapping, and init works again. */
static void expect_clean_failure(void)
{
	char *argv[] = { "prog", "-l", "0", "-m", "4", NULL };

	assert_int_equal(hugepage_mappings(), 0);
	assert_true(prt_eal_init(5, argv) > 0);
	assert_true(hugepage_mappings() > 0);
	assert_int_equal(prt_eal_cleanup(), 0);
	assert_int_equal(hugepage_mappings(), 0);
}

static void test_too_many_pages(void **state)
{
	char mb[32], *log;
	const char *args[] = { "-m", mb, NULL };

	(void)state;
	/* More than the whole pool: fails whatever other processes do. */
	snprintf(mb, sizeof(mb), "%ld", (mem_test_hp_count("nr_hugepages") + 10) * 2);
	assert_int_equal(init_with(args, &log), -ENOMEM);
	assert_non_null(strstr(log, "asked"));
	assert_non_null(strstr(log, " free"));
	assert_non_null(strstr(log, "echo "));
	assert_non_null(strstr(log, "nr_hugepages"));
	free(log);
	expect_clean_failure();
}

static void test_huge_dir_not_hugetlbfs(void **state)
{
	const char *args[] = { "--huge-dir", "/tmp", NULL };
	char *log;

	(void)state;
	assert_int_equal(init_with(args, &log), -EINVAL);
	assert_non_null(strstr(log, "not a hugetlbfs mount"));
	assert_non_null(strstr(log, "mount -t hugetlbfs"));
	free(log);
	expect_clean_failure();
}

static void test_huge_dir_missing(void **state)
{
	const char *args[] = { "--huge-dir", "/nonexistent/prt-huge", NULL };
	char *log;

	(void)state;
	assert_true(init_with(args, &log) < 0);
	assert_non_null(strstr(log, "/nonexistent/prt-huge"));
	assert_non_null(strstr(log, "mount -t hugetlbfs"));
	free(log);
	expect_clean_failure();
}

static char mnt[64];

static void mount_hugetlbfs(const char *opts)
{
	snprintf(mnt, sizeof(mnt), "/tmp/prt-mntXXXXXX");
	assert_non_null(mkdtemp(mnt));
	if (mount("nodev", mnt, "hugetlbfs", 0, opts) != 0) {
		rmdir(mnt);
		prt_test_skip("cannot mount a hugetlbfs with %s (needs root)", opts);
	}
}

static void unmount_hugetlbfs(void)
{
	assert_int_equal(umount(mnt), 0);
	assert_int_equal(rmdir(mnt), 0);
}

static int seg_page_size(const struct prt_memseg *ms, void *arg)
{
	return ms->hugepage_sz == *(uint64_t *)arg ? 0 : -1;
}

/* --huge-dir on a real mount: hugepages from it, and never a file in it. */
static void test_huge_dir_mount(void **state)
{
	const char *args[] = { "--huge-dir", mnt, "-m", "8", NULL };
	uint64_t sz = PRT_PGSIZE_2M;
	char *log, *p;

	(void)state;
	mount_hugetlbfs("pagesize=2M");
	assert_true(init_with(args, &log) > 0);
	free(log);
	assert_int_equal(prt_memseg_walk(seg_page_size, &sz), 0);
	p = prt_malloc("t", 16u << 20, 0); /* grows: a second file */
	assert_non_null(p);
	assert_int_equal(mem_test_files_in(mnt), 0);
	prt_free(p);
	assert_int_equal(prt_eal_cleanup(), 0);
	assert_int_equal(mem_test_files_in(mnt), 0);
	unmount_hugetlbfs();
}

/* A 1 GiB mount when only 2 MiB pages are free: the message says which mount to use. */
static void test_huge_dir_wrong_page_size(void **state)
{
	const char *args[] = { "--huge-dir", mnt, "-m", "8", NULL };
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", "r");
	long free_1g = -1;
	char *log;
	int ret;

	(void)state;
	if (f == NULL)
		prt_test_skip("this kernel offers no 1 GiB pages: no mount of another size");
	assert_int_equal(fscanf(f, "%ld", &free_1g), 1);
	fclose(f);
	mount_hugetlbfs("pagesize=1G");
	ret = init_with(args, &log);
	if (free_1g > 0) { /* this machine has 1 GiB pages: then the mount is right */
		assert_true(ret > 0);
		assert_int_equal(prt_eal_cleanup(), 0);
	} else {
		assert_int_equal(ret, -ENOMEM);
		assert_non_null(strstr(log, "holds 1 GiB pages"));
		assert_non_null(strstr(log, "pagesize=2M"));
	}
	free(log);
	unmount_hugetlbfs();
	expect_clean_failure();
}

/* Without CAP_SYS_ADMIN the kernel shows physical frame 0: PA mode must refuse. */
static void test_pa_needs_cap_sys_admin(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct data[2];
		const char *args[] = { "--iova-mode=pa", "-m", "4", NULL };
		char *log;
		int ret;

		if (syscall(SYS_capget, &hdr, data) != 0)
			_exit(10);
		data[0].effective &= ~(1u << CAP_SYS_ADMIN);
		data[0].permitted &= ~(1u << CAP_SYS_ADMIN);
		if (syscall(SYS_capset, &hdr, data) != 0)
			_exit(11);
		ret = init_with(args, &log);
		_exit(ret == -EPERM && strstr(log, "CAP_SYS_ADMIN") && hugepage_mappings() == 0 ?
			      0 :
			      12);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_too_many_pages),
		cmocka_unit_test(test_huge_dir_not_hugetlbfs),
		cmocka_unit_test(test_huge_dir_missing),
		cmocka_unit_test(test_huge_dir_mount),
		cmocka_unit_test(test_huge_dir_wrong_page_size),
		cmocka_unit_test(test_pa_needs_cap_sys_admin),
	};

	if (geteuid() != 0)
		prt_test_skip("needs root (mounts a hugetlbfs, drops capabilities)");
	mem_test_need_hugepages(16);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
