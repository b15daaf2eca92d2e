/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VF<->PF mailbox protocol of the 82576 VF (see igbvf_mbx.h): buffer
 * ownership, requests and replies, the PF's own messages, VF reset and
 * PF reset, each wait bounded.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "e1000_log.h"
#include "igbvf_mbx.h"

#define RESET_WAIT_US 100000u /* a PF in reset (RSTI) has 100 ms to come back */

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void pause_us(unsigned int us)
{
	nanosleep(&(struct timespec){ .tv_sec = us / 1000000u, .tv_nsec = (us % 1000000u) * 1000L },
		  NULL);
}

/* V2PMAILBOX, with the read-to-clear bits this read cleared kept in sticky. */
static uint32_t mbx_status(struct igbvf_mbx *m)
{
	uint32_t v = m->io.read(m->io.ctx, IGBVF_V2PMAILBOX);

	if (v == UINT32_MAX) /* no device answers with every bit set, reserved ones included */
		return v;
	m->sticky |= v & IGBVF_V2PMAILBOX_R2C;
	return v | m->sticky;
}

/* Whether one of @p bits is set now or was seen since; consumes those bits. */
static bool mbx_take(struct igbvf_mbx *m, uint32_t bits)
{
	uint32_t v = mbx_status(m);

	if (v == UINT32_MAX || !(v & bits))
		return false;
	m->sticky &= ~bits;
	return true;
}

/*
 * Waits up to timeout_us for one of @p bits (consumed). @return 0;
 * -ETIMEDOUT (counted); -ENODEV when the VF reads all ones.
 */
static int mbx_wait(struct igbvf_mbx *m, uint32_t bits)
{
	uint64_t end = now_us() + m->timeout_us;

	for (;;) {
		if (mbx_take(m, bits))
			return 0;
		if (m->io.read(m->io.ctx, IGBVF_V2PMAILBOX) == UINT32_MAX)
			return -ENODEV;
		if (now_us() >= end)
			break;
		pause_us(m->poll_us);
	}
	m->stats.timeouts++;
	return -ETIMEDOUT;
}

/* Takes the buffer: VFU written, and read back (the PF may hold it, PFU). */
static int mbx_lock(struct igbvf_mbx *m)
{
	uint64_t end = now_us() + m->timeout_us;

	for (;;) {
		uint32_t v;

		m->io.write(m->io.ctx, IGBVF_V2PMAILBOX, IGBVF_V2PMAILBOX_VFU);
		v = mbx_status(m);
		if (v == UINT32_MAX)
			return -ENODEV;
		if (v & IGBVF_V2PMAILBOX_VFU)
			return 0;
		if (now_us() >= end)
			break;
		pause_us(m->poll_us);
	}
	m->stats.timeouts++;
	return -ETIMEDOUT;
}

/* Reads the PF's message (PFSTS seen) into @p msg and acknowledges it (ACK drops VFU). */
static int mbx_read_locked(struct igbvf_mbx *m, uint32_t *msg, unsigned int n)
{
	int ret = mbx_lock(m);

	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < n; i++)
		msg[i] = m->io.read(m->io.ctx, IGBVF_VMBMEM(i));
	m->io.write(m->io.ctx, IGBVF_V2PMAILBOX, IGBVF_V2PMAILBOX_ACK);
	return 0;
}

/* Keeps a message the PF sent on its own for igbvf_mbx_poll(). */
static void mbx_keep_pf_msg(struct igbvf_mbx *m, uint32_t word0)
{
	m->stats.pf_messages++;
	m->pf_msg = word0;
	m->pf_msg_pending = true;
}

/* A PF message waiting (PFSTS) before we write ours: read it first, so that it is not lost. */
static int mbx_drain_pf_msg(struct igbvf_mbx *m)
{
	uint32_t word0;
	int ret;

	if (!mbx_take(m, IGBVF_V2PMAILBOX_PFSTS))
		return 0;
	ret = mbx_read_locked(m, &word0, 1);
	if (ret == 0)
		mbx_keep_pf_msg(m, word0);
	return ret;
}

