/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lcore threads: one pinned pthread per worker lcore, waiting on its own
 * mutex and condition variable for a function to run.
 *
 * Lifetimes: eal_lcores_start() creates every worker; eal_lcores_stop() asks
 * each to quit and joins it. A launch hands (f, arg) to the worker under its
 * lock; the worker runs f without the lock and publishes the result under it,
 * so the mutex orders the function's memory effects before the launcher's
 * prt_eal_wait_lcore() returns.
 */
#include <errno.h>
#include <numa.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "eal_private.h"

__thread unsigned int prt_per_lcore_id = PRT_LCORE_ID_ANY;

struct lcore {
	bool enabled;
	bool is_worker;
	int socket;
	int cpu; /* first CPU of the set */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum prt_lcore_state state; /* protected by lock */
	bool quit; /* protected by lock */
	prt_lcore_function_t *f;
	void *arg;
	int ret;
};

static struct lcore lcores[PRT_MAX_LCORE];
static unsigned int lcore_count;
static unsigned int main_lcore;
static unsigned int socket_count = 1;
/* The affinity of the thread that became the main lcore, before it was pinned. */
static cpu_set_t startup_affinity;

unsigned int prt_get_main_lcore(void)
{
	return main_lcore;
}

unsigned int prt_lcore_count(void)
{
	return lcore_count;
}

int prt_lcore_is_enabled(unsigned int lcore_id)
{
	return lcore_id < PRT_MAX_LCORE && lcores[lcore_id].enabled;
}

unsigned int prt_get_next_lcore(unsigned int i, int skip_main, int wrap)
{
	for (unsigned int n = 0; n < PRT_MAX_LCORE; n++) {
		i++;
		if (i >= PRT_MAX_LCORE) {
			if (!wrap)
				return PRT_MAX_LCORE;
			i = 0;
		}
		if (lcores[i].enabled && !(skip_main && i == main_lcore))
			return i;
	}
	return PRT_MAX_LCORE;
}

int prt_lcore_to_socket_id(unsigned int lcore_id)
{
	return prt_lcore_is_enabled(lcore_id) ? lcores[lcore_id].socket : -EINVAL;
}

int prt_lcore_to_cpu_id(unsigned int lcore_id)
{
	return prt_lcore_is_enabled(lcore_id) ? lcores[lcore_id].cpu : -EINVAL;
}

int prt_socket_id(void)
{
	unsigned int id = prt_lcore_id();

	return prt_lcore_is_enabled(id) ? lcores[id].socket : 0;
}

unsigned int prt_socket_count(void)
{
	return socket_count;
}

/* Callbacks run after each launched function; append-only, published by finish_cb_count. */
static struct {
	prt_lcore_finish_cb_t *cb;
	void *arg;
} finish_cbs[PRT_LCORE_FINISH_CB_MAX];
static _Atomic unsigned int finish_cb_count;
static pthread_mutex_t finish_cb_lock = PTHREAD_MUTEX_INITIALIZER;

int prt_lcore_finish_callback_register(prt_lcore_finish_cb_t *cb, void *arg)
{
	unsigned int n;
	int ret = 0;

	if (cb == NULL)
		return -EINVAL;
	pthread_mutex_lock(&finish_cb_lock);
	n = atomic_load_explicit(&finish_cb_count, memory_order_relaxed);
	if (n == PRT_LCORE_FINISH_CB_MAX) {
		ret = -ENOSPC;
	} else {
		finish_cbs[n].cb = cb;
		finish_cbs[n].arg = arg;
		/* Release: the entry is written before a worker can count it. */
		atomic_store_explicit(&finish_cb_count, n + 1, memory_order_release);
	}
	pthread_mutex_unlock(&finish_cb_lock);
	return ret;
}

static void run_finish_cbs(unsigned int lcore_id)
{
	/* Acquire: pairs with the release in prt_lcore_finish_callback_register(). */
	unsigned int n = atomic_load_explicit(&finish_cb_count, memory_order_acquire);

	for (unsigned int i = 0; i < n; i++)
		finish_cbs[i].cb(lcore_id, finish_cbs[i].arg);
}

static struct lcore *worker(unsigned int id)
{
	if (id >= PRT_MAX_LCORE || !lcores[id].enabled || !lcores[id].is_worker)
		return NULL;
	return &lcores[id];
}

static void *worker_loop(void *arg)
{
	struct lcore *lc = arg;

	prt_per_lcore_id = (unsigned int)(lc - lcores);
	pthread_mutex_lock(&lc->lock);
	for (;;) {
		while (lc->state != PRT_LCORE_RUNNING && !lc->quit)
			pthread_cond_wait(&lc->cond, &lc->lock);
		if (lc->quit)
			break;
		pthread_mutex_unlock(&lc->lock);
		int ret = lc->f(lc->arg);
		run_finish_cbs(prt_per_lcore_id);
		pthread_mutex_lock(&lc->lock);
		lc->ret = ret;
		lc->state = PRT_LCORE_FINISHED;
		pthread_cond_broadcast(&lc->cond);
	}
	pthread_mutex_unlock(&lc->lock);
	return NULL;
}

int prt_eal_remote_launch(prt_lcore_function_t *f, void *arg, unsigned int worker_id)
{
	struct lcore *lc = worker(worker_id);
	int ret = 0;

	if (lc == NULL || f == NULL)
		return -EINVAL;
	pthread_mutex_lock(&lc->lock);
	if (lc->state != PRT_LCORE_WAIT) {
		ret = -EBUSY;
	} else {
		lc->f = f;
		lc->arg = arg;
		lc->state = PRT_LCORE_RUNNING;
		pthread_cond_broadcast(&lc->cond);
	}
	pthread_mutex_unlock(&lc->lock);
	return ret;
}

