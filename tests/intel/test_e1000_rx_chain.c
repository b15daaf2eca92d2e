/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The e1000/igb receive burst against a device that never sets EOP: the
 * chain it gathers stays within the port's largest frame (the rest is
 * dropped as it comes and counted), instead of taking the whole mempool
 * into one frame whose 16-bit nb_segs wraps. A well-formed frame after it
 * comes through as usual. Nor does a single buffer the device filled
 * beyond that limit come through (found by tests/fuzz/fuzz_e1000).
 */
#include <stdlib.h>
#include <string.h>

#include "prt_test.h"

#include "e1000_rxtx.h"
#include "e1000_sim.h"
#include "prt_eal.h"
#include "prt_ether.h"
#include "prt_mbuf.h"

#define NB_DESC 64
#define BUF_LEN 1024

static struct prt_mempool *mp;
static struct e1000_sim sim;
static struct e1000_rx_queue *q;
static _Atomic uint64_t nombuf;

static int setup(void **state)
{
	char *argv[] = { "test", "-l", "0", "--no-huge", "--no-pci", NULL };
	void *desc;

	(void)state;
	if (prt_eal_init((int)PRT_DIM(argv) - 1, argv) < 0)
		return -1;
	mp = prt_pktmbuf_pool_create("rx_chain", 512, 0, 0, BUF_LEN + PRT_PKTMBUF_HEADROOM,
				     PRT_SOCKET_ID_ANY);
	desc = aligned_alloc(E1000_RING_ALIGN, NB_DESC * sizeof(union e1000_rx_desc));
	q = calloc(1, sizeof(*q) + NB_DESC * sizeof(q->cookies[0]));
	if (mp == NULL || desc == NULL || q == NULL)
		return -1;
	sim = (struct e1000_sim){ .rx_desc = desc, .rx_nb = NB_DESC, .rx_buf_len = BUF_LEN };
	q->mp = mp;
	q->nombuf = &nombuf;
	q->max_rx_pktlen = 1500 + PRT_ETHER_HDR_CRC_LEN + 8;
	e1000_rx_ring_init(&q->ring, desc, NB_DESC, q->cookies, &sim.bar[SIM_RDH],
			   &sim.bar[SIM_RDT], BUF_LEN, 32);
	for (uint16_t i = 0; i < NB_DESC; i++) {
		struct prt_mbuf *m = prt_pktmbuf_alloc(mp);

		if (m == NULL)
			return -1;
		e1000_rx_ring_set(&q->ring, i, m, m->buf_iova + PRT_PKTMBUF_HEADROOM);
	}
	e1000_rx_ring_start(&q->ring);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	e1000_rx_queue_drain(q);
	free((void *)q->ring.desc);
	free(q);
	prt_mempool_free(mp);
	return prt_eal_cleanup();
}

static void no_eop_never_chains_the_pool(void **state)
{
	struct prt_mbuf *pkts[32];
	uint16_t n;

	(void)state;
	/* Ten times the ring, 1 KiB a descriptor, never EOP. */
	for (int i = 0; i < 10 * NB_DESC; i++) {
		sim_rx_writeback_raw(&sim, BUF_LEN, E1000_RXD_STAT_DD);
		assert_int_equal(e1000_recv_pkts(q, pkts, 32), 0);
		/* The ring's mbufs, the spare, and at most one frame's chain. */
		assert_true(prt_mempool_in_use_count(mp) <= NB_DESC + 1 + 2);
	}
	assert_int_equal(atomic_load(&nombuf), 0);
	/* EOP at last: the frame is dropped, once, and counted as too long. */
	sim_rx_writeback_raw(&sim, 100, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
	assert_int_equal(e1000_recv_pkts(q, pkts, 32), 0);
	assert_int_equal(q->errors, 1);
	assert_int_equal(q->oversize, 1);
	/* The next frame is whole. */
	sim_rx_writeback_raw(&sim, 100, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
	n = e1000_recv_pkts(q, pkts, 32);
	assert_int_equal(n, 1);
	assert_int_equal(pkts[0]->nb_segs, 1);
	assert_int_equal(pkts[0]->pkt_len, 100);
	prt_pktmbuf_free(pkts[0]);
}

static void long_frame_within_the_limit(void **state)
{
	struct prt_mbuf *pkts[32];

	(void)state;
	/* 1 KiB + 400 bytes: a full-size frame over two buffers is kept. */
	sim_rx_writeback_raw(&sim, BUF_LEN, E1000_RXD_STAT_DD);
	sim_rx_writeback_raw(&sim, 400, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
	assert_int_equal(e1000_recv_pkts(q, pkts, 32), 1);
	assert_int_equal(pkts[0]->nb_segs, 2);
	assert_int_equal(pkts[0]->pkt_len, BUF_LEN + 400);
	prt_pktmbuf_free(pkts[0]);
}

static void one_buffer_over_the_limit(void **state)
{
	struct prt_mbuf *pkts[32];
	uint64_t errors = q->errors, oversize = q->oversize;

	(void)state;
	/* A port whose largest frame (MTU 500) is shorter than its 1 KiB buffers. */
	q->max_rx_pktlen = 500 + PRT_ETHER_HDR_CRC_LEN + 8;
	/* The device fills one buffer beyond it, with EOP: dropped and counted, not delivered. */
	sim_rx_writeback_raw(&sim, 900, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
	assert_int_equal(e1000_recv_pkts(q, pkts, 32), 0);
	assert_int_equal(q->errors, errors + 1);
	assert_int_equal(q->oversize, oversize + 1);
	/* A frame within it comes through. */
	sim_rx_writeback_raw(&sim, 500, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
	assert_int_equal(e1000_recv_pkts(q, pkts, 32), 1);
	assert_int_equal(pkts[0]->pkt_len, 500);
	prt_pktmbuf_free(pkts[0]);
	q->max_rx_pktlen = 1500 + PRT_ETHER_HDR_CRC_LEN + 8;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_eop_never_chains_the_pool),
		cmocka_unit_test(long_frame_within_the_limit),
		cmocka_unit_test(one_buffer_over_the_limit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