static const char *msg_name(uint32_t type)
{
	switch (type) {
	case IGBVF_MSG_RESET:
		return "RESET";
	case IGBVF_MSG_SET_MAC_ADDR:
		return "SET_MAC_ADDR";
	case IGBVF_MSG_SET_MULTICAST:
		return "SET_MULTICAST";
	case IGBVF_MSG_SET_VLAN:
		return "SET_VLAN";
	case IGBVF_MSG_SET_LPE:
		return "SET_LPE";
	case IGBVF_MSG_SET_PROMISC:
		return "SET_PROMISC";
	default:
		return "message";
	}
}

static void log_wait_error(struct igbvf_mbx *m, uint32_t type, const char *what, int ret)
{
	if (ret == -ENODEV)
		E1000_LOG(ERR, "%s: the VF reads all ones while sending %s: it left the bus",
			  m->name, msg_name(type));
	else
		E1000_LOG(ERR,
			  "%s: the PF did not %s the %s message within %u ms (V2PMAILBOX reads "
			  "0x%08x): check that the PF's kernel driver (igb) is loaded and its "
			  "interface up (ip link set PFDEV up)",
			  m->name, what, msg_name(type), m->timeout_us / 1000,
			  m->io.read(m->io.ctx, IGBVF_V2PMAILBOX));
}

static int request_locked(struct igbvf_mbx *m, uint32_t *msg, unsigned int n_out, unsigned int n_in)
{
	uint32_t type = msg[0] & IGBVF_MSG_TYPE_MASK;
	uint64_t end;
	int ret;

	if (n_out == 0 || n_out > IGBVF_MBX_WORDS || n_in == 0 || n_in > IGBVF_MBX_WORDS)
		return -EINVAL;
	ret = mbx_drain_pf_msg(m);
	if (ret == 0)
		ret = mbx_lock(m);
	if (ret < 0) {
		log_wait_error(m, type, "free the buffer for", ret);
		return ret;
	}
	m->sticky &= ~IGBVF_V2PMAILBOX_PFACK; /* an old acknowledgement is not for this message */
	for (unsigned int i = 0; i < n_out; i++)
		m->io.write(m->io.ctx, IGBVF_VMBMEM(i), msg[i]);
	m->io.write(m->io.ctx, IGBVF_V2PMAILBOX, IGBVF_V2PMAILBOX_REQ); /* and VFU dropped */
	m->stats.requests++;
	ret = mbx_wait(m, IGBVF_V2PMAILBOX_PFACK);
	if (ret < 0) {
		log_wait_error(m, type, "acknowledge", ret);
		return ret;
	}
	/* The reply; a PF_CONTROL message the PF sent meanwhile is kept and skipped. */
	end = now_us() + m->timeout_us;
	for (;;) {
		ret = mbx_wait(m, IGBVF_V2PMAILBOX_PFSTS);
		if (ret == 0)
			ret = mbx_read_locked(m, msg, n_in);
		if (ret < 0) {
			log_wait_error(m, type, "answer", ret);
			return ret;
		}
		if ((msg[0] & IGBVF_MSG_TYPE_MASK) != IGBVF_MSG_PF_CONTROL)
			break;
		mbx_keep_pf_msg(m, msg[0]);
		if (now_us() >= end) {
			m->stats.timeouts++;
			log_wait_error(m, type, "answer", -ETIMEDOUT);
			return -ETIMEDOUT;
		}
	}
	if ((msg[0] & IGBVF_MSG_TYPE_MASK) != type ||
	    !(msg[0] & (IGBVF_MSG_ACK | IGBVF_MSG_NACK)) ||
	    (msg[0] & (IGBVF_MSG_ACK | IGBVF_MSG_NACK)) == (IGBVF_MSG_ACK | IGBVF_MSG_NACK)) {
		m->stats.bad_replies++;
		E1000_LOG(ERR, "%s: the PF answered %s with 0x%08x, not an ACK or NACK of it",
			  m->name, msg_name(type), msg[0]);
		return -EPROTO;
	}
	if (msg[0] & IGBVF_MSG_ACK)
		return 0;
	m->stats.nacks++;
	/* RESET's reply never has CTS; any other NACK without it asks for a VF reset. */
	if (type != IGBVF_MSG_RESET && !(msg[0] & IGBVF_MSG_CTS)) {
		m->cts = false;
		return -ECONNRESET;
	}
	return -EPERM;
}

