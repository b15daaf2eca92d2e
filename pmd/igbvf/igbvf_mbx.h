/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VF side of the 82576 VF<->PF mailbox (82576 datasheet 7.8.2.9): one
 * 64-byte buffer (VMBMEM) shared with the PF, owned in turn (VFU/PFU), and
 * V2PMAILBOX's request/ack bits; and on top of it the messages the PF's
 * driver answers (igbvf_regs.h): RESET (the VF's MAC address back),
 * SET_MAC_ADDR, SET_MULTICAST, SET_VLAN, SET_LPE and SET_PROMISC.
 *
 * A request is: take the buffer (VFU, read back), write the words, set REQ
 * (which hands the buffer back), wait for PFACK; then wait for PFSTS, take
 * the buffer, read the reply, set ACK. Every wait has a time limit; a PF
 * that does not answer is an error (-ETIMEDOUT) naming the message and
 * what to check, never a hang. The reply must name the request's type and
 * carry ACK or NACK: anything else is counted and refused (-EPROTO). A
 * message the PF sends on its own (PF_CONTROL: the link changed, or the PF
 * reset and wants the VF to reset too, shown by a missing CTS) is kept for
 * igbvf_mbx_poll(), even when it arrives while a request waits.
 *
 * PFSTS, PFACK and RSTD clear when V2PMAILBOX is read: every read keeps
 * them in `sticky` until the code that waits for that bit consumes it, so
 * no read loses another's event.
 *
 * Registers go through `io` so that tests can play the PF (tests/intel/
 * igbvf_pf_sim.c). Threads: every call takes the mailbox's mutex (the
 * control thread and prt's interrupt thread both use it); calls sleep.
 */
#ifndef IGBVF_MBX_H
#define IGBVF_MBX_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "igbvf_regs.h"

/** Register access of the VF's BAR 0. */
struct igbvf_mbx_io {
	uint32_t (*read)(void *ctx, uint32_t reg);
	void (*write)(void *ctx, uint32_t reg, uint32_t val);
	void *ctx;
};

/** What the mailbox saw, since igbvf_mbx_init(); read under the mutex or racily for xstats. */
struct igbvf_mbx_stats {
	uint64_t requests; /**< messages sent */
	uint64_t pf_messages; /**< PF_CONTROL messages received */
	uint64_t timeouts; /**< waits that ran out (buffer, PFACK, PFSTS, reset) */
	uint64_t nacks; /**< requests the PF refused */
	uint64_t bad_replies; /**< replies of another type, or neither ACK nor NACK */
	uint64_t pf_resets; /**< PF resets seen (RSTI/RSTD, or a message without CTS) */
};

/** One VF's mailbox. */
struct igbvf_mbx {
	struct igbvf_mbx_io io;
	const char *name; /**< for log lines */
	pthread_mutex_t lock;
	uint32_t sticky; /**< read-to-clear bits seen and not consumed yet */
	unsigned int timeout_us; /**< limit of each wait */
	unsigned int poll_us; /**< between two looks at V2PMAILBOX */
	bool cts; /**< the PF accepted our RESET and takes requests */
	bool pf_msg_pending; /**< pf_msg holds a PF_CONTROL message not yet polled */
	uint32_t pf_msg;
	struct igbvf_mbx_stats stats;
};

/** Events igbvf_mbx_poll() reports, as bits. */
enum {
	IGBVF_MBX_EV_LINK = 1u << 0, /**< the PF said the link may have changed */
	IGBVF_MBX_EV_RESET = 1u << 1, /**< the PF reset (or is resetting): the VF must reset */
};

/**
 * Default limit of one wait (us). The PF answers from its interrupt handler,
 * which a loaded host can hold off past a second (seen with a guest PF under
 * QEMU's TCG on a loaded host: a RESET unanswered after 1 s at start-up);
 * Linux's igbvf retries from its 2 s watchdog instead.
 */
#define IGBVF_MBX_TIMEOUT_US 3000000u

/**
 * Sets up @p m over @p io (copied) with the default limits; not yet clear
 * to send: igbvf_mbx_reset() comes first. @return 0 or -errno (mutex).
 */
int igbvf_mbx_init(struct igbvf_mbx *m, const struct igbvf_mbx_io *io, const char *name);

/** Releases @p m's mutex. */
void igbvf_mbx_fini(struct igbvf_mbx *m);

/**
 * VF reset and the RESET handshake (what Linux's igbvf does at probe and
 * after a PF reset): VTCTRL.RST (the VF's queues and interrupts off; the
 * PF hears of it through VFLRE), a wait for RSTI to clear (a PF in reset),
 * then RESET to the PF, whose reply carries the MAC address the PF gave
 * the VF. Forgets PF reset indications seen before. Sleeps.
 * @return 0 with @p mac filled (all zero when the PF has no address for
 *         this VF: it answered NACK); -ETIMEDOUT (the PF stays in reset or
 *         does not answer); -EPROTO (a reply that is not RESET's); -ENODEV
 *         (the VF reads all ones). Each logged with what to do.
 */
int igbvf_mbx_reset(struct igbvf_mbx *m, uint8_t mac[6]);

/** SET_MAC_ADDR: the VF's unicast address. @return 0; -EPERM (NACK: the PF set one for this VF, "ip link set PF vf N mac" decides); the request's errors. */
int igbvf_mbx_set_mac(struct igbvf_mbx *m, const uint8_t mac[6]);

/**
 * SET_MULTICAST: the PF's multicast table gets the 12-bit MTA hashes of
 * @p nb addresses of @p addrs (6 bytes each, packed). @p nb is at most
 * IGBVF_MC_HASH_MAX (-EINVAL past it). @return 0; the request's errors.
 */
int igbvf_mbx_set_multicast(struct igbvf_mbx *m, const uint8_t *addrs, unsigned int nb);

/** SET_VLAN: adds (@p on) or removes VLAN @p vid (0..4095, else -EINVAL) from the VF's filter. @return 0; the request's errors. */
int igbvf_mbx_set_vlan(struct igbvf_mbx *m, uint16_t vid, bool on);

/** SET_LPE: the longest frame the PF lets through to the VF, @p max_frame bytes with CRC. @return 0; -EPERM (the PF refused the size); the request's errors. */
int igbvf_mbx_set_lpe(struct igbvf_mbx *m, uint32_t max_frame);

/**
 * SET_PROMISC with @p flags (IGBVF_PROMISC_*; 0 turns both off). Linux's
 * igb grants multicast promiscuity and refuses unicast.
 * @return 0; -ENOTSUP (NACK: the PF does not allow it); the request's errors.
 */
int igbvf_mbx_set_promisc(struct igbvf_mbx *m, uint32_t flags);

/**
 * Looks for what the PF did on its own: a PF_CONTROL message (read and
 * acknowledged), a PF reset (RSTI or RSTD; counted). Does not wait.
 * @return IGBVF_MBX_EV_* bits; 0 when nothing happened.
 */
unsigned int igbvf_mbx_poll(struct igbvf_mbx *m);

/**
 * Sends @p n_out words of @p msg and reads the reply into @p msg (@p n_in
 * words, at most IGBVF_MBX_WORDS). The primitive the messages above use;
 * exported for tests.
 * @return 0 (ACK); -EPERM (NACK); -ECONNRESET (NACK without CTS: the PF
 *         wants a VF reset first); -EPROTO (a reply of another type or
 *         without a verdict); -ETIMEDOUT; -EINVAL (sizes).
 */
int igbvf_mbx_request(struct igbvf_mbx *m, uint32_t *msg, unsigned int n_out, unsigned int n_in);

/** The 12-bit MTA hash the PF files multicast address @p mac under (82576 8.10.13, filter type 0). */
uint16_t igbvf_mc_hash(const uint8_t mac[6]);

#endif /* IGBVF_MBX_H */
