/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_pcap's burst functions. Rx copies each captured frame into an mbuf,
 * or a chain of them when it is larger than one; frames longer than the
 * port's largest frame or shorter than an Ethernet header are dropped and
 * counted (xstats rx_oversize_errors, rx_runt_errors), never truncated. A
 * record captured short of its frame (caplen < len: `tcpdump -s N`) is
 * delivered as captured, caplen bytes, as DPDK's net_pcap does, and counted
 * (rx_truncated): the rest of that frame is not in the file.
 * Tx writes each frame, gathering chains into one buffer first.
 */
#include <errno.h>
#include <string.h>
#include <sys/time.h>

#include "pcap_private.h"
#include "prt_mbuf.h"

int eth_pcap_rx_open_file(const char *dev, const char *path, struct eth_pcap_rx_queue *q)
{
	char errbuf[PCAP_ERRBUF_SIZE];

	q->pcap = pcap_open_offline(path, errbuf);
	if (q->pcap == NULL) {
		PCAP_LOG(ERR, "%s: cannot read capture file '%s': %s", dev, path, errbuf);
		return errno == ENOENT ? -ENOENT : -EINVAL;
	}
	if (pcap_datalink(q->pcap) != DLT_EN10MB) {
		PCAP_LOG(ERR, "%s: capture file '%s' holds %s frames; prt's ports carry Ethernet",
			 dev, path, pcap_datalink_val_to_name(pcap_datalink(q->pcap)));
		pcap_close(q->pcap);
		q->pcap = NULL;
		return -EINVAL;
	}
	return 0;
}

/* At the end of the file: start it again (infinite_rx) or report the end;
 * @error: the file ended on a read error, which is final. */
static void rx_file_end(struct eth_pcap_rx_queue *q, bool error)
{
	if (q->infinite && !error) {
		pcap_close(q->pcap);
		if (eth_pcap_rx_open_file("net_pcap", q->path, q) == 0)
			return;
		/* The file vanished under us: its input has ended. */
	}
	atomic_store_explicit(&q->eof, error ? -EIO : 1, memory_order_release);
}

/*
 * Copies @len bytes of @data into a new mbuf chain from @q's pool.
 * @return the chain, or NULL when the pool ran dry (nothing is kept).
 */
static struct prt_mbuf *rx_copy(struct eth_pcap_rx_queue *q, const uint8_t *data, uint32_t len)
{
	struct prt_mbuf *head = NULL, *last = NULL;
	uint32_t done = 0;

	do {
		struct prt_mbuf *m = prt_pktmbuf_alloc(q->mp);
		uint32_t chunk;

		if (unlikely(m == NULL)) {
			prt_pktmbuf_free(head);
			return NULL;
		}
		chunk = PRT_MIN(len - done, (uint32_t)prt_pktmbuf_tailroom(m));
		memcpy(prt_pktmbuf_mtod(m, uint8_t *), data + done, chunk);
		m->data_len = (uint16_t)chunk;
		done += chunk;
		if (head == NULL) {
			head = m;
			head->pkt_len = len;
			head->port = q->port_id;
		} else {
			last->next = m;
			head->nb_segs++;
		}
		last = m;
	} while (done < len);
	return head;
}

/* Reads the next frame into @hdr and @data: 1; 0 when none is ready; -1 at the end. */
static int rx_next(struct eth_pcap_rx_queue *q, struct pcap_pkthdr **hdr, const uint8_t **data)
{
	int ret;

	if (q->pending_hdr) {
		*hdr = q->pending_hdr;
		*data = q->pending_data;
		q->pending_hdr = NULL;
		return 1;
	}
	ret = pcap_next_ex(q->pcap, hdr, data);
	if (ret == 1)
		return 1;
	if (ret == 0) /* live interface, nothing yet */
		return 0;
	if (ret == PCAP_ERROR) {
		PCAP_LOG(
			ERR,
			"port %u: reading '%s': %s; the frames before were received, the rest of the file cannot be read",
			q->port_id, q->path ? q->path : "interface", pcap_geterr(q->pcap));
		prt_eth_counter_add(&q->read_errors, 1);
		prt_eth_counter_add(&q->stats.errors, 1);
		if (q->live)
			return 0;
	}
	if (!q->live)
		rx_file_end(q, ret == PCAP_ERROR);
	return -1;
}

