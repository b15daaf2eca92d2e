/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A port's counters since a moment: a snapshot of its basic and extended
 * counters, subtracted from the counters now. Forwarding runs (start ...
 * stop) and `clear port stats` measure from their own snapshot instead of
 * resetting the driver's counters: a reset from the command thread races
 * with the lcore that counts (its load-add-store can write the old total
 * back), a snapshot cannot, and two snapshots do not disturb each other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "testpmd.h"

/* The port's xstat values into a fresh array of *n; NULL (and *n = 0) when it has none. */
static uint64_t *xstats_values(uint16_t port, unsigned int *n)
{
	int cnt = prt_eth_xstats_get(port, NULL, 0);
	struct prt_eth_xstat *xs;
	uint64_t *v = NULL;

	*n = 0;
	if (cnt <= 0)
		return NULL;
	xs = calloc((size_t)cnt, sizeof(*xs));
	v = calloc((size_t)cnt, sizeof(*v));
	if (xs && v && prt_eth_xstats_get(port, xs, (unsigned int)cnt) == cnt) {
		for (int i = 0; i < cnt; i++)
			v[i] = xs[i].value;
		*n = (unsigned int)cnt;
	} else {
		free(v);
		v = NULL;
	}
	free(xs);
	return v;
}

int tp_snap_take(uint16_t port, struct tp_port_snap *snap)
{
	int ret = prt_eth_stats_get(port, &snap->st);

	if (ret < 0)
		return ret;
	free(snap->xs);
	snap->xs = xstats_values(port, &snap->nb_xs);
	return 0;
}

void tp_snap_release(struct tp_port_snap *snap)
{
	free(snap->xs);
	memset(snap, 0, sizeof(*snap));
}

int tp_stats_since(uint16_t port, const struct tp_port_snap *base, struct prt_eth_stats *st)
{
	int ret = prt_eth_stats_get(port, st);

	if (ret < 0)
		return ret;
	st->ipackets -= base->st.ipackets;
	st->opackets -= base->st.opackets;
	st->ibytes -= base->st.ibytes;
	st->obytes -= base->st.obytes;
	st->imissed -= base->st.imissed;
	st->ierrors -= base->st.ierrors;
	st->oerrors -= base->st.oerrors;
	st->rx_nombuf -= base->st.rx_nombuf;
	for (unsigned int q = 0; q < PRT_ETHDEV_QUEUE_STAT_CNTRS; q++) {
		st->q_ipackets[q] -= base->st.q_ipackets[q];
		st->q_opackets[q] -= base->st.q_opackets[q];
		st->q_ibytes[q] -= base->st.q_ibytes[q];
		st->q_obytes[q] -= base->st.q_obytes[q];
		st->q_errors[q] -= base->st.q_errors[q];
	}
	return 0;
}

int tp_xstats_since(uint16_t port, const struct tp_port_snap *base, tp_xstat_fn fn, void *arg)
{
	int n = prt_eth_xstats_get_names(port, NULL, 0);
	struct prt_eth_xstat_name *names;
	uint64_t *now = NULL;
	unsigned int nb_now = 0;
	int ret = 0;

	if (n <= 0)
		return n;
	names = calloc((size_t)n, sizeof(*names));
	if (names && prt_eth_xstats_get_names(port, names, (unsigned int)n) == n)
		now = xstats_values(port, &nb_now);
	if (now == NULL || nb_now != (unsigned int)n) {
		ret = -ENOMEM;
		goto out;
	}
	/* The table is the port's for as long as its queues are: a snapshot of another size is not. */
	for (int i = 0; i < n; i++)
		fn(names[i].name, now[i] - (base->nb_xs == nb_now ? base->xs[i] : 0), arg);
out:
	free(names);
	free(now);
	return ret;
}
