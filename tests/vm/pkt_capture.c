/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pkt_capture: the guest side of the VM lab's replay and hub tests (the
 * guest has no tcpdump). It captures frames on a NIC left on its kernel driver
 * with an AF_PACKET socket and writes them as a pcap file, so that the host
 * can compare them byte for byte with what it replayed; with --echo it then
 * sends the same frames back out of the NIC, for the host's capture.
 *
 *   pkt_capture [--echo] BDF|IFNAME OUT.pcap COUNT TIMEOUT_S
 *   pkt_capture --send BDF|IFNAME IN.pcap
 *
 * --send transmits the frames of IN.pcap out of the NIC, in order, one per
 * millisecond (for the test of NIC-to-NIC delivery through QEMU's hub).
 *
 * Prints "capture ready on IFNAME" once the link is up and the socket is
 * listening (tools/vmlab replays on that line: --ready '^capture ready').
 * Exits 0 when COUNT frames arrived before TIMEOUT_S seconds, 1 otherwise.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SNAPLEN 65535

struct frame {
	uint32_t len;
	struct timespec ts;
	uint8_t *data;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The only entry of a directory that does not start with a dot, or -1. */
static int only_entry(const char *dir, const char *prefix, char *name, size_t len)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	name[0] = '\0';
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
		    strlen(e->d_name) < len)
			memcpy(name, e->d_name, strlen(e->d_name) + 1);
	closedir(d);
	return name[0] ? 0 : -1;
}

/*
 * The kernel interface name of a PCI NIC: the entry of its net/ directory
 * (for virtio-net, of virtioN/net/: the netdev hangs off the virtio device).
 */
static int ifname_of(const char *arg, char *name, size_t len)
{
	char path[PATH_MAX], virtio[64];

	if (!strchr(arg, ':')) {
		snprintf(name, len, "%s", arg);
		return 0;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/net", arg);
	if (only_entry(path, "", name, len) == 0)
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", arg);
	if (only_entry(path, "virtio", virtio, sizeof(virtio)) == 0) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s/net", arg, virtio);
		if (only_entry(path, "", name, len) == 0)
			return 0;
	}
	fprintf(stderr,
		"pkt_capture: %s has no network interface; is it on its kernel driver "
		"(--nics NAME:kernel)?\n",
		arg);
	return -1;
}

