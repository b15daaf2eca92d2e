/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_af_xdp's sockets: the UMEM over a mempool's memory, one XSK per
 * queue bound to the interface's queue start_queue + qid, the XDP program
 * that redirects the queue's frames to it (libxdp's default one, or the
 * xdp_prog= object's), and every refusal of the kernel in the user's terms.
 * References: Documentation/networking/af_xdp.rst (XDP_UMEM_REG, the
 * unaligned chunk mode, XDP_ZEROCOPY/XDP_COPY, XDP_USE_NEED_WAKEUP,
 * XDP_OPTIONS), Documentation/networking/napi.rst (preferred busy polling).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "af_xdp_private.h"

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

/* ---- libbpf's and libxdp's messages ---- */

/* Their warnings are often the fallbacks they take (no bpffs: no
 * dispatcher); the refusals that matter are explained below. */
static int lib_print(int lib_level, const char *fmt, va_list ap)
{
	int level = lib_level == 0 ? PRT_LOG_INFO : PRT_LOG_DEBUG;

	if (prt_log_enabled(afxdp_logtype, level))
		prt_vlog(level, afxdp_logtype, fmt, ap);
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return lib_print(level == LIBBPF_WARN ? 0 : 1, fmt, ap);
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return lib_print(level == LIBXDP_WARN ? 0 : 1, fmt, ap);
}

void afxdp_lib_logs(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}

/* ---- what the kernel said, explained ---- */

static void explain_umem(struct prt_eth_dev *dev, int err, uint64_t size)
{
	struct afxdp_private *priv = dev->dev_private;
	struct rlimit rl;

	if (err == -ENOBUFS || err == -ENOMEM) {
		getrlimit(RLIMIT_MEMLOCK, &rl);
		AFXDP_LOG(
			ERR,
			"%s: the UMEM (%llu KiB of the mempool) cannot be locked: the locked memory limit is %llu KiB; raise it above %llu KiB plus what the process locks already (ulimit -l, LimitMEMLOCK= in a systemd unit) or give the process CAP_IPC_LOCK",
			dev->data.name, (unsigned long long)(size >> 10),
			rl.rlim_cur == RLIM_INFINITY ? 0ull : (unsigned long long)rl.rlim_cur >> 10,
			(unsigned long long)(size >> 10));
	} else if (err == -EPERM || err == -EACCES) {
		AFXDP_LOG(
			ERR,
			"%s: an AF_XDP socket on %s needs CAP_NET_RAW (and CAP_NET_ADMIN, CAP_BPF for the XDP program): run as root or `setcap cap_net_admin,cap_net_raw,cap_bpf,cap_ipc_lock+ep PROGRAM`",
			dev->data.name, priv->nif.ifname);
	} else if (err == -EAFNOSUPPORT) {
		AFXDP_LOG(
			ERR,
			"%s: this kernel has no AF_XDP sockets (CONFIG_XDP_SOCKETS): use net_af_packet,iface=%s",
			dev->data.name, priv->nif.ifname);
	} else {
		AFXDP_LOG(ERR, "%s: UMEM registration on %s: %s", dev->data.name, priv->nif.ifname,
			  strerror(-err));
	}
}

/* The id of the XDP program attached to the interface (0 for none) and
 * its name in @name. */
static uint32_t attached_prog(const struct afxdp_private *priv, char *name, size_t len)
{
	struct bpf_prog_info info = { 0 };
	uint32_t id = 0, info_len = sizeof(info);
	int fd;

	snprintf(name, len, "?");
	if (bpf_xdp_query_id(priv->nif.ifindex, 0, &id) < 0 || id == 0)
		return 0;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &info_len) == 0)
		snprintf(name, len, "%s", info.name);
	if (fd >= 0)
		close(fd);
	return id;
}

/* True for the programs an XSK can share: libxdp's default one, its
 * dispatcher, or ours (xdp_prog=). */
static bool prog_shareable(const struct afxdp_private *priv, const char *name)
{
	return strcmp(name, "xsk_def_prog") == 0 || strcmp(name, "xdp_dispatcher") == 0 ||
	       (priv->prog && strcmp(name, xdp_program__name(priv->prog)) == 0);
}

