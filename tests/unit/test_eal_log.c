/* SPDX-License-Identifier: BSD-3-Clause */
/* Log types and levels: registration, glob and regex selection, line format. */
#include <errno.h>
#include <string.h>

#include "prt_test.h"

#include "prt_log.h"

PRT_LOG_REGISTER(test_logtype, pmd.test, INFO);

static void capture(char *out, size_t len, void (*fn)(void))
{
	FILE *f = tmpfile();
	size_t n;

	assert_non_null(f);
	prt_log_set_stream(f);
	fn();
	prt_log_set_stream(NULL);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
}

static void log_some(void)
{
	PRT_LOG(DEBUG, test_logtype, "hidden %d", 1);
	PRT_LOG(INFO, test_logtype, "shown %d", 2);
	PRT_LOG(ERR, test_logtype, "broken %s\n", "thing");
	PRT_LOG(WARNING, PRT_LOGTYPE_EAL, "careful");
}

static void test_register_and_format(void **state)
{
	char out[512];

	(void)state;
	assert_true(test_logtype >= PRT_LOGTYPE_FIRST_DYNAMIC);
	assert_string_equal(prt_log_type_name(test_logtype), "pmd.test");
	assert_int_equal(prt_log_register("pmd.test", PRT_LOG_DEBUG), test_logtype);
	assert_int_equal(prt_log_get_level(test_logtype), PRT_LOG_INFO);
	capture(out, sizeof(out), log_some);
	assert_string_equal(out, "pmd.test: shown 2\n"
				 "pmd.test: error: broken thing\n"
				 "eal: warning: careful\n");
	assert_int_equal(prt_log_register("", PRT_LOG_INFO), -EINVAL);
	assert_int_equal(prt_log_register("x", 0), -EINVAL);
}

static void test_patterns(void **state)
{
	int t;

	(void)state;
	assert_int_equal(prt_log_parse_arg("pmd.*:debug"), 0);
	assert_int_equal(prt_log_get_level(test_logtype), PRT_LOG_DEBUG);
	assert_int_equal(prt_log_get_level(PRT_LOGTYPE_EAL), PRT_LOG_NOTICE);
	/* A pattern set earlier applies to a type registered later. */
	t = prt_log_register("pmd.later", PRT_LOG_ERR);
	assert_true(t >= 0);
	assert_int_equal(prt_log_get_level(t), PRT_LOG_DEBUG);
	assert_int_equal(prt_log_parse_arg("^eal\\.(mem|vfio)$,7"), 0);
	assert_int_equal(prt_log_get_level(PRT_LOGTYPE_MEM), PRT_LOG_INFO);
	assert_int_equal(prt_log_get_level(PRT_LOGTYPE_VFIO), PRT_LOG_INFO);
	assert_int_equal(prt_log_get_level(PRT_LOGTYPE_PCI), PRT_LOG_NOTICE);
	assert_int_equal(prt_log_parse_arg("warning"), 0);
	assert_int_equal(prt_log_get_level(t), PRT_LOG_WARNING);
	assert_int_equal(prt_log_get_level(PRT_LOGTYPE_EAL), PRT_LOG_WARNING);
	assert_int_equal(prt_log_parse_arg("eal:loud"), -EINVAL);
	assert_int_equal(prt_log_parse_arg(""), -EINVAL);
	assert_int_equal(prt_log_parse_arg("eal(,1"), -EINVAL);
}

/*
 * Callers log strerror(errno) and then return -errno: a log line whose
 * write fails (here: /dev/full, unbuffered, so the write happens inside the
 * call and fails with ENOSPC) must leave errno as it was.
 */
static void test_errno_preserved(void **state)
{
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (f == NULL)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	prt_log_set_stream(f);
	errno = EBUSY;
	PRT_LOG(ERR, test_logtype, "device busy: %s", strerror(errno));
	assert_int_equal(errno, EBUSY);
	errno = EBUSY;
	prt_log(PRT_LOG_ERR, test_logtype, "again");
	assert_int_equal(errno, EBUSY);
	prt_log_set_stream(NULL);
	fclose(f);
}

static void test_levels(void **state)
{
	(void)state;
	assert_int_equal(prt_log_level_parse("error"), PRT_LOG_ERR);
	assert_int_equal(prt_log_level_parse("ERR"), PRT_LOG_ERR);
	assert_int_equal(prt_log_level_parse("8"), PRT_LOG_DEBUG);
	assert_int_equal(prt_log_level_parse("9"), -EINVAL);
	assert_int_equal(prt_log_level_parse("0"), -EINVAL);
	assert_int_equal(prt_log_level_parse("debugx"), -EINVAL);
	assert_string_equal(prt_log_level_name(PRT_LOG_NOTICE), "notice");
	assert_string_equal(prt_log_level_name(42), "?");
	assert_false(prt_log_enabled(PRT_LOGTYPE_MAX, PRT_LOG_EMERG));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_and_format),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_errno_preserved),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