int prt_eal_wait_lcore(unsigned int worker_id)
{
	struct lcore *lc = worker(worker_id);
	int ret = 0;

	if (lc == NULL)
		return -EINVAL;
	pthread_mutex_lock(&lc->lock);
	while (lc->state == PRT_LCORE_RUNNING)
		pthread_cond_wait(&lc->cond, &lc->lock);
	if (lc->state == PRT_LCORE_FINISHED) {
		ret = lc->ret;
		lc->state = PRT_LCORE_WAIT;
	}
	pthread_mutex_unlock(&lc->lock);
	return ret;
}

enum prt_lcore_state prt_eal_get_lcore_state(unsigned int worker_id)
{
	struct lcore *lc = worker(worker_id);
	enum prt_lcore_state st;

	if (lc == NULL)
		return PRT_LCORE_WAIT;
	pthread_mutex_lock(&lc->lock);
	st = lc->state;
	pthread_mutex_unlock(&lc->lock);
	return st;
}

int prt_eal_mp_remote_launch(prt_lcore_function_t *f, void *arg, int call_main)
{
	unsigned int id;

	if (f == NULL)
		return -EINVAL;
	PRT_LCORE_FOREACH_WORKER(id)
		if (prt_eal_get_lcore_state(id) != PRT_LCORE_WAIT)
			return -EBUSY;
	PRT_LCORE_FOREACH_WORKER(id)
		prt_eal_remote_launch(f, arg, id);
	if (call_main)
		f(arg);
	return 0;
}

void prt_eal_mp_wait_lcore(void)
{
	unsigned int id;

	PRT_LCORE_FOREACH_WORKER(id)
		prt_eal_wait_lcore(id);
}

static int first_cpu(const cpu_set_t *set)
{
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set))
			return c;
	return 0;
}

void eal_ctrl_cpuset(cpu_set_t *set)
{
	*set = startup_affinity;
	for (unsigned int id = 0; id < PRT_MAX_LCORE; id++)
		for (int c = 0; c < CPU_SETSIZE && eal_cfg.lcores[id].enabled; c++)
			if (CPU_ISSET(c, &eal_cfg.lcores[id].cpuset))
				CPU_CLR(c, set);
	if (CPU_COUNT(set) == 0)
		*set = eal_cfg.lcores[main_lcore].cpuset;
}

int eal_lcores_start(void)
{
	bool numa = numa_available() >= 0;
	unsigned int id;
	int ret;

	socket_count = numa ? (unsigned int)numa_max_node() + 1 : 1;
	lcore_count = eal_cfg.lcore_count;
	main_lcore = eal_cfg.main_lcore;
	for (id = 0; id < PRT_MAX_LCORE; id++) {
		struct lcore *lc = &lcores[id];

		memset(lc, 0, sizeof(*lc));
		if (!eal_cfg.lcores[id].enabled)
			continue;
		lc->enabled = true;
		lc->cpu = first_cpu(&eal_cfg.lcores[id].cpuset);
		lc->socket = numa ? numa_node_of_cpu(lc->cpu) : 0;
		if (lc->socket < 0)
			lc->socket = 0;
	}

	/* The caller becomes the main lcore; what it could run on before is kept. */
	pthread_getaffinity_np(pthread_self(), sizeof(startup_affinity), &startup_affinity);
	ret = pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t),
				     &eal_cfg.lcores[main_lcore].cpuset);
	if (ret != 0) {
		prt_log(PRT_LOG_ERR, PRT_LOGTYPE_EAL, "cannot pin the main lcore %u to CPU %d: %s",
			main_lcore, lcores[main_lcore].cpu, strerror(ret));
		goto fail;
	}
	prt_per_lcore_id = main_lcore;

	PRT_LCORE_FOREACH_WORKER(id) {
		struct lcore *lc = &lcores[id];
		pthread_attr_t attr;
		char name[16];

		pthread_mutex_init(&lc->lock, NULL);
		pthread_cond_init(&lc->cond, NULL);
		pthread_attr_init(&attr);
		pthread_attr_setaffinity_np(&attr, sizeof(cpu_set_t), &eal_cfg.lcores[id].cpuset);
		ret = pthread_create(&lc->thread, &attr, worker_loop, lc);
		pthread_attr_destroy(&attr);
		if (ret != 0) {
			prt_log(PRT_LOG_ERR, PRT_LOGTYPE_EAL,
				"cannot start the thread of lcore %u on CPU %d: %s", id, lc->cpu,
				strerror(ret));
			pthread_mutex_destroy(&lc->lock);
			pthread_cond_destroy(&lc->cond);
			goto fail;
		}
		lc->is_worker = true;
		snprintf(name, sizeof(name), "prt-lcore-%u", id);
		pthread_setname_np(lc->thread, name);
	}
	return 0;
fail:
	eal_lcores_stop();
	return -ret;
}

void eal_lcores_stop(void)
{
	for (unsigned int id = 0; id < PRT_MAX_LCORE; id++) {
		struct lcore *lc = &lcores[id];

		if (!lc->is_worker)
			continue;
		pthread_mutex_lock(&lc->lock);
		lc->quit = true;
		pthread_cond_broadcast(&lc->cond);
		pthread_mutex_unlock(&lc->lock);
		pthread_join(lc->thread, NULL);
		pthread_mutex_destroy(&lc->lock);
		pthread_cond_destroy(&lc->cond);
	}
	memset(lcores, 0, sizeof(lcores));
	lcore_count = 0;
	prt_per_lcore_id = PRT_LCORE_ID_ANY;
}
