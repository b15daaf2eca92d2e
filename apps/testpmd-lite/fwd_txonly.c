/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * txonly and flowgen: generated UDP/IPv4 frames of --txpkts segment lengths
 * from the port's MAC to its --eth-peer. txonly sends one flow
 * (198.18.0.1:9 -> 198.18.0.2:9, RFC 2544's benchmark range); flowgen
 * cycles the destination address over FLOWGEN_FLOWS flows, so receivers
 * that spread by flow (RSS, PACKET_FANOUT) see many.
 *
 * The headers are made once per stream and copied into each frame (flowgen
 * then patches the destination and the checksum), as dpdk-testpmd's txonly
 * copies its template: a frame costs a 42-byte copy, not a checksum.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testpmd.h"

#define FLOWGEN_FLOWS 1024
#define IP_SRC 0xc6120001u /* 198.18.0.1 */
#define IP_DST 0xc6120002u /* 198.18.0.2 */
#define UDP_PORT 9 /* discard */
#define IP_DST_OFF (PRT_ETHER_HDR_LEN + 16)
#define IP_CKSUM_OFF (PRT_ETHER_HDR_LEN + 10)

/* RFC 791's header checksum over the 20 bytes at @hdr. */
static uint16_t ipv4_cksum(const uint8_t *hdr)
{
	uint32_t sum = 0;

	for (unsigned int i = 0; i < 20; i += 2)
		sum += (uint32_t)hdr[i] << 8 | hdr[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/*
 * RFC 1624 (eqn. 3): the IPv4 header checksum @ck (network order) once a
 * 32-bit field of the header went from @old to @new (host order).
 */
static uint16_t ipv4_cksum_update(uint16_t ck, uint32_t old, uint32_t new)
{
	uint32_t sum = (uint16_t)~ntohs(ck);

	sum += (uint16_t) ~(old >> 16) + (uint16_t)~old + (new >> 16) + (new & 0xffff);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Writes the Ethernet, IPv4 and UDP headers of a frame of @fs to @dst_ip (TP_TX_HDRS_LEN bytes). */
static void headers_write(const struct fwd_stream *fs, uint8_t *p, uint32_t dst_ip)
{
	struct prt_ether_hdr *eth = (struct prt_ether_hdr *)p;
	uint8_t *ip = p + PRT_ETHER_HDR_LEN, *udp = ip + 20;
	uint16_t ip_len = (uint16_t)(tp_cfg.tx_pkt_len - PRT_ETHER_HDR_LEN);
	uint16_t v;
	uint32_t a;

	eth->dst_addr = tp_cfg.peer_addr[fs->tx_port];
	eth->src_addr = fs->eth_src;
	eth->ether_type = htons(PRT_ETHER_TYPE_IPV4);
	memset(ip, 0, 20);
	ip[0] = 0x45; /* version 4, 5 words */
	v = htons(ip_len);
	memcpy(ip + 2, &v, 2);
	ip[8] = 64; /* TTL */
	ip[9] = 17; /* UDP */
	a = htonl(IP_SRC);
	memcpy(ip + 12, &a, 4);
	a = htonl(dst_ip);
	memcpy(ip + 16, &a, 4);
	v = ipv4_cksum(ip);
	memcpy(ip + 10, &v, 2);
	v = htons(UDP_PORT);
	memcpy(udp, &v, 2);
	memcpy(udp + 2, &v, 2);
	v = htons((uint16_t)(ip_len - 20));
	memcpy(udp + 4, &v, 2);
	memset(udp + 6, 0, 2); /* no UDP checksum (allowed over IPv4) */
}

/* Makes one frame of --txpkts segments; NULL when the pool is empty. */
static struct prt_mbuf *frame_alloc(void)
{
	struct prt_mbuf *head = prt_pktmbuf_alloc(tp_pool), *last = head;

	if (head == NULL)
		return NULL;
	head->data_len = tp_cfg.txpkts[0];
	head->pkt_len = tp_cfg.tx_pkt_len;
	for (unsigned int s = 1; s < tp_cfg.nb_txpkts; s++) {
		struct prt_mbuf *m = prt_pktmbuf_alloc(tp_pool);

		if (m == NULL) {
			prt_pktmbuf_free(head);
			return NULL;
		}
		m->data_len = tp_cfg.txpkts[s];
		last->next = m;
		last = m;
		head->nb_segs++;
	}
	return head;
}

static void tx_generate(struct fwd_stream *fs, bool vary_flow)
{
	struct prt_mbuf *pkts[TP_MAX_BURST];
	uint16_t n;

	if (tp_cfg.nb_txpkts == 1) {
		if (prt_pktmbuf_alloc_bulk(tp_pool, pkts, tp_cfg.burst) != 0)
			return;
		n = tp_cfg.burst;
		for (uint16_t i = 0; i < n; i++) {
			pkts[i]->data_len = (uint16_t)tp_cfg.tx_pkt_len;
			pkts[i]->pkt_len = tp_cfg.tx_pkt_len;
		}
	} else {
		for (n = 0; n < tp_cfg.burst; n++) {
			pkts[n] = frame_alloc();
			if (pkts[n] == NULL)
				break;
		}
	}
	for (uint16_t i = 0; i < n; i++) {
		uint8_t *p = prt_pktmbuf_mtod(pkts[i], uint8_t *);

		memcpy(p, fs->tx_hdrs, TP_TX_HDRS_LEN);
		if (vary_flow) {
			uint32_t dst = IP_DST + fs->flow, a = htonl(dst);
			uint16_t ck;

			memcpy(&ck, p + IP_CKSUM_OFF, 2);
			ck = ipv4_cksum_update(ck, IP_DST, dst);
			memcpy(p + IP_CKSUM_OFF, &ck, 2);
			memcpy(p + IP_DST_OFF, &a, 4);
			fs->flow = (fs->flow + 1) % FLOWGEN_FLOWS;
		}
	}
	if (n)
		fwd_stream_tx(fs, pkts, n);
}

static void txonly_fwd(struct fwd_stream *fs)
{
	tx_generate(fs, false);
}

static void flowgen_fwd(struct fwd_stream *fs)
{
	tx_generate(fs, true);
}

static int tx_stream_init(struct fwd_stream *fs)
{
	uint32_t room = tp_cfg.mbuf_size - PRT_PKTMBUF_HEADROOM;
	int ret;

	for (unsigned int s = 0; s < tp_cfg.nb_txpkts; s++)
		if (tp_cfg.txpkts[s] > room) {
			fprintf(stderr,
				"testpmd-lite: --txpkts segment of %u bytes does not fit mbufs of %u bytes of data (--mbuf-size)\n",
				tp_cfg.txpkts[s], room);
			return -EMSGSIZE;
		}
	ret = prt_eth_macaddr_get(fs->tx_port, &fs->eth_src);
	if (ret == 0)
		headers_write(fs, fs->tx_hdrs, IP_DST);
	return ret;
}

int tp_tx_first(void)
{
	for (unsigned int i = 0; i < nb_fwd_streams; i++) {
		struct fwd_stream *fs = &fwd_streams[i];
		struct prt_ether_addr keep = fs->eth_src;
		int ret = tx_stream_init(fs);

		if (ret < 0)
			return ret;
		tx_generate(fs, false);
		fs->eth_src = keep;
	}
	return 0;
}

const struct fwd_engine txonly_engine = {
	.name = "txonly",
	.receives = false,
	.sends = true,
	.stream_init = tx_stream_init,
	.fwd = txonly_fwd,
};

const struct fwd_engine flowgen_engine = {
	.name = "flowgen",
	.receives = false,
	.sends = true,
	.stream_init = tx_stream_init,
	.fwd = flowgen_fwd,
};
