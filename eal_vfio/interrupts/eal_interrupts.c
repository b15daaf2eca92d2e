/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device interrupts through VFIO (VFIO_DEVICE_GET_IRQ_INFO,
 * VFIO_DEVICE_SET_IRQS with eventfds), the epoll helpers for rx-interrupt
 * mode, and the interrupt thread that runs control-plane callbacks.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "prt_interrupts.h"
#include "prt_log.h"
#include "intr_private.h"
#include "vfio_explain.h"

static const uint32_t irq_index[] = {
	[PRT_INTR_MODE_INTX] = VFIO_PCI_INTX_IRQ_INDEX,
	[PRT_INTR_MODE_MSI] = VFIO_PCI_MSI_IRQ_INDEX,
	[PRT_INTR_MODE_MSIX] = VFIO_PCI_MSIX_IRQ_INDEX,
};

static const char *const mode_name[] = { "none", "INTx", "MSI", "MSI-X", "auto" };

int vfio_set_irqs(int dev_fd, uint32_t index, uint32_t flags, uint32_t count, const int *efds)
{
	size_t sz = sizeof(struct vfio_irq_set) + count * sizeof(int32_t);
	struct vfio_irq_set *set = calloc(1, sz);
	int ret = 0;

	if (!set)
		return -ENOMEM;
	set->argsz = (uint32_t)sz;
	set->flags = flags;
	set->index = index;
	set->start = 0;
	set->count = count;
	if (efds)
		memcpy(set->data, efds, count * sizeof(int32_t));
	if (ioctl(dev_fd, VFIO_DEVICE_SET_IRQS, set) < 0)
		ret = -errno;
	free(set);
	return ret;
}

void eal_intr_handle_init(struct prt_intr_handle *h, int dev_fd)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	h->dev_fd = dev_fd;
	for (int m = PRT_INTR_MODE_INTX; m <= PRT_INTR_MODE_MSIX; m++) {
		struct vfio_irq_info info = { .argsz = sizeof(info), .index = irq_index[m] };

		if (ioctl(dev_fd, VFIO_DEVICE_GET_IRQ_INFO, &info) == 0 &&
		    (info.flags & VFIO_IRQ_INFO_EVENTFD))
			h->max_vec[m] = info.count;
	}
}

int prt_intr_vec_max(const struct prt_intr_handle *h, enum prt_intr_mode mode)
{
	if (mode < PRT_INTR_MODE_INTX || mode > PRT_INTR_MODE_MSIX)
		return -EINVAL;
	return (int)h->max_vec[mode];
}

/* Takes @h's vectors (off in the device, mode NONE) into @efds; with h->lock held. */
static int vectors_take(struct prt_intr_handle *h, int *efds, uint32_t *nb)
{
	int ret;

	*nb = 0;
	if (h->mode == PRT_INTR_MODE_NONE)
		return 0;
	ret = vfio_set_irqs(h->dev_fd, irq_index[h->mode],
			    VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, NULL);
	*nb = h->nb_vec;
	memcpy(efds, h->efds, *nb * sizeof(efds[0]));
	h->mode = PRT_INTR_MODE_NONE;
	h->nb_vec = 0;
	return ret;
}

/* Unregisters the callbacks of the @nb taken vectors and closes their eventfds. */
static void vectors_release(const int *efds, uint32_t nb)
{
	for (uint32_t i = 0; i < nb; i++) {
		prt_intr_callback_unregister(efds[i]); /* -ENOENT: none */
		close(efds[i]);
	}
}

static int enable_locked(struct prt_intr_handle *h, enum prt_intr_mode mode, uint32_t nb_vec)
{
	char msg[512];
	uint32_t n;
	int ret;

	if (nb_vec == 0 || nb_vec > PRT_INTR_VEC_MAX || mode <= PRT_INTR_MODE_NONE ||
	    mode > PRT_INTR_MODE_AUTO)
		return -EINVAL;
	if (mode == PRT_INTR_MODE_AUTO) {
		for (mode = PRT_INTR_MODE_MSIX; mode > PRT_INTR_MODE_NONE; mode--)
			if (h->max_vec[mode] > 0)
				break;
	}
	if (mode == PRT_INTR_MODE_NONE || h->max_vec[mode] == 0)
		return -ENOTSUP;
	{
		int old[PRT_INTR_VEC_MAX];
		uint32_t nb_old;

		vectors_take(h, old, &nb_old);
		vectors_release(old, nb_old);
	}
	n = PRT_MIN(nb_vec, h->max_vec[mode]);
	for (uint32_t i = 0; i < n; i++) {
		h->efds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (h->efds[i] < 0) {
			ret = -errno;
			while (i-- > 0)
				close(h->efds[i]);
			return ret;
		}
	}
	ret = vfio_set_irqs(h->dev_fd, irq_index[mode],
			    VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, n, h->efds);
	if (ret < 0) {
		vfio_explain_ioctl("VFIO_DEVICE_SET_IRQS", -ret, msg, sizeof(msg));
		PRT_LOG(ERR, PRT_LOGTYPE_INTR, "cannot enable %u %s vector(s): %s", n,
			mode_name[mode], msg);
		for (uint32_t i = 0; i < n; i++)
			close(h->efds[i]);
		return ret;
	}
	h->mode = mode;
	h->nb_vec = n;
	return (int)n;
}

