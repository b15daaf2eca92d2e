/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_af_packet: a port on a kernel network interface through AF_PACKET
 * sockets (packet(7)).
 *
 * Rx: one socket per rx queue with a TPACKET_V3 ring mapped into our memory
 * (Documentation/networking/packet_mmap.rst). The kernel fills blocks of
 * frames and hands a block over by setting TP_STATUS_USER in its
 * block_status; we copy each frame into an mbuf (one copy: the ring slot is
 * reused as soon as the block goes back, so an mbuf cannot point into it)
 * and give the block back with TP_STATUS_KERNEL. A block is handed over when
 * full or after tp_retire_blk_tov ms, which bounds the rx latency. With
 * qpairs > 1 the rx sockets join one PACKET_FANOUT group (by flow hash), so
 * the kernel spreads flows over the queues as RSS would. The socket is the
 * queue's interrupt: poll() reports it readable when a block is ours.
 *
 * Tx: one socket per tx queue; a burst is one sendmmsg() with an iovec per
 * mbuf segment (the kernel copies).
 *
 * VLAN tags the kernel stripped into tp_vlan_tci are put back into the
 * frame, so the bytes received are the bytes that were on the wire.
 *
 * devargs (as DPDK's af_packet PMD): iface=NAME (required), qpairs=N (1),
 * blocksz=BYTES (a block of the rx ring; 1 MiB), framecnt=N (frames of 2 KiB
 * the ring holds, rounded to whole blocks; 8192), qdisc_bypass=0|1 (0).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ethdev_driver.h"
#include "ethdev_netif.h"
#include "kvargs.h"
#include "prt_atomic.h"
#include "prt_mbuf.h"

PRT_LOG_REGISTER(afp_logtype, pmd.net.af_packet, NOTICE);
#define AFP_LOG(level, ...) PRT_LOG(level, afp_logtype, __VA_ARGS__)

#define AFP_MAX_QUEUES 16
#define AFP_FRAME_SIZE 2048
#define AFP_BLOCK_TIMEOUT_MS 1
#define AFP_MAX_SEGS 64 /* iovecs per frame on tx */

struct afp_rx_queue {
	int fd;
	uint8_t *ring; /* the mapped ring: nb_blocks blocks of block_size bytes */
	size_t ring_size;
	uint32_t block_size;
	uint32_t nb_blocks;
	uint32_t cur; /* the block we read or wait for */
	uint32_t left; /* frames of the current block not yet read */
	uint8_t *next; /* the next frame in it */
	uint16_t port_id;
	struct prt_mempool *mp;
	uint32_t max_frame;
	struct prt_eth_sw_stats stats; /* errors: the oversize frames */
	uint64_t oversize;
	uint64_t nombuf;
	uint64_t kernel_drops; /* summed by stats_get (control thread) */
} __prt_cache_aligned;

struct afp_tx_queue {
	int fd;
	struct prt_eth_sw_stats stats;
} __prt_cache_aligned;

struct afp_private {
	struct netif nif; /* first: the netif_*_op() ops find it at dev_private */
	unsigned int qpairs;
	uint32_t block_size;
	uint32_t nb_blocks;
	bool qdisc_bypass;
	int fanout_id;
	struct afp_rx_queue rxq[AFP_MAX_QUEUES];
	struct afp_tx_queue txq[AFP_MAX_QUEUES];
};

_Static_assert(offsetof(struct afp_private, nif) == 0,
	       "the netif_*_op() ops read dev_private as struct netif");

static struct prt_eth_driver afp_driver;

/* ---- rx ---- */

static struct tpacket_block_desc *afp_block(struct afp_rx_queue *q, uint32_t i)
{
	return (struct tpacket_block_desc *)(q->ring + (size_t)i * q->block_size);
}

/* Copies @len bytes at @data into a chain from @q->mp, the VLAN tag of
 * @hdr put back after the addresses when the kernel stripped it. */
static struct prt_mbuf *afp_copy(struct afp_rx_queue *q, const struct tpacket3_hdr *hdr,
				 const uint8_t *data, uint32_t len)
{
	uint8_t tag[4];
	const uint8_t *parts[3] = { data, tag, data + 12 };
	uint32_t lens[3] = { len, 0, 0 };
	struct prt_mbuf *head = prt_pktmbuf_alloc(q->mp), *m = head;
	uint32_t total = len;

	if (head == NULL)
		return NULL;
	if ((hdr->tp_status & TP_STATUS_VLAN_VALID) && len >= 12) {
		uint16_t tpid = (hdr->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
					hdr->hv1.tp_vlan_tpid :
					PRT_ETHER_TYPE_VLAN;

		tag[0] = (uint8_t)(tpid >> 8);
		tag[1] = (uint8_t)tpid;
		tag[2] = (uint8_t)(hdr->hv1.tp_vlan_tci >> 8);
		tag[3] = (uint8_t)hdr->hv1.tp_vlan_tci;
		lens[0] = 12;
		lens[1] = 4;
		lens[2] = len - 12;
		total += 4;
	}
	head->pkt_len = total;
	head->port = q->port_id;
	for (unsigned int p = 0; p < 3; p++) {
		uint32_t off = 0;

		while (off < lens[p]) {
			uint32_t room = (uint32_t)prt_pktmbuf_tailroom(m), chunk;

			if (room == 0) {
				struct prt_mbuf *n = prt_pktmbuf_alloc(q->mp);

				if (n == NULL) {
					prt_pktmbuf_free(head);
					return NULL;
				}
				m->next = n;
				head->nb_segs++;
				m = n;
				room = (uint32_t)prt_pktmbuf_tailroom(m);
			}
			chunk = PRT_MIN(lens[p] - off, room);
			memcpy(prt_pktmbuf_mtod_offset(m, uint8_t *, m->data_len), parts[p] + off,
			       chunk);
			m->data_len = (uint16_t)(m->data_len + chunk);
			off += chunk;
		}
	}
	return head;
}

/* Gives the current block back to the kernel and moves to the next. */
static void afp_block_release(struct afp_rx_queue *q)
{
	/* Release: our reads of the block happen before the kernel may refill it. */
	prt_atomic_store(&afp_block(q, q->cur)->hdr.bh1.block_status, TP_STATUS_KERNEL,
			 memory_order_release);
	q->cur = (q->cur + 1) % q->nb_blocks;
}

static uint16_t afp_rx(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct afp_rx_queue *q = queue;
	uint16_t got = 0;
	uint64_t bytes = 0;

	while (got < n) {
		struct tpacket_block_desc *bd = afp_block(q, q->cur);
		struct tpacket3_hdr *hdr;

		if (q->left == 0) {
			/* Acquire: pairs with the kernel's store of TP_STATUS_USER after
			 * it wrote the block's frames. */
			if (!(prt_atomic_load(&bd->hdr.bh1.block_status, memory_order_acquire) &
			      TP_STATUS_USER))
				break;
			q->left = bd->hdr.bh1.num_pkts;
			q->next = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
			if (q->left == 0) {
				afp_block_release(q);
				continue;
			}
		}
		hdr = (struct tpacket3_hdr *)q->next;
		if (unlikely(hdr->tp_snaplen > q->max_frame)) {
			prt_eth_counter_add(&q->oversize, 1);
			prt_eth_counter_add(&q->stats.errors, 1);
		} else {
			pkts[got] = afp_copy(q, hdr, (const uint8_t *)hdr + hdr->tp_mac,
					     hdr->tp_snaplen);
			if (unlikely(pkts[got] == NULL)) {
				/* Leave the frame in the ring for the next burst. */
				prt_eth_counter_add(&q->nombuf, 1);
				break;
			}
			bytes += pkts[got]->pkt_len;
			got++;
		}
		q->next += hdr->tp_next_offset;
		if (--q->left == 0)
			afp_block_release(q);
	}
	prt_eth_sw_stats_count(&q->stats, got, bytes);
	return got;
}

/* ---- tx ---- */

static uint16_t afp_tx(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct afp_tx_queue *q = queue;
	struct mmsghdr msgs[64];
	struct iovec iov[64 * 4];
	uint16_t done = 0;
	uint64_t bytes = 0, errs = 0;

	n = PRT_MIN(n, (uint16_t)PRT_DIM(msgs));
	for (uint16_t i = 0, v = 0; i < n; i++) {
		struct prt_mbuf *m = pkts[i];
		uint16_t first = v;

		for (; m && v < PRT_DIM(iov) && v - first < AFP_MAX_SEGS; m = m->next, v++)
			iov[v] = (struct iovec){ prt_pktmbuf_mtod(m, void *), m->data_len };
		if (m != NULL && v - first == AFP_MAX_SEGS && i == 0) {
			/* More segments than a frame may have: it would wait here forever. */
			prt_pktmbuf_free(pkts[0]);
			prt_eth_counter_add(&q->stats.errors, 1);
			return 1;
		}
		if (m != NULL) { /* out of iovecs (or that frame comes first next call) */
			v = first;
			n = i;
			break;
		}
		msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[first],
							 .msg_iovlen = (size_t)(v - first) } };
	}
	while (done < n) {
		int r = sendmmsg(q->fd, &msgs[done], n - done, MSG_DONTWAIT);

		if (r > 0) {
			done = (uint16_t)(done + r);
			continue;
		}
		if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR)
			break;
		/* This frame is refused (too long for the interface, link down):
		 * drop and count it, go on with the next. */
		errs++;
		msgs[done].msg_len = 0;
		done++;
	}
	for (uint16_t i = 0; i < done; i++)
		/* cppcheck-suppress uninitvar ; msgs[0..n) were set above */
		bytes += msgs[i].msg_len;
	prt_pktmbuf_free_bulk(pkts, done);
	prt_eth_sw_stats_count(&q->stats, done - errs, bytes);
	prt_eth_counter_add(&q->stats.errors, errs);
	return done;
}

