/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A telemetry client for cmocka tests, written to DPDK's v2 protocol as
 * usertools/dpdk-telemetry.py speaks it: connect a SOCK_SEQPACKET socket,
 * read the greeting, then one request, one JSON answer. Answers are parsed
 * with jansson, so the tests check values, not strings.
 */
#ifndef TEL_CLIENT_H
#define TEL_CLIENT_H

#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "prt_test.h"

/* What a client reads at most: the greeting's max_output_len. */
#define TEL_CLIENT_BUF (16 * 1024)

/* The address of unix socket @p path; fails the test when it is too long for one. */
static inline struct sockaddr_un tel_client_addr(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	assert_true(strlen(path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	return sun;
}

/* A connected socket to @p path, or -1 (errno set). A read waits 30 s at most: a hang fails. */
static inline int tel_client_open(const char *path)
{
	struct sockaddr_un sun = tel_client_addr(path);
	struct timeval tv = { .tv_sec = 30 };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One message from @p fd, parsed; fails the test when it is not JSON. */
static inline json_t *tel_client_read(int fd)
{
	static char buf[TEL_CLIENT_BUF + 1];
	json_error_t err;
	ssize_t n = recv(fd, buf, TEL_CLIENT_BUF, 0);
	json_t *j;

	assert_true(n > 0);
	j = json_loadb(buf, (size_t)n, 0, &err);
	if (j == NULL)
		fail_msg("not JSON (%s): %.*s", err.text, (int)n, buf);
	return j;
}

/* Connects to @p path and checks the greeting: this process's pid, the version, max_output_len. */
static inline int tel_client_connect(const char *path, pid_t pid)
{
	int fd = tel_client_open(path);
	json_t *g;

	assert_true(fd >= 0);
	g = tel_client_read(fd);
	assert_int_equal(json_integer_value(json_object_get(g, "pid")), pid);
	assert_int_equal(json_integer_value(json_object_get(g, "max_output_len")), 16384);
	assert_non_null(strstr(json_string_value(json_object_get(g, "version")), "prt"));
	assert_int_equal(json_object_size(g), 3);
	json_decref(g);
	return fd;
}

/* Sends @p len bytes of @p req and returns the answer, parsed (the caller decrefs it). */
static inline json_t *tel_client_askn(int fd, const char *req, size_t len)
{
	assert_int_equal(send(fd, req, len, 0), (ssize_t)len);
	return tel_client_read(fd);
}

/*
 * Sends @p req ("/cmd,params") and returns the value of the answer
 * {"/cmd": VALUE} (a new reference; json null for DPDK's null answer),
 * having checked that the answer has that one key.
 */
static inline json_t *tel_client_ask(int fd, const char *req)
{
	json_t *a = tel_client_askn(fd, req, strlen(req));
	size_t cmd_len = strcspn(req, ",");
	const char *key;
	json_t *v;

	assert_int_equal(json_object_size(a), 1);
	key = json_object_iter_key(json_object_iter(a));
	assert_int_equal(strlen(key), cmd_len);
	assert_memory_equal(key, req, cmd_len);
	v = json_incref(json_object_iter_value(json_object_iter(a)));
	json_decref(a);
	return v;
}

#endif /* TEL_CLIENT_H */
