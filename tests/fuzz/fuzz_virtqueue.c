/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the virtqueue core (pmd/virtio/virtqueue*.c) against a
 * device that writes arbitrary bytes anywhere in the shared ring, between
 * the driver's adds, used-ring reads, kicks and interrupt toggles, and a
 * well-behaved simulated device (tests/virtio/vq_sim.c) doing its part.
 *
 * Besides ASan/UBSan catching any access outside the ring, it checks the
 * core's promises: a cookie comes back only while in flight and only once,
 * a used length is within the buffer or VIRTQUEUE_LEN_BAD, and the free
 * descriptor count matches what is in flight. Input format: byte 0 picks
 * split/packed, event index, in-order use (VIRTIO_F_IN_ORDER, where the
 * simulated device also reports batches with one used entry) and indirect
 * tables (VIRTIO_F_INDIRECT_DESC: chains go through them, one descriptor
 * each), byte 1 the queue size; then operations.
 */
#include "fuzz_common.h"

#include "virtqueue.h"
#include "vq_sim.h"

#define MAX_QSIZE 64
#define BUF_LEN 128

static unsigned int kicks;
static void on_kick(struct virtqueue *vq)
{
	(void)vq;
	kicks++;
}

/* The driver's model: which buffers are in flight, with how many descriptors and writable bytes. */
struct model {
	bool inflight[MAX_QSIZE * 2];
	uint16_t ndescs[MAX_QSIZE * 2];
	uint32_t in_len[MAX_QSIZE * 2];
	unsigned int descs;
	uint8_t bufs[MAX_QSIZE * 2][BUF_LEN];
	_Alignas(16)
		uint8_t tables[MAX_QSIZE * 2][5 * VQ_INDIRECT_DESC_LEN]; /* indirect, per buffer */
};

static int free_slot(const struct model *m, unsigned int start)
{
	unsigned int i;

	for (i = 0; i < MAX_QSIZE * 2; i++)
		if (!m->inflight[(start + i) % (MAX_QSIZE * 2)])
			return (int)((start + i) % (MAX_QSIZE * 2));
	return -1;
}

static void take_back(struct model *m, void *cookie, uint32_t len)
{
	long k = (uint8_t(*)[BUF_LEN])cookie - m->bufs;

	fuzz_check(k >= 0 && k < MAX_QSIZE * 2 && m->inflight[k]);
	fuzz_check(len == VIRTQUEUE_LEN_BAD || len <= m->in_len[k]);
	m->inflight[k] = false;
	m->descs -= m->ndescs[k];
}

static void release(void *cookie, void *arg)
{
	take_back(arg, cookie, 0);
}

static void op_add(struct virtqueue *vq, struct model *m, struct fuzz_input *in)
{
	uint8_t b = fuzz_u8(in);
	uint16_t nsegs = (uint16_t)(b % 5 + 1), nwrite = (uint16_t)((b >> 3) % (nsegs + 1)), i;
	int k = free_slot(m, fuzz_u8(in));
	/* Through an indirect table (with VIRTIO_F_INDIRECT_DESC): one descriptor. */
	bool indirect = vq->indirect && (b & 0x80) && nsegs > 1;
	struct vq_seg segs[5];
	int rc;

	if (k < 0)
		return;
	for (i = 0; i < nsegs; i++)
		segs[i] = (struct vq_seg){ .addr = (uintptr_t)m->bufs[k],
					   .len = BUF_LEN / nsegs,
					   .flags = i >= nsegs - nwrite ? VQ_SEG_WRITE : 0 };
	if (nsegs == 1 && (b & 0x80)) {
		void *cookie = m->bufs[k];

		rc = virtqueue_add_bufs(vq, &cookie, segs, 1) == 1 ? 0 : -1;
	} else if (indirect) {
		rc = virtqueue_add_indirect(vq, m->bufs[k], segs, nsegs, m->tables[k],
					    (uintptr_t)m->tables[k]);
	} else {
		rc = virtqueue_add_chain(vq, m->bufs[k], segs, nsegs);
	}
	if (rc == 0) {
		m->inflight[k] = true;
		m->ndescs[k] = indirect ? 1 : nsegs;
		m->in_len[k] = nwrite * (BUF_LEN / nsegs);
		m->descs += m->ndescs[k];
	}
}