static int wait_carrier(const char *ifname, double timeout)
{
	char path[PATH_MAX], c = '0';
	double end = now() + timeout;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifname);
	while (now() < end) {
		f = fopen(path, "r");
		if (f) {
			c = (char)fgetc(f);
			fclose(f);
		}
		if (c == '1')
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

static int write_pcap(const char *path, const struct frame *f, int n)
{
	/* pcap file format: a 24-byte header, then a 16-byte header per frame */
	uint32_t hdr[6] = { 0xa1b23c4d, 0x00040002, 0, 0, SNAPLEN, 1 /* Ethernet */ };
	FILE *out = fopen(path, "wb");
	int i;

	if (!out) {
		fprintf(stderr, "pkt_capture: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fwrite(hdr, sizeof(hdr), 1, out); /* magic a1b23c4d: nanosecond stamps */
	for (i = 0; i < n; i++) {
		uint32_t rec[4] = { (uint32_t)f[i].ts.tv_sec, (uint32_t)f[i].ts.tv_nsec, f[i].len,
				    f[i].len };

		fwrite(rec, sizeof(rec), 1, out);
		fwrite(f[i].data, f[i].len, 1, out);
	}
	if (fclose(out) != 0) {
		fprintf(stderr, "pkt_capture: writing %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Brings the interface up and waits for its link; 0 or -1 (message printed). */
static int bring_up(int sock, const char *ifname)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
		fprintf(stderr, "pkt_capture: no interface %s: %s\n", ifname, strerror(errno));
		return -1;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0 || wait_carrier(ifname, 20) < 0) {
		fprintf(stderr, "pkt_capture: %s did not come up: %s\n", ifname, strerror(errno));
		return -1;
	}
	return 0;
}

/* --send: the frames of a classic pcap file (either byte order) out of ifname. */
static int send_pcap(const char *ifname, const char *path)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	uint32_t hdr[6], rec[4];
	uint8_t *buf = malloc(SNAPLEN);
	FILE *in = fopen(path, "rb");
	int sock = socket(AF_PACKET, SOCK_RAW, 0), swapped, n = 0;

	if (!in || !buf || sock < 0 || fread(hdr, sizeof(hdr), 1, in) != 1) {
		fprintf(stderr, "pkt_capture: --send %s: %s\n", path, strerror(errno));
		return 1;
	}
	swapped = hdr[0] == 0xd4c3b2a1 || hdr[0] == 0x4d3cb2a1;
	if (!swapped && hdr[0] != 0xa1b2c3d4 && hdr[0] != 0xa1b23c4d) {
		fprintf(stderr, "pkt_capture: %s is not a pcap file\n", path);
		return 1;
	}
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (bring_up(sock, ifname) < 0)
		return 1;
	if (bind(sock, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "pkt_capture: bind to %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	while (fread(rec, sizeof(rec), 1, in) == 1) {
		uint32_t len = swapped ? __builtin_bswap32(rec[2]) : rec[2];

		if (len > SNAPLEN || fread(buf, 1, len, in) != len) {
			fprintf(stderr, "pkt_capture: %s: frame %d is truncated\n", path, n);
			return 1;
		}
		if (send(sock, buf, len, 0) != (ssize_t)len) {
			fprintf(stderr, "pkt_capture: sending frame %d (%u bytes) on %s: %s\n", n,
				len, ifname, strerror(errno));
			return 1;
		}
		n++;
		usleep(1000);
	}
	printf("sent %d frames on %s\n", n, ifname);
	fclose(in);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int echo = 0, argi = 1, count, got = 0, sock, one = 1, i;
	double timeout, end;
	char ifname[IF_NAMESIZE + 1];
	struct frame *frames;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	struct packet_mreq mreq = { .mr_type = PACKET_MR_PROMISC };
	/* Room for a burst (a vhost-user back-end delivers a whole capture at
	 * once; the default buffer of 208 KiB holds about 130 frames' skbs). */
	int rcvbuf = 16 << 20;
	struct tpacket_stats st = { 0 };
	socklen_t st_len = sizeof(st);
	uint64_t bytes = 0;

	if (argc == 4 && strcmp(argv[1], "--send") == 0)
		return ifname_of(argv[2], ifname, sizeof(ifname)) < 0 ? 1 :
									send_pcap(ifname, argv[3]);
	if (argc > 1 && strcmp(argv[1], "--echo") == 0) {
		echo = 1;
		argi++;
	}
	if (argc - argi != 4) {
		fprintf(stderr, "usage: pkt_capture [--echo] BDF|IFNAME OUT.pcap COUNT TIMEOUT_S\n"
				"       pkt_capture --send BDF|IFNAME IN.pcap\n");
		return 2;
	}
	count = atoi(argv[argi + 2]);
	timeout = atof(argv[argi + 3]);
	if (ifname_of(argv[argi], ifname, sizeof(ifname)) < 0)
		return 1;
	frames = calloc((size_t)count + 1, sizeof(*frames));
	sock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (!frames || sock < 0) {
		perror("pkt_capture: AF_PACKET socket");
		return 1;
	}
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	mreq.mr_ifindex = sll.sll_ifindex;
	/* Up first: binding to an interface that is down leaves ENETDOWN pending. */
	if (sll.sll_ifindex == 0 || bring_up(sock, ifname) < 0)
		return 1;
	if (bind(sock, (struct sockaddr *)&sll, sizeof(sll)) < 0 ||
	    setsockopt(sock, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0 ||
	    setsockopt(sock, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0 ||
	    setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0) {
		fprintf(stderr, "pkt_capture: listening on %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	printf("capture ready on %s (%s), waiting for %d frames\n", ifname, argv[argi], count);
	fflush(stdout);

	end = now() + timeout;
	while (got < count) {
		uint8_t buf[SNAPLEN + 4];
		union {
			struct cmsghdr c;
			char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		} ctl;
		struct sockaddr_ll from;
		struct iovec iov = { .iov_base = buf + 4, .iov_len = SNAPLEN };
		struct msghdr msg = { .msg_name = &from,
				      .msg_namelen = sizeof(from),
				      .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = &ctl,
				      .msg_controllen = sizeof(ctl) };
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		uint8_t *data = buf + 4;
		struct cmsghdr *c;
		double left = end - now();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) == 0)
			break;
		n = recvmsg(sock, &msg, MSG_TRUNC);
		if (n < 0) {
			perror("pkt_capture: recvmsg");
			return 1;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (n > SNAPLEN)
			n = SNAPLEN;
		/* The driver took the VLAN tag off (rx VLAN offload): put it back. */
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			struct tpacket_auxdata *aux = (struct tpacket_auxdata *)CMSG_DATA(c);
			uint16_t tag[2];

			if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
			    !(aux->tp_status & TP_STATUS_VLAN_VALID) || n < 12)
				continue;
			tag[0] = htons(aux->tp_status & TP_STATUS_VLAN_TPID_VALID ?
					       aux->tp_vlan_tpid :
					       ETH_P_8021Q);
			tag[1] = htons(aux->tp_vlan_tci);
			memmove(buf, data, 12);
			memcpy(buf + 12, tag, 4);
			data = buf;
			n += 4;
		}
		frames[got].len = (uint32_t)n;
		frames[got].data = malloc((size_t)n);
		clock_gettime(CLOCK_REALTIME, &frames[got].ts);
		memcpy(frames[got].data, data, (size_t)n);
		bytes += (uint64_t)n;
		got++;
	}
	if (getsockopt(sock, SOL_PACKET, PACKET_STATISTICS, &st, &st_len) == 0 && st.tp_drops)
		printf("pkt_capture: the socket dropped %u frames (its receive buffer was full)\n",
		       st.tp_drops);
	printf("captured %d of %d frames (%llu bytes) on %s\n", got, count,
	       (unsigned long long)bytes, ifname);
	if (write_pcap(argv[argi + 1], frames, got) < 0)
		return 1;
	if (echo) {
		for (i = 0; i < got; i++) {
			if (send(sock, frames[i].data, frames[i].len, 0) !=
			    (ssize_t)frames[i].len) {
				fprintf(stderr, "pkt_capture: echo of frame %d (%u bytes): %s\n", i,
					frames[i].len, strerror(errno));
				return 1;
			}
			usleep(1000);
		}
		printf("echoed %d frames\n", got);
	}
	return got == count ? 0 : 1;
}
