/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt's side of vhost_backend.py's rx_intr cases: net_virtio_user's rx
 * interrupts against a back-end that loops every frame back (prt's
 * net_vhost in macswap mode). The port is configured with intr_conf.rxq and
 * its rx queue put in an rx interrupt set (prt_eth_rx_intr_set_create()).
 *
 *   vhost_rx_intr EAL-ARGS (--vdev net_virtio_user0,path=...) -- [ROUND_TRIPS]
 *
 * Round trips, one frame in flight: send it, poll once, arm, poll again,
 * and if it is not back yet sleep on the set (1 s at most), disarm, poll
 * until it is back. Checked:
 *  - every frame comes back, in order, once;
 *  - no wait runs to its timeout: the back-end notified each used buffer
 *    that came while the queue was armed (2.7.7 / 2.8.10), and the wake-up
 *    was not lost;
 *  - some round trips woke from a wait, and the thread really slept
 *    (voluntary context switches, getrusage): else the wake-up path was
 *    not tested;
 *  - an armed queue with nothing coming does not wake (a wait of 300 ms
 *    returns 0): a consumed interrupt does not wake the next wait (as an
 *    eventfd neither read nor watched edge-triggered would, at once);
 *  - a frame sent to an armed, sleeping queue wakes it.
 *
 * Prints "round trips N woke W sleeps S" and exits 0 when all is well, 1 otherwise,
 * 77 when the port cannot be had.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "prt_cycles.h"
#include "prt_eal.h"
#include "prt_ethdev.h"
#include "prt_mbuf.h"
#include "vu_port.h"

#define FRAME_LEN 64
#define WAIT_MS 1000

static uint16_t port;
static struct prt_mempool *pool;
static struct prt_eth_rx_intr_set *set;

/* Sends frame @seq (02:..:02 <- 02:..:01, ethertype 0x88b5, @seq). */
static bool send_frame(uint32_t seq)
{
	static const uint8_t hdr[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5 };
	struct prt_mbuf *m = prt_pktmbuf_alloc(pool);
	uint8_t *d = m ? (uint8_t *)prt_pktmbuf_append(m, FRAME_LEN) : NULL;

	if (d == NULL) {
		prt_pktmbuf_free(m);
		return false;
	}
	memset(d, 0, FRAME_LEN);
	memcpy(d, hdr, sizeof(hdr));
	memcpy(d + 14, &seq, sizeof(seq));
	if (prt_eth_tx_burst(port, 0, &m, 1) == 1)
		return true;
	prt_pktmbuf_free(m);
	return false;
}

/* Receives up to one frame: 1 when it is frame @seq, 0 when none came, -1 for another. */
static int recv_frame(uint32_t seq)
{
	struct prt_mbuf *m;
	uint32_t got;
	int ret;

	if (prt_eth_rx_burst(port, 0, &m, 1) == 0)
		return 0;
	memcpy(&got, prt_pktmbuf_mtod(m, const uint8_t *) + 14, sizeof(got));
	ret = m->data_len == FRAME_LEN && got == seq ? 1 : -1;
	if (ret < 0)
		fprintf(stderr, "frame %u expected, got %u bytes carrying %u\n", seq, m->data_len,
			got);
	prt_pktmbuf_free(m);
	return ret;
}

/* One round trip of frame @seq; counts a wake-up into @woke. false on a problem (printed). */
static bool round_trip(uint32_t seq, uint32_t *woke)
{
	uint64_t deadline = prt_get_tsc_cycles() + 2 * prt_get_tsc_hz();
	int got;

	if (!send_frame(seq)) {
		fprintf(stderr, "frame %u: tx refused it\n", seq);
		return false;
	}
	while ((got = recv_frame(seq)) == 0) {
		if (prt_get_tsc_cycles() > deadline) {
			fprintf(stderr, "frame %u did not come back in 2 s\n", seq);
			return false;
		}
		prt_eth_dev_rx_intr_enable(port, 0);
		got = recv_frame(seq);
		if (got == 0) {
			int n = prt_eth_dev_rx_intr_wait(set, NULL, 0, WAIT_MS);

			if (n <= 0) {
				fprintf(stderr, "frame %u: the wait returned %d, no notification\n",
					seq, n);
				return false;
			}
			(*woke)++;
		}
		prt_eth_dev_rx_intr_disable(port, 0);
		if (got != 0)
			break;
	}
	return got == 1;
}

/* The idle and wake-up checks after the round trips; false on a problem (printed). */
static bool idle_then_wake(uint32_t seq)
{
	int n;

	/* What the last round trips may have left pending (a notification
	 * for a frame the poll after arming found first) is taken now. */
	prt_eth_dev_rx_intr_wait(set, NULL, 0, 10);
	prt_eth_dev_rx_intr_enable(port, 0);
	n = prt_eth_dev_rx_intr_wait(set, NULL, 0, 300);
	if (n != 0) {
		fprintf(stderr, "an armed queue with no traffic woke (%d)\n", n);
		return false;
	}
	if (!send_frame(seq)) {
		fprintf(stderr, "frame %u: tx refused it\n", seq);
		return false;
	}
	n = prt_eth_dev_rx_intr_wait(set, NULL, 0, WAIT_MS);
	prt_eth_dev_rx_intr_disable(port, 0);
	if (n != 1) {
		fprintf(stderr, "a frame sent to the sleeping queue did not wake it (%d)\n", n);
		return false;
	}
	for (uint64_t end = prt_get_tsc_cycles() + prt_get_tsc_hz(); prt_get_tsc_cycles() < end;) {
		n = recv_frame(seq);
		if (n != 0)
			return n == 1;
	}
	fprintf(stderr, "the frame that woke the queue is not in it\n");
	return false;
}

int main(int argc, char **argv)
{
	struct prt_eth_conf conf = { .intr_conf = { .rxq = 1 } };
	struct prt_eth_rxq_id q = { 0, 0 };
	uint32_t trips, woke = 0, seq;
	struct rusage r0, r1;
	bool ok = true;

	trips = vu_init(argc, argv, 2000);
	port = vu_port_start("pool", &conf, &pool);
	q.port_id = port;
	if (prt_eth_rx_intr_set_create(&q, 1, &set) < 0) {
		fprintf(stderr, "net_virtio_user0 has no rx interrupt set\n");
		ok = false;
	}
	getrusage(RUSAGE_THREAD, &r0);
	for (seq = 0; ok && seq < trips; seq++)
		ok = round_trip(seq, &woke);
	getrusage(RUSAGE_THREAD, &r1);
	printf("round trips %u woke %u sleeps %ld\n", seq, woke, r1.ru_nvcsw - r0.ru_nvcsw);
	if (ok && (woke == 0 || r1.ru_nvcsw == r0.ru_nvcsw)) {
		fprintf(stderr, "no round trip slept: the wake-up path was not taken\n");
		ok = false;
	}
	ok = ok && idle_then_wake(seq);
	prt_eth_rx_intr_set_free(set);
	prt_eth_dev_stop(port);
	prt_eth_dev_close(port);
	prt_mempool_free(pool);
	prt_eal_cleanup();
	return ok ? 0 : 1;
}
