/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_lcore.h
 * Logical cores (lcores): one pinned thread per lcore of -l/--lcores. The
 * main lcore is the thread that called prt_eal_init(); every other lcore is a
 * worker that waits for work from prt_eal_remote_launch().
 */
#ifndef PRT_LCORE_H
#define PRT_LCORE_H

#include <stdint.h>

#include "prt_common.h"

/** Most lcores (lcore ids run from 0 to PRT_MAX_LCORE - 1). */
#define PRT_MAX_LCORE 128

/** The lcore id of a thread that is not an lcore. */
#define PRT_LCORE_ID_ANY UINT32_MAX

/** State of a worker lcore. */
enum prt_lcore_state {
	PRT_LCORE_WAIT, /**< idle, ready for prt_eal_remote_launch() */
	PRT_LCORE_RUNNING, /**< running a launched function */
	PRT_LCORE_FINISHED, /**< done; prt_eal_wait_lcore() collects the result */
};

/** A function run on an lcore; its return value is given back by prt_eal_wait_lcore(). */
typedef int(prt_lcore_function_t)(void *arg);

/** The calling thread's lcore id (thread-local). Read with prt_lcore_id(). */
extern __thread unsigned int prt_per_lcore_id;

/** The calling thread's lcore id, or PRT_LCORE_ID_ANY for other threads. Thread-safe. */
static inline unsigned int prt_lcore_id(void)
{
	return prt_per_lcore_id;
}

/** The main lcore's id (valid after prt_eal_init()). */
unsigned int prt_get_main_lcore(void);

/** Number of enabled lcores, the main lcore included. */
unsigned int prt_lcore_count(void);

/** Non-zero when @p lcore_id is one of the enabled lcores. */
int prt_lcore_is_enabled(unsigned int lcore_id);

/**
 * The next enabled lcore after @p i (pass -1 to start), skipping the main
 * lcore when @p skip_main is set; with @p wrap, the search continues from 0.
 * @return an lcore id, or PRT_MAX_LCORE when there is none.
 */
unsigned int prt_get_next_lcore(unsigned int i, int skip_main, int wrap);

/** NUMA node of @p lcore_id's CPUs (0 without NUMA); -EINVAL when not enabled. */
int prt_lcore_to_socket_id(unsigned int lcore_id);

/** The first CPU @p lcore_id is pinned to; -EINVAL when not enabled. */
int prt_lcore_to_cpu_id(unsigned int lcore_id);

/** NUMA node of the calling lcore; 0 for a non-lcore thread. */
int prt_socket_id(void);

/** Number of NUMA nodes the machine has (1 without NUMA). */
unsigned int prt_socket_count(void);

/** Runs over every enabled lcore id @p i, main lcore included. */
#define PRT_LCORE_FOREACH(i)                                          \
	for ((i) = prt_get_next_lcore(-1, 0, 0); (i) < PRT_MAX_LCORE; \
	     (i) = prt_get_next_lcore(i, 0, 0))

/** Runs over every enabled worker lcore id @p i (the main lcore left out). */
#define PRT_LCORE_FOREACH_WORKER(i)                                   \
	for ((i) = prt_get_next_lcore(-1, 1, 0); (i) < PRT_MAX_LCORE; \
	     (i) = prt_get_next_lcore(i, 1, 0))

/**
 * Makes worker @p worker_id run @p f(@p arg). Returns at once. Call from
 * the main lcore (one launcher per worker at a time).
 *
 * @return 0; -EINVAL when @p worker_id is not a worker lcore; -EBUSY when the
 *         worker has not finished or its result was not collected.
 */
int prt_eal_remote_launch(prt_lcore_function_t *f, void *arg, unsigned int worker_id);

/**
 * Waits until worker @p worker_id has finished, collects its result and
 * makes it ready for the next launch.
 *
 * @return the function's return value; 0 when the worker was idle;
 *         -EINVAL when @p worker_id is not a worker lcore.
 */
int prt_eal_wait_lcore(unsigned int worker_id);

/** State of worker @p worker_id (PRT_LCORE_WAIT for ids that are not workers). */
enum prt_lcore_state prt_eal_get_lcore_state(unsigned int worker_id);

/**
 * Launches @p f(@p arg) on every worker, and on the main lcore too when
 * @p call_main is set (then it returns after the main lcore's call).
 * @return 0; -EBUSY when some worker is busy (nothing was launched).
 */
int prt_eal_mp_remote_launch(prt_lcore_function_t *f, void *arg, int call_main);

/** Waits for every worker (prt_eal_wait_lcore() on each); results are dropped. */
void prt_eal_mp_wait_lcore(void);

/** Called on a worker lcore when a launched function has returned. */
typedef void(prt_lcore_finish_cb_t)(unsigned int lcore_id, void *arg);

/** Most callbacks prt_lcore_finish_callback_register() keeps. */
#define PRT_LCORE_FINISH_CB_MAX 8

/**
 * Registers @p cb(@p lcore_id, @p arg) to run on each worker lcore after
 * every launched function returns, before prt_eal_wait_lcore() can see the
 * worker finished (so what @p cb does happens before that returns). The
 * mempool layer uses it to flush the worker's mempool caches. May be called
 * before prt_eal_init(); registrations outlive prt_eal_cleanup(). Thread-safe.
 *
 * @return 0; -EINVAL for a NULL @p cb; -ENOSPC when PRT_LCORE_FINISH_CB_MAX
 *         callbacks are registered.
 */
int prt_lcore_finish_callback_register(prt_lcore_finish_cb_t *cb, void *arg);

#endif /* PRT_LCORE_H */
