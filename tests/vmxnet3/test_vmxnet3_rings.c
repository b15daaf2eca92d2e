/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vmxnet3 bursts (pmd/vmxnet3/vmxnet3_rxtx.c over vmxnet3_ring.h)
 * against the simulated device of vmxnet3_sim.c: frames in and out, chains
 * over the two rx rings, tx split at IOVA pages, the TXPROD threshold; and
 * every hostile completion the driver must survive — an index not in
 * flight, a length over the buffer, another queue's rqID, a completion
 * replayed with its gen flipped out of turn, a frame without SOP or EOP, a
 * tx completion naming a descriptor that is not a packet's last one in
 * flight — each counted, none crashing, leaking or handing out a buffer
 * twice, the next good frame coming through.
 */
#include <stdlib.h>
#include <string.h>

#include "prt_test.h"

#include "prt_eal.h"
#include "prt_ether.h"
#include "prt_mbuf.h"
#include "vmxnet3_rxtx.h"
#include "vmxnet3_sim.h"

#define NB_DESC 64
#define BUF_LEN 1024
#define MAX_FRAME (9000 + PRT_ETHER_HDR_LEN + 8) /* a jumbo MTU */

static struct prt_mempool *mp;
static struct vmxnet3_sim sim;
static struct vmxnet3_rx_queue *rxq;
static struct vmxnet3_tx_queue *txq;
static struct Vmxnet3_RxQueueDesc rx_qdesc;
static struct Vmxnet3_TxQueueDesc tx_qdesc;
static volatile uint32_t prod[3]; /* RXPROD, RXPROD2, TXPROD */
static _Atomic uint64_t nombuf;
static uint8_t sent[4][16384]; /* frames the device sent */
static uint32_t sent_len[4];
static unsigned int nb_sent;

static void tx_out(const uint8_t *frame, uint32_t len, void *arg)
{
	(void)arg;
	if (nb_sent < PRT_DIM(sent)) {
		memcpy(sent[nb_sent], frame, len);
		sent_len[nb_sent] = len;
	}
	nb_sent++;
}

static int setup(void **state)
{
	char *argv[] = { "test", "-l", "0", "--no-huge", "--no-pci", NULL };
	void *rx_rings, *tx_rings;

	(void)state;
	if (prt_eal_init((int)PRT_DIM(argv) - 1, argv) < 0)
		return -1;
	mp = prt_pktmbuf_pool_create("vmxnet3_sim", 1024, 0, 0, BUF_LEN + PRT_PKTMBUF_HEADROOM,
				     PRT_SOCKET_ID_ANY);
	rx_rings = aligned_alloc(VMXNET3_RING_BA_ALIGN, VMXNET3_RXQ_RING_BYTES(NB_DESC, NB_DESC));
	tx_rings = aligned_alloc(VMXNET3_RING_BA_ALIGN, VMXNET3_TXQ_RING_BYTES(NB_DESC));
	rxq = calloc(1, sizeof(*rxq) + 2 * NB_DESC * sizeof(rxq->cookies[0]));
	txq = calloc(1, sizeof(*txq) + NB_DESC * (sizeof(txq->cookies[0]) + 1));
	if (mp == NULL || rx_rings == NULL || tx_rings == NULL || rxq == NULL || txq == NULL)
		return -1;
	rxq->mp = mp;
	rxq->nombuf = &nombuf;
	rxq->nb_desc = NB_DESC;
	rxq->nb_body = NB_DESC;
	rxq->max_rx_pktlen = MAX_FRAME;
	rxq->qdesc = &rx_qdesc;
	vmxnet3_rx_queue_layout(rxq, rx_rings, NB_DESC, BUF_LEN, &prod[0], &prod[1], 0, 1);
	if (vmxnet3_rx_queue_fill(rxq) < 0)
		return -1;
	txq->eop = (uint8_t *)&txq->cookies[NB_DESC];
	txq->qdesc = &tx_qdesc;
	vmxnet3_tx_queue_layout(txq, tx_rings, NB_DESC, &prod[2]);
	sim_attach(&sim, &rxq->rings, &txq->rings);
	sim.tx_out = tx_out;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vmxnet3_rx_queue_drain(rxq);
	vmxnet3_tx_queue_drain(txq);
	free((void *)rxq->rings.cmd[0].base);
	free((void *)txq->rings.cmd.base);
	free(rxq);
	free(txq);
	assert_int_equal(prt_mempool_in_use_count(mp), 0);
	prt_mempool_free(mp);
	return prt_eal_cleanup();
}

