/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry without the EAL: the data API and its limits, the JSON answers
 * (DPDK 22.11's shapes, escaping, what is left out when an answer is too
 * big), the running of requests, and the socket itself through
 * telemetry_init() in directories of the test's own: the path, a stale
 * socket replaced, the :1 instance when a live process holds the first, the
 * runtime directory created, the client limit, garbage, a client that never
 * reads, two clients at once. Clients speak DPDK's protocol (tel_client.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tel_client.h"
#include "telemetry_private.h"

static char answer[PRT_TEL_MAX_OUTPUT_LEN];

/* The answer to @p cmd with data @p d, parsed; the length written in *len when not NULL. */
static json_t *answer_json(const char *cmd, const struct prt_tel_data *d, size_t *len)
{
	size_t n = tel_json_answer(cmd, d, answer, sizeof(answer));
	json_error_t err;
	json_t *j;

	assert_true(n < sizeof(answer));
	assert_int_equal(answer[n], '\0');
	j = json_loadb(answer, n, 0, &err);
	if (j == NULL)
		fail_msg("not JSON (%s): %s", err.text, answer);
	if (len)
		*len = n;
	return j;
}

/* ---- the data API ---- */

static void test_data_limits(void **state)
{
	struct prt_tel_data *d = prt_tel_data_alloc(), *c;
	char name[PRT_TEL_MAX_STRING_LEN + 1], val[200];

	(void)state;
	assert_non_null(d);
	/* Nothing can be added before start, nor to the wrong kind. */
	assert_int_equal(prt_tel_data_add_dict_int(d, "a", 1), -EINVAL);
	assert_int_equal(prt_tel_data_start_dict(d), 0);
	assert_int_equal(prt_tel_data_add_array_int(d, 1), -EINVAL);
	/* Names: DPDK's characters, not empty, shorter than 128 bytes. */
	assert_int_equal(prt_tel_data_add_dict_int(d, "rx-packets", 1), -EINVAL);
	assert_int_equal(prt_tel_data_add_dict_int(d, "", 1), -EINVAL);
	memset(name, 'n', sizeof(name));
	name[PRT_TEL_MAX_STRING_LEN] = '\0';
	assert_int_equal(prt_tel_data_add_dict_int(d, name, 1), -EINVAL);
	name[PRT_TEL_MAX_STRING_LEN - 1] = '\0';
	assert_int_equal(prt_tel_data_add_dict_int(d, name, 1), 0);
	/* A value too long is added, cut, and said so (E2BIG, positive, as DPDK). */
	memset(val, 'v', sizeof(val));
	val[sizeof(val) - 1] = '\0';
	assert_int_equal(prt_tel_data_add_dict_string(d, "long", val), E2BIG);
	for (int i = 2; i < PRT_TEL_MAX_DICT_ENTRIES; i++)
		assert_int_equal(prt_tel_data_add_dict_uint(d, "x", (uint64_t)i), 0);
	assert_int_equal(prt_tel_data_add_dict_uint(d, "x", 0), -ENOSPC);

	/* Arrays: one type, 512 elements. */
	assert_int_equal(prt_tel_data_start_array(d, PRT_TEL_UINT_VAL), 0);
	assert_int_equal(prt_tel_data_add_array_int(d, 1), -EINVAL);
	assert_int_equal(prt_tel_data_add_array_string(d, "s"), -EINVAL);
	for (int i = 0; i < PRT_TEL_MAX_ARRAY_ENTRIES; i++)
		assert_int_equal(prt_tel_data_add_array_uint(d, (uint64_t)i), 0);
	assert_int_equal(prt_tel_data_add_array_uint(d, 0), -ENOSPC);
	assert_int_equal(prt_tel_data_start_array(d, (enum prt_tel_value_type)9), -EINVAL);

	/* Containers: dictionaries and arrays only, never itself; an owned one refused is freed. */
	assert_int_equal(prt_tel_data_start_dict(d), 0);
	assert_int_equal(prt_tel_data_add_dict_container(d, "self", d, 0), -EINVAL);
	c = prt_tel_data_alloc();
	assert_int_equal(prt_tel_data_string(c, "not a container"), 0);
	assert_int_equal(prt_tel_data_add_dict_container(d, "s", c, 0), -EINVAL);
	c = prt_tel_data_alloc();
	prt_tel_data_start_array(c, PRT_TEL_INT_VAL);
	assert_int_equal(prt_tel_data_add_dict_container(d, "bad-name", c, 0), -EINVAL);
	c = prt_tel_data_alloc();
	prt_tel_data_start_array(c, PRT_TEL_INT_VAL);
	assert_int_equal(prt_tel_data_add_dict_container(d, "ok", c, 0), 0);
	prt_tel_data_free(d); /* frees c too: ASan says so otherwise */
	prt_tel_data_free(NULL);
}