static void explain_socket(struct prt_eth_dev *dev, uint32_t queue, int err)
{
	struct afxdp_private *priv = dev->dev_private;
	char name[BPF_OBJ_NAME_LEN];
	uint32_t id = attached_prog(priv, name, sizeof(name));

	/* libxdp says EBUSY (or EEXIST) both for a queue with a socket and for
	 * a program it cannot replace: the attached program tells which. */
	if ((err == -EBUSY || err == -EEXIST) && id != 0 && !prog_shareable(priv, name))
		err = -EEXIST;
	else if (err == -EEXIST)
		err = -EBUSY;
	switch (err) {
	case -EBUSY:
		AFXDP_LOG(
			ERR,
			"%s: queue %u of %s already has an AF_XDP socket (another prt or DPDK process on the same queue?): stop it, or use another queue (start_queue=)",
			dev->data.name, queue, priv->nif.ifname);
		break;
	case -EEXIST:
		AFXDP_LOG(
			ERR,
			"%s: %s already has an XDP program (id %u, %s) that libxdp cannot share: detach it (`ip link set dev %s xdp off`, `xdp-loader unload %s --all`), or give a program with an xsks_map (xdp_prog=PATH)",
			dev->data.name, priv->nif.ifname, id, name, priv->nif.ifname,
			priv->nif.ifname);
		break;
	case -EPERM:
	case -EACCES:
		AFXDP_LOG(
			ERR,
			"%s: attaching the XDP program to %s needs CAP_NET_ADMIN and CAP_BPF (CAP_SYS_ADMIN before Linux 5.8): run as root or grant them",
			dev->data.name, priv->nif.ifname);
		break;
	case -EOPNOTSUPP:
		AFXDP_LOG(
			ERR,
			"%s: %s does not support XDP (neither its driver nor generic XDP took the program): use net_af_packet,iface=%s",
			dev->data.name, priv->nif.ifname, priv->nif.ifname);
		break;
	case -EINVAL:
		AFXDP_LOG(
			ERR,
			"%s: %s refused an AF_XDP socket on queue %u (is the interface up, does the queue exist?)",
			dev->data.name, priv->nif.ifname, queue);
		break;
	default:
		AFXDP_LOG(ERR, "%s: AF_XDP socket on %s queue %u: %s", dev->data.name,
			  priv->nif.ifname, queue, strerror(-err));
	}
}

/* ---- queues of the interface ---- */

int afxdp_queues_check(const char *name, struct afxdp_private *priv)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = { .ifr_data = (void *)&ch };
	uint32_t n;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", priv->nif.ifname);
	if (ioctl(priv->nif.ctl_fd, SIOCETHTOOL, &ifr) < 0)
		return 0; /* the driver does not tell: bind() will */
	/* A socket needs both an rx and a tx queue of its index. */
	n = ch.combined_count + PRT_MIN(ch.rx_count, ch.tx_count);
	if (priv->start_queue + priv->queue_count > n) {
		AFXDP_LOG(
			ERR,
			"%s: queues %u..%u asked (start_queue=%u, queue_count=%u) but %s has %u (ethtool -l %s); give fewer, or add queues (ethtool -L %s combined N; veth: numrxqueues/numtxqueues at creation)",
			name, priv->start_queue, priv->start_queue + priv->queue_count - 1,
			priv->start_queue, priv->queue_count, priv->nif.ifname, n, priv->nif.ifname,
			priv->nif.ifname);
		return -EINVAL;
	}
	return 0;
}

/* ---- the custom program (xdp_prog=) ---- */

static int prog_attach(struct prt_eth_dev *dev)
{
	struct afxdp_private *priv = dev->dev_private;
	struct bpf_map *map;
	char msg[128];
	long err;

	priv->prog = xdp_program__open_file(priv->prog_path, NULL, NULL);
	err = libxdp_get_error(priv->prog);
	if (err) {
		priv->prog = NULL;
		libxdp_strerror((int)err, msg, sizeof(msg));
		AFXDP_LOG(ERR, "%s: xdp_prog=%s: cannot load it: %s", dev->data.name,
			  priv->prog_path, msg);
		return (int)err;
	}
	map = bpf_object__find_map_by_name(xdp_program__bpf_obj(priv->prog), "xsks_map");
	if (map == NULL) {
		AFXDP_LOG(
			ERR,
			"%s: xdp_prog=%s has no map named xsks_map (BPF_MAP_TYPE_XSKMAP) to redirect frames to the sockets",
			dev->data.name, priv->prog_path);
		err = -EINVAL;
		goto fail;
	}
	err = xdp_program__attach(priv->prog, priv->nif.ifindex, XDP_MODE_UNSPEC, 0);
	if (err) {
		explain_socket(dev, priv->start_queue, (int)err);
		goto fail;
	}
	priv->xsks_map_fd = bpf_map__fd(map);
	AFXDP_LOG(NOTICE, "%s: XDP program %s attached to %s", dev->data.name, priv->prog_path,
		  priv->nif.ifname);
	return 0;
fail:
	xdp_program__close(priv->prog);
	priv->prog = NULL;
	return (int)err;
}