/* The mbufs the rx queue holds when nothing is in the application's hands. */
static unsigned int rx_held(void)
{
	return rxq->rings.cmd[0].size + rxq->rings.cmd[1].size;
}

static void fill_pattern(uint8_t *p, uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* Receives exactly one frame and checks its bytes against @p want. */
static void expect_frame(const uint8_t *want, uint32_t len, uint16_t segs)
{
	struct prt_mbuf *pkts[8];
	uint8_t got[4096];

	assert_int_equal(vmxnet3_recv_pkts(rxq, pkts, 8), 1);
	assert_int_equal(pkts[0]->pkt_len, len);
	assert_int_equal(pkts[0]->nb_segs, segs);
	assert_non_null(prt_pktmbuf_read(pkts[0], 0, len, got));
	assert_memory_equal(prt_pktmbuf_read(pkts[0], 0, len, got), want, len);
	prt_pktmbuf_free(pkts[0]);
	assert_int_equal(prt_mempool_in_use_count(mp), rx_held());
}

/* What the device writes for ring @p ring's next descriptor, with @p flags. */
static uint32_t comp_word0(int ring, uint32_t flags)
{
	return sim.rx[ring].next | (uint32_t)sim.rqid[ring] << VMXNET3_RCD_RQID_SHIFT | flags;
}

static void rx_frames_and_chains(void **state)
{
	uint8_t frame[3000];

	(void)state;
	fill_pattern(frame, sizeof(frame), 1);
	assert_int_equal(sim_rx_frame(&sim, frame, 60, false), 0);
	expect_frame(frame, 60, 1);
	/* A head buffer from ring 0 and two body buffers from ring 1: one chain. */
	assert_int_equal(sim_rx_frame(&sim, frame, 2500, false), 0);
	expect_frame(frame, 2500, 3);
	/* Many laps of both rings: generations flip, refills keep up. */
	for (int i = 0; i < 5 * NB_DESC; i++) {
		assert_int_equal(sim_rx_frame(&sim, frame + i % 7, 1200, false), 0);
		expect_frame(frame + i % 7, 1200, 2);
	}
	assert_int_equal(sim.rx_out_of_buf, 0);
	assert_int_equal(rxq->errors, 0);
}

static void rx_bad_index(void **state)
{
	uint8_t frame[100];
	struct prt_mbuf *pkts[8];

	(void)state;
	fill_pattern(frame, sizeof(frame), 2);
	/* The descriptor after the next one: not the oldest in flight. */
	sim_rx_comp_raw(&sim,
			(comp_word0(0, VMXNET3_RCD_SOP | VMXNET3_RCD_EOP) & ~0xfffu) |
				((sim.rx[0].next + 1u) % NB_DESC),
			100);
	/* An index past the ring. */
	sim_rx_comp_raw(&sim, (comp_word0(0, VMXNET3_RCD_SOP | VMXNET3_RCD_EOP) & ~0xfffu) | 4000,
			100);
	assert_int_equal(vmxnet3_recv_pkts(rxq, pkts, 8), 0);
	assert_int_equal(rxq->rings.stats.bad_index, 2);
	assert_int_equal(prt_mempool_in_use_count(mp), rx_held());
	assert_int_equal(sim_rx_frame(&sim, frame, sizeof(frame), false), 0);
	expect_frame(frame, sizeof(frame), 1);
}

static void rx_bad_length(void **state)
{
	uint8_t frame[100];
	struct prt_mbuf *pkts[8];
	uint64_t errors = rxq->errors;

	(void)state;
	fill_pattern(frame, sizeof(frame), 3);
	/* The right descriptor, a length over its buffer. */
	sim_rx_comp_raw(&sim, comp_word0(0, VMXNET3_RCD_SOP | VMXNET3_RCD_EOP), BUF_LEN + 1);
	sim_rx_skip(&sim, 0);
	assert_int_equal(vmxnet3_recv_pkts(rxq, pkts, 8), 0);
	assert_int_equal(rxq->rings.stats.bad_length, 1);
	/* The frame's buffer went back to the pool and its descriptor was refilled. */
	assert_int_equal(prt_mempool_in_use_count(mp), rx_held());
	/* A chain whose second buffer is too long is dropped whole. */
	sim_rx_comp_raw(&sim, comp_word0(0, VMXNET3_RCD_SOP), BUF_LEN);
	sim_rx_skip(&sim, 0);
	sim_rx_comp_raw(&sim, comp_word0(1, VMXNET3_RCD_EOP), 9000);
	sim_rx_skip(&sim, 1);
	assert_int_equal(vmxnet3_recv_pkts(rxq, pkts, 8), 0);
	assert_int_equal(rxq->rings.stats.bad_length, 2);
	assert_int_equal(prt_mempool_in_use_count(mp), rx_held());
	assert_int_equal(sim_rx_frame(&sim, frame, sizeof(frame), false), 0);
	expect_frame(frame, sizeof(frame), 1);
	/* The chain's head was held until its next SOP, then dropped as incomplete. */
	assert_int_equal(rxq->errors, errors + 1);
}

static void rx_bad_queue(void **state)
{
	uint8_t frame[100];
	struct prt_mbuf *pkts[8];

	(void)state;
	fill_pattern(frame, sizeof(frame), 4);
	/* Another queue's rqID, and a SOP from ring 1 (only head buffers start frames). */
	sim_rx_comp_raw(&sim, sim.rx[0].next | 5u << VMXNET3_RCD_RQID_SHIFT | VMXNET3_RCD_SOP, 60);
	sim_rx_comp_raw(&sim, comp_word0(1, VMXNET3_RCD_SOP | VMXNET3_RCD_EOP), 60);
	assert_int_equal(vmxnet3_recv_pkts(rxq, pkts, 8), 0);
	assert_int_equal(rxq->rings.stats.bad_queue, 2);
	assert_int_equal(prt_mempool_in_use_count(mp), rx_held());
	assert_int_equal(sim_rx_frame(&sim, frame, sizeof(frame), false), 0);
	expect_frame(frame, sizeof(frame), 1);
}

static void rx_replayed_completion(void **state)
{
	uint8_t frame[100];
	struct prt_mbuf *pkts[8];
	uint64_t bad = rxq->rings.stats.bad_index;

	(void)state;
	fill_pattern(frame, sizeof(frame), 5);
	assert_int_equal(sim_rx_frame(&sim, frame, sizeof(frame), false), 0);
	expect_frame(frame, sizeof(frame), 1);
	/* The same completion again, its gen set for this lap: its buffer is not in flight. */
	sim_rx_comp_replay(&sim, 1);
	assert_int_equal(vmxnet3_recv_pkts(rxq, pkts, 8), 0);
	assert_int_equal(rxq->rings.stats.bad_index, bad + 1);
	assert_int_equal(sim_rx_frame(&sim, frame, sizeof(frame), false), 0);
	expect_frame(frame, sizeof(frame), 1);
}

static void rx_frame_protocol(void **state)
{
	uint8_t frame[200];
	struct prt_mbuf *pkts[8];
	uint64_t errors = rxq->errors, incomplete = rxq->incomplete;

	(void)state;
	fill_pattern(frame, sizeof(frame), 6);
	/* A body without its head. */
	sim_rx_comp_raw(&sim, comp_word0(1, VMXNET3_RCD_EOP), 100);
	sim_rx_skip(&sim, 1);
	/* A head without its EOP, then a whole frame: the first is dropped. */
	sim_rx_comp_raw(&sim, comp_word0(0, VMXNET3_RCD_SOP), 100);
	sim_rx_skip(&sim, 0);
	assert_int_equal(sim_rx_frame(&sim, frame, sizeof(frame), false), 0);
	assert_int_equal(vmxnet3_recv_pkts(rxq, pkts, 8), 1);
	assert_memory_equal(prt_pktmbuf_mtod(pkts[0], void *), frame, sizeof(frame));
	prt_pktmbuf_free(pkts[0]);
	assert_int_equal(rxq->incomplete, incomplete + 2);
	/* A frame the device marked in error. */
	assert_int_equal(sim_rx_frame(&sim, frame, sizeof(frame), true), 0);
	assert_int_equal(vmxnet3_recv_pkts(rxq, pkts, 8), 0);
	assert_int_equal(rxq->frame_errors, 1);
	assert_int_equal(rxq->errors, errors + 3);
	assert_int_equal(prt_mempool_in_use_count(mp), rx_held());
}

static void rx_never_eop(void **state)
{
	uint8_t frame[100];
	struct prt_mbuf *pkts[8];

	(void)state;
	fill_pattern(frame, sizeof(frame), 7);
	/* A head, then body buffers for ever: the chain stays within the largest frame. */
	sim_rx_comp_raw(&sim, comp_word0(0, VMXNET3_RCD_SOP), BUF_LEN);
	sim_rx_skip(&sim, 0);
	for (int i = 0; i < 4 * NB_DESC; i++) {
		sim_rx_comp_raw(&sim, comp_word0(1, 0), BUF_LEN);
		sim_rx_skip(&sim, 1);
		assert_int_equal(vmxnet3_recv_pkts(rxq, pkts, 8), 0);
		assert_true(prt_mempool_in_use_count(mp) <= rx_held() + MAX_FRAME / BUF_LEN + 1);
	}
	assert_int_equal(rxq->oversize, 1);
	assert_int_equal(sim_rx_frame(&sim, frame, sizeof(frame), false), 0);
	expect_frame(frame, sizeof(frame), 1);
}

/* An mbuf with @p len bytes of pattern @p seed, its data starting @p off bytes into the buffer. */
static struct prt_mbuf *tx_mbuf(uint16_t len, uint16_t off, uint8_t seed)
{
	struct prt_mbuf *m = prt_pktmbuf_alloc(mp);

	assert_non_null(m);
	m->data_off = off;
	fill_pattern(prt_pktmbuf_mtod(m, uint8_t *), len, seed);
	assert_non_null(prt_pktmbuf_append(m, len));
	return m;
}

/* A one-segment mbuf of @p len bytes whose data crosses a 4 KiB page of IOVA. */
static struct prt_mbuf *page_crossing_mbuf(uint16_t len, uint8_t seed)
{
	struct prt_mbuf *tried[64], *m = NULL;
	unsigned int n;

	for (n = 0; n < PRT_DIM(tried) && m == NULL; n++) {
		uint64_t room = prt_pktmbuf_data_room_size(mp);
		uint64_t to_page;

		tried[n] = prt_pktmbuf_alloc(mp);
		assert_non_null(tried[n]);
		to_page = 4096 - (tried[n]->buf_iova & 4095);
		if (to_page > 100 && to_page + len - 100 <= room) {
			m = tried[n];
			m->data_off = (uint16_t)(to_page - 100);
			fill_pattern(prt_pktmbuf_mtod(m, uint8_t *), len, seed);
			assert_non_null(prt_pktmbuf_append(m, len));
		}
	}
	assert_non_null(m);
	for (unsigned int i = 0; i + 1 < n; i++)
		prt_pktmbuf_free(tried[i]);
	return m;
}

static void tx_frames(void **state)
{
	struct prt_mbuf *pkts[3], *seg;
	unsigned int base = prt_mempool_in_use_count(mp);
	uint8_t want[2048];
	uint32_t doorbells = (uint32_t)txq->rings.stats.doorbells;
	uint16_t used, before = txq->rings.cmd.nb_inflight;

	(void)state;
	nb_sent = 0;
	pkts[0] = tx_mbuf(60, PRT_PKTMBUF_HEADROOM, 10);
	/* Three segments. */
	pkts[1] = tx_mbuf(500, PRT_PKTMBUF_HEADROOM, 11);
	seg = tx_mbuf(300, PRT_PKTMBUF_HEADROOM, 12);
	assert_int_equal(prt_pktmbuf_chain(pkts[1], seg), 0);
	seg = tx_mbuf(200, PRT_PKTMBUF_HEADROOM, 13);
	assert_int_equal(prt_pktmbuf_chain(pkts[1], seg), 0);
	/* One segment across a 4 KiB page of IOVA: two descriptors. */
	pkts[2] = page_crossing_mbuf(800, 14);
	used = 1 + 3 + 2;
	assert_int_equal(vmxnet3_xmit_pkts(txq, pkts, 3), 3);
	assert_int_equal(txq->rings.stats.doorbells, doorbells + 1);
	assert_int_equal(txq->rings.cmd.nb_inflight, before + used);
	assert_int_equal(prod[2], txq->rings.cmd.next2fill);
	sim_tx_process(&sim);
	assert_int_equal(nb_sent, 3);
	fill_pattern(want, 60, 10);
	assert_int_equal(sent_len[0], 60);
	assert_memory_equal(sent[0], want, 60);
	fill_pattern(want, 500, 11);
	fill_pattern(want + 500, 300, 12);
	fill_pattern(want + 800, 200, 13);
	assert_int_equal(sent_len[1], 1000);
	assert_memory_equal(sent[1], want, 1000);
	fill_pattern(want, 800, 14);
	assert_int_equal(sent_len[2], 800);
	assert_memory_equal(sent[2], want, 800);
	/* The next burst reclaims what the device completed. */
	assert_int_equal(vmxnet3_xmit_pkts(txq, pkts, 0), 0);
	assert_int_equal(txq->rings.cmd.nb_inflight, 0);
	assert_int_equal(prt_mempool_in_use_count(mp), base);
}

static void tx_bad_completions(void **state)
{
	struct prt_mbuf *pkts[2], *seg;
	unsigned int base = prt_mempool_in_use_count(mp);
	uint16_t first = txq->rings.cmd.next2fill;

	(void)state;
	pkts[0] = tx_mbuf(100, PRT_PKTMBUF_HEADROOM, 20);
	seg = tx_mbuf(100, PRT_PKTMBUF_HEADROOM, 21);
	assert_int_equal(prt_pktmbuf_chain(pkts[0], seg), 0);
	pkts[1] = tx_mbuf(100, PRT_PKTMBUF_HEADROOM, 22);
	assert_int_equal(vmxnet3_xmit_pkts(txq, pkts, 2), 2);
	/* Before the device sends anything: a packet's first descriptor (not its EOP),
	 * a descriptor not in flight, one past the ring. */
	sim_tx_comp_raw(&sim, first);
	sim_tx_comp_raw(&sim, (uint16_t)((first + 10) % NB_DESC));
	sim_tx_comp_raw(&sim, 4095);
	assert_int_equal(vmxnet3_xmit_pkts(txq, pkts, 0), 0);
	assert_int_equal(txq->rings.stats.bad_index, 3);
	/* Nothing was freed while the device still holds it. */
	assert_int_equal(txq->rings.cmd.nb_inflight, 3);
	assert_int_equal(prt_mempool_in_use_count(mp), base + 3);
	/* The device sends them; its completions free all of them, once. */
	sim.tx_comp.next = txq->rings.comp.next2proc;
	sim.tx_comp.gen = txq->rings.comp.gen;
	sim_tx_process(&sim);
	assert_int_equal(vmxnet3_xmit_pkts(txq, pkts, 0), 0);
	assert_int_equal(txq->rings.cmd.nb_inflight, 0);
	assert_int_equal(prt_mempool_in_use_count(mp), base);
	/* A completion replayed: no packet in flight to free. */
	sim_tx_comp_raw(&sim, (uint16_t)((first + 2) % NB_DESC));
	assert_int_equal(vmxnet3_xmit_pkts(txq, pkts, 0), 0);
	assert_int_equal(txq->rings.stats.bad_index, 4);
	assert_int_equal(prt_mempool_in_use_count(mp), base);
}

static void tx_threshold(void **state)
{
	struct prt_mbuf *m;
	uint64_t doorbells = txq->rings.stats.doorbells;

	(void)state;
	/* The device asks for a TXPROD write once 4 packets wait. */
	tx_qdesc.ctrl.txThreshold = htole32(4);
	for (int i = 1; i <= 4; i++) {
		m = tx_mbuf(64, PRT_PKTMBUF_HEADROOM, 30);
		assert_int_equal(vmxnet3_xmit_pkts(txq, &m, 1), 1);
		assert_int_equal(txq->rings.stats.doorbells, doorbells + (i == 4));
		assert_int_equal(le32toh(tx_qdesc.ctrl.txNumDeferred), i == 4 ? 0 : i);
	}
	assert_int_equal(prod[2], txq->rings.cmd.next2fill);
	tx_qdesc.ctrl.txThreshold = 0;
	sim_tx_process(&sim);
	assert_int_equal(vmxnet3_xmit_pkts(txq, &m, 0), 0);
	assert_int_equal(txq->rings.cmd.nb_inflight, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rx_frames_and_chains),	  cmocka_unit_test(rx_bad_index),
		cmocka_unit_test(rx_bad_length),	  cmocka_unit_test(rx_bad_queue),
		cmocka_unit_test(rx_replayed_completion), cmocka_unit_test(rx_frame_protocol),
		cmocka_unit_test(rx_never_eop),		  cmocka_unit_test(tx_frames),
		cmocka_unit_test(tx_bad_completions),	  cmocka_unit_test(tx_threshold),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