uint16_t eth_pcap_rx_burst(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct eth_pcap_rx_queue *q = queue;
	uint64_t bytes = 0;
	uint16_t got = 0;

	if (atomic_load_explicit(&q->eof, memory_order_relaxed))
		return 0;
	while (got < n) {
		struct pcap_pkthdr *hdr;
		const uint8_t *data;

		if (rx_next(q, &hdr, &data) <= 0)
			break;
		if (unlikely(hdr->caplen > q->max_frame)) {
			prt_eth_counter_add(&q->oversize, 1);
			prt_eth_counter_add(&q->stats.errors, 1);
			continue;
		}
		if (unlikely(hdr->caplen < PRT_ETHER_HDR_LEN)) {
			prt_eth_counter_add(&q->runts, 1);
			prt_eth_counter_add(&q->stats.errors, 1);
			continue;
		}
		pkts[got] = rx_copy(q, data, hdr->caplen);
		if (likely(pkts[got] != NULL) && unlikely(hdr->caplen < hdr->len))
			prt_eth_counter_add(&q->truncated, 1);
		if (unlikely(pkts[got] == NULL)) {
			/* Keep the frame for the next burst: libpcap's buffer holds it
			 * until the next pcap_next_ex(). */
			q->pending_hdr = hdr;
			q->pending_data = data;
			prt_eth_counter_add(&q->nombuf, 1);
			break;
		}
		bytes += hdr->caplen;
		got++;
	}
	prt_eth_sw_stats_count(&q->stats, got, bytes);
	return got;
}

uint16_t eth_pcap_rx_none_burst(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	(void)queue;
	(void)pkts;
	(void)n;
	return 0;
}

/*
 * The frame's bytes, contiguous: the mbuf's own, or gathered into
 * @q->gather (PCAP_SNAPLEN bytes). NULL for a chain whose segments do not
 * add up to its pkt_len: the walk never writes past the buffer, whatever
 * the chain's nb_segs and pkt_len say.
 */
static const uint8_t *tx_linear(struct eth_pcap_tx_queue *q, struct prt_mbuf *m)
{
	uint32_t off = 0;

	if (m->next == NULL)
		return m->data_len == m->pkt_len ? prt_pktmbuf_mtod(m, const uint8_t *) : NULL;
	for (struct prt_mbuf *s = m; s; s = s->next) {
		if (s->data_len > m->pkt_len - off)
			return NULL;
		memcpy(q->gather + off, prt_pktmbuf_mtod(s, const uint8_t *), s->data_len);
		off += s->data_len;
	}
	return off == m->pkt_len ? q->gather : NULL;
}

uint16_t eth_pcap_tx_burst(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct eth_pcap_tx_queue *q = queue;
	uint64_t bytes = 0, sent = 0;
	struct pcap_pkthdr hdr;

	gettimeofday(&hdr.ts, NULL);
	for (uint16_t i = 0; i < n; i++) {
		struct prt_mbuf *m = pkts[i];
		const uint8_t *data;

		if (unlikely(m->pkt_len > PCAP_SNAPLEN)) {
			prt_eth_counter_add(&q->stats.errors, 1);
			continue;
		}
		data = tx_linear(q, m);
		if (unlikely(data == NULL)) { /* a malformed chain: dropped, counted */
			prt_eth_counter_add(&q->stats.errors, 1);
			continue;
		}
		if (q->live) {
			if (pcap_sendpacket(q->pcap, data, (int)m->pkt_len) != 0) {
				prt_eth_counter_add(&q->stats.errors, 1);
				continue;
			}
		} else {
			hdr.caplen = hdr.len = m->pkt_len;
			pcap_dump((u_char *)q->dumper, &hdr, data);
		}
		bytes += m->pkt_len;
		sent++;
	}
	/* Every frame was taken: written, or counted as an error. */
	prt_pktmbuf_free_bulk(pkts, n);
	prt_eth_sw_stats_count(&q->stats, sent, bytes);
	return n;
}

uint16_t eth_pcap_tx_drop_burst(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct eth_pcap_tx_queue *q = queue;

	prt_pktmbuf_free_bulk(pkts, n);
	prt_eth_counter_add(&q->stats.errors, n);
	return n;
}
