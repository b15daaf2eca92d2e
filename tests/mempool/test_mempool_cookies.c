/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The debug cookies around mempool objects (-Ddebug_checks=true): a double
 * free, a foreign pointer, an object of another pool, an overrun and a
 * write to a free object are each caught at the next put or get. Each case
 * runs in a child process that must die of SIGABRT after one log line
 * naming the misuse, the object and the pool.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prt_test.h"

#include "prt_eal.h"
#include "prt_mempool.h"

enum misuse { DOUBLE_FREE, FOREIGN, OTHER_POOL, OVERRUN, WRITE_AFTER_FREE };

/* The child: makes pools and commits @p what; its log goes to @p fd. */
static void __attribute__((noreturn)) misbehave(enum misuse what, int fd)
{
	static char not_ours[256] __attribute__((aligned(64)));
	char *argv[] = { "prog", "--no-huge", "-l", "0", NULL };
	struct prt_mempool *mp, *other;
	FILE *log = fdopen(fd, "w");
	void *obj, *obj2;

	setvbuf(log, NULL, _IONBF, 0);
	if (prt_eal_init(4, argv) < 0)
		_exit(3);
	prt_log_set_stream(log);
	mp = prt_mempool_create("cookie_pool", 64, 128, 8, 0, NULL, NULL, NULL, NULL, -1, 0);
	other = prt_mempool_create("other_pool", 64, 100, 0, 0, NULL, NULL, NULL, NULL, -1, 0);
	if (mp == NULL || other == NULL || prt_mempool_get(mp, &obj) != 0 ||
	    prt_mempool_get(other, &obj2) != 0)
		_exit(4);
	fprintf(log, "object %p\n", obj);
	switch (what) {
	case DOUBLE_FREE:
		prt_mempool_put(mp, obj);
		prt_mempool_put(mp, obj);
		break;
	case FOREIGN:
		prt_mempool_put(mp, not_ours + 64);
		break;
	case OTHER_POOL:
		prt_mempool_put(mp, obj2);
		break;
	case OVERRUN:
		memset(obj, 0xab, 129); /* one byte past the 128 */
		prt_mempool_put(mp, obj);
		break;
	case WRITE_AFTER_FREE:
		/* Without a cache, so the object goes to the ring and comes back next. */
		prt_mempool_put(other, obj2);
		memset(obj2, 0, 100);
		((uint64_t *)obj2)[-1] = 0; /* the header cookie */
		for (int i = 0; i < 64; i++)
			prt_mempool_get(other, &obj2);
		break;
	}
	_exit(0); /* not caught: the parent fails the test */
}

static void run_case(enum misuse what, const char *pool, const char *expect)
{
	char buf[4096] = { 0 };
	size_t len = 0;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		misbehave(what, fds[1]);
	}
	close(fds[1]);
	while (len < sizeof(buf) - 1 && (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	printf("%s", buf);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_non_null(strstr(buf, expect));
	assert_non_null(strstr(buf, pool));
}

static void test_double_free(void **state)
{
	(void)state;
	run_case(DOUBLE_FREE, "mempool 'cookie_pool'", "double free of object 0x");
}

static void test_foreign_pointer(void **state)
{
	(void)state;
	run_case(FOREIGN, "mempool 'cookie_pool'", "is not one of its objects (foreign pointer");
}

static void test_object_of_other_pool(void **state)
{
	(void)state;
	run_case(OTHER_POOL, "mempool 'cookie_pool'", "is not one of its objects (foreign pointer");
}

static void test_overrun(void **state)
{
	(void)state;
	run_case(OVERRUN, "mempool 'cookie_pool'",
		 "was overrun: bytes past its 128-byte size were written");
}

static void test_write_after_free(void **state)
{
	(void)state;
	run_case(WRITE_AFTER_FREE, "mempool 'other_pool'",
		 "was written to while it was in the pool");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_double_free),	     cmocka_unit_test(test_foreign_pointer),
		cmocka_unit_test(test_object_of_other_pool), cmocka_unit_test(test_overrun),
		cmocka_unit_test(test_write_after_free),
	};

#ifndef PRT_DEBUG
	prt_test_skip("the cookies exist in debug builds only (-Ddebug_checks=true)");
#endif
	return cmocka_run_group_tests(tests, NULL, NULL);
}