/* ---- sockets ---- */

static int afp_socket_bind(struct afp_private *priv, int fd)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = priv->nif.ifindex,
	};

	return bind(fd, (struct sockaddr *)&sll, sizeof(sll));
}

static void afp_rx_close(struct afp_rx_queue *q)
{
	if (q->ring && q->ring != MAP_FAILED)
		munmap(q->ring, q->ring_size);
	if (q->fd >= 0)
		close(q->fd);
	q->ring = NULL;
	q->fd = -1;
}

static int afp_rx_open(struct prt_eth_dev *dev, struct afp_rx_queue *q)
{
	struct afp_private *priv = dev->dev_private;
	int version = TPACKET_V3, one = 1;
	struct tpacket_req3 req = {
		.tp_block_size = priv->block_size,
		.tp_block_nr = priv->nb_blocks,
		.tp_frame_size = AFP_FRAME_SIZE,
		.tp_frame_nr = priv->block_size / AFP_FRAME_SIZE * priv->nb_blocks,
		.tp_retire_blk_tov = AFP_BLOCK_TIMEOUT_MS,
	};
	const char *step;

	/* Protocol 0: the socket receives nothing until bind() names one, so no
	 * frame arrives before the ring exists. */
	q->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	step = "socket(AF_PACKET)";
	if (q->fd < 0)
		goto fail;
	step = "PACKET_VERSION TPACKET_V3";
	if (setsockopt(q->fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) < 0)
		goto fail;
	step = "PACKET_RX_RING";
	if (setsockopt(q->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
		goto fail;
	q->ring_size = (size_t)req.tp_block_size * req.tp_block_nr;
	q->ring =
		mmap(NULL, q->ring_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, q->fd, 0);
	step = "mmap of the rx ring";
	if (q->ring == MAP_FAILED)
		goto fail;
	/* Our own transmissions on this interface are not rx traffic. */
	step = "PACKET_IGNORE_OUTGOING";
	if (setsockopt(q->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0)
		goto fail;
	step = "bind";
	if (afp_socket_bind(priv, q->fd) < 0)
		goto fail;
	if (priv->qpairs > 1) {
		int fanout = priv->fanout_id | (PACKET_FANOUT_HASH << 16);

		step = "PACKET_FANOUT";
		if (setsockopt(q->fd, SOL_PACKET, PACKET_FANOUT, &fanout, sizeof(fanout)) < 0)
			goto fail;
	}
	q->block_size = req.tp_block_size;
	q->nb_blocks = req.tp_block_nr;
	q->cur = 0;
	q->left = 0;
	return 0;
fail:
	AFP_LOG(ERR, "%s: %s on %s: %s", dev->data.name, step, priv->nif.ifname, strerror(errno));
	int ret = -errno;

	afp_rx_close(q);
	return ret;
}

/* ---- ops ---- */

static int afp_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	struct afp_private *priv = dev->dev_private;

	info->if_index = (unsigned int)priv->nif.ifindex;
	info->max_rx_queues = (uint16_t)priv->qpairs;
	info->max_tx_queues = (uint16_t)priv->qpairs;
	info->max_rx_pktlen = priv->block_size - 128; /* a frame fits one block */
	info->max_mtu = (uint16_t)PRT_MIN(info->max_rx_pktlen - PRT_ETHER_HDR_CRC_LEN, 65535u);
	info->rx_offload_capa = PRT_ETH_RX_OFFLOAD_SCATTER;
	info->tx_offload_capa = PRT_ETH_TX_OFFLOAD_MULTI_SEGS;
	return 0;
}

static int afp_rx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			      int socket_id, const struct prt_eth_rxconf *conf,
			      struct prt_mempool *mp)
{
	struct afp_private *priv = dev->dev_private;
	struct afp_rx_queue *q = &priv->rxq[qid];
	int ret;

	(void)nb_desc;
	(void)socket_id;
	(void)conf;
	*q = (struct afp_rx_queue){ .fd = -1 };
	ret = afp_rx_open(dev, q);
	if (ret < 0)
		return ret;
	q->mp = mp;
	q->port_id = dev->data.port_id;
	q->max_frame = dev->data.mtu + PRT_ETHER_HDR_CRC_LEN;
	dev->data.rx_queues[qid] = q;
	return 0;
}

static void afp_rx_queue_release(struct prt_eth_dev *dev, uint16_t qid)
{
	afp_rx_close(&((struct afp_private *)dev->dev_private)->rxq[qid]);
}

static int afp_tx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			      int socket_id, const struct prt_eth_txconf *conf)
{
	struct afp_private *priv = dev->dev_private;
	struct afp_tx_queue *q = &priv->txq[qid];
	int one = 1, ret;

	(void)nb_desc;
	(void)socket_id;
	(void)conf;
	q->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (q->fd < 0 || afp_socket_bind(priv, q->fd) < 0 ||
	    (priv->qdisc_bypass &&
	     setsockopt(q->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0)) {
		ret = -errno;
		AFP_LOG(ERR, "%s: tx socket on %s: %s", dev->data.name, priv->nif.ifname,
			strerror(errno));
		if (q->fd >= 0)
			close(q->fd);
		q->fd = -1;
		return ret;
	}
	dev->data.tx_queues[qid] = q;
	return 0;
}

static void afp_tx_queue_release(struct prt_eth_dev *dev, uint16_t qid)
{
	struct afp_tx_queue *q = &((struct afp_private *)dev->dev_private)->txq[qid];

	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}

static int afp_mtu_set(struct prt_eth_dev *dev, uint16_t mtu)
{
	struct afp_private *priv = dev->dev_private;

	for (unsigned int q = 0; q < AFP_MAX_QUEUES; q++)
		priv->rxq[q].max_frame = mtu + PRT_ETHER_HDR_CRC_LEN;
	return 0;
}

static int afp_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *st)
{
	struct afp_private *priv = dev->dev_private;

	prt_eth_sw_stats_get(dev, st, offsetof(struct afp_rx_queue, stats),
			     offsetof(struct afp_tx_queue, stats));
	for (uint16_t i = 0; i < dev->data.nb_rx_queues; i++) {
		struct afp_rx_queue *q = &priv->rxq[i];
		struct tpacket_stats_v3 ks;
		socklen_t len = sizeof(ks);

		st->rx_nombuf += prt_eth_counter_read(&q->nombuf);
		/* Frames the kernel dropped because the ring was full. Reading
		 * PACKET_STATISTICS resets the kernel's count: keep a sum. */
		if (q->fd >= 0 && getsockopt(q->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len) == 0)
			q->kernel_drops += ks.tp_drops;
		st->imissed += q->kernel_drops;
	}
	return 0;
}

