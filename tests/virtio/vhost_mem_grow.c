/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt's side of vhost_interop.py's mem_grow cases: memory added to prt after
 * its net_virtio_user port started must reach the vhost-user backend
 * (DPDK's net_vhost in macswap mode) before it carries frames.
 *
 *   vhost_mem_grow EAL-ARGS (-m 16 --vdev net_virtio_user0,path=...) -- FRAMES
 *
 * The port starts with its rx pool in the start-up memory; then a pool of
 * TX_POOL_MBUFS mbufs (about 75 MiB, more than the start-up memory) is
 * created, so that prt's heap grows by a new segment. FRAMES frames, each
 * built in an mbuf of that pool (checked to lie in memory that was not there
 * at start), go out; the backend reads them from the new segment and sends
 * them back. Every frame must come back once, in order, its MAC addresses
 * swapped and every other byte equal. Rx buffers stay in the start-up
 * memory: an rx queue takes its pool at setup, before the port starts.
 *
 * Prints "segments A -> B", then "sent N received M bad K" and the port's
 * counters; exits 0 when all is well, 1 otherwise, 77 when the port cannot
 * be had.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prt_eal.h"
#include "prt_ethdev.h"
#include "prt_mbuf.h"
#include "prt_memory.h"

#include "memsegs.h"
#include "vu_port.h"

#define TX_POOL_MBUFS 32768
#define BURST 32
#define FRAME_MIN 60
#define FRAME_SPAN 1455 /* lengths 60 to 1514 */
#define DEADLINE_S 20

static uint16_t frame_len(uint32_t seq)
{
	return (uint16_t)(FRAME_MIN + (seq * 37u) % FRAME_SPAN);
}

/* Frame @seq: 02:..:02 <- 02:..:01, ethertype 0x88b5, the sequence number, a pattern. */
static void frame_fill(uint8_t *f, uint32_t seq, uint16_t len)
{
	static const uint8_t hdr[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5 };

	memcpy(f, hdr, sizeof(hdr));
	memcpy(f + 14, &seq, sizeof(seq));
	for (uint16_t i = 18; i < len; i++)
		f[i] = (uint8_t)(seq * 7u + i);
}

/* True when @m is frame @seq with its MAC addresses swapped. */
static bool frame_check(const struct prt_mbuf *m, uint32_t seq)
{
	uint8_t want[FRAME_MIN + FRAME_SPAN], got[FRAME_MIN + FRAME_SPAN], mac[6];
	uint16_t len = frame_len(seq);
	const void *p;

	if (m->pkt_len != len)
		return false;
	frame_fill(want, seq, len);
	memcpy(mac, want, 6);
	memcpy(want, want + 6, 6);
	memcpy(want + 6, mac, 6);
	p = prt_pktmbuf_read(m, 0, len, got);
	return p != NULL && memcmp(p, want, len) == 0;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Sends @frames frames from @pool and takes back what returns; counts into the pointers. */
static bool traffic(uint16_t port, struct prt_mempool *pool, const struct memsegs *old,
		    uint32_t frames, uint32_t *got, uint32_t *bad)
{
	uint32_t sent = 0;
	double deadline = now_s() + DEADLINE_S;

	while (*got < frames && now_s() < deadline) {
		struct prt_mbuf *tx[BURST], *rx[BURST];
		uint16_t n = 0, nb_rx;

		while (n < BURST && sent + n < frames) {
			uint32_t seq = sent + n;
			uint16_t len = frame_len(seq);
			struct prt_mbuf *m = prt_pktmbuf_alloc(pool);
			char *d = m ? prt_pktmbuf_append(m, len) : NULL;

			if (d == NULL) {
				fprintf(stderr, "no mbuf from the grown pool for frame %u\n", seq);
				prt_pktmbuf_free(m);
				return false;
			}
			if (memsegs_hold(old, d)) {
				fprintf(stderr, "frame %u's mbuf is in start-up memory\n", seq);
				prt_pktmbuf_free(m);
				return false;
			}
			frame_fill((uint8_t *)d, seq, len);
			tx[n++] = m;
		}
		if (n > 0) {
			uint16_t done = prt_eth_tx_burst(port, 0, tx, n);

			prt_pktmbuf_free_bulk(tx + done, n - done); /* built again next round */
			sent += done;
		}
		nb_rx = prt_eth_rx_burst(port, 0, rx, BURST);
		for (uint16_t i = 0; i < nb_rx; i++) {
			if (!frame_check(rx[i], *got))
				(*bad)++;
			(*got)++;
			prt_pktmbuf_free(rx[i]);
		}
	}
	printf("sent %u received %u bad %u\n", sent, *got, *bad);
	return sent == frames;
}

int main(int argc, char **argv)
{
	struct prt_mempool *rx_pool, *tx_pool;
	struct memsegs before = { .n = 0 }, after = { .n = 0 };
	struct prt_eth_stats st;
	uint32_t frames, got = 0, bad = 0;
	uint16_t port;
	bool ok;

	frames = vu_init(argc, argv, 2000);
	port = vu_port_start("rx_pool", NULL, &rx_pool);
	memsegs_read(&before);
	tx_pool = prt_pktmbuf_pool_create("tx_pool", TX_POOL_MBUFS, 32, 0,
					  PRT_MBUF_DEFAULT_BUF_SIZE, PRT_SOCKET_ID_ANY);
	memsegs_read(&after);
	printf("segments %u -> %u\n", before.n, after.n);
	ok = tx_pool != NULL && after.n > before.n;
	if (!ok)
		fprintf(stderr, "the pool of %d mbufs did not make prt's heap grow\n",
			TX_POOL_MBUFS);
	else
		ok = traffic(port, tx_pool, &before, frames, &got, &bad) && got == frames &&
		     bad == 0;
	prt_eth_stats_get(port, &st);
	printf("port opackets %lu ipackets %lu oerrors %lu ierrors %lu imissed %lu\n",
	       (unsigned long)st.opackets, (unsigned long)st.ipackets, (unsigned long)st.oerrors,
	       (unsigned long)st.ierrors, (unsigned long)st.imissed);
	prt_eth_dev_stop(port);
	prt_eth_dev_close(port);
	prt_mempool_free(tx_pool);
	prt_mempool_free(rx_pool);
	prt_eal_cleanup();
	return ok ? 0 : 1;
}
