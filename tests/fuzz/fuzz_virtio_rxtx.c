/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: virtio-net's rx and tx bursts (pmd/virtio/
 * virtio_rxtx.c) over a device simulated with tests/virtio/vq_sim.c that
 * writes what the input says: frames whose header (num_buffers, flags)
 * and used lengths are anything, one buffer or mergeable chains of them,
 * on split or packed rings with the features byte 0 picks (event index,
 * in order, indirect tables, MRG_RXBUF, checksums); and bytes scribbled
 * anywhere in either ring. Tx frames of any shape (up to 70 segments,
 * shared, without headroom) go the other way.
 *
 * Besides ASan/UBSan, it checks: every received frame is a chain as its
 * nb_segs and pkt_len say, each segment inside its buffer; every tx
 * buffer the device pops starts with a header; and when the queues are
 * freed every mbuf is back in its pool. Once the rings were scribbled on,
 * the simulated device stops writing into or reading from the buffers
 * their descriptors point to (those addresses are the input's now).
 */
#include "fuzz_common.h"

#include "ethdev_driver.h"
#include "prt_mbuf.h"
#include "virtio_hw.h"
#include "virtio_net.h"
#include "virtio_rxtx.h"
#include "vq_sim.h"

#define BUF_LEN 512
#define BURST 32

static struct prt_mempool *mp;
static struct prt_eth_dev *port;

static void notify(struct virtqueue *vq)
{
	(void)vq;
}

static const struct virtio_ops fuzz_ops = { .name = "fuzz", .notify = notify };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_eal_init();
	mp = prt_pktmbuf_pool_create("fuzz_virtio", 2048, 0, 0, BUF_LEN + PRT_PKTMBUF_HEADROOM,
				     PRT_SOCKET_ID_ANY);
	port = prt_eth_dev_allocate("net_fuzz0", 0);
	fuzz_check(mp != NULL && port != NULL);
	return 0;
}

/* The simulated device and whether it may still follow descriptor addresses. */
struct dev {
	struct vq_sim rx, tx;
	bool rx_trusted, tx_trusted;
};

static void op_rx_burst(struct virtnet_rx *rxq, bool mrg, struct fuzz_input *in)
{
	struct prt_mbuf *pkts[BURST];
	uint16_t want = (uint16_t)(fuzz_u8(in) % BURST + 1);
	uint16_t n = mrg ? virtio_recv_mergeable_pkts(rxq, pkts, want) :
			   virtio_recv_pkts(rxq, pkts, want);

	fuzz_check(n <= want);
	for (uint16_t i = 0; i < n; i++) {
		fuzz_check_chain(pkts[i]);
		prt_pktmbuf_free(pkts[i]);
	}
}

/*
 * The device fills up to 8 rx buffers: a header of the input's (its
 * num_buffers too) and frame bytes, then a used entry of any length.
 */
static void op_device_rx(struct dev *d, struct fuzz_input *in)
{
	uint8_t n = fuzz_u8(in) % 8 + 1;

	for (uint8_t i = 0; i < n; i++) {
		struct vq_sim_buf buf;
		uint32_t len = fuzz_u16(in);

		if (vq_sim_pop(&d->rx, &buf) != 1)
			break;
		if (d->rx_trusted && buf.nsegs > 0) {
			uint8_t head[VIRTIO_NET_HDR_LEN + 16];

			fuzz_bytes(in, head, sizeof(head));
			memcpy((void *)(uintptr_t)buf.segs[0].addr, head,
			       PRT_MIN(sizeof(head), (size_t)buf.segs[0].len));
		}
		vq_sim_push(&d->rx, &buf, len % (BUF_LEN + PRT_PKTMBUF_HEADROOM + 64));
	}
	vq_sim_publish(&d->rx);
}

/* The device sends up to 8 tx buffers: each starts with a header. */
static void op_device_tx(struct dev *d, struct fuzz_input *in)
{
	uint8_t n = fuzz_u8(in) % 8 + 1;

	for (uint8_t i = 0; i < n; i++) {
		struct vq_sim_buf buf;
		uint64_t total = 0;

		if (vq_sim_pop(&d->tx, &buf) != 1)
			break;
		if (d->tx_trusted) {
			fuzz_check(buf.nsegs >= 1 && buf.nsegs <= VIRTIO_TX_MAX_SEGS + 1);
			fuzz_check(buf.segs[0].len >= VIRTIO_NET_HDR_LEN);
			for (uint16_t s = 0; s < buf.nsegs; s++) {
				fuzz_check(!(buf.segs[s].flags & VQ_SEG_WRITE));
				total += buf.segs[s].len;
			}
			fuzz_check(total >= VIRTIO_NET_HDR_LEN);
		}
		vq_sim_push(&d->tx, &buf, 0);
	}
	vq_sim_publish(&d->tx);
}

/* The device writes 1-8 bytes of the input anywhere in a ring. */
static void op_scribble(struct virtqueue *vq, bool *trusted, struct fuzz_input *in)
{
	size_t off = fuzz_u16(in) % vq->ring_len;
	uint8_t n = fuzz_u8(in) % 8 + 1;

	for (uint8_t i = 0; i < n && off + i < vq->ring_len; i++)
		((uint8_t *)vq->ring_va)[off + i] = fuzz_u8(in);
	*trusted = false;
}

