/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * icmpecho: answers ARP requests (RFC 826) and ICMP echo requests (RFC 792)
 * as a host with every address would: the frame is turned into the reply in
 * place and sent back out of the port it came in on's peer. Other frames
 * are freed, among them ARP for other than IPv4 over Ethernet and IPv4
 * fragments (an echo request in fragments is answered by nobody rather than
 * by a first fragment whose checksum covers only itself).
 */
#include <arpa/inet.h>
#include <string.h>

#include "testpmd.h"

#define ARP_HRD_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8

/* Internet checksum (RFC 1071) of @len bytes at @p. */
static uint16_t inet_cksum(const uint8_t *p, uint32_t len)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t tmp[16];

	memcpy(tmp, a, n);
	memcpy(a, b, n);
	memcpy(b, tmp, n);
}

/* ARP request for IPv4 over Ethernet -> reply from "us" (the port's MAC). */
static bool arp_reply(struct prt_ether_hdr *eth, uint8_t *arp, uint32_t len,
		      const struct prt_ether_addr *me)
{
	uint16_t hrd, pro, op;

	if (len < 28)
		return false;
	memcpy(&hrd, arp, 2);
	memcpy(&pro, arp + 2, 2);
	if (ntohs(hrd) != ARP_HRD_ETHER || ntohs(pro) != PRT_ETHER_TYPE_IPV4 || arp[4] != 6 ||
	    arp[5] != 4)
		return false;
	memcpy(&op, arp + 6, 2);
	if (ntohs(op) != ARP_OP_REQUEST)
		return false;
	op = htons(ARP_OP_REPLY);
	memcpy(arp + 6, &op, 2);
	swap_bytes(arp + 14, arp + 24, 4); /* sender IP <-> target IP */
	memcpy(arp + 18, arp + 8, 6); /* target MAC = the asker */
	memcpy(arp + 8, me, 6); /* sender MAC = us */
	eth->dst_addr = eth->src_addr;
	eth->src_addr = *me;
	return true;
}

/* ICMP echo request in IPv4 -> echo reply. */
static bool icmp_reply(struct prt_ether_hdr *eth, uint8_t *ip, uint32_t len)
{
	uint32_t ihl = (ip[0] & 0xf) * 4u, tot;
	uint16_t v;
	uint8_t *icmp;

	if (len < 20 || (ip[0] >> 4) != 4 || ihl < 20 || ip[9] != 1)
		return false;
	memcpy(&v, ip + 2, 2);
	tot = ntohs(v);
	if (tot > len || tot < ihl + 8)
		return false;
	memcpy(&v, ip + 6, 2);
	if (ntohs(v) & 0x3fff) /* MF or a fragment offset: a fragment */
		return false;
	icmp = ip + ihl;
	if (icmp[0] != ICMP_ECHO_REQUEST)
		return false;
	icmp[0] = ICMP_ECHO_REPLY;
	memset(icmp + 2, 0, 2);
	v = inet_cksum(icmp, tot - ihl);
	memcpy(icmp + 2, &v, 2);
	swap_bytes(ip + 12, ip + 16, 4);
	swap_bytes(eth->dst_addr.addr_bytes, eth->src_addr.addr_bytes, PRT_ETHER_ADDR_LEN);
	return true;
}

static void icmpecho_fwd(struct fwd_stream *fs)
{
	struct prt_mbuf *pkts[TP_MAX_BURST], *out[TP_MAX_BURST];
	uint16_t n = prt_eth_rx_burst(fs->rx_port, fs->rx_queue, pkts, tp_cfg.burst), k = 0;

	if (n == 0)
		return;
	tp_count(&fs->rx_packets, n);
	for (uint16_t i = 0; i < n; i++) {
		struct prt_mbuf *m = pkts[i];
		struct prt_ether_hdr *eth = prt_pktmbuf_mtod(m, struct prt_ether_hdr *);
		uint8_t *l3 = (uint8_t *)(eth + 1);
		uint32_t len = m->data_len - PRT_ETHER_HDR_LEN; /* the first segment only */
		bool reply = false;

		if (m->data_len >= PRT_ETHER_HDR_LEN) {
			uint16_t type = ntohs(eth->ether_type);

			if (type == PRT_ETHER_TYPE_ARP)
				reply = arp_reply(eth, l3, len, &fs->eth_src);
			else if (type == PRT_ETHER_TYPE_IPV4 && m->nb_segs == 1)
				reply = icmp_reply(eth, l3, len);
		}
		if (reply)
			out[k++] = m;
		else
			prt_pktmbuf_free(m);
	}
	if (k)
		fwd_stream_tx(fs, out, k);
}

static int icmpecho_stream_init(struct fwd_stream *fs)
{
	return prt_eth_macaddr_get(fs->tx_port, &fs->eth_src);
}

const struct fwd_engine icmpecho_engine = {
	.name = "icmpecho",
	.receives = true,
	.sends = true,
	.stream_init = icmpecho_stream_init,
	.fwd = icmpecho_fwd,
};
