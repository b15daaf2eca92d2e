/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The 82574/82576 descriptor rings (pmd/intel_common/e1000_ring.h) against a
 * simulated device: refill and the one-behind tail, one tail write per
 * batch, wrap-around, frames split over descriptors, RS every N and
 * reclaim by DD, and a device that writes back nonsense.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prt_test.h"

#include "e1000_ring.h"
#include "e1000_sim.h"

#define NB_DESC 64
#define BUF_LEN 2048
#define NB_BUFS 256

/* A pool of buffers standing in for mbufs: the cookie is the buffer. */
struct fixture {
	struct e1000_sim sim;
	struct e1000_rx_ring rx;
	struct e1000_tx_ring tx;
	void *rx_cookie[NB_DESC];
	void *tx_cookie[NB_DESC];
	uint16_t rs_fifo[NB_DESC];
	uint8_t *bufs[NB_BUFS];
	unsigned int nb_free_bufs;
	unsigned int released;
	/* frames the device sent */
	uint8_t sent[64][4096];
	uint32_t sent_len[64];
	unsigned int nb_sent;
};

static struct fixture *fx;

static void *buf_get(void)
{
	assert_true(fx->nb_free_bufs > 0);
	return fx->bufs[--fx->nb_free_bufs];
}

static void buf_put(void *b)
{
	assert_true(fx->nb_free_bufs < NB_BUFS);
	fx->bufs[fx->nb_free_bufs++] = b;
	fx->released++;
}

static prt_iova_t iova_of(void *b)
{
	return (prt_iova_t)(uintptr_t)b;
}

static void tx_out(const uint8_t *frame, uint32_t len, void *arg)
{
	struct fixture *f = arg;

	assert_true(f->nb_sent < 64 && len <= sizeof(f->sent[0]));
	memcpy(f->sent[f->nb_sent], frame, len);
	f->sent_len[f->nb_sent++] = len;
}

static int setup(void **state)
{
	void *rxd, *txd;

	(void)state;
	fx = calloc(1, sizeof(*fx));
	rxd = aligned_alloc(E1000_RING_ALIGN, NB_DESC * sizeof(union e1000_rx_desc));
	txd = aligned_alloc(E1000_RING_ALIGN, NB_DESC * sizeof(struct e1000_tx_desc));
	assert_non_null(fx);
	assert_non_null(rxd);
	assert_non_null(txd);
	for (unsigned int i = 0; i < NB_BUFS; i++) {
		fx->bufs[i] = malloc(BUF_LEN);
		assert_non_null(fx->bufs[i]);
	}
	fx->nb_free_bufs = NB_BUFS;
	fx->sim.rx_desc = rxd;
	fx->sim.rx_nb = NB_DESC;
	fx->sim.rx_buf_len = BUF_LEN;
	fx->sim.tx_desc = txd;
	fx->sim.tx_nb = NB_DESC;
	fx->sim.tx_out = tx_out;
	fx->sim.tx_arg = fx;
	e1000_rx_ring_init(&fx->rx, rxd, NB_DESC, fx->rx_cookie, &fx->sim.bar[SIM_RDH],
			   &fx->sim.bar[SIM_RDT], BUF_LEN, 32);
	for (uint16_t i = 0; i < NB_DESC; i++) {
		void *b = buf_get();

		e1000_rx_ring_set(&fx->rx, i, b, iova_of(b));
	}
	e1000_rx_ring_start(&fx->rx);
	e1000_tx_ring_init(&fx->tx, txd, NB_DESC, fx->tx_cookie, fx->rs_fifo, &fx->sim.bar[SIM_TDH],
			   &fx->sim.bar[SIM_TDT], E1000_TXD_CMD_IFCS, 0, 8);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	e1000_rx_ring_drain(&fx->rx, buf_put);
	e1000_tx_ring_drain(&fx->tx, buf_put);
	assert_int_equal(fx->nb_free_bufs, NB_BUFS); /* nothing leaked */
	for (unsigned int i = 0; i < NB_BUFS; i++)
		free(fx->bufs[i]);
	free((void *)fx->rx.desc);
	free((void *)fx->tx.desc);
	free(fx);
	return 0;
}