/* A tx frame: up to 70 segments of any length, shared or without headroom on request. */
static struct prt_mbuf *tx_frame(struct fuzz_input *in)
{
	uint8_t b = fuzz_u8(in), nsegs = b & 0x80 ? (uint8_t)(b % 70 + 1) : 1;
	struct prt_mbuf *head = NULL;

	for (uint8_t i = 0; i < nsegs; i++) {
		struct prt_mbuf *m = fuzz_tx_segment(in, mp, BUF_LEN);

		if (m == NULL)
			break;
		m->ol_flags = (fuzz_u8(in) & 3) * PRT_MBUF_F_TX_TCP_CKSUM; /* any TX_L4 value */
		m->l2_len = 14;
		m->l3_len = 20;
		if (head == NULL)
			head = m;
		else
			fuzz_check(prt_pktmbuf_chain(head, m) == 0);
	}
	/* Shared (each segment, as a clone would): the header cannot go into it. */
	for (struct prt_mbuf *s = head; s != NULL && (b & 0x40); s = s->next)
		prt_mbuf_refcnt_update(s, 1);
	return head;
}

static void op_tx_burst(struct virtnet_tx *txq, struct fuzz_input *in)
{
	struct prt_mbuf *pkts[8], *shared[8];
	uint16_t n = 0, nshared = 0, taken;

	for (uint8_t k = fuzz_u8(in) % 8 + 1; n < k; n++) {
		pkts[n] = tx_frame(in);
		if (pkts[n] == NULL)
			break;
		if (prt_mbuf_refcnt_read(pkts[n]) > 1)
			shared[nshared++] = pkts[n];
	}
	taken = virtio_xmit_pkts(txq, pkts, n);
	fuzz_check(taken <= n);
	prt_pktmbuf_free_bulk(pkts + taken, n - taken);
	/* Our reference to the shared ones. */
	prt_pktmbuf_free_bulk(shared, nshared);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t f = fuzz_u8(&in);
	uint16_t qsize = (uint16_t)(8u << (fuzz_u8(&in) % 6)); /* 8-256 */
	struct virtio_hw hw = {
		.ops = &fuzz_ops,
		.eth = port,
		.socket_id = PRT_SOCKET_ID_ANY,
		.use_va = true,
		.features = (f & 1 ? 1ull << VIRTIO_F_RING_PACKED : 0) |
			    (f & 2 ? 1ull << VIRTIO_F_RING_EVENT_IDX : 0) |
			    (f & 4 ? 1ull << VIRTIO_F_IN_ORDER : 0) |
			    (f & 8 ? 1ull << VIRTIO_F_INDIRECT_DESC : 0) |
			    (f & 16 ? 1ull << VIRTIO_NET_F_MRG_RXBUF : 0) |
			    (f & 32 ? 1ull << VIRTIO_NET_F_GUEST_CSUM : 0) |
			    (f & 64 ? 1ull << VIRTIO_NET_F_CSUM : 0),
	};
	bool mrg = f & 16;
	struct virtnet_rx *rxq = virtio_rx_queue_create(&hw, 0, qsize, mp);
	struct virtnet_tx *txq = virtio_tx_queue_create(&hw, 0, qsize);
	struct dev d = { .rx_trusted = true, .tx_trusted = true };

	fuzz_check(rxq != NULL && txq != NULL);
	virtio_rx_queue_fill(rxq);
	vq_sim_init(&d.rx, rxq->vq);
	vq_sim_init(&d.tx, txq->vq);
	/* Indirect tables are in the tx regions, after the ring. */
	vq_sim_allow_tables(&d.tx, txq->regions, sizeof(*txq->regions) * qsize);
	while (in.left > 0) {
		switch (fuzz_u8(&in) % 7) {
		case 0:
			op_device_rx(&d, &in);
			break;
		case 1:
			op_rx_burst(rxq, mrg, &in);
			break;
		case 2:
			op_tx_burst(txq, &in);
			break;
		case 3:
			op_device_tx(&d, &in);
			break;
		case 4:
			op_scribble(rxq->vq, &d.rx_trusted, &in);
			break;
		case 5:
			op_scribble(txq->vq, &d.tx_trusted, &in);
			break;
		case 6:
			if (fuzz_u8(&in) == 0xa5) { /* rarely: a device reset */
				virtio_rx_queue_reset(rxq);
				virtio_tx_queue_reset(txq);
				virtio_rx_queue_fill(rxq);
				vq_sim_init(&d.rx, rxq->vq);
				vq_sim_init(&d.tx, txq->vq);
				vq_sim_allow_tables(&d.tx, txq->regions,
						    sizeof(*txq->regions) * qsize);
				d.rx_trusted = d.tx_trusted = true;
			}
			break;
		}
	}
	virtio_rx_queue_free(rxq);
	virtio_tx_queue_free(txq);
	fuzz_check(prt_mempool_in_use_count(mp) == 0);
	return 0;
}
