/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The telemetry socket and its thread.
 *
 * The socket: <runtime dir>/dpdk_telemetry.v2, a unix SOCK_SEQPACKET
 * socket, as DPDK 22.11's telemetry_v2_init() makes it. When the name is
 * taken, a connect() tells a live process (it accepts, or its backlog is
 * full) from a socket a dead one left (refused): a dead one's is unlinked
 * and bound again; a live one's makes us try "dpdk_telemetry.v2:1", ":2",
 * ..., which is where DPDK's client looks with `-i N`.
 *
 * The thread, "prt-telemetry", runs on the control CPUs (those of no
 * lcore) and serves every client from one epoll set, where DPDK starts a
 * thread per client. Each wake-up runs at most one request per ready
 * client, so one that floods is served in turn with the others. Sends
 * never block: an answer a client does not read stays pending with that
 * client, which is not read from again (its requests wait in its socket)
 * until the answer went out; the others go on. At most
 * TELEMETRY_MAX_CLIENTS clients at once (DPDK's MAX_CONNECTIONS); one more
 * is accepted and closed at once, as DPDK does.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "telemetry_private.h"

#define TELEMETRY_MAX_CLIENTS 10
/* Instances tried after the first (DPDK goes on to 32767). */
#define TELEMETRY_MAX_INSTANCE 1023

struct tel_client {
	int fd; /* -1: a free slot */
	char *out; /* PRT_TEL_MAX_OUTPUT_LEN bytes */
	size_t out_len; /* an answer waiting for the client to read; 0: none */
};

static struct {
	bool running;
	bool accept_paused; /* out of fds: the listening socket is not watched */
	int listen_fd;
	int epfd;
	int stop_fd; /* eventfd: written by telemetry_cleanup() */
	pthread_t thread;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct tel_client clients[TELEMETRY_MAX_CLIENTS];
} tel = { .listen_fd = -1, .epfd = -1, .stop_fd = -1 };

/* epoll data: the listening socket, the stop eventfd, or a client's slot. */
#define EV_LISTEN UINT64_MAX
#define EV_STOP (UINT64_MAX - 1)

const char *telemetry_socket_path(void)
{
	return tel.running ? tel.path : NULL;
}

/* Watches the listening socket again (@p on) or not: accept4() failed for want of fds. */
static void accept_watch(bool on)
{
	struct epoll_event ev = { .events = on ? EPOLLIN : 0, .data.u64 = EV_LISTEN };

	if (epoll_ctl(tel.epfd, EPOLL_CTL_MOD, tel.listen_fd, &ev) == 0)
		tel.accept_paused = !on;
}

static void client_close(struct tel_client *c)
{
	epoll_ctl(tel.epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	*c = (struct tel_client){ .fd = -1 };
	if (tel.accept_paused)
		accept_watch(true); /* an fd came back */
}

/* Waits for readable (nothing pending) or for writable (an answer pending). */
static void client_watch(struct tel_client *c)
{
	struct epoll_event ev = {
		.events = c->out_len ? EPOLLOUT : EPOLLIN,
		.data.u64 = (uint64_t)(c - tel.clients),
	};

	epoll_ctl(tel.epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/*
 * Sends the pending answer if the client's socket takes it now. A client
 * whose socket is full keeps it pending; one that is gone, or whose socket
 * cannot hold an answer at all (EMSGSIZE), is closed.
 */
static void client_flush(struct tel_client *c)
{
	ssize_t n = send(c->fd, c->out, c->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		client_watch(c);
		return;
	}
	if (n < 0) {
		TEL_LOG(DEBUG, "client %d: send: %s; closed", c->fd, strerror(errno));
		client_close(c);
		return;
	}
	c->out_len = 0;
	client_watch(c);
}

/* One request from the client: its answer goes out, or waits. */
static void client_read(struct tel_client *c)
{
	char req[1024];
	ssize_t n = recv(c->fd, req, sizeof(req), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) { /* hung up (a zero-length request too, as DPDK's read() loop) */
		client_close(c);
		return;
	}
	c->out_len = telemetry_handle(req, (size_t)n, c->out, PRT_TEL_MAX_OUTPUT_LEN);
	client_flush(c);
}

static void client_accept(void)
{
	struct tel_client *c = NULL;
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = accept4(tel.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS)) {
		/* Level-triggered: watched, the waiting connection would spin this thread. */
		TEL_LOG(WARNING, "cannot take a client: %s; new clients wait", strerror(errno));
		accept_watch(false);
		return;
	}
	if (fd < 0)
		return; /* gone before it was taken (ECONNABORTED), or a signal */
	for (unsigned int i = 0; i < TELEMETRY_MAX_CLIENTS && c == NULL; i++)
		if (tel.clients[i].fd < 0)
			c = &tel.clients[i];
	if (c == NULL) {
		TEL_LOG(DEBUG, "%d clients already: one more refused", TELEMETRY_MAX_CLIENTS);
		close(fd);
		return;
	}
	c->out = malloc(PRT_TEL_MAX_OUTPUT_LEN);
	ev.data.u64 = (uint64_t)(c - tel.clients);
	if (c->out == NULL || epoll_ctl(tel.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		TEL_LOG(WARNING, "cannot take a client: %s", strerror(errno));
		free(c->out);
		c->out = NULL;
		close(fd);
		return;
	}
	c->fd = fd;
	c->out_len = telemetry_greeting(c->out, PRT_TEL_MAX_OUTPUT_LEN);
	client_flush(c);
}

static void *telemetry_thread(void *arg)
{
	struct epoll_event evs[TELEMETRY_MAX_CLIENTS + 2];

	(void)arg;
	for (;;) {
		/* Paused for want of fds: try again when a client goes, or in a second. */
		int n = epoll_wait(tel.epfd, evs, PRT_DIM(evs), tel.accept_paused ? 1000 : -1);

		if (n == 0 && tel.accept_paused)
			accept_watch(true);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			TEL_LOG(ERR, "epoll_wait: %s; the telemetry thread stops", strerror(errno));
			return NULL;
		}
		for (int i = 0; i < n; i++) {
			uint64_t id = evs[i].data.u64;
			struct tel_client *c;

			if (id == EV_STOP)
				return NULL;
			if (id == EV_LISTEN) {
				client_accept();
				continue;
			}
			c = &tel.clients[id];
			if (c->fd < 0)
				continue; /* closed by an earlier event of this round */
			if (c->out_len)
				client_flush(c);
			else if (evs[i].events & EPOLLIN)
				client_read(c);
			else
				client_close(c); /* hang-up or error, nothing to read */
		}
	}
}

/*
 * Binds @p fd to @p path, replacing a socket a dead process left there.
 * @return 0; -EADDRINUSE when a live process holds it; another negative errno.
 */
static int bind_path(int fd, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int probe, ret;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return 0;
	if (errno != EADDRINUSE)
		return -errno;
	probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return -errno;
	ret = connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0 ? 0 : errno;
	close(probe);
	/* Accepted, or queued behind a full backlog (EAGAIN): someone listens. */
	if (ret == 0 || ret == EAGAIN || ret == EINPROGRESS)
		return -EADDRINUSE;
	/* Only a refusal says no one does: anything else (EACCES) is not ours to remove. */
	if (ret != ECONNREFUSED && ret != ENOENT)
		return -ret;
	TEL_LOG(INFO, "%s: left by a process that is gone; replaced", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ? 0 : -errno;
}

/*
 * Creates @p dir and every missing parent, mode 0700 (as
 * DPDK's eal_create_runtime_dir(): ".../dpdk" then ".../dpdk/PREFIX").
 */
static void runtime_dir_create(const char *dir)
{
	char path[PATH_MAX];

	/* Every missing component, as mkdir -p: a minimal root may lack /var/run. */
	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	mkdir(path, 0700);
}

/* The socket, bound and listening at the first free instance; tel.path set. */
static int socket_open(const char *dir)
{
	char base[sizeof(tel.path)];
	struct stat st;
	int fd, ret = 0;

	runtime_dir_create(dir);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		TEL_LOG(ERR, "the runtime directory %s is not a directory", dir);
		return -ENOENT;
	}
	if ((size_t)snprintf(base, sizeof(base), "%s/%s", dir, TELEMETRY_SOCKET_NAME) >=
	    sizeof(base)) {
		TEL_LOG(ERR, "%s/%s: longer than a unix socket path can be (%zu bytes)", dir,
			TELEMETRY_SOCKET_NAME, sizeof(base) - 1);
		return -ENAMETOOLONG;
	}
	for (int inst = 0; inst <= TELEMETRY_MAX_INSTANCE; inst++) {
		if (inst == 0)
			snprintf(tel.path, sizeof(tel.path), "%s", base);
		else if ((size_t)snprintf(tel.path, sizeof(tel.path), "%s:%d", base, inst) >=
			 sizeof(tel.path))
			return -ENAMETOOLONG;
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			ret = -errno;
			TEL_LOG(ERR, "socket: %s", strerror(errno));
			return ret;
		}
		ret = bind_path(fd, tel.path);
		if (ret == 0 && listen(fd, TELEMETRY_MAX_CLIENTS) < 0) {
			ret = -errno;
			unlink(tel.path);
		}
		if (ret == 0)
			return fd;
		close(fd);
		if (ret != -EADDRINUSE) {
			TEL_LOG(ERR, "cannot listen on %s: %s", tel.path, strerror(-ret));
			return ret;
		}
	}
	TEL_LOG(ERR, "%s and its instances :1 to :%d are all held by live processes", base,
		TELEMETRY_MAX_INSTANCE);
	return -EADDRINUSE;
}

int telemetry_init(const char *runtime_dir, const cpu_set_t *cpuset)
{
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_attr_t attr;
	int ret;

	if (tel.running)
		return -EALREADY;
	if (runtime_dir == NULL)
		return -EINVAL;
	for (unsigned int i = 0; i < TELEMETRY_MAX_CLIENTS; i++)
		tel.clients[i] = (struct tel_client){ .fd = -1 };
	tel.accept_paused = false;
	ret = socket_open(runtime_dir[0] ? runtime_dir : "/tmp");
	if (ret < 0)
		return ret;
	tel.listen_fd = ret;
	tel.epfd = epoll_create1(EPOLL_CLOEXEC);
	tel.stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (tel.epfd < 0 || tel.stop_fd < 0)
		goto fail_errno;
	ev.data.u64 = EV_LISTEN;
	if (epoll_ctl(tel.epfd, EPOLL_CTL_ADD, tel.listen_fd, &ev) < 0)
		goto fail_errno;
	ev.data.u64 = EV_STOP;
	if (epoll_ctl(tel.epfd, EPOLL_CTL_ADD, tel.stop_fd, &ev) < 0)
		goto fail_errno;

	pthread_attr_init(&attr);
	if (cpuset)
		pthread_attr_setaffinity_np(&attr, sizeof(*cpuset), cpuset);
	ret = -pthread_create(&tel.thread, &attr, telemetry_thread, NULL);
	pthread_attr_destroy(&attr);
	if (ret < 0) {
		TEL_LOG(ERR, "cannot start the telemetry thread: %s", strerror(-ret));
		goto fail;
	}
	pthread_setname_np(tel.thread, "prt-telemetry");
	tel.running = true;
	TEL_LOG(INFO, "listening on %s", tel.path);
	return 0;

fail_errno:
	ret = -errno;
	TEL_LOG(ERR, "epoll/eventfd: %s", strerror(errno));
fail:
	if (tel.stop_fd >= 0)
		close(tel.stop_fd);
	if (tel.epfd >= 0)
		close(tel.epfd);
	close(tel.listen_fd);
	unlink(tel.path);
	tel.stop_fd = tel.epfd = tel.listen_fd = -1;
	return ret;
}

void telemetry_cleanup(void)
{
	uint64_t one = 1;

	if (!tel.running)
		return;
	if (write(tel.stop_fd, &one, sizeof(one)) != sizeof(one))
		TEL_LOG(ERR, "cannot wake the telemetry thread: %s", strerror(errno));
	pthread_join(tel.thread, NULL);
	for (unsigned int i = 0; i < TELEMETRY_MAX_CLIENTS; i++)
		if (tel.clients[i].fd >= 0)
			client_close(&tel.clients[i]);
	close(tel.listen_fd);
	unlink(tel.path);
	close(tel.stop_fd);
	close(tel.epfd);
	tel.stop_fd = tel.epfd = tel.listen_fd = -1;
	tel.running = false;
}