static int afp_stats_reset(struct prt_eth_dev *dev)
{
	struct afp_private *priv = dev->dev_private;

	prt_eth_sw_stats_reset(dev, offsetof(struct afp_rx_queue, stats),
			       offsetof(struct afp_tx_queue, stats));
	for (uint16_t i = 0; i < dev->data.nb_rx_queues; i++) {
		struct afp_rx_queue *q = &priv->rxq[i];
		struct tpacket_stats_v3 ks;
		socklen_t len = sizeof(ks);

		prt_atomic_store(&q->oversize, 0, memory_order_relaxed);
		prt_atomic_store(&q->nombuf, 0, memory_order_relaxed);
		/* Reading the kernel's drop count resets it. */
		if (q->fd >= 0)
			getsockopt(q->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len);
		q->kernel_drops = 0;
	}
	return 0;
}

static int afp_rx_queue_intr_fd(struct prt_eth_dev *dev, uint16_t qid)
{
	return ((struct afp_private *)dev->dev_private)->rxq[qid].fd;
}

static int afp_close(struct prt_eth_dev *dev)
{
	struct afp_private *priv = dev->dev_private;

	netif_close(&priv->nif);
	return 0;
}

static const struct prt_eth_dev_ops afp_ops = {
	.dev_close = afp_close,
	.dev_infos_get = afp_infos_get,
	.rx_queue_setup = afp_rx_queue_setup,
	.tx_queue_setup = afp_tx_queue_setup,
	.rx_queue_release = afp_rx_queue_release,
	.tx_queue_release = afp_tx_queue_release,
	.link_update = netif_link_update_op,
	.promiscuous_enable = netif_promisc_enable_op,
	.promiscuous_disable = netif_promisc_disable_op,
	.allmulticast_enable = netif_allmulti_enable_op,
	.allmulticast_disable = netif_allmulti_disable_op,
	.mtu_set = afp_mtu_set,
	.stats_get = afp_stats_get,
	.stats_reset = afp_stats_reset,
	.rx_queue_intr_fd = afp_rx_queue_intr_fd,
};