static void op_get_used(struct virtqueue *vq, struct model *m, struct fuzz_input *in)
{
	void *cookies[MAX_QSIZE];
	uint32_t lens[MAX_QSIZE];
	uint16_t n = virtqueue_get_used(vq, cookies, lens, (uint16_t)(fuzz_u8(in) % MAX_QSIZE)), i;

	for (i = 0; i < n; i++)
		take_back(m, cookies[i], lens[i]);
}

/* The device writes 1-8 arbitrary bytes anywhere in the ring memory. */
static void op_device_write(struct virtqueue *vq, struct fuzz_input *in)
{
	size_t off = ((size_t)fuzz_u8(in) << 8 | fuzz_u8(in)) % vq->ring_len;
	uint8_t n = (uint8_t)(fuzz_u8(in) % 8 + 1), i;

	for (i = 0; i < n && off + i < vq->ring_len; i++)
		((uint8_t *)vq->ring_va)[off + i] = fuzz_u8(in);
}

/* The simulated device uses up to a few buffers, correctly as far as it can
 * tell: one used entry each, or in order one for the whole batch. */
static void op_device_use(struct vq_sim *sim, bool in_order, struct fuzz_input *in)
{
	uint8_t b = fuzz_u8(in), n = b % 8, i;
	struct vq_sim_buf bufs[8];

	for (i = 0; i < n; i++) {
		if (vq_sim_pop(sim, &bufs[i]) != 1)
			break;
		if (!(in_order && (b & 0x80)))
			vq_sim_push(sim, &bufs[i], fuzz_u8(in));
	}
	if (in_order && (b & 0x80))
		vq_sim_push_batch(sim, bufs, i, fuzz_u8(in));
	vq_sim_publish(sim);
}

/* A broken queue is the expected outcome of most inputs: keep its log line quiet. */
FUZZ_INIT_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t mode = fuzz_u8(&in);
	uint16_t qsize = (uint16_t)(1u << (fuzz_u8(&in) % 7));
	unsigned int flags = (mode & 1 ? VQ_F_PACKED : 0) | (mode & 2 ? VQ_F_EVENT_IDX : 0) |
			     (mode & 4 ? VQ_F_IN_ORDER : 0) | (mode & 8 ? VQ_F_INDIRECT : 0);
	size_t ring_len = virtqueue_ring_size(qsize, flags);
	static struct model m;
	struct virtqueue *vq;
	struct vq_sim sim;
	void *ring;

	memset(&m, 0, sizeof(m));
	ring = aligned_alloc(4096, ring_len);
	fuzz_check(ring != NULL);
	vq = virtqueue_create(qsize, flags, ring, (uintptr_t)ring, 0, on_kick, NULL);
	fuzz_check(vq != NULL);
	vq_sim_init(&sim, vq);
	vq_sim_allow_tables(&sim, m.tables, sizeof(m.tables));
	while (in.left > 0) {
		switch (fuzz_u8(&in) % 8) {
		case 0:
		case 1:
			op_add(vq, &m, &in);
			break;
		case 2:
			op_get_used(vq, &m, &in);
			break;
		case 3:
			op_device_write(vq, &in);
			break;
		case 4:
			op_device_use(&sim, flags & VQ_F_IN_ORDER, &in);
			break;
		case 5:
			virtqueue_kick(vq);
			break;
		case 6:
			if (fuzz_u8(&in) & 1)
				virtqueue_intr_enable(vq);
			else
				virtqueue_intr_disable(vq);
			break;
		case 7:
			if (fuzz_u8(&in) == 0xa5) { /* rarely: reset the queue */
				virtqueue_detach(vq, release, &m);
				fuzz_check(m.descs == 0);
				vq_sim_init(&sim, vq);
				vq_sim_allow_tables(&sim, m.tables, sizeof(m.tables));
			}
			break;
		}
		fuzz_check(virtqueue_free_count(vq) + m.descs == qsize);
	}
	virtqueue_detach(vq, release, &m);
	fuzz_check(m.descs == 0);
	virtqueue_free(vq);
	free(ring);
	return 0;
}
