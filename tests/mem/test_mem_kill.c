/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kill -9 leaves nothing behind: a child starts the EAL (memfd hugepages, or
 * files in a hugetlbfs mount) and is killed, once after start-up and at
 * several points during it; afterwards the kernel's available 2 MiB pages
 * are back to their count before, and the mount holds no file.
 *
 * The pool is shared with every other process on the machine, so one
 * measurement can be disturbed; each check is retried, and passes when one
 * undisturbed measurement shows no page missing. A leak misses pages in
 * every measurement.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mem_test.h"

#define TRIES 5
#define CHILD_MB 64

static char mnt[64];

/* The child: start the EAL, say so, wait to be killed. */
static void child(int fd, const char *huge_dir)
{
	char *argv[] = { "prog", "-l", "0", "-m", "64", "--huge-dir", (char *)huge_dir, NULL };
	char ok = 1;

	if (prt_eal_init(huge_dir ? 7 : 5, argv) < 0)
		_exit(3);
	if (write(fd, &ok, 1) != 1)
		_exit(4);
	for (;;)
		pause();
}

static pid_t start_child(const char *huge_dir, int *rfd)
{
	pid_t pid = prt_test_fork_piped(rfd);

	if (pid == 0)
		child(*rfd, huge_dir);
	return pid;
}

static void kill_and_reap(pid_t pid)
{
	int status;

	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
}

/*
 * One measurement: @delay_us < 0 kills after start-up (and checks the pages
 * were taken), otherwise that long after fork. Returns the pages missing
 * afterwards, or -1 when the measurement was disturbed.
 */
static long measure(const char *huge_dir, long delay_us)
{
	long before = mem_test_hp_avail(), during = before, after;
	int fd;
	pid_t pid = start_child(huge_dir, &fd);

	if (delay_us < 0) {
		char ok;

		assert_int_equal(read(fd, &ok, 1), 1);
		during = mem_test_hp_avail();
	} else {
		usleep((useconds_t)delay_us);
	}
	kill_and_reap(pid);
	close(fd);
	after = mem_test_hp_avail();
	if (delay_us < 0 && during != before - CHILD_MB / 2)
		return -1; /* someone else took or gave pages meanwhile */
	if (after != before && before - after != CHILD_MB / 2)
		return -1;
	return before - after;
}

static void check_no_leak(const char *huge_dir, long delay_us)
{
	for (int t = 0; t < TRIES; t++) {
		long missing = measure(huge_dir, delay_us);

		if (missing == 0)
			return;
		printf("try %d (kill after %ld us): %s\n", t, delay_us,
		       missing < 0 ? "the pool changed under the test, again" :
				     "pages missing after kill -9");
		usleep(200000);
	}
	fail_msg("kill -9 left hugepages behind (or the pool never stayed still for %d tries)",
		 TRIES);
}

static void test_kill_after_init_memfd(void **state)
{
	(void)state;
	check_no_leak(NULL, -1);
}

static void test_kill_during_init_memfd(void **state)
{
	(void)state;
	for (long us = 0; us <= 8000; us += 2000)
		check_no_leak(NULL, us);
}

static void test_kill_huge_dir(void **state)
{
	(void)state;
	snprintf(mnt, sizeof(mnt), "/tmp/prt-killXXXXXX");
	assert_non_null(mkdtemp(mnt));
	if (mount("nodev", mnt, "hugetlbfs", 0, "pagesize=2M") != 0) {
		rmdir(mnt);
		skip();
	}
	check_no_leak(mnt, -1);
	for (long us = 0; us <= 8000; us += 4000)
		check_no_leak(mnt, us);
	assert_int_equal(mem_test_files_in(mnt), 0);
	assert_int_equal(umount(mnt), 0);
	assert_int_equal(rmdir(mnt), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_after_init_memfd),
		cmocka_unit_test(test_kill_during_init_memfd),
		cmocka_unit_test(test_kill_huge_dir),
	};

	if (geteuid() != 0)
		prt_test_skip("needs root to mount a hugetlbfs");
	mem_test_need_hugepages(CHILD_MB / 2 + 8);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