/* ---- probe ---- */

static int afp_devargs(const char *name, const char *args, struct afp_private *priv)
{
	static const char *const keys[] = { "iface",	"qpairs",	"blocksz",
					    "framecnt", "qdisc_bypass", NULL };
	uint64_t qpairs = 1, blocksz = 1 << 20, framecnt = 8192;
	const char *ifname;
	struct kvargs *kv;
	int ret;

	ret = kvargs_parse(name, args, keys, &kv);
	if (ret < 0)
		return ret;
	ifname = kvargs_get(kv, "iface");
	if (ifname == NULL || *ifname == '\0' || strlen(ifname) >= IF_NAMESIZE) {
		AFP_LOG(ERR, "%s: give the interface: iface=NAME (see `ip link`)", name);
		ret = -EINVAL;
		goto out;
	}
	snprintf(priv->nif.ifname, sizeof(priv->nif.ifname), "%s", ifname);
	ret = kvargs_get_uint(kv, "qpairs", 1, AFP_MAX_QUEUES, &qpairs);
	if (ret == 0)
		ret = kvargs_get_uint(kv, "blocksz", 4096, 1u << 30, &blocksz);
	if (ret == 0)
		ret = kvargs_get_uint(kv, "framecnt", 1, 1u << 24, &framecnt);
	if (ret == 0)
		ret = kvargs_get_bool(kv, "qdisc_bypass", &priv->qdisc_bypass);
	if (ret == 0 && (!prt_is_power_of_2(blocksz) || blocksz < AFP_FRAME_SIZE)) {
		AFP_LOG(ERR, "%s: blocksz=%llu: give a power of two of at least 4096", name,
			(unsigned long long)blocksz);
		ret = -EINVAL;
	}
	priv->qpairs = (unsigned int)qpairs;
	priv->block_size = (uint32_t)blocksz;
	priv->nb_blocks = (uint32_t)PRT_MAX(1ull, framecnt * AFP_FRAME_SIZE / blocksz);
out:
	kvargs_free(kv);
	return ret;
}