/* DPDK's layout exactly: no spaces; every kind of value; nested containers. */
static void test_json_shapes(void **state)
{
	struct prt_tel_data d = { 0 }, *arr = prt_tel_data_alloc(), *sub = prt_tel_data_alloc();
	struct prt_tel_data kept = { 0 };

	(void)state;
	prt_tel_data_start_dict(&d);
	prt_tel_data_add_dict_int(&d, "i", -5);
	prt_tel_data_add_dict_uint(&d, "u", UINT64_MAX);
	prt_tel_data_add_dict_string(&d, "s", "str");
	prt_tel_data_start_array(arr, PRT_TEL_STRING_VAL);
	prt_tel_data_add_array_string(arr, "a");
	prt_tel_data_add_array_string(arr, "b");
	prt_tel_data_add_dict_container(&d, "arr", arr, 0);
	prt_tel_data_start_dict(sub);
	prt_tel_data_add_dict_int(sub, "x", 1);
	prt_tel_data_add_dict_container(&d, "sub", sub, 0);
	prt_tel_data_start_array(&kept, PRT_TEL_INT_VAL);
	prt_tel_data_add_dict_container(&d, "empty", &kept, 1);
	tel_json_answer("/t", &d, answer, sizeof(answer));
	assert_string_equal(
		answer,
		"{\"/t\":{\"i\":-5,\"u\":18446744073709551615,\"s\":\"str\",\"arr\":[\"a\",\"b\"],\"sub\":{\"x\":1},\"empty\":[]}}");
	tel_data_release(&d);
	tel_data_release(&kept); /* keep: the caller's to free */

	/* A string answer, an empty dictionary, nothing (null). */
	prt_tel_data_string(&d, "help text");
	tel_json_answer("/help", &d, answer, sizeof(answer));
	assert_string_equal(answer, "{\"/help\":\"help text\"}");
	prt_tel_data_start_dict(&d);
	tel_json_answer("/mempool/info", &d, answer, sizeof(answer));
	assert_string_equal(answer, "{\"/mempool/info\":{}}");
	tel_data_release(&d);
	tel_json_answer("/x", &d, answer, sizeof(answer));
	assert_string_equal(answer, "{\"/x\":null}");
}

/* Quotes, backslashes, control characters, non-UTF-8 bytes: always valid JSON, nothing lost. */
static void test_json_escape(void **state)
{
	struct prt_tel_data d = { 0 };
	json_t *j;

	(void)state;
	prt_tel_data_start_array(&d, PRT_TEL_STRING_VAL);
	prt_tel_data_add_array_string(&d, "q\"b\\n\nt\tr\rc\x01");
	prt_tel_data_add_array_string(&d, "\xff-\xc3\xa9-\xe2\x82");
	j = answer_json("/cmd\"x", &d, NULL);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "/cmd\"x"), 0)),
			    "q\"b\\n\nt\tr\rc\x01");
	/* é stays; a lone 0xff and a cut sequence become U+FFFD. */
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "/cmd\"x"), 1)),
			    "\xef\xbf\xbd-\xc3\xa9-\xef\xbf\xbd\xef\xbf\xbd");
	json_decref(j);
	tel_data_release(&d);
}