int igbvf_mbx_request(struct igbvf_mbx *m, uint32_t *msg, unsigned int n_out, unsigned int n_in)
{
	int ret;

	pthread_mutex_lock(&m->lock);
	ret = request_locked(m, msg, n_out, n_in);
	pthread_mutex_unlock(&m->lock);
	return ret;
}

int igbvf_mbx_init(struct igbvf_mbx *m, const struct igbvf_mbx_io *io, const char *name)
{
	memset(m, 0, sizeof(*m));
	m->io = *io;
	m->name = name;
	m->timeout_us = IGBVF_MBX_TIMEOUT_US;
	m->poll_us = 100;
	return -pthread_mutex_init(&m->lock, NULL);
}

void igbvf_mbx_fini(struct igbvf_mbx *m)
{
	pthread_mutex_destroy(&m->lock);
}

int igbvf_mbx_reset(struct igbvf_mbx *m, uint8_t mac[6])
{
	uint32_t msg[3] = { IGBVF_MSG_RESET };
	uint64_t end;
	int ret;

	pthread_mutex_lock(&m->lock);
	m->cts = false;
	/* 7.8.2.x VF reset: the VF's queues and interrupts stop; the PF sees VFLRE. */
	m->io.write(m->io.ctx, IGBVF_CTRL, IGBVF_CTRL_RST);
	end = now_us() + RESET_WAIT_US;
	for (;;) {
		uint32_t v = mbx_status(m);

		if (v == UINT32_MAX) {
			ret = -ENODEV;
			E1000_LOG(ERR, "%s: the VF reads all ones: it left the bus", m->name);
			goto out;
		}
		if (!(v & IGBVF_V2PMAILBOX_RSTI))
			break;
		if (now_us() >= end) {
			m->stats.timeouts++;
			ret = -ETIMEDOUT;
			E1000_LOG(
				ERR,
				"%s: the PF is still resetting (V2PMAILBOX.RSTI) after %u ms: check "
				"its kernel driver (dmesg)",
				m->name, RESET_WAIT_US / 1000);
			goto out;
		}
		pause_us(m->poll_us);
	}
	/*
	 * What came before our reset (RSTD, a PF message such as the ping
	 * without CTS the PF sends a VF that has not reset yet) is not news.
	 */
	m->sticky &= ~IGBVF_V2PMAILBOX_RSTD;
	ret = mbx_drain_pf_msg(m);
	m->pf_msg_pending = false;
	if (ret < 0)
		log_wait_error(m, IGBVF_MSG_RESET, "free the buffer for", ret);
	else
		ret = request_locked(m, msg, 1, 3);
	if (ret == 0) {
		memcpy(mac, &msg[1], 4);
		memcpy(mac + 4, &msg[2], 2);
	} else if (ret == -EPERM) {
		memset(mac, 0, 6); /* the PF has no address for this VF */
		ret = 0;
	}
	if (ret == 0) {
		m->cts = true;
		m->sticky &= ~IGBVF_V2PMAILBOX_RSTD;
		/* a ping the PF sent before it took our RESET */
		if (m->pf_msg_pending && !(m->pf_msg & IGBVF_MSG_CTS))
			m->pf_msg_pending = false;
	}
out:
	pthread_mutex_unlock(&m->lock);
	return ret;
}

int igbvf_mbx_set_mac(struct igbvf_mbx *m, const uint8_t mac[6])
{
	uint32_t msg[3] = { IGBVF_MSG_SET_MAC_ADDR };

	memcpy(&msg[1], mac, 6);
	return igbvf_mbx_request(m, msg, 3, 1);
}