static int afp_probe(const char *name, const char *args)
{
	struct afp_private *priv;
	struct prt_eth_dev *dev;
	int ret;

	dev = prt_eth_dev_allocate(name, sizeof(*priv));
	if (dev == NULL) {
		AFP_LOG(ERR, "%s: cannot create the port: %s", name, strerror(errno));
		return -errno;
	}
	priv = dev->dev_private;
	priv->nif.ctl_fd = -1;
	ret = afp_devargs(name, args, priv);
	if (ret < 0)
		goto fail;
	ret = netif_open(&priv->nif, name, &dev->data.mac_addr);
	if (ret < 0)
		goto fail;
	priv->fanout_id = (getpid() + dev->data.port_id) & 0xffff;
	dev->driver = &afp_driver;
	dev->dev_ops = &afp_ops;
	dev->rx_pkt_burst = afp_rx;
	dev->tx_pkt_burst = afp_tx;
	prt_eth_dev_probing_finish(dev);
	return 0;
fail:
	netif_close(&priv->nif);
	prt_eth_dev_release(dev);
	return ret;
}

static struct prt_eth_driver afp_driver = {
	.name = "net_af_packet",
	.vdev_params = "iface=<name>,qpairs=<n>,blocksz=<bytes>,framecnt=<n>,qdisc_bypass=<0|1>",
	.probe_vdev = afp_probe,
};

PRT_ETH_DRIVER_REGISTER(afp_driver)
