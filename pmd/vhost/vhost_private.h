/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_vhost's device and vrings, shared by its control path
 * (vhost_backend.c: the socket and the messages, on prt's interrupt thread)
 * and its data path (vhost_vring.c: rx/tx bursts on a polling lcore).
 *
 * Handover between the two, per vring: the control thread changes a vring
 * (addresses, size, base, the memory table) only while the vring is not
 * ready and no burst is inside it:
 *   - the data path enters a burst with an exchange of 'busy' to 1
 *     (seq_cst), then loads 'ready' (acquire); not ready: it leaves
 *     (busy = 0, release) without touching the ring;
 *   - the control thread stores ready = 0 (seq_cst), then waits until it
 *     reads busy == 0 (acquire): from then on no burst can be inside, and
 *     any burst that comes reads ready == 0 (the two seq_cst operations are
 *     ordered one way or the other: either the burst sees ready == 0, or
 *     the control thread sees busy == 1 and waits);
 *   - once done, the control thread stores ready = 1 (release), which
 *     publishes every field written before it to the burst's acquire load.
 * The data path never waits: a burst that finds the ring not ready returns
 * 0. That is one locked instruction per burst, as DPDK's vhost takes its
 * per-queue access lock in each burst.
 */
#ifndef VHOST_PRIVATE_H
#define VHOST_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ethdev_driver.h"
#include "vhost_log.h"
#include "vhost_mem.h"
#include "virtio_ring.h"

#define VHOST_MAX_QUEUE_PAIRS 8
#define VHOST_MAX_VRINGS (2 * VHOST_MAX_QUEUE_PAIRS)

/* Longest descriptor chain walked, and largest frame taken from the front-end. */
#define VHOST_MAX_CHAIN 64u
#define VHOST_MAX_FRAME (64u * 1024)

/**
 * Where the back-end is in a vring. Split (2.7): @last_avail is the next
 * avail ring entry to take and @last_used our copy of used->idx, both
 * free-running. Packed (2.8): @last_avail is the next descriptor to look
 * at and @last_used the slot of the next used descriptor, both below the
 * ring size, with the device's wrap counters (2.8.1); @nshadow counts the
 * used descriptors gathered in vhost_vring.shadow but not yet written.
 * A burst saves and restores it whole to take back a frame it cannot finish.
 */
struct vhost_ring_pos {
	uint16_t last_avail;
	uint16_t last_used;
	uint16_t nshadow;
	bool avail_wrap;
	bool used_wrap;
};

/** A packed vring's used descriptor before it is written (2.8.7: one per buffer). */
struct vhost_used_elem {
	uint16_t id; /* the buffer id, from the chain's last descriptor */
	uint16_t ndesc; /* descriptors of the chain: the next used slot is that far on (2.8.6) */
	uint32_t len; /* bytes written into the buffer */
};

/* Used descriptors a packed vring gathers before it writes them (a batch). */
#define VHOST_SHADOW 512u

/** One vring: the front-end's rx (even index) or tx (odd index) virtqueue. */
struct vhost_vring {
	/* Data path (read by the bursts, written by the control thread while not ready). */
	union {
		struct virtq_desc *desc; /* split: the descriptor table */
		struct pvirtq_desc *pdesc; /* packed: the descriptor ring */
	};
	union {
		struct virtq_avail *avail; /* split */
		struct pvirtq_event_suppress *driver_event; /* packed: the front-end's wish */
	};
	union {
		struct virtq_used *used; /* split */
		struct pvirtq_event_suppress *device_event; /* packed: ours */
	};
	uint16_t size; /* a power of two */
	struct vhost_ring_pos pos;
	bool packed; /* VIRTIO_F_RING_PACKED negotiated: the union members above are packed's */
	bool event_idx; /* VIRTIO_F_RING_EVENT_IDX negotiated */
	bool mrg_rxbuf; /* VIRTIO_NET_F_MRG_RXBUF negotiated */
	bool broken; /* the front-end wrote nonsense into the ring: stopped until reset */
	int callfd; /* the front-end's call eventfd; -1 for none */
	const struct vhost_mem *mem;
	struct prt_eth_sw_stats stats;
	uint64_t bad_desc; /* chains refused: address, length, count, flags */
	uint64_t too_big; /* tx frames larger than the front-end's buffers take */
	uint64_t stopped; /* times the ring broke (set broken), each logged */
	uint64_t nombuf;
	struct prt_mempool *mp; /* rx: where frames go (set at queue setup) */
	uint16_t port_id;

	/* Handover (see above). */
	int ready;
	int busy;

	/* Control thread only. */
	struct vhost_vring_addr addr;
	bool have_num, have_addr, started, enabled;
	int kickfd;
	int errfd;

	/* Data path only: packed rings' used descriptors of the current burst. */
	struct vhost_used_elem shadow[VHOST_SHADOW];
} __prt_cache_aligned;

/** One net_vhost port. */
struct vhost_dev {
	struct prt_eth_dev *eth;
	char path[108]; /* sun_path */
	bool client;
	uint16_t queues; /* queue pairs offered (queues=N) */
	int listen_fd; /* server: the listening socket; -1 in client mode */
	int conn_fd; /* the front-end's connection; -1 when none */
	int timer_fd; /* client: reconnect timer */
	uint64_t features; /* acked by SET_FEATURES */
	uint64_t protocol_features;
	struct vhost_mem mem;
	struct vhost_vring vr[VHOST_MAX_VRINGS];
	pthread_mutex_t lock; /* the connection and the vrings' control fields */
	bool stopping; /* the port closes: no reconnect, no event */
	/* The link as the connection has it: up once vrings 0 and 1 are ready
	 * (written under lock, read by link_update without it). */
	bool link_up;
	uint64_t malformed; /* messages that closed the connection */
	uint64_t connects;
};

/** The features net_vhost offers: split or packed rings, as the front-end acks. */
#define VHOST_FEATURES                                                              \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << 15 /* VIRTIO_NET_F_MRG_RXBUF */) | \
	 (1ull << VIRTIO_F_RING_EVENT_IDX) | (1ull << VIRTIO_F_RING_PACKED) |       \
	 (1ull << VHOST_USER_F_PROTOCOL_FEATURES))