int prt_intr_enable(struct prt_intr_handle *h, enum prt_intr_mode mode, uint32_t nb_vec)
{
	int ret;

	pthread_mutex_lock(&h->lock);
	ret = enable_locked(h, mode, nb_vec);
	pthread_mutex_unlock(&h->lock);
	return ret;
}

int prt_intr_disable(struct prt_intr_handle *h)
{
	int efds[PRT_INTR_VEC_MAX];
	uint32_t nb;
	int ret;

	/*
	 * The interrupt thread (a hot-unplug's close) and the application's
	 * (a driver's stop) may both get here: one takes the vectors, under
	 * the lock, with the device still open; the other finds none. The
	 * callbacks are unregistered outside it, since unregistering waits
	 * for a running callback, which may itself be on its way here.
	 */
	pthread_mutex_lock(&h->lock);
	ret = vectors_take(h, efds, &nb);
	pthread_mutex_unlock(&h->lock);
	vectors_release(efds, nb);
	return ret;
}

int prt_intr_efd(const struct prt_intr_handle *h, uint32_t vec)
{
	return vec < h->nb_vec ? h->efds[vec] : -EINVAL;
}

int prt_intr_ack(struct prt_intr_handle *h, uint32_t vec)
{
	uint64_t count = 0;

	if (vec >= h->nb_vec)
		return -EINVAL;
	if (read(h->efds[vec], &count, sizeof(count)) != sizeof(count))
		count = 0;
	if (h->mode == PRT_INTR_MODE_INTX)
		prt_intr_unmask(h);
	return (int)PRT_MIN(count, (uint64_t)INT32_MAX);
}

static int intx_action(struct prt_intr_handle *h, uint32_t action)
{
	if (h->mode != PRT_INTR_MODE_INTX)
		return -ENOTSUP;
	return vfio_set_irqs(h->dev_fd, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_DATA_NONE | action, 1,
			     NULL);
}

int prt_intr_mask(struct prt_intr_handle *h)
{
	return intx_action(h, VFIO_IRQ_SET_ACTION_MASK);
}

int prt_intr_unmask(struct prt_intr_handle *h)
{
	return intx_action(h, VFIO_IRQ_SET_ACTION_UNMASK);
}

int prt_intr_epoll_create(void)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int prt_intr_epoll_add(int epfd, const struct prt_intr_handle *h, uint32_t vec, uint64_t data)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = data };

	if (vec >= h->nb_vec)
		return -EINVAL;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, h->efds[vec], &ev) < 0 ? -errno : 0;
}

int prt_intr_epoll_del(int epfd, const struct prt_intr_handle *h, uint32_t vec)
{
	if (vec >= h->nb_vec)
		return -EINVAL;
	return epoll_ctl(epfd, EPOLL_CTL_DEL, h->efds[vec], NULL) < 0 ? -errno : 0;
}

int prt_intr_epoll_wait(int epfd, uint64_t *data, int max, int timeout_ms)
{
	struct epoll_event e[32];
	int n;

	if (max <= 0 || !data)
		return -EINVAL;
	n = epoll_wait(epfd, e, PRT_MIN(max, (int)PRT_DIM(e)), timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++)
		data[i] = e[i].data.u64;
	return n;
}

/* ---- The interrupt thread ----------------------------------------------- */

struct intr_cb {
	struct intr_cb *next;
	int fd;
	prt_intr_callback_t cb;
	void *arg;
};

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cb_done = PTHREAD_COND_INITIALIZER;
static struct intr_cb *cbs;
static int cb_epfd = -1;
static int cb_wake_fd = -1; /* in cb_epfd: wakes the thread to see the list changed */
static int cb_running_fd = -1; /* fd whose callback runs now */
static bool thread_on;
static pthread_t cb_thread;

/* The list is empty: stop (a later registration starts a new thread). Called with cb_lock held. */
static void intr_thread_stop(void)
{
	close(cb_epfd);
	close(cb_wake_fd);
	cb_epfd = -1;
	cb_wake_fd = -1;
	thread_on = false;
	pthread_cond_broadcast(&cb_done);
}