/*
 * An answer bigger than max_output_len: entries that do not fit are left
 * out from the end, whole, and the answer stays JSON (DPDK's behaviour); a
 * nested container goes whole or not at all; a string is cut.
 */
static void test_json_oversize(void **state)
{
	struct prt_tel_data d = { 0 };
	char val[PRT_TEL_MAX_STRING_LEN], *big;
	json_t *j, *v;
	size_t len;

	(void)state;
	memset(val, 'v', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	prt_tel_data_start_array(&d, PRT_TEL_STRING_VAL);
	for (int i = 0; i < PRT_TEL_MAX_ARRAY_ENTRIES; i++)
		prt_tel_data_add_array_string(&d, val); /* 512 * 130 bytes > 16 KiB */
	j = answer_json("/big", &d, &len);
	v = json_object_get(j, "/big");
	assert_true(json_array_size(v) > 100 && json_array_size(v) < PRT_TEL_MAX_ARRAY_ENTRIES);
	assert_string_equal(json_string_value(json_array_get(v, json_array_size(v) - 1)), val);
	/* Full: one more element would not have fitted. */
	assert_true(len + strlen(val) + 3 >= sizeof(answer) - 1);
	json_decref(j);

	/* Two nested arrays of 9.5 KiB each: the second does not fit, and is left out whole. */
	prt_tel_data_start_dict(&d);
	for (int k = 0; k < 2; k++) {
		struct prt_tel_data *a = prt_tel_data_alloc();

		prt_tel_data_start_array(a, PRT_TEL_UINT_VAL);
		for (int i = 0; i < 500; i++) /* jansson reads up to INT64_MAX */
			prt_tel_data_add_array_uint(a, INT64_MAX);
		prt_tel_data_add_dict_container(&d, k ? "second" : "first", a, 0);
	}
	prt_tel_data_add_dict_int(&d, "after", 7);
	j = answer_json("/nested", &d, NULL);
	v = json_object_get(j, "/nested");
	assert_int_equal(json_array_size(json_object_get(v, "first")), 500);
	assert_null(json_object_get(v, "second"));
	assert_int_equal(json_integer_value(json_object_get(v, "after")), 7);
	json_decref(j);

	/* The longest string, all quotes (each written as two bytes): cut, still JSON. */
	big = malloc(PRT_TEL_MAX_SINGLE_STRING_LEN + 10);
	memset(big, '"', PRT_TEL_MAX_SINGLE_STRING_LEN + 9);
	big[PRT_TEL_MAX_SINGLE_STRING_LEN + 9] = '\0';
	assert_int_equal(prt_tel_data_string(&d, big), E2BIG);
	j = answer_json("/str", &d, NULL);
	len = strlen(json_string_value(json_object_get(j, "/str")));
	assert_true(len > 8000 && len < PRT_TEL_MAX_SINGLE_STRING_LEN);
	assert_memory_equal(json_string_value(json_object_get(j, "/str")), big, len);
	json_decref(j);
	free(big);
	tel_data_release(&d);
}

/* ---- commands ---- */

static int echo_cmd(const char *cmd, const char *params, struct prt_tel_data *d)
{
	(void)cmd;
	if (params == NULL)
		return 0; /* nothing: null */
	prt_tel_data_start_dict(d);
	return prt_tel_data_add_dict_string(d, "params", params);
}

static int failing_cmd(const char *cmd, const char *params, struct prt_tel_data *d)
{
	(void)cmd;
	(void)params;
	prt_tel_data_start_dict(d);
	prt_tel_data_add_dict_int(d, "half", 1);
	return -EIO;
}

static void test_register(void **state)
{
	char name[PRT_TEL_MAX_CMD_LEN + 1], help[PRT_TEL_MAX_STRING_LEN + 1];

	(void)state;
	assert_int_equal(prt_telemetry_register_cmd("/test/echo", echo_cmd, "Echo. Params: any"),
			 0);
	assert_int_equal(prt_telemetry_register_cmd("/test/echo", echo_cmd, "again"), -EEXIST);
	assert_int_equal(prt_telemetry_register_cmd("/test/fail", failing_cmd, "Fails"), 0);
	assert_int_equal(prt_telemetry_register_cmd("test", echo_cmd, ""), -EINVAL);
	assert_int_equal(prt_telemetry_register_cmd("/te-st", echo_cmd, ""), -EINVAL);
	assert_int_equal(prt_telemetry_register_cmd("/test/x", NULL, ""), -EINVAL);
	assert_int_equal(prt_telemetry_register_cmd("/test/x", echo_cmd, NULL), -EINVAL);
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[PRT_TEL_MAX_CMD_LEN] = '\0';
	assert_int_equal(prt_telemetry_register_cmd(name, echo_cmd, ""), -EINVAL);
	memset(help, 'h', sizeof(help));
	help[PRT_TEL_MAX_STRING_LEN] = '\0';
	assert_int_equal(prt_telemetry_register_cmd("/test/x", echo_cmd, help), -EINVAL);
}

/* The value of @p req's answer as telemetry_handle() writes it (a new reference). */
static json_t *handle(const char *req, size_t len, const char *key)
{
	size_t n = telemetry_handle(req, len, answer, sizeof(answer));
	json_t *j = json_loadb(answer, n, 0, NULL), *v;

	if (j == NULL)
		fail_msg("not JSON: %s", answer);
	assert_int_equal(json_object_size(j), 1);
	v = json_object_get(j, key);
	assert_non_null(v);
	json_incref(v);
	json_decref(j);
	return v;
}

static json_t *handle_str(const char *req, const char *key)
{
	return handle(req, strlen(req), key);
}

/* Requests as DPDK's client_handler() splits them; unknown and failing commands answer null. */
static void test_handle(void **state)
{
	char longcmd[200];
	json_t *v;
	size_t i;

	(void)state;
	v = handle_str("/", "/");
	assert_true(json_array_size(v) >= 5);
	for (i = 1; i < json_array_size(v); i++) /* sorted */
		assert_true(strcmp(json_string_value(json_array_get(v, i - 1)),
				   json_string_value(json_array_get(v, i))) < 0);
	json_decref(v);
	v = handle_str("/info", "/info");
	assert_int_equal(json_integer_value(json_object_get(v, "pid")), getpid());
	assert_int_equal(json_integer_value(json_object_get(v, "max_output_len")), 16384);
	json_decref(v);
	v = handle_str("/help,/test/echo", "/help");
	assert_string_equal(json_string_value(json_object_get(v, "/test/echo")),
			    "Echo. Params: any");
	json_decref(v);
	v = handle_str("/help", "/help");
	assert_string_equal(json_string_value(v),
			    "Returns help text for a command. Parameters: string command");
	json_decref(v);
	v = handle_str("/help,/nope", "/help");
	assert_true(json_is_null(v));
	json_decref(v);

	/* Parameters: what follows the first comma; none when nothing does. */
	v = handle_str("/test/echo,a,b", "/test/echo");
	assert_string_equal(json_string_value(json_object_get(v, "params")), "a,b");
	json_decref(v);
	v = handle_str("/test/echo,", "/test/echo");
	assert_true(json_is_null(v));
	json_decref(v);
	v = handle_str(",,/test/echo,p", "/test/echo"); /* leading commas skipped, as strtok() */
	assert_string_equal(json_string_value(json_object_get(v, "params")), "p");
	json_decref(v);

	v = handle_str("/test/fail", "/test/fail");
	assert_true(json_is_null(v)); /* what it had built is not sent */
	json_decref(v);
	v = handle_str("/nope,1", "/nope");
	assert_true(json_is_null(v));
	json_decref(v);
	v = handle("", 0, "");
	assert_true(json_is_null(v));
	json_decref(v);
	v = handle("\0/info", 6, ""); /* the request ends at its first NUL */
	assert_true(json_is_null(v));
	json_decref(v);
	/* A command of 56 bytes or more is unknown; the answer names its first 56. */
	memset(longcmd, 'c', sizeof(longcmd));
	longcmd[0] = '/';
	longcmd[sizeof(longcmd) - 1] = '\0';
	longcmd[PRT_TEL_MAX_CMD_LEN] = '\0';
	v = handle(longcmd, sizeof(longcmd) - 1, longcmd);
	assert_true(json_is_null(v));
	json_decref(v);
}

/* ---- the socket ---- */

static char base_dir[] = "/tmp/prt-test-telemetry-XXXXXX";

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", base_dir, name);
}

