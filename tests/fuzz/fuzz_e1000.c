/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the 82574/82576 rx and tx bursts (pmd/intel_common/
 * e1000_rxtx.c over e1000_ring.h) against the simulated DMA engine of
 * tests/intel/e1000_sim.c, which here writes back what the input says:
 * well-formed frames spread over descriptors, and raw write-backs with any
 * length and status/error bits (EOP late or never, DD with errors, lengths
 * beyond the buffer), and on the tx ring DD set on any descriptor, done or
 * not. The driver's bursts, with frames of any shape, run between them.
 *
 * Besides ASan/UBSan, it checks what the queues promise: every received
 * frame is a well-formed chain (nb_segs segments whose data_len add up to
 * pkt_len, each within its buffer) no longer than the port's largest
 * frame, and once both queues are drained every mbuf is back in its pool.
 * Input format: byte 0 the ring size, bytes 1-2 the largest frame, then
 * operations (fuzz_common.h).
 */
#include "fuzz_common.h"

#include "e1000_rxtx.h"
#include "e1000_sim.h"
#include "prt_ether.h"
#include "prt_mbuf.h"

#define MAX_DESC 64
#define BUF_LEN 512
#define BURST 32

static struct prt_mempool *mp;
static _Atomic uint64_t nombuf;
static uint64_t tx_frames; /* frames the simulated device sent */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_eal_init();
	mp = prt_pktmbuf_pool_create("fuzz_e1000", 1024, 0, 0, BUF_LEN + PRT_PKTMBUF_HEADROOM,
				     PRT_SOCKET_ID_ANY);
	fuzz_check(mp != NULL);
	return 0;
}

static void tx_out(const uint8_t *frame, uint32_t len, void *arg)
{
	(void)frame;
	(void)arg;
	fuzz_check(len <= sizeof(((struct e1000_sim *)0)->tx_frame));
	tx_frames++;
}

/* A received frame is a chain as nb_segs and pkt_len describe it, within the port's limit. */
static void check_rx_frame(const struct e1000_rx_queue *q, const struct prt_mbuf *m)
{
	uint32_t len = 0;
	uint16_t segs = 0;

	for (const struct prt_mbuf *s = m; s != NULL; s = s->next) {
		fuzz_check(s->data_len <= BUF_LEN);
		len += s->data_len;
		segs++;
	}
	fuzz_check(segs == m->nb_segs && len == m->pkt_len);
	fuzz_check(m->pkt_len <= q->max_rx_pktlen);
}

static void op_rx_burst(struct e1000_rx_queue *q, struct fuzz_input *in)
{
	struct prt_mbuf *pkts[BURST];
	uint16_t n = e1000_recv_pkts(q, pkts, (uint16_t)(fuzz_u8(in) % BURST + 1));

	for (uint16_t i = 0; i < n; i++) {
		check_rx_frame(q, pkts[i]);
		prt_pktmbuf_free(pkts[i]);
	}
}

/* The device receives a frame of the input's bytes: any length, error bits on request. */
static void op_rx_frame(struct e1000_sim *sim, struct fuzz_input *in)
{
	static uint8_t frame[MAX_DESC * BUF_LEN];
	uint32_t len = fuzz_u16(in) % sizeof(frame);
	uint8_t b = fuzz_u8(in);

	fuzz_bytes(in, frame, PRT_MIN(len, (uint32_t)64));
	sim_rx_frame(sim, frame, len, b & 1 ? E1000_RXD_ERR_CE : 0);
}

/*
 * The device writes back the descriptor at RDH with any length and status:
 * one it owns (RDH != RDT), as the simulated device writes frames into
 * the buffers of the descriptors it owns, whose addresses a write-back
 * overwrites.
 */
static void op_rx_writeback(struct e1000_sim *sim, struct fuzz_input *in)
{
	uint16_t len = fuzz_u16(in);
	uint32_t status_error = fuzz_u32(in);

	if (sim->bar[SIM_RDH] != sim->bar[SIM_RDT])
		sim_rx_writeback_raw(sim, len, status_error);
}

/* A frame of up to 40 segments of any length the mbufs hold, on the tx queue. */
static struct prt_mbuf *tx_frame(struct fuzz_input *in)
{
	uint8_t nsegs = (uint8_t)(fuzz_u8(in) % 40 + 1);
	struct prt_mbuf *head = NULL;