/* vhost_backend.c: the control path. */

/**
 * Opens @p d's socket (server: listen on d->path, removing a stale socket
 * file first; client: connect, and retry every second while it fails) and
 * watches it on prt's interrupt thread. @return 0; a negative errno, logged.
 */
int vhost_backend_start(struct vhost_dev *d);

/** Closes the connection and the socket, unmaps the memory. Not on the interrupt thread. */
void vhost_backend_stop(struct vhost_dev *d);

/**
 * Hands @p vr to the data path (ready = 1) if it has all it needs: a size,
 * addresses, started by SET_VRING_KICK, enabled, and a memory table in
 * @p d. Its three parts (split: descriptor table, avail and used rings;
 * packed: descriptor ring, driver and device event areas) are translated
 * (vhost_uva_to_va()) and checked inside the table and aligned; event index
 * and MRG_RXBUF follow @p d->features; a broken ring is cleared. Control
 * thread, with d->lock held, and @p vr quiesced (not ready). Internal: for
 * the control path and tests/fuzz/fuzz_vhost_vring.c, not exported from libprt.so.
 * @return 0 (ready, or still missing something); -EFAULT when its
 *         addresses do not lie in the memory table or are misaligned;
 *         -ERANGE when a packed ring's base (SET_VRING_BASE) lies beyond
 *         its size (logged; the ring stays not ready).
 */
int vhost_vring_update(struct vhost_dev *d, struct vhost_vring *vr);

/**
 * Sets where @p vr resumes, as SET_VRING_BASE's @p num says (split: the
 * next avail index; packed: bits 0-14 the next descriptor, bit 15 its wrap
 * counter, vhost-user.rst), the used side there too. Control thread, @p vr
 * quiesced; vhost_vring_update() checks a packed base against the size.
 * Internal (the control path and fuzz_vhost_vring.c).
 */
void vhost_vring_set_base(struct vhost_vring *vr, uint32_t num);

/**
 * Takes @p features, which the front-end acked with SET_FEATURES (the
 * caller checked them against what was offered): each ring of @p d is
 * quiesced, takes the ring type they give (VIRTIO_F_RING_PACKED) and goes
 * through vhost_vring_update(). Control thread, d->lock held. Internal (the
 * control path and fuzz_vhost_vring.c).
 * @return 0; vhost_vring_update()'s -EFAULT or -ERANGE for a ring that does
 *         not fit them (the rings after it are left quiesced).
 */
int vhost_dev_set_features(struct vhost_dev *d, uint64_t features);

/* vhost_vring.c: the data path. */

/** Rx burst (frames the front-end sent, from its tx virtqueue) for queue @p vr. */
uint16_t vhost_rx_burst(void *vr, struct prt_mbuf **pkts, uint16_t n);

/** Tx burst (frames into the front-end's rx virtqueue, vring @p vr). */
uint16_t vhost_tx_burst(void *vr, struct prt_mbuf **pkts, uint16_t n);

/**
 * Makes @p vr not ready and waits until no burst is inside it (see the
 * handover above). Control thread.
 */
void vhost_vring_quiesce(struct vhost_vring *vr);

#endif /* VHOST_PRIVATE_H */