/* A fresh runtime directory @p name under the test's own, and the socket path in it. */
static void dir_make(const char *name, char *dir, size_t len, char *sock, size_t slen)
{
	path_in(dir, len, name);
	assert_true(mkdir(dir, 0700) == 0 || errno == EEXIST);
	snprintf(sock, slen, "%s/%s", dir, TELEMETRY_SOCKET_NAME);
}

/* Leaves a socket file at @p path that no one listens on: a killed process's. */
static void stale_socket(const char *path)
{
	struct sockaddr_un sun = tel_client_addr(path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
}

/* Init, the greeting, a command, cleanup: the socket is gone and the clients hung up. */
static void test_socket_basic(void **state)
{
	char dir[256], sock[300];
	struct stat st;
	json_t *v;
	int fd;

	(void)state;
	dir_make("basic", dir, sizeof(dir), sock, sizeof(sock));
	assert_int_equal(telemetry_init(dir, NULL), 0);
	assert_int_equal(telemetry_init(dir, NULL), -EALREADY);
	assert_string_equal(telemetry_socket_path(), sock);
	assert_int_equal(stat(sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	fd = tel_client_connect(sock, getpid());
	v = tel_client_ask(fd, "/test/echo,x");
	assert_string_equal(json_string_value(json_object_get(v, "params")), "x");
	json_decref(v);
	telemetry_cleanup();
	assert_null(telemetry_socket_path());
	assert_int_equal(stat(sock, &st), -1);
	assert_int_equal(recv(fd, answer, sizeof(answer), 0), 0); /* hung up */
	close(fd);
	telemetry_cleanup(); /* twice: nothing */
}

/* A socket a killed process left is replaced; the directory is made when missing. */
static void test_socket_stale(void **state)
{
	char dir[256], sock[300];
	struct stat st;
	int fd;

	(void)state;
	dir_make("stale", dir, sizeof(dir), sock, sizeof(sock));
	stale_socket(sock);
	assert_int_equal(telemetry_init(dir, NULL), 0);
	assert_string_equal(telemetry_socket_path(), sock);
	fd = tel_client_connect(sock, getpid());
	close(fd);
	telemetry_cleanup();

	path_in(dir, sizeof(dir), "made/prefix");
	snprintf(sock, sizeof(sock), "%s/%s", dir, TELEMETRY_SOCKET_NAME);
	assert_int_equal(telemetry_init(dir, NULL), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	fd = tel_client_connect(sock, getpid());
	close(fd);
	telemetry_cleanup();
}

/*
 * A live process holds dpdk_telemetry.v2: ours is :1, where DPDK's client
 * looks with -i 1; with :1 stale too, :1 is replaced. The other process's
 * socket is left alone at cleanup.
 */
static void test_socket_instance(void **state)
{
	char dir[256], sock[300], sock1[310];
	struct sockaddr_un sun;
	struct stat st;
	int pfd, fd;
	char c;
	pid_t pid;

	(void)state;
	dir_make("live", dir, sizeof(dir), sock, sizeof(sock));
	snprintf(sock1, sizeof(sock1), "%s:1", sock);
	pid = prt_test_fork_piped(&pfd);
	if (pid == 0) { /* the live process: listens until the parent ends it */
		int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sun = tel_client_addr(sock);
		if (bind(l, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(l, 4) < 0)
			_exit(1);
		if (write(pfd, "r", 1) != 1)
			_exit(1);
		for (;;)
			pause(); /* until the parent's SIGTERM (or its death's SIGKILL) */
	}
	assert_int_equal(read(pfd, &c, 1), 1);
	assert_int_equal(telemetry_init(dir, NULL), 0);
	assert_string_equal(telemetry_socket_path(), sock1);
	fd = tel_client_connect(sock1, getpid());
	close(fd);
	telemetry_cleanup();
	assert_int_equal(stat(sock1, &st), -1);
	assert_int_equal(stat(sock, &st), 0); /* the other's */

	stale_socket(sock1);
	assert_int_equal(telemetry_init(dir, NULL), 0);
	assert_string_equal(telemetry_socket_path(), sock1);
	fd = tel_client_connect(sock1, getpid());
	close(fd);
	telemetry_cleanup();

	close(pfd);
	kill(pid, SIGTERM);
	(void)c;
	waitpid(pid, NULL, 0);
}

static void test_socket_bad_dir(void **state)
{
	char path[256], longdir[200];
	int fd;

	(void)state;
	path_in(path, sizeof(path), "file");
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(telemetry_init(path, NULL), -ENOENT);
	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[sizeof(longdir) - 1] = '\0';
	longdir[0] = '/';
	snprintf(path, sizeof(path), "/tmp%s", longdir);
	mkdir(path, 0700);
	assert_int_equal(telemetry_init(path, NULL), -ENAMETOOLONG);
	rmdir(path);
	assert_null(telemetry_socket_path());
}

static char live_dir[256], live_sock[300];

static int socket_setup(void **state)
{
	(void)state;
	dir_make("clients", live_dir, sizeof(live_dir), live_sock, sizeof(live_sock));
	return telemetry_init(live_dir, NULL);
}

static int socket_teardown(void **state)
{
	(void)state;
	telemetry_cleanup();
	return 0;
}

/* Two clients at once, their requests and answers interleaved. */
static void test_two_clients(void **state)
{
	int a = tel_client_connect(live_sock, getpid());
	int b = tel_client_connect(live_sock, getpid());
	json_t *v;

	(void)state;
	assert_int_equal(send(a, "/test/echo,from_a", 17, 0), 17);
	assert_int_equal(send(b, "/test/echo,from_b", 17, 0), 17);
	v = tel_client_read(b);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(v, "/test/echo"), "params")),
		"from_b");
	json_decref(v);
	v = tel_client_read(a);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(v, "/test/echo"), "params")),
		"from_a");
	json_decref(v);
	close(a);
	close(b);
}

