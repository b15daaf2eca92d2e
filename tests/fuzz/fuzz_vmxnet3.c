/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the vmxnet3 completion rings and bursts
 * (pmd/vmxnet3/vmxnet3_ring.h, vmxnet3_rxtx.c) against the simulated
 * device of tests/vmxnet3/vmxnet3_sim.c, which here does what the input
 * says: well-formed frames over the two rx rings, rx completions with any
 * words (any rxdIdx, rqID, SOP/EOP, length, err; the gen of the lap), old
 * completions replayed with the current gen, tx descriptors sent, tx
 * completions naming any descriptor. The driver's bursts, with frames of
 * any shape, run between them.
 *
 * Besides ASan/UBSan, it checks what the queues promise: every received
 * frame is a well-formed chain within its buffers and no longer than the
 * port's largest frame; a tx completion never frees more than is in
 * flight; once both queues are drained every mbuf is back in its pool.
 * Input format: byte 0 the ring size, bytes 1-2 the largest frame, byte 3
 * the txThreshold, then operations (fuzz_common.h).
 */
#include "fuzz_common.h"

#include "prt_ether.h"
#include "prt_mbuf.h"
#include "vmxnet3_rxtx.h"
#include "vmxnet3_sim.h"

#define BUF_LEN 512
#define BURST 32

static struct prt_mempool *mp;
static _Atomic uint64_t nombuf;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_eal_init();
	mp = prt_pktmbuf_pool_create("fuzz_vmxnet3", 2048, 0, 0, BUF_LEN + PRT_PKTMBUF_HEADROOM,
				     PRT_SOCKET_ID_ANY);
	fuzz_check(mp != NULL);
	return 0;
}

static void check_rx_frame(const struct vmxnet3_rx_queue *q, const struct prt_mbuf *m)
{
	uint32_t len = 0;
	uint16_t segs = 0;

	for (const struct prt_mbuf *s = m; s != NULL; s = s->next) {
		fuzz_check(s->data_len <= BUF_LEN && s->data_len > 0);
		len += s->data_len;
		segs++;
	}
	fuzz_check(segs == m->nb_segs && len == m->pkt_len);
	fuzz_check(m->pkt_len <= q->max_rx_pktlen);
}

static void op_rx_burst(struct vmxnet3_rx_queue *q, struct fuzz_input *in)
{
	struct prt_mbuf *pkts[BURST];
	uint16_t n = vmxnet3_recv_pkts(q, pkts, (uint16_t)(fuzz_u8(in) % BURST + 1));

	for (uint16_t i = 0; i < n; i++) {
		check_rx_frame(q, pkts[i]);
		prt_pktmbuf_free(pkts[i]);
	}
}

static void op_rx_frame(struct vmxnet3_sim *sim, struct fuzz_input *in)
{
	static uint8_t frame[16 * BUF_LEN];
	uint32_t len = fuzz_u16(in) % sizeof(frame) + 1;
	uint8_t b = fuzz_u8(in);

	fuzz_bytes(in, frame, PRT_MIN(len, (uint32_t)64));
	sim_rx_frame(sim, frame, len, b & 1);
}

/*
 * A completion with any words; the device took a descriptor for it when
 * the input says so (a completion may also name one it never took).
 */
static void op_rx_comp(struct vmxnet3_sim *sim, struct fuzz_input *in)
{
	uint32_t w0 = fuzz_u32(in), w2 = fuzz_u32(in);
	uint8_t how = fuzz_u8(in);

	if (how & 1) {
		int ring = how >> 1 & 1;

		/* Its index and queue are the next descriptor's; the flags and length the input's. */
		w0 = (w0 &
		      ~(VMXNET3_RCD_RXIDX_MASK | VMXNET3_RCD_RQID_MASK << VMXNET3_RCD_RQID_SHIFT)) |
		     sim->rx[ring].next | (uint32_t)sim->rqid[ring] << VMXNET3_RCD_RQID_SHIFT;
		if (how & 4)
			w2 = (w2 & ~VMXNET3_RCD_LEN_MASK) |
			     (w2 & VMXNET3_RCD_LEN_MASK) % (BUF_LEN + 1);
		sim_rx_skip(sim, ring);
	}
	sim_rx_comp_raw(sim, w0, w2);
}

static struct prt_mbuf *tx_frame(struct fuzz_input *in)
{
	uint8_t nsegs = (uint8_t)(fuzz_u8(in) % 20 + 1);
	struct prt_mbuf *head = NULL;