/* Frame i: a recognisable pattern of @p len bytes. */
static void make_frame(uint8_t *f, uint32_t len, uint32_t i)
{
	for (uint32_t k = 0; k < len; k++)
		f[k] = (uint8_t)(i * 7 + k);
}

/* Software side: takes every written-back descriptor, checks its frame, refills, flushes. */
static unsigned int poll_rx(uint32_t first_id, uint32_t len)
{
	struct e1000_rx_done done = { 0 };
	uint8_t expect[BUF_LEN];
	unsigned int n = 0;

	while (e1000_rx_ring_next(&fx->rx, &done)) {
		void *b = buf_get();

		assert_true(done.status_error & E1000_RXD_STAT_EOP);
		assert_int_equal(done.len, len);
		make_frame(expect, len, first_id + n);
		assert_memory_equal(done.cookie, expect, len);
		buf_put(done.cookie);
		e1000_rx_ring_refill(&fx->rx, b, iova_of(b));
		n++;
	}
	e1000_rx_ring_flush(&fx->rx);
	return n;
}

static void test_rx_start_one_behind(void **state)
{
	(void)state;
	assert_int_equal(fx->sim.bar[SIM_RDH], 0);
	assert_int_equal(fx->sim.bar[SIM_RDT], NB_DESC - 1);
	assert_int_equal(fx->rx.stats.doorbells, 1);
}

static void test_rx_batched_tail(void **state)
{
	uint8_t f[BUF_LEN];

	(void)state;
	for (uint32_t i = 0; i < 10; i++) {
		make_frame(f, 100, i);
		assert_int_equal(sim_rx_frame(&fx->sim, f, 100, 0), 0);
	}
	assert_int_equal(poll_rx(0, 100), 10);
	/* 10 refilled descriptors are under the threshold (32): no tail write yet. */
	assert_int_equal(fx->sim.bar[SIM_RDT], NB_DESC - 1);
	assert_int_equal(fx->rx.stats.doorbells, 1);
	for (uint32_t i = 10; i < 40; i++) {
		make_frame(f, 100, i);
		assert_int_equal(sim_rx_frame(&fx->sim, f, 100, 0), 0);
	}
	assert_int_equal(poll_rx(10, 100), 30);
	/* 40 held: one write, RDT one behind the next descriptor to read (40). */
	assert_int_equal(fx->rx.stats.doorbells, 2);
	assert_int_equal(fx->sim.bar[SIM_RDT], 39);
	assert_int_equal(fx->rx.next, 40);
}

static void test_rx_ring_full_and_wrap(void **state)
{
	uint8_t f[BUF_LEN];
	uint32_t id = 0, got = 0;

	(void)state;
	/* With nobody polling, the device takes nb_desc - 1 frames, then refuses. */
	for (uint32_t i = 0; i < NB_DESC; i++) {
		make_frame(f, 60, id);
		if (sim_rx_frame(&fx->sim, f, 60, 0) == 0)
			id++;
	}
	assert_int_equal(id, NB_DESC - 1);
	assert_int_equal(fx->sim.rx_missed, 1);
	assert_int_equal(fx->sim.bar[SIM_RDH], fx->sim.bar[SIM_RDT]);
	got += poll_rx(got, 60);
	assert_int_equal(got, NB_DESC - 1);
	/* A thousand frames through the ring, 20 at a time: nothing lost, order kept. */
	while (id < 1000) {
		for (int k = 0; k < 20 && id < 1000; k++, id++) {
			make_frame(f, 60, id);
			assert_int_equal(sim_rx_frame(&fx->sim, f, 60, 0), 0);
		}
		got += poll_rx(got, 60);
		/* The tail never reaches the descriptor software reads next. */
		assert_int_not_equal(fx->sim.bar[SIM_RDT], fx->rx.next);
	}
	assert_int_equal(got, 1000);
	assert_int_equal(fx->sim.rx_missed, 1);
}

