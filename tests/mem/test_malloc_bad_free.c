/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt_free() of what it must refuse: a pointer prt_malloc() never returned,
 * a pointer inside a block, a block freed twice, a block whose end was
 * overwritten. Each case runs in a child process. In the debug build
 * (-Ddebug_checks=true, PRT_DEBUG) the child must die of SIGABRT after one
 * log line saying what was wrong; in the release build it must log that line
 * and go on, the heap intact.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem_test.h"

#include "prt_malloc.h"

enum bad { FOREIGN, INTERIOR, TWICE, OVERFLOW };

/* Runs in the child; its log goes to @fd. Returns when prt_free() let it go on. */
static void do_bad_free(enum bad what, int fd)
{
	static char not_ours[128] __attribute__((aligned(64)));
	char *argv[] = { "prog", "--no-huge", "-l", "0", NULL };
	FILE *log = fdopen(fd, "w");
	char *p;

	setvbuf(log, NULL, _IONBF, 0);
	if (prt_eal_init(4, argv) < 0)
		_exit(3);
	prt_log_set_stream(log);
	p = prt_malloc("victim", 100, 0);
	switch (what) {
	case FOREIGN:
		prt_free(not_ours);
		break;
	case INTERIOR:
		prt_free(p + 64);
		break;
	case TWICE:
		prt_free(p);
		prt_free(p);
		break;
	case OVERFLOW:
		memset(p, 0, 101); /* one byte too many */
		prt_free(p);
		break;
	}
	/* The release build went on: the heap must still work. */
	if (what != TWICE && what != OVERFLOW)
		prt_free(p);
	p = prt_malloc("after", 100, 0);
	prt_free(p);
	prt_eal_cleanup();
	_exit(p != NULL ? 0 : 4);
}

static void run_case(enum bad what, const char *expect)
{
	char out[1024] = "";
	int fd, status;
	ssize_t n, len = 0;
	pid_t pid;

	pid = prt_test_fork_piped(&fd);
	if (pid == 0)
		do_bad_free(what, fd);
	while ((n = read(fd, out + len, sizeof(out) - 1 - (size_t)len)) > 0)
		len += n;
	out[len] = '\0';
	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	printf("child said: %s", out);
	assert_non_null(strstr(out, "prt_free("));
	assert_non_null(strstr(out, expect));
#ifdef PRT_DEBUG
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
#else
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
#endif
}

static void test_foreign_pointer(void **state)
{
	(void)state;
	run_case(FOREIGN, "outside every segment");
}

static void test_interior_pointer(void **state)
{
	(void)state;
	run_case(INTERIOR, "not the start of a block");
}

static void test_double_free(void **state)
{
	(void)state;
	run_case(TWICE, "freed twice");
}

static void test_overflow(void **state)
{
	(void)state;
#ifndef PRT_DEBUG
	skip(); /* the end marker exists in the debug build only */
#endif
	run_case(OVERFLOW, "overwritten");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foreign_pointer),
		cmocka_unit_test(test_interior_pointer),
		cmocka_unit_test(test_double_free),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