/*
 * After two round trips on a new client, the server has handled every
 * hang-up that came before it (they were ready at its first wake-up).
 */
static int settled_client(void)
{
	int fd = tel_client_connect(live_sock, getpid());

	for (int i = 0; i < 2; i++)
		json_decref(tel_client_ask(fd, "/info"));
	return fd;
}

/* At most 10 clients (DPDK's MAX_CONNECTIONS): more are accepted and closed at once. */
static void test_client_limit(void **state)
{
	int fds[12], greeted = 0, refused = 0;

	(void)state;
	fds[0] = settled_client();
	for (int i = 1; i < 12; i++) {
		ssize_t n;

		fds[i] = tel_client_open(live_sock);
		assert_true(fds[i] >= 0);
		n = recv(fds[i], answer, sizeof(answer), 0);
		greeted += n > 0;
		refused += n == 0;
	}
	assert_int_equal(greeted, 9);
	assert_int_equal(refused, 2);
	for (int i = 0; i < 12; i++)
		close(fds[i]);
	/*
	 * The slots come back as the server reads the hang-ups, which it
	 * takes before a connection that came after them (epoll's ready list
	 * is in order) unless more than its batch of events are ready: then
	 * the next connection is refused and the one after it served.
	 */
	for (int tries = 0; tries < 3; tries++) {
		int fd = tel_client_open(live_sock);

		assert_true(fd >= 0);
		greeted = recv(fd, answer, sizeof(answer), 0) > 0;
		close(fd);
		if (greeted)
			break;
	}
	assert_true(greeted);
}