static void test_rx_jumbo_split(void **state)
{
	static uint8_t f[5000];
	struct e1000_rx_done done = { 0 };
	uint32_t total = 0;
	int segs = 0;

	(void)state;
	make_frame(f, sizeof(f), 3);
	assert_int_equal(sim_rx_frame(&fx->sim, f, sizeof(f), 0), 0);
	while (e1000_rx_ring_next(&fx->rx, &done)) {
		void *b = buf_get();
		bool eop = done.status_error & E1000_RXD_STAT_EOP;

		assert_int_equal(done.len, eop ? 5000 - 2 * BUF_LEN : BUF_LEN);
		assert_memory_equal(done.cookie, f + total, done.len);
		total += done.len;
		segs++;
		buf_put(done.cookie);
		e1000_rx_ring_refill(&fx->rx, b, iova_of(b));
		assert_int_equal(eop, segs == 3);
	}
	assert_int_equal(segs, 3);
	assert_int_equal(total, 5000);
}

static void test_rx_bad_writeback(void **state)
{
	struct e1000_rx_done done = { 0 };

	(void)state;
	/* A length beyond the buffer: reported as bad, counted, buffer still returned. */
	sim_rx_writeback_raw(&fx->sim, BUF_LEN + 1, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
	assert_true(e1000_rx_ring_next(&fx->rx, &done));
	assert_int_equal(done.len, E1000_RX_LEN_BAD);
	assert_ptr_equal(done.cookie, fx->rx_cookie[0]);
	assert_int_equal(fx->rx.stats.bad_len, 1);
	e1000_rx_ring_refill(&fx->rx, done.cookie, iova_of(done.cookie));
	/* Error bits: the frame is flagged and counted. */
	sim_rx_writeback_raw(&fx->sim, 64,
			     E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP | E1000_RXD_ERR_CE);
	assert_true(e1000_rx_ring_next(&fx->rx, &done));
	assert_true(done.status_error & E1000_RXD_ERR_FRAME);
	assert_int_equal(fx->rx.stats.frame_errors, 1);
	e1000_rx_ring_refill(&fx->rx, done.cookie, iova_of(done.cookie));
	/* Nothing else was written back. */
	assert_false(e1000_rx_ring_next(&fx->rx, &done));
}

static void test_head_past_ring(void **state)
{
	(void)state;
	fx->sim.bar[SIM_RDH] = 5;
	assert_int_equal(e1000_ring_head_check(&fx->sim.bar[SIM_RDH], NB_DESC, &fx->rx.stats), 5);
	fx->sim.bar[SIM_RDH] = NB_DESC;
	assert_int_equal(e1000_ring_head_check(&fx->sim.bar[SIM_RDH], NB_DESC, &fx->rx.stats),
			 -EIO);
	fx->sim.bar[SIM_RDH] = UINT32_MAX; /* the device fell off the bus */
	assert_int_equal(e1000_ring_head_check(&fx->sim.bar[SIM_RDH], NB_DESC, &fx->rx.stats),
			 -EIO);
	assert_int_equal(fx->rx.stats.bad_head, 2);
	fx->sim.bar[SIM_RDH] = 0;
}

/* Sends @p n packets of @p segs segments of @p seg_len bytes; returns packets queued. */
static unsigned int send(unsigned int n, unsigned int segs, uint16_t seg_len, uint32_t id0)
{
	unsigned int sent = 0;

	for (; sent < n; sent++) {
		if (fx->tx.nb_free < segs)
			break;
		for (unsigned int s = 0; s < segs; s++) {
			uint8_t *b = buf_get();

			/* Packet id0+sent: segment s holds bytes [s*seg_len, (s+1)*seg_len). */
			for (uint16_t k = 0; k < seg_len; k++)
				b[k] = (uint8_t)((id0 + sent) * 7 + s * seg_len + k);
			e1000_tx_ring_put(&fx->tx, iova_of(b), seg_len, b, s == segs - 1,
					  segs * seg_len);
		}
	}
	if (sent > 0)
		e1000_tx_ring_kick(&fx->tx);
	return sent;
}

static unsigned int reclaim(void)
{
	void *done[NB_DESC];
	uint16_t n = e1000_tx_ring_reclaim(&fx->tx, done, NB_DESC);

	for (uint16_t i = 0; i < n; i++)
		buf_put(done[i]);
	return n;
}

static void test_tx_rs_every_n(void **state)
{
	(void)state;
	assert_int_equal(fx->tx.nb_free, NB_DESC - 1);
	assert_int_equal(send(20, 1, 64, 0), 20);
	/* One tail write for the burst. */
	assert_int_equal(fx->tx.stats.doorbells, 1);
	assert_int_equal(fx->sim.bar[SIM_TDT], 20);
	/* RS on every 8th descriptor: 7 and 15. */
	for (int i = 0; i < 20; i++)
		assert_int_equal(!!(le32toh(fx->tx.desc[i].lower) & E1000_TXD_CMD_RS),
				 i == 7 || i == 15);
	assert_int_equal(reclaim(), 0); /* the device has not sent anything */
	sim_tx_process(&fx->sim);
	assert_int_equal(fx->nb_sent, 20);
	for (unsigned int i = 0; i < 20; i++) {
		uint8_t expect[64];

		make_frame(expect, 64, i);
		assert_int_equal(fx->sent_len[i], 64);
		assert_memory_equal(fx->sent[i], expect, 64);
	}
	/* Reclaim stops at the last RS descriptor: 16 back, 4 wait for the next RS. */
	assert_int_equal(reclaim(), 16);
	assert_int_equal(fx->tx.nb_free, NB_DESC - 1 - 4);
}

static void test_tx_multiseg_and_full(void **state)
{
	unsigned int queued;

	(void)state;
	/* 3-segment packets: RS only ever on a packet's last descriptor. */
	queued = send(100, 3, 100, 0);
	assert_int_equal(queued, (NB_DESC - 1) / 3); /* 21 packets fill 63 descriptors */
	assert_int_equal(fx->tx.nb_free, 0);
	assert_int_equal(send(1, 3, 100, 0), 0); /* full: nothing queued, no doorbell */
	assert_int_equal(fx->tx.stats.doorbells, 1);
	for (int i = 0; i < 63; i++)
		if (le32toh(fx->tx.desc[i].lower) & E1000_TXD_CMD_RS)
			assert_int_equal(i % 3, 2);
	sim_tx_process(&fx->sim);
	assert_int_equal(fx->nb_sent, queued);
	assert_int_equal(fx->sent_len[5], 300);
	for (unsigned int k = 0; k < 300; k++)
		assert_int_equal(fx->sent[5][k], (uint8_t)(5 * 7 + k));
	/* RS came every 3 packets (9 descriptors): all 63 reclaimed. */
	assert_int_equal(reclaim(), 63);
	assert_int_equal(fx->tx.nb_free, NB_DESC - 1);
	/* Wrap around: the next burst starts at 63 and continues at 0. */
	fx->nb_sent = 0;
	assert_int_equal(send(4, 3, 100, 50), 4);
	assert_int_equal(fx->sim.bar[SIM_TDT], (63 + 12) % NB_DESC);
	sim_tx_process(&fx->sim);
	assert_int_equal(fx->nb_sent, 4);
	assert_int_equal(fx->sent[3][0], (uint8_t)(53 * 7));
}

static void test_tx_paylen(void **state)
{
	uint8_t *b;

	(void)state;
	/* 82576 advanced data descriptors carry PAYLEN (the whole packet) in bits 31:14. */
	fx->tx.paylen_shift = 14;
	b = buf_get();
	e1000_tx_ring_put(&fx->tx, iova_of(b), 60, b, true, 60);
	assert_int_equal(le32toh(fx->tx.desc[0].upper), 60u << 14);
	assert_int_equal(le32toh(fx->tx.desc[0].lower),
			 E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rx_start_one_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_batched_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_ring_full_and_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_jumbo_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_bad_writeback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head_past_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_rs_every_n, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_multiseg_and_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_paylen, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