static void *intr_thread(void *unused)
{
	struct epoll_event ev;

	(void)unused;
	pthread_setname_np(pthread_self(), "prt-intr");
	for (;;) {
		prt_intr_callback_t cb = NULL;
		void *arg = NULL;
		uint64_t v;
		int n;

		pthread_mutex_lock(&cb_lock);
		if (!cbs) {
			intr_thread_stop();
			pthread_mutex_unlock(&cb_lock);
			return NULL;
		}
		pthread_mutex_unlock(&cb_lock);
		n = epoll_wait(cb_epfd, &ev, 1, -1);
		if (n != 1 || ev.data.fd == cb_wake_fd) {
			/* EINTR, or a wake-up: look at the list again. */
			if (n == 1 && read(cb_wake_fd, &v, sizeof(v)) < 0)
				v = 0;
			continue;
		}
		pthread_mutex_lock(&cb_lock);
		for (struct intr_cb *c = cbs; c; c = c->next) {
			if (c->fd == ev.data.fd) {
				cb = c->cb;
				arg = c->arg;
				cb_running_fd = c->fd;
			}
		}
		pthread_mutex_unlock(&cb_lock);
		if (!cb)
			continue;
		cb(ev.data.fd, arg);
		pthread_mutex_lock(&cb_lock);
		cb_running_fd = -1;
		pthread_cond_broadcast(&cb_done);
		pthread_mutex_unlock(&cb_lock);
	}
}

/* Registers @cb for @events of @fd (EPOLLIN, or EPOLLRDHUP for hang-ups only). */
static int callback_register(int fd, uint32_t events, prt_intr_callback_t cb, void *arg)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	struct intr_cb *c;
	int ret;

	pthread_mutex_lock(&cb_lock);
	for (c = cbs; c; c = c->next) {
		if (c->fd == fd) {
			ret = -EEXIST;
			goto out;
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		ret = -ENOMEM;
		goto out;
	}
	*c = (struct intr_cb){ cbs, fd, cb, arg };
	if (!thread_on) {
		struct epoll_event wake = { .events = EPOLLIN };

		cb_epfd = epoll_create1(EPOLL_CLOEXEC);
		cb_wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		wake.data.fd = cb_wake_fd;
		if (cb_epfd < 0 || cb_wake_fd < 0 ||
		    epoll_ctl(cb_epfd, EPOLL_CTL_ADD, cb_wake_fd, &wake) < 0) {
			ret = -errno;
			goto fail_epoll;
		}
	}
	if (epoll_ctl(cb_epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		ret = -errno;
		goto fail_epoll;
	}
	cbs = c;
	if (!thread_on) {
		ret = -pthread_create(&cb_thread, NULL, intr_thread, NULL);
		if (ret < 0) {
			cbs = c->next;
			goto fail_epoll;
		}
		pthread_detach(cb_thread);
		thread_on = true;
	}
	ret = 0;
	goto out;
fail_epoll:
	if (!thread_on) {
		if (cb_epfd >= 0)
			close(cb_epfd);
		if (cb_wake_fd >= 0)
			close(cb_wake_fd);
		cb_epfd = -1;
		cb_wake_fd = -1;
	}
	free(c);
out:
	pthread_mutex_unlock(&cb_lock);
	return ret;
}

int prt_intr_callback_register(int fd, prt_intr_callback_t cb, void *arg)
{
	return callback_register(fd, EPOLLIN, cb, arg);
}

int prt_intr_callback_register_hangup(int fd, prt_intr_callback_t cb, void *arg)
{
	/* EPOLLHUP and EPOLLERR are reported whatever is asked; EPOLLRDHUP adds the
	 * peer's shutdown of its writing side, which is how a closed socket shows. */
	return callback_register(fd, EPOLLRDHUP, cb, arg);
}

int prt_intr_callback_unregister(int fd)
{
	struct intr_cb **p, *c;
	bool self;

	pthread_mutex_lock(&cb_lock);
	self = thread_on && pthread_equal(pthread_self(), cb_thread);
	for (p = &cbs; *p && (*p)->fd != fd; p = &(*p)->next)
		;
	if (!*p) {
		/*
		 * Not listed, but its callback may be running still, having
		 * unregistered itself: the caller is about to free what that
		 * callback uses (a port closing), so wait for it to return.
		 */
		while (!self && cb_running_fd == fd)
			pthread_cond_wait(&cb_done, &cb_lock);
		pthread_mutex_unlock(&cb_lock);
		return -ENOENT;
	}
	c = *p;
	*p = c->next;
	epoll_ctl(cb_epfd, EPOLL_CTL_DEL, fd, NULL);
	while (!self && cb_running_fd == fd)
		pthread_cond_wait(&cb_done, &cb_lock);
	if (!cbs && !self) {
		/* Wake the thread to see the empty list and stop; wait so no fd outlives us. */
		uint64_t one = 1;

		if (write(cb_wake_fd, &one, sizeof(one)) == sizeof(one))
			while (thread_on)
				pthread_cond_wait(&cb_done, &cb_lock);
	}
	pthread_mutex_unlock(&cb_lock);
	free(c);
	return 0;
}