/* Garbage, oversize requests, bytes that are not text: a null answer each, the client goes on. */
static void test_garbage(void **state)
{
	int fd = tel_client_connect(live_sock, getpid());
	char junk[5000];
	json_t *j;

	(void)state;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 131 + 7);
	j = tel_client_askn(fd, junk, sizeof(junk));
	assert_int_equal(json_object_size(j), 1);
	assert_true(json_is_null(json_object_iter_value(json_object_iter(j))));
	json_decref(j);
	memset(junk, '/', sizeof(junk)); /* a valid-looking command, far too long */
	j = tel_client_askn(fd, junk, sizeof(junk));
	assert_true(json_is_null(json_object_iter_value(json_object_iter(j))));
	json_decref(j);
	j = tel_client_ask(fd, "/info");
	assert_true(json_is_object(j));
	json_decref(j);
	/* A zero-length message is a hang-up, as DPDK's read() loop takes it. */
	assert_int_equal(send(fd, "", 0, 0), 0);
	assert_int_equal(recv(fd, answer, sizeof(answer), 0), 0);
	close(fd);
}

/*
 * A client that sends and never reads: its answers fill its socket, then
 * wait with it; the other clients are served meanwhile.
 */
static void test_never_reads(void **state)
{
	int lazy = tel_client_connect(live_sock, getpid());
	int other = tel_client_connect(live_sock, getpid());
	int sent = 0;
	json_t *v;

	(void)state;
	fcntl(lazy, F_SETFL, O_NONBLOCK);
	/* Until its socket and ours are full both ways. */
	while (send(lazy, "/", 1, 0) == 1)
		sent++;
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	assert_true(sent > 1);
	for (int i = 0; i < 3; i++) {
		v = tel_client_ask(other, "/test/echo,served");
		assert_string_equal(json_string_value(json_object_get(v, "params")), "served");
		json_decref(v);
	}
	close(lazy);
	v = tel_client_ask(other, "/info");
	assert_true(json_is_object(v));
	json_decref(v);
	close(other);
}

