/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: net_pcap's reader (pmd/pcap/pcap_rxtx.c) on a capture
 * file of the input's bytes: libpcap's file header and records (caplen,
 * len, truncation, a file cut short) go through eth_pcap_rx_open_file() and
 * eth_pcap_rx_burst() as the driver reads them, from a memfd.
 *
 * Byte 0 of the input is the reader's set-up (the port's largest frame;
 * whether the test holds frames until the small pool runs dry, so a frame
 * waits for the next burst); the capture follows. Besides ASan/UBSan, it
 * checks that every frame delivered is a chain as its nb_segs and pkt_len
 * say, no longer than the largest frame nor shorter than an Ethernet
 * header; that the reader reaches the end of the file (never stalls);
 * that every record is counted once; and that every mbuf comes back.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"

#include "pcap_private.h"
#include "prt_ether.h"
#include "prt_mbuf.h"

#define BUF_LEN 512
#define NB_MBUFS 64
#define BURST 32

static struct prt_mempool *mp;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_eal_init();
	mp = prt_pktmbuf_pool_create("fuzz_pcap", NB_MBUFS, 0, 0, BUF_LEN + PRT_PKTMBUF_HEADROOM,
				     PRT_SOCKET_ID_ANY);
	fuzz_check(mp != NULL);
	return 0;
}

static void check_frame(const struct eth_pcap_rx_queue *q, const struct prt_mbuf *m)
{
	fuzz_check_chain(m);
	fuzz_check(m->pkt_len <= q->max_frame && m->pkt_len >= PRT_ETHER_HDR_LEN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Each fits the pool: a frame longer than the pool could never be read. */
	static const uint32_t max_frames[] = { 1518, 9018, 64, NB_MBUFS * BUF_LEN / 2 };
	struct fuzz_input in = { data, size };
	uint8_t setup = fuzz_u8(&in);
	struct eth_pcap_rx_queue q = { .mp = mp, .max_frame = max_frames[setup & 3] };
	bool hold = setup & 4;
	struct prt_mbuf *held[NB_MBUFS];
	unsigned int nheld = 0;
	char path[64];
	int fd = memfd_create("fuzz_pcap", 0);

	fuzz_check(fd >= 0);
	fuzz_check(write(fd, in.p, in.left) == (ssize_t)in.left);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	q.path = path;
	if (eth_pcap_rx_open_file("net_pcap_fuzz", path, &q) < 0) {
		close(fd);
		return 0; /* refused with its reason: not a capture of Ethernet frames */
	}
	while (!atomic_load(&q.eof)) {
		struct prt_mbuf *pkts[BURST];
		uint16_t n = eth_pcap_rx_burst(&q, pkts, BURST);

		for (uint16_t i = 0; i < n; i++) {
			check_frame(&q, pkts[i]);
			if (hold && nheld < PRT_DIM(held))
				held[nheld++] = pkts[i];
			else
				prt_pktmbuf_free(pkts[i]);
		}
		if (n == 0 && !atomic_load(&q.eof)) {
			/* Only the frames held (an empty pool) stop a burst short of the end. */
			fuzz_check(nheld > 0);
			prt_pktmbuf_free_bulk(held, nheld);
			nheld = 0;
		}
	}
	prt_pktmbuf_free_bulk(held, nheld);
	fuzz_check(atomic_load(&q.eof) == 1 || atomic_load(&q.eof) == -EIO);
	fuzz_check(q.pending_hdr == NULL);
	fuzz_check(q.read_errors == (atomic_load(&q.eof) == -EIO ? 1u : 0u));
	fuzz_check(q.truncated <= q.stats.packets);
	pcap_close(q.pcap);
	close(fd);
	fuzz_check(prt_mempool_in_use_count(mp) == 0);
	return 0;
}