void afxdp_prog_detach(struct afxdp_private *priv)
{
	if (priv->prog == NULL)
		return;
	xdp_program__detach(priv->prog, priv->nif.ifindex, XDP_MODE_UNSPEC, 0);
	xdp_program__close(priv->prog);
	priv->prog = NULL;
	priv->xsks_map_fd = -1;
}

/* ---- one socket ---- */

/* Preferred busy polling (Linux 5.11): our recvfrom() runs the queue's
 * NAPI loop, @budget frames a call. Refused: polling as without it. */
static void busy_poll_set(struct prt_eth_dev *dev, struct afxdp_rx_queue *q, uint32_t budget)
{
	int one = 1, us = AFXDP_BUSY_POLL_US, b = (int)budget;

	if (setsockopt(q->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &one, sizeof(one)) < 0 ||
	    setsockopt(q->fd, SOL_SOCKET, SO_BUSY_POLL, &us, sizeof(us)) < 0 ||
	    setsockopt(q->fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &b, sizeof(b)) < 0) {
		AFXDP_LOG(
			WARNING,
			"%s: queue %u: preferred busy polling refused (%s; Linux 5.11 and CAP_NET_ADMIN needed): polling without it",
			dev->data.name, q->queue_index, strerror(errno));
		return;
	}
	q->busy_poll = true;
}

/* Creates the UMEM over @mp's objects. @return 0 or a negative errno (logged). */
static int umem_create(struct prt_eth_dev *dev, struct afxdp_rx_queue *q, struct afxdp_tx_queue *tq,
		       uint32_t nb_desc, struct prt_mempool *mp)
{
	const struct prt_memzone *mz = mp->objs_mz;
	const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t base = PRT_ALIGN_FLOOR((uintptr_t)mz->addr, page);
	struct xsk_umem_config cfg = {
		.fill_size = nb_desc * 2,
		.comp_size = nb_desc,
		.flags = XDP_UMEM_UNALIGNED_CHUNK_FLAG,
	};
	int ret;

	q->mp = mp;
	q->hdr_size = mp->header_size;
	/* The chunk ends where the mbuf's buffer ends: the kernel never writes
	 * into the next object or a debug build's trailer cookie. */
	q->chunk_size = mp->header_size + mp->elt_size;
	q->data_start =
		mp->header_size + (uint32_t)sizeof(struct prt_mbuf) + prt_pktmbuf_priv_size(mp);
	if (q->chunk_size < XDP_UMEM_MIN_CHUNK_SIZE || q->chunk_size > page ||
	    q->data_start + XDP_PACKET_HEADROOM + PRT_ETHER_HDR_LEN > q->chunk_size) {
		AFXDP_LOG(
			ERR,
			"%s: mbufs of pool '%s' are %u-byte UMEM chunks; AF_XDP takes %u to %lu (the page size) with room for %u bytes of XDP headroom: make the pool with a data room of %u to %lu bytes",
			dev->data.name, mp->name, q->chunk_size, XDP_UMEM_MIN_CHUNK_SIZE,
			(unsigned long)page, XDP_PACKET_HEADROOM,
			XDP_UMEM_MIN_CHUNK_SIZE - (q->data_start - q->hdr_size) - q->hdr_size,
			(unsigned long)page - q->data_start - 8);
		return -EINVAL;
	}
	cfg.frame_size = q->chunk_size;
	cfg.frame_headroom = q->data_start;
	q->umem_base = (char *)base;
	q->umem_size = (uintptr_t)mz->addr + mz->len - base;
	ret = xsk_umem__create(&q->umem, q->umem_base, q->umem_size, &q->fq, &tq->cq, &cfg);
	if (ret) {
		q->umem = NULL;
		explain_umem(dev, ret, q->umem_size);
	}
	return ret;
}

/* Binds the socket, zero-copy first. @return 0 or a negative errno. */
static int socket_create(struct prt_eth_dev *dev, struct afxdp_rx_queue *q,
			 struct afxdp_tx_queue *tq, uint32_t nb_desc)
{
	struct afxdp_private *priv = dev->dev_private;
	struct xsk_socket_config cfg = {
		.rx_size = nb_desc,
		.tx_size = nb_desc,
		.libxdp_flags = priv->prog ? XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD : 0,
		.bind_flags = XDP_USE_NEED_WAKEUP | XDP_ZEROCOPY,
	};
	int ret;