/*
 * The process out of file descriptors when a client connects: the server
 * cannot accept it, stops watching the listening socket (which would spin
 * its thread), tries again a second later, and serves the client once an
 * fd is free.
 */
static void test_out_of_fds(void **state)
{
	struct rlimit old, low;
	int dups[16], n = 0, fd, logp[2];
	char line[256] = "";
	FILE *log;
	json_t *v;

	(void)state;
	/* The server's log comes to a pipe, made while fds are to be had. */
	assert_int_equal(pipe(logp), 0);
	log = fdopen(logp[1], "w");
	setvbuf(log, NULL, _IONBF, 0);
	prt_log_set_stream(log);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)prt_test_count_fds() + 8;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (n < (int)PRT_DIM(dups) && (dups[n] = dup(0)) >= 0)
		n++;
	assert_true(n > 1 && n < (int)PRT_DIM(dups));
	close(dups[--n]);
	fd = tel_client_open(live_sock); /* the last fd: none left for the server's accept */
	assert_true(fd >= 0);
	/* An fd comes free once the server said it could not take the client. */
	while (strstr(line, "cannot take a client") == NULL) {
		ssize_t r = read(logp[0], line, sizeof(line) - 1);

		assert_true(r > 0);
		line[r] = '\0';
	}
	close(dups[--n]);
	v = tel_client_read(fd); /* the greeting, once the server could take the client */
	assert_int_equal(json_integer_value(json_object_get(v, "pid")), getpid());
	json_decref(v);
	v = tel_client_ask(fd, "/info");
	assert_true(json_is_object(v));
	json_decref(v);
	close(fd);
	while (n > 0)
		close(dups[--n]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	prt_log_set_stream(NULL);
	fclose(log);
	close(logp[0]);
}

static int group_teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", base_dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_limits),
		cmocka_unit_test(test_json_shapes),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_json_oversize),
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_handle),
		cmocka_unit_test(test_socket_basic),
		cmocka_unit_test(test_socket_stale),
		cmocka_unit_test(test_socket_instance),
		cmocka_unit_test(test_socket_bad_dir),
		cmocka_unit_test_setup_teardown(test_two_clients, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_client_limit, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_garbage, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_never_reads, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_fds, socket_setup, socket_teardown),
	};

	if (mkdtemp(base_dir) == NULL)
		prt_test_skip("cannot make a directory under /tmp: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