	for (uint8_t i = 0; i < nsegs; i++) {
		struct prt_mbuf *m = prt_pktmbuf_alloc(mp);
		uint16_t len = (uint16_t)(fuzz_u16(in) % (BUF_LEN + 1));

		if (m == NULL)
			break;
		m->data_off = (uint16_t)(fuzz_u8(in) % (PRT_PKTMBUF_HEADROOM + BUF_LEN - len + 1));
		m->data_len = len;
		m->pkt_len = len;
		if (head == NULL)
			head = m;
		else
			fuzz_check(prt_pktmbuf_chain(head, m) == 0);
	}
	return head;
}

static void op_tx_burst(struct vmxnet3_tx_queue *q, struct fuzz_input *in)
{
	struct prt_mbuf *pkts[8];
	uint16_t n = 0, taken;

	for (uint8_t k = fuzz_u8(in) % 8 + 1; n < k; n++) {
		pkts[n] = tx_frame(in);
		if (pkts[n] == NULL)
			break;
	}
	taken = vmxnet3_xmit_pkts(q, pkts, n);
	fuzz_check(taken <= n);
	fuzz_check(q->rings.cmd.nb_inflight <= q->rings.cmd.size);
	prt_pktmbuf_free_bulk(pkts + taken, n - taken);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint16_t nb = (uint16_t)(VMXNET3_RING_SIZE_ALIGN << (fuzz_u8(&in) % 3)); /* 32-128 */
	struct vmxnet3_rx_queue *rxq = calloc(1, sizeof(*rxq) + 2u * nb * sizeof(rxq->cookies[0]));
	struct vmxnet3_tx_queue *txq = calloc(1, sizeof(*txq) + nb * (sizeof(txq->cookies[0]) + 1));
	void *rx_rings = aligned_alloc(VMXNET3_RING_BA_ALIGN, VMXNET3_RXQ_RING_BYTES(nb, nb));
	void *tx_rings = aligned_alloc(VMXNET3_RING_BA_ALIGN, VMXNET3_TXQ_RING_BYTES(nb));
	struct Vmxnet3_RxQueueDesc rx_qdesc = { 0 };
	struct Vmxnet3_TxQueueDesc tx_qdesc = { 0 };
	volatile uint32_t prod[3];
	struct vmxnet3_sim sim = { 0 };

	fuzz_check(rxq && txq && rx_rings && tx_rings);
	rxq->mp = mp;
	rxq->nombuf = &nombuf;
	rxq->nb_desc = nb;
	rxq->nb_body = nb;
	rxq->qdesc = &rx_qdesc;
	rxq->max_rx_pktlen = PRT_MAX(fuzz_u16(&in), (uint16_t)PRT_ETHER_MIN_LEN);
	tx_qdesc.ctrl.txThreshold = htole32(fuzz_u8(&in) % 8);
	rx_qdesc.ctrl.updateRxProd = 1;
	vmxnet3_rx_queue_layout(rxq, rx_rings, nb, BUF_LEN, &prod[0], &prod[1], 0, 1);
	fuzz_check(vmxnet3_rx_queue_fill(rxq) == 0);
	txq->eop = (uint8_t *)&txq->cookies[nb];
	txq->qdesc = &tx_qdesc;
	vmxnet3_tx_queue_layout(txq, tx_rings, nb, &prod[2]);
	sim_attach(&sim, &rxq->rings, &txq->rings);
	while (in.left > 0) {
		switch (fuzz_u8(&in) % 7) {
		case 0:
			op_rx_frame(&sim, &in);
			break;
		case 1:
			op_rx_comp(&sim, &in);
			break;
		case 2:
			sim_rx_comp_replay(&sim,
					   (uint16_t)(fuzz_u8(&in) % rxq->rings.comp.size + 1));
			break;
		case 3:
			op_rx_burst(rxq, &in);
			break;
		case 4:
			op_tx_burst(txq, &in);
			break;
		case 5:
			sim_tx_process(&sim);
			break;
		case 6:
			sim_tx_comp_raw(&sim, fuzz_u16(&in) & VMXNET3_TCD_TXIDX_MASK);
			break;
		}
	}
	vmxnet3_rx_queue_drain(rxq);
	vmxnet3_tx_queue_drain(txq);
	fuzz_check(prt_mempool_in_use_count(mp) == 0);
	free(rxq);
	free(txq);
	free(rx_rings);
	free(tx_rings);
	return 0;
}
