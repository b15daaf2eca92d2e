/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port events (DPDK's rte_eth_dev_callback_*): the application's callbacks
 * per port and event, and their running when a driver raises an event.
 *
 * One lock guards every list: each port's, and the list of callbacks for
 * every port (PRT_ETH_ALL), which outlives ports and is freed at
 * prt_eal_cleanup(). A callback runs without the lock, marked active: an
 * active entry is never unlinked or freed (unregister says -EAGAIN, the
 * port's release waits for every run for the port), so the walk goes on
 * from it once the lock is taken again, whatever changed meanwhile.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "ethdev_driver.h"
#include "ethdev_event.h"

struct eth_dev_cb {
	struct eth_dev_cb *next;
	prt_eth_dev_cb_fn fn;
	void *arg;
	enum prt_eth_event_type event;
	unsigned int active; /* threads running it now */
};

static struct eth_dev_cb *cbs[PRT_MAX_ETHPORTS]; /* in registration order */
static struct eth_dev_cb *all_cbs; /* PRT_ETH_ALL: every port's, present and future */
static unsigned int port_busy[PRT_MAX_ETHPORTS]; /* threads in process() for the port */
static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cb_returned = PTHREAD_COND_INITIALIZER;

/* The port whose callback this thread runs now (-1: none); nested runs save it. */
static __thread int running_port = -1;

static const char *const event_names[PRT_ETH_EVENT_MAX] = {
	[PRT_ETH_EVENT_INTR_LSC] = "link state change",
	[PRT_ETH_EVENT_INTR_RMV] = "device removal",
};

static int args_check(uint16_t port_id, enum prt_eth_event_type event, prt_eth_dev_cb_fn fn)
{
	struct prt_eth_dev *dev;

	if (port_id != PRT_ETH_ALL)
		GET_DEV_OR_RET(port_id, dev);
	if ((unsigned int)event >= PRT_ETH_EVENT_MAX || fn == NULL) {
		ETHDEV_LOG(ERR, "port %u: %s", port_id,
			   fn == NULL ? "an event callback must not be NULL" :
					"no such event type (see enum prt_eth_event_type)");
		return -EINVAL;
	}
	return 0;
}

int prt_eth_dev_callback_register(uint16_t port_id, enum prt_eth_event_type event,
				  prt_eth_dev_cb_fn cb_fn, void *cb_arg)
{
	struct eth_dev_cb **p, *c;
	int ret = args_check(port_id, event, cb_fn);

	if (ret < 0)
		return ret;
	pthread_mutex_lock(&cb_lock);
	for (p = port_id == PRT_ETH_ALL ? &all_cbs : &cbs[port_id]; *p; p = &(*p)->next)
		if ((*p)->fn == cb_fn && (*p)->arg == cb_arg && (*p)->event == event)
			goto out; /* registered already */
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	*c = (struct eth_dev_cb){ .fn = cb_fn, .arg = cb_arg, .event = event };
	*p = c;
out:
	pthread_mutex_unlock(&cb_lock);
	return ret;
}

/*
 * Unlinks and frees the entries of list @p head that match (any argument
 * when @p arg is (void *)-1); a running one stays and sets *@p busy.
 * Under cb_lock.
 */
static void list_remove(struct eth_dev_cb **head, enum prt_eth_event_type event,
			prt_eth_dev_cb_fn fn, void *arg, bool *found, bool *busy)
{
	struct eth_dev_cb **p = head, *c;

	while ((c = *p) != NULL) {
		if (c->fn != fn || c->event != event || (arg != (void *)-1 && c->arg != arg)) {
			p = &c->next;
			continue;
		}
		*found = true;
		if (c->active) {
			*busy = true;
			p = &c->next;
			continue;
		}
		*p = c->next;
		free(c);
	}
}

int prt_eth_dev_callback_unregister(uint16_t port_id, enum prt_eth_event_type event,
				    prt_eth_dev_cb_fn cb_fn, void *cb_arg)
{
	bool found = false, busy = false;
	int ret = args_check(port_id, event, cb_fn);

	if (ret < 0)
		return ret;
	pthread_mutex_lock(&cb_lock);
	if (port_id == PRT_ETH_ALL) {
		/* As DPDK: every port's matching callbacks too. */
		list_remove(&all_cbs, event, cb_fn, cb_arg, &found, &busy);
		for (uint16_t i = 0; i < PRT_MAX_ETHPORTS; i++)
			list_remove(&cbs[i], event, cb_fn, cb_arg, &found, &busy);
	} else {
		list_remove(&cbs[port_id], event, cb_fn, cb_arg, &found, &busy);
	}
	pthread_mutex_unlock(&cb_lock);
	if (busy)
		return -EAGAIN;
	return found ? 0 : -ENOENT;
}

/*
 * Runs the callbacks of list @p head registered for @p event, for port
 * @p port_id; *@p ret gets each one's return value. Called and returns
 * with cb_lock held; each callback runs without it, its entry marked
 * active so that it stays linked and the walk can go on from it.
 */
static void list_run(struct eth_dev_cb *head, uint16_t port_id, enum prt_eth_event_type event,
		     void *ret_param, int *ret)
{
	for (struct eth_dev_cb *c = head; c; c = c->next) {
		prt_eth_dev_cb_fn fn = c->fn;
		void *arg = c->arg;
		int saved = running_port;

		if (c->event != event)
			continue;
		c->active++;
		pthread_mutex_unlock(&cb_lock);
		running_port = port_id;
		*ret = fn(port_id, event, arg, ret_param);
		running_port = saved;
		pthread_mutex_lock(&cb_lock);
		c->active--;
		pthread_cond_broadcast(&cb_returned);
	}
}

int prt_eth_dev_callback_process(struct prt_eth_dev *dev, enum prt_eth_event_type event,
				 void *ret_param)
{
	uint16_t port_id = dev->data.port_id;
	int ret = 0;

	if ((unsigned int)event >= PRT_ETH_EVENT_MAX)
		return -EINVAL;
	ETHDEV_LOG(DEBUG, "port %u (%s): %s event", port_id, dev->data.name, event_names[event]);
	pthread_mutex_lock(&cb_lock);
	port_busy[port_id]++;
	/* The port's own callbacks, then those of every port (PRT_ETH_ALL). */
	list_run(cbs[port_id], port_id, event, ret_param, &ret);
	list_run(all_cbs, port_id, event, ret_param, &ret);
	port_busy[port_id]--;
	pthread_cond_broadcast(&cb_returned);
	pthread_mutex_unlock(&cb_lock);
	return ret;
}

void eth_dev_callbacks_free(uint16_t port_id)
{
	pthread_mutex_lock(&cb_lock);
	while (port_busy[port_id] != 0)
		pthread_cond_wait(&cb_returned, &cb_lock);
	while (cbs[port_id]) {
		struct eth_dev_cb *c = cbs[port_id];

		cbs[port_id] = c->next;
		free(c);
	}
	pthread_mutex_unlock(&cb_lock);
}

void eth_dev_callbacks_free_all(void)
{
	pthread_mutex_lock(&cb_lock);
	while (all_cbs) {
		struct eth_dev_cb *c = all_cbs;

		all_cbs = c->next;
		free(c);
	}
	pthread_mutex_unlock(&cb_lock);
}

bool eth_dev_callback_running_here(uint16_t port_id)
{
	return running_port == port_id;
}