	for (uint8_t i = 0; i < nsegs; i++) {
		struct prt_mbuf *m = fuzz_tx_segment(in, mp, BUF_LEN);

		if (m == NULL)
			break;
		if (head == NULL)
			head = m;
		else
			fuzz_check(prt_pktmbuf_chain(head, m) == 0);
	}
	return head;
}

static void op_tx_burst(struct e1000_tx_queue *q, struct fuzz_input *in)
{
	struct prt_mbuf *pkts[8];
	uint16_t n = 0, taken;

	for (uint8_t k = fuzz_u8(in) % 8 + 1; n < k; n++) {
		pkts[n] = tx_frame(in);
		if (pkts[n] == NULL)
			break;
	}
	taken = e1000_xmit_pkts(q, pkts, n);
	fuzz_check(taken <= n);
	prt_pktmbuf_free_bulk(pkts + taken, n - taken);
}

/* The device sets DD (or any status bits) on a transmit descriptor, sent or not. */
static void op_tx_writeback(struct e1000_sim *sim, struct fuzz_input *in)
{
	volatile struct e1000_tx_desc *d = &sim->tx_desc[fuzz_u8(in) % sim->tx_nb];

	d->upper = htole32(fuzz_u32(in));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint16_t nb = (uint16_t)(E1000_RING_DESC_MULT << (fuzz_u8(&in) % 4)); /* 8-64 */
	struct e1000_rx_queue *rxq = calloc(1, sizeof(*rxq) + nb * sizeof(rxq->cookies[0]));
	struct e1000_tx_queue *txq =
		calloc(1, sizeof(*txq) + nb * (sizeof(txq->cookies[0]) + sizeof(uint16_t)));
	union e1000_rx_desc *rx_desc = aligned_alloc(E1000_RING_ALIGN, nb * sizeof(*rx_desc));
	struct e1000_tx_desc *tx_desc = aligned_alloc(E1000_RING_ALIGN, nb * sizeof(*tx_desc));
	struct e1000_sim sim = { .rx_desc = rx_desc,
				 .rx_nb = nb,
				 .rx_buf_len = BUF_LEN,
				 .tx_desc = tx_desc,
				 .tx_nb = nb,
				 .tx_out = tx_out };

	fuzz_check(rxq && txq && rx_desc && tx_desc);
	rxq->mp = mp;
	rxq->nombuf = &nombuf;
	rxq->max_rx_pktlen = PRT_MAX(fuzz_u16(&in), (uint16_t)PRT_ETHER_MIN_LEN);
	e1000_rx_ring_init(&rxq->ring, rx_desc, nb, rxq->cookies, &sim.bar[SIM_RDH],
			   &sim.bar[SIM_RDT], BUF_LEN, nb / 4);
	fuzz_check(e1000_rx_queue_fill(rxq) == 0);
	e1000_rx_ring_start(&rxq->ring);
	txq->rs_fifo = (uint16_t *)&txq->cookies[nb];
	txq->free_thresh = nb / 4;
	e1000_tx_ring_init(&txq->ring, tx_desc, nb, txq->cookies, txq->rs_fifo, &sim.bar[SIM_TDH],
			   &sim.bar[SIM_TDT], E1000_TXD_CMD_IFCS, 0, nb / 4);
	tx_frames = 0;
	while (in.left > 0) {
		switch (fuzz_u8(&in) % 7) {
		case 0:
			op_rx_frame(&sim, &in);
			break;
		case 1:
			op_rx_writeback(&sim, &in);
			break;
		case 2:
			op_rx_burst(rxq, &in);
			break;
		case 3:
			op_tx_burst(txq, &in);
			break;
		case 4:
			sim_tx_process(&sim);
			break;
		case 5:
			op_tx_writeback(&sim, &in);
			break;
		case 6:
			sim.rx_buf_len = fuzz_u8(&in) & 1 ? BUF_LEN : BUF_LEN / 4;
			break;
		}
	}
	fuzz_check(tx_frames <= txq->packets);
	e1000_rx_queue_drain(rxq);
	e1000_tx_queue_drain(txq);
	fuzz_check(prt_mempool_in_use_count(mp) == 0);
	free(rx_desc);
	free(tx_desc);
	free(rxq);
	free(txq);
	return 0;
}