uint16_t igbvf_mc_hash(const uint8_t mac[6])
{
	/* MO = 00b: bits 47:36 of the address (8.10.13, the 4096-bit MTA) */
	return (uint16_t)(((mac[4] >> 4) | ((uint16_t)mac[5] << 4)) & 0xfff);
}

int igbvf_mbx_set_multicast(struct igbvf_mbx *m, const uint8_t *addrs, unsigned int nb)
{
	uint32_t msg[IGBVF_MBX_WORDS] = { 0 };

	if (nb > IGBVF_MC_HASH_MAX)
		return -EINVAL;
	msg[0] = IGBVF_MSG_SET_MULTICAST | nb << IGBVF_MSG_INFO_SHIFT;
	/* Two 16-bit hashes per word after the first, low half first. */
	for (unsigned int i = 0; i < nb; i++)
		msg[1 + i / 2] |= (uint32_t)igbvf_mc_hash(addrs + 6 * i) << (16 * (i % 2));
	return igbvf_mbx_request(m, msg, 1 + (nb + 1) / 2, 1);
}

int igbvf_mbx_set_vlan(struct igbvf_mbx *m, uint16_t vid, bool on)
{
	uint32_t msg[2] = { IGBVF_MSG_SET_VLAN | (on ? 1u : 0u) << IGBVF_MSG_INFO_SHIFT, vid };

	if (vid > 4095)
		return -EINVAL;
	return igbvf_mbx_request(m, msg, 2, 1);
}

int igbvf_mbx_set_lpe(struct igbvf_mbx *m, uint32_t max_frame)
{
	uint32_t msg[2] = { IGBVF_MSG_SET_LPE, max_frame };

	return igbvf_mbx_request(m, msg, 2, 1);
}

int igbvf_mbx_set_promisc(struct igbvf_mbx *m, uint32_t flags)
{
	uint32_t msg[1] = { IGBVF_MSG_SET_PROMISC | (flags & IGBVF_MSG_INFO_MASK) };
	int ret = igbvf_mbx_request(m, msg, 1, 1);

	return ret == -EPERM ? -ENOTSUP : ret;
}

unsigned int igbvf_mbx_poll(struct igbvf_mbx *m)
{
	unsigned int ev = 0;
	uint32_t v;

	pthread_mutex_lock(&m->lock);
	v = mbx_status(m);
	if (v == UINT32_MAX)
		goto out;
	if (v & (IGBVF_V2PMAILBOX_RSTI | IGBVF_V2PMAILBOX_RSTD)) {
		m->sticky &= ~IGBVF_V2PMAILBOX_RSTD;
		ev |= IGBVF_MBX_EV_RESET;
	}
	if (mbx_drain_pf_msg(m) < 0)
		E1000_LOG(WARNING, "%s: the PF's message could not be read (buffer held)", m->name);
	if (m->pf_msg_pending) {
		m->pf_msg_pending = false;
		if ((m->pf_msg & IGBVF_MSG_TYPE_MASK) == IGBVF_MSG_PF_CONTROL) {
			ev |= IGBVF_MBX_EV_LINK;
			if (!(m->pf_msg & IGBVF_MSG_CTS))
				ev |= IGBVF_MBX_EV_RESET;
		} else {
			m->stats.bad_replies++;
		}
	}
	if (ev)
		E1000_LOG(DEBUG, "%s: V2PMAILBOX 0x%08x, PF message 0x%08x: %s%s", m->name, v,
			  m->pf_msg, (ev & IGBVF_MBX_EV_LINK) ? "link " : "",
			  (ev & IGBVF_MBX_EV_RESET) ? "reset" : "");
	if ((ev & IGBVF_MBX_EV_RESET) && m->cts) {
		m->cts = false;
		m->stats.pf_resets++;
	}
out:
	pthread_mutex_unlock(&m->lock);
	return ev;
}