	ret = xsk_socket__create(&q->xsk, priv->nif.ifname, q->queue_index, q->umem, &q->rx,
				 &tq->tx, &cfg);
	if (ret == -EOPNOTSUPP || ret == -EPROTONOSUPPORT) {
		/* The driver has no zero-copy AF_XDP (veth, most virtual NICs). */
		cfg.bind_flags = XDP_USE_NEED_WAKEUP | XDP_COPY;
		ret = xsk_socket__create(&q->xsk, priv->nif.ifname, q->queue_index, q->umem, &q->rx,
					 &tq->tx, &cfg);
	}
	if (ret) {
		q->xsk = NULL;
		return ret;
	}
	q->fd = xsk_socket__fd(q->xsk);
	if (priv->prog) {
		ret = xsk_socket__update_xskmap(q->xsk, priv->xsks_map_fd);
		if (ret) {
			AFXDP_LOG(ERR, "%s: queue %u: cannot add the socket to xsks_map of %s: %s",
				  dev->data.name, q->queue_index, priv->prog_path, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* Logs the mode the socket runs in (XDP_OPTIONS) and the frame limit. */
static void mode_log(struct prt_eth_dev *dev, struct afxdp_rx_queue *q)
{
	struct xdp_options opts = { 0 };
	socklen_t len = sizeof(opts);

	q->zerocopy = getsockopt(q->fd, SOL_XDP, XDP_OPTIONS, &opts, &len) == 0 &&
		      (opts.flags & XDP_OPTIONS_ZEROCOPY);
	AFXDP_LOG(
		NOTICE, "%s: queue %u of %s: %s, frames up to %u bytes, %sbusy polling",
		dev->data.name, q->queue_index,
		((struct afxdp_private *)dev->dev_private)->nif.ifname,
		q->zerocopy ?
			"zero-copy (XDP_ZEROCOPY)" :
			"copy mode (the driver has no XDP_ZEROCOPY: the kernel copies each frame)",
		q->chunk_size - q->data_start - XDP_PACKET_HEADROOM, q->busy_poll ? "" : "no ");
}

int afxdp_xsk_create(struct prt_eth_dev *dev, uint16_t qid, uint32_t nb_desc,
		     struct prt_mempool *mp)
{
	struct afxdp_private *priv = dev->dev_private;
	struct afxdp_rx_queue *q = &priv->rxq[qid];
	struct afxdp_tx_queue *tq = &priv->txq[qid];
	uint32_t filled;
	int ret;

	*q = (struct afxdp_rx_queue){ .fd = -1,
				      .queue_index = priv->start_queue + qid,
				      .port_id = dev->data.port_id };
	memset(&tq->tx, 0, sizeof(tq->tx));
	memset(&tq->cq, 0, sizeof(tq->cq));
	tq->rxq = q;
	ret = umem_create(dev, q, tq, nb_desc, mp);
	if (ret)
		return ret;
	if (priv->prog_path && priv->prog == NULL) {
		ret = prog_attach(dev);
		if (ret)
			goto fail;
	}
	ret = socket_create(dev, q, tq, nb_desc);
	if (ret) {
		if (q->xsk == NULL)
			explain_socket(dev, q->queue_index, ret);
		goto fail;
	}
	if (priv->busy_budget)
		busy_poll_set(dev, q, priv->busy_budget);
	filled = afxdp_fill(q, nb_desc);
	if (filled < nb_desc) {
		AFXDP_LOG(
			ERR,
			"%s: queue %u: pool '%s' gave %u of the %u mbufs the fill ring needs: make the pool larger",
			dev->data.name, q->queue_index, mp->name, filled, nb_desc);
		ret = -ENOMEM;
		goto fail;
	}
	mode_log(dev, q);
	return 0;
fail:
	afxdp_xsk_delete(dev, qid);
	return ret;
}

void afxdp_xsk_delete(struct prt_eth_dev *dev, uint16_t qid)
{
	struct afxdp_private *priv = dev->dev_private;
	struct afxdp_rx_queue *q = &priv->rxq[qid];
	struct afxdp_tx_queue *tq = &priv->txq[qid];

	if (q->xsk) {
		struct prt_mbuf *bufs[64];

		/* Frames received and not yet read, sent and completed. */
		uint16_t n;

		while ((n = afxdp_rx(q, bufs, PRT_DIM(bufs))) > 0)
			prt_pktmbuf_free_bulk(bufs, n);
		afxdp_complete(tq);
		/* Out of the xsks_map, then closed; libxdp unmaps the four rings.
		 * The mbufs still on the fill ring (and any tx the kernel had not
		 * completed) cannot be read back safely while the socket lives,
		 * and not at all after: they return to the pool only when the
		 * pool is freed, as with DPDK's driver. */
		xsk_socket__delete(q->xsk);
		q->xsk = NULL;
		q->fd = -1;
	}
	if (q->umem) {
		xsk_umem__delete(q->umem);
		q->umem = NULL;
	}
}
