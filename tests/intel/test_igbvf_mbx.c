/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The 82576 VF's mailbox protocol (pmd/igbvf/igbvf_mbx.h) against a
 * simulated PF: the PF side of V2PMAILBOX/VMBMEM as QEMU's igb models it
 * (REQ and ACK raise the PF's bits, VFU is taken only while PFU is clear,
 * PFSTS/PFACK/RSTD clear on read) with a PF driver answering as Linux's igb
 * does (RESET with the MAC, CTS on every other reply). The PF can also
 * misbehave on purpose: stay silent, acknowledge and never answer, refuse
 * (NACK), answer garbage, hold the buffer, send its own messages in the
 * middle of a request, or reset under the VF.
 */
#include <errno.h>
#include <string.h>

#include "prt_test.h"

#include "igbvf_mbx.h"

enum pf_mode {
	PF_NORMAL,
	PF_SILENT, /* never acknowledges */
	PF_NO_REPLY, /* acknowledges, never answers */
	PF_NACK, /* refuses every request */
	PF_NACK_NO_CTS, /* refuses without CTS: "reset first" */
	PF_GARBAGE, /* answers with another message type */
	PF_NO_VERDICT, /* answers with neither ACK nor NACK */
	PF_HOLDS_BUFFER, /* PFU stays set */
	PF_CONTROL_FIRST, /* sends a PF_CONTROL message before the reply */
};

struct pf_sim {
	uint32_t v2p; /* V2PMAILBOX as the VF reads it */
	uint32_t mem[IGBVF_MBX_WORDS];
	enum pf_mode mode;
	uint8_t vf_mac[6]; /* what "ip link set PF vf 0 mac" gave */
	unsigned int rsti_reads; /* RSTI reads set for that many more reads */
	bool gone; /* the VF reads all ones */
	bool vf_reset; /* VTCTRL.RST seen */
	uint32_t last_req[IGBVF_MBX_WORDS]; /* what the VF sent last */
	unsigned int reqs;
	uint32_t lpe; /* last SET_LPE size */
	uint32_t promisc;
	uint16_t mc_hashes[IGBVF_MC_HASH_MAX];
	unsigned int mc_count;
};

static struct pf_sim pf;
static struct igbvf_mbx mbx;

/* The PF writes a message of @p n words and raises PFSTS (P2VMAILBOX.STS). */
static void pf_send(const uint32_t *msg, unsigned int n)
{
	memcpy(pf.mem, msg, n * 4);
	pf.v2p |= IGBVF_V2PMAILBOX_PFSTS;
}

/* The PF driver's side of a request (Linux igb_rcv_msg_from_vf). */
static void pf_handle(void)
{
	uint32_t type = pf.mem[0] & IGBVF_MSG_TYPE_MASK, reply[3] = { pf.mem[0] };

	memcpy(pf.last_req, pf.mem, sizeof(pf.mem));
	pf.reqs++;
	if (pf.mode == PF_SILENT)
		return;
	pf.v2p |= IGBVF_V2PMAILBOX_PFACK;
	if (pf.mode == PF_NO_REPLY)
		return;
	if (pf.mode == PF_CONTROL_FIRST) {
		/* the PF's own message sits in the buffer until the VF reads it; then the reply */
		uint32_t ctl = IGBVF_MSG_PF_CONTROL | IGBVF_MSG_CTS;

		pf_send(&ctl, 1);
		pf.mode = PF_NORMAL; /* the reply comes after the VF read this one */
		pf.last_req[15] = 1; /* marks: reply owed */
		return;
	}
	switch (pf.mode) {
	case PF_NACK:
		reply[0] |= IGBVF_MSG_NACK | (type == IGBVF_MSG_RESET ? 0 : IGBVF_MSG_CTS);
		break;
	case PF_NACK_NO_CTS:
		reply[0] = IGBVF_MSG_NACK | type;
		break;
	case PF_GARBAGE:
		reply[0] = (IGBVF_MSG_SET_VLAN + 7) | IGBVF_MSG_ACK | IGBVF_MSG_CTS;
		break;
	case PF_NO_VERDICT:
		reply[0] = type | IGBVF_MSG_CTS;
		break;
	default:
		reply[0] |= IGBVF_MSG_ACK | (type == IGBVF_MSG_RESET ? 0 : IGBVF_MSG_CTS);
		break;
	}
	switch (type) {
	case IGBVF_MSG_RESET:
		memcpy(&reply[1], pf.vf_mac, 6);
		pf_send(reply, 3);
		return;
	case IGBVF_MSG_SET_LPE:
		pf.lpe = pf.mem[1];
		break;
	case IGBVF_MSG_SET_PROMISC:
		pf.promisc = pf.mem[0] & IGBVF_MSG_INFO_MASK;
		/* Linux's igb: multicast only */
		if (pf.mode == PF_NORMAL && (pf.promisc & IGBVF_PROMISC_UNICAST))
			reply[0] = (reply[0] & ~IGBVF_MSG_ACK) | IGBVF_MSG_NACK;
		break;
	case IGBVF_MSG_SET_MULTICAST:
		pf.mc_count = (pf.mem[0] & IGBVF_MSG_INFO_MASK) >> IGBVF_MSG_INFO_SHIFT;
		for (unsigned int i = 0; i < pf.mc_count && i < IGBVF_MC_HASH_MAX; i++)
			pf.mc_hashes[i] = (uint16_t)(pf.mem[1 + i / 2] >> (16 * (i % 2)));
		break;
	default:
		break;
	}
	pf_send(reply, 1);
}

static uint32_t sim_read(void *ctx, uint32_t reg)
{
	uint32_t v;

	(void)ctx;
	if (pf.gone)
		return UINT32_MAX;
	if (reg >= IGBVF_VMBMEM(0) && reg < IGBVF_VMBMEM(IGBVF_MBX_WORDS))
		return pf.mem[(reg - IGBVF_VMBMEM(0)) / 4];
	if (reg != IGBVF_V2PMAILBOX)
		return 0;
	v = pf.v2p;
	if (pf.rsti_reads) {
		v |= IGBVF_V2PMAILBOX_RSTI;
		if (--pf.rsti_reads == 0)
			pf.v2p |= IGBVF_V2PMAILBOX_RSTD; /* the PF's reset is done */
	}
	pf.v2p &= ~IGBVF_V2PMAILBOX_R2C; /* read to clear */
	return v;
}

static void sim_write(void *ctx, uint32_t reg, uint32_t val)
{
	(void)ctx;
	if (reg >= IGBVF_VMBMEM(0) && reg < IGBVF_VMBMEM(IGBVF_MBX_WORDS)) {
		pf.mem[(reg - IGBVF_VMBMEM(0)) / 4] = val;
		return;
	}
	if (reg == IGBVF_CTRL && (val & IGBVF_CTRL_RST)) {
		pf.vf_reset = true;
		return;
	}
	if (reg != IGBVF_V2PMAILBOX)
		return;
	/* VFU is taken only while the PF does not hold the buffer; any write without it drops it. */
	if ((val & IGBVF_V2PMAILBOX_VFU) && !(pf.v2p & IGBVF_V2PMAILBOX_PFU))
		pf.v2p |= IGBVF_V2PMAILBOX_VFU;
	else if (!(val & IGBVF_V2PMAILBOX_VFU))
		pf.v2p &= ~IGBVF_V2PMAILBOX_VFU;
	if (val & IGBVF_V2PMAILBOX_REQ)
		pf_handle();
	if ((val & IGBVF_V2PMAILBOX_ACK) && pf.last_req[15] == 1) {
		/* the VF read the PF's own message: now the reply owed */
		uint32_t reply = (pf.last_req[0] & IGBVF_MSG_TYPE_MASK) | IGBVF_MSG_ACK |
				 IGBVF_MSG_CTS;

		pf.last_req[15] = 0;
		pf_send(&reply, 1);
	}
}

static int setup(void **state)
{
	static const struct igbvf_mbx_io io = { .read = sim_read, .write = sim_write };

	(void)state;
	memset(&pf, 0, sizeof(pf));
	memcpy(pf.vf_mac, (uint8_t[]){ 0x52, 0x54, 0x00, 0x56, 0x00, 0x01 }, 6);
	pf.v2p = IGBVF_V2PMAILBOX_RSTD; /* the PF's driver came up (CTRL_EXT.PFRSTD) */
	assert_int_equal(igbvf_mbx_init(&mbx, &io, "sim"), 0);
	mbx.timeout_us = 20000; /* the simulated PF answers at once, or never */
	mbx.poll_us = 1000;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	igbvf_mbx_fini(&mbx);
	return 0;
}

static void do_reset(void)
{
	uint8_t mac[6];

	assert_int_equal(igbvf_mbx_reset(&mbx, mac), 0);
	assert_memory_equal(mac, pf.vf_mac, 6);
}

static void test_reset_gets_mac(void **state)
{
	(void)state;
	do_reset();
	assert_true(pf.vf_reset);
	assert_true(mbx.cts);
	assert_int_equal(pf.last_req[0], IGBVF_MSG_RESET);
	/* the RSTD of the PF's start is not a PF reset */
	assert_int_equal(igbvf_mbx_poll(&mbx), 0);
	assert_int_equal(mbx.stats.pf_resets, 0);
	/* the buffer is free again: the VF dropped VFU with ACK */
	assert_false(pf.v2p & IGBVF_V2PMAILBOX_VFU);
}

static void test_reset_forgets_stale_ping(void **state)
{
	/* the PF pinged the VF (link up) before the VF had reset: no CTS in it */
	uint32_t ping = IGBVF_MSG_PF_CONTROL;

	(void)state;
	pf_send(&ping, 1);
	do_reset();
	assert_int_equal(igbvf_mbx_poll(&mbx), 0);
	assert_int_equal(mbx.stats.pf_resets, 0);
	assert_true(mbx.cts);
}

static void test_reset_nack_zero_mac(void **state)
{
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };

	(void)state;
	pf.mode = PF_NACK;
	assert_int_equal(igbvf_mbx_reset(&mbx, mac), 0);
	assert_memory_equal(mac, ((uint8_t[6]){ 0 }), 6);
	assert_int_equal(mbx.stats.nacks, 1);
}

static void test_reset_waits_for_pf(void **state)
{
	(void)state;
	pf.rsti_reads = 3; /* the PF is in reset for a few looks */
	do_reset();
	assert_int_equal(pf.rsti_reads, 0);
	pf.rsti_reads = 1000000; /* and one that never comes back */
	uint8_t mac[6];
	assert_int_equal(igbvf_mbx_reset(&mbx, mac), -ETIMEDOUT);
	assert_false(mbx.cts);
}

static void test_messages(void **state)
{
	const uint8_t mcs[3][6] = {
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		{ 0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa },
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },
	};

	(void)state;
	do_reset();
	assert_int_equal(igbvf_mbx_set_mac(&mbx, pf.vf_mac), 0);
	assert_int_equal(pf.last_req[0], IGBVF_MSG_SET_MAC_ADDR);
	assert_memory_equal(&pf.last_req[1], pf.vf_mac, 6);
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 9022), 0);
	assert_int_equal(pf.lpe, 9022);
	assert_int_equal(igbvf_mbx_set_vlan(&mbx, 100, true), 0);
	assert_int_equal(pf.last_req[0], IGBVF_MSG_SET_VLAN | 1u << IGBVF_MSG_INFO_SHIFT);
	assert_int_equal(pf.last_req[1], 100);
	assert_int_equal(igbvf_mbx_set_vlan(&mbx, 4096, true), -EINVAL);
	assert_int_equal(igbvf_mbx_set_multicast(&mbx, &mcs[0][0], 3), 0);
	assert_int_equal(pf.mc_count, 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(pf.mc_hashes[i], igbvf_mc_hash(mcs[i]));
	/* 01:00:5e:7f:ff:fa: bits 47:36 = 0xfa << 4 | 0xff >> 4 */
	assert_int_equal(igbvf_mc_hash(mcs[1]), 0xfaf);
	assert_int_equal(igbvf_mbx_set_multicast(&mbx, &mcs[0][0], IGBVF_MC_HASH_MAX + 1), -EINVAL);
	assert_int_equal(igbvf_mbx_set_promisc(&mbx, IGBVF_PROMISC_MULTICAST), 0);
	assert_int_equal(igbvf_mbx_set_promisc(&mbx, IGBVF_PROMISC_UNICAST), -ENOTSUP);
	assert_int_equal(mbx.stats.requests, 7); /* the two refused sizes never went out */
	assert_int_equal(mbx.stats.nacks, 1);
	assert_int_equal(mbx.stats.timeouts, 0);
}

static void test_silent_pf_times_out(void **state)
{
	(void)state;
	do_reset();
	pf.mode = PF_SILENT;
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 1518), -ETIMEDOUT);
	assert_int_equal(mbx.stats.timeouts, 1);
	pf.mode = PF_NO_REPLY;
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 1518), -ETIMEDOUT);
	assert_int_equal(mbx.stats.timeouts, 2);
	/* and the mailbox still works once the PF does */
	pf.mode = PF_NORMAL;
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 1522), 0);
	assert_int_equal(pf.lpe, 1522);
}

static void test_pf_holds_buffer(void **state)
{
	(void)state;
	do_reset();
	pf.v2p |= IGBVF_V2PMAILBOX_PFU;
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 1518), -ETIMEDOUT);
	assert_int_equal(pf.reqs, 1); /* only RESET went through */
	pf.v2p &= ~IGBVF_V2PMAILBOX_PFU;
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 1518), 0);
}

static void test_nack_and_garbage(void **state)
{
	(void)state;
	do_reset();
	pf.mode = PF_NACK;
	assert_int_equal(igbvf_mbx_set_mac(&mbx, pf.vf_mac), -EPERM);
	assert_true(mbx.cts);
	pf.mode = PF_NACK_NO_CTS;
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 1518), -ECONNRESET);
	assert_false(mbx.cts);
	pf.mode = PF_NORMAL;
	do_reset();
	pf.mode = PF_GARBAGE;
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 1518), -EPROTO);
	pf.mode = PF_NO_VERDICT;
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 1518), -EPROTO);
	assert_int_equal(mbx.stats.bad_replies, 2);
	uint32_t msg[1] = { IGBVF_MSG_SET_LPE };
	assert_int_equal(igbvf_mbx_request(&mbx, msg, 0, 1), -EINVAL);
	assert_int_equal(igbvf_mbx_request(&mbx, msg, 1, IGBVF_MBX_WORDS + 1), -EINVAL);
}

static void test_pf_message_during_request(void **state)
{
	(void)state;
	do_reset();
	pf.mode = PF_CONTROL_FIRST;
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 1518), 0);
	assert_int_equal(mbx.stats.pf_messages, 1);
	/* kept for poll: a link event, CTS so no reset */
	assert_int_equal(igbvf_mbx_poll(&mbx), IGBVF_MBX_EV_LINK);
	assert_int_equal(igbvf_mbx_poll(&mbx), 0);
}

static void test_pf_messages_polled(void **state)
{
	uint32_t ctl = IGBVF_MSG_PF_CONTROL | IGBVF_MSG_CTS;

	(void)state;
	do_reset();
	pf_send(&ctl, 1);
	assert_int_equal(igbvf_mbx_poll(&mbx), IGBVF_MBX_EV_LINK);
	assert_false(pf.v2p & IGBVF_V2PMAILBOX_VFU);
	/* a PF that lost the VF's state says so without CTS */
	ctl = IGBVF_MSG_PF_CONTROL;
	pf_send(&ctl, 1);
	assert_int_equal(igbvf_mbx_poll(&mbx), IGBVF_MBX_EV_LINK | IGBVF_MBX_EV_RESET);
	assert_int_equal(mbx.stats.pf_resets, 1);
	/* a PF message that is not PF_CONTROL is garbage */
	do_reset();
	ctl = 0x77;
	pf_send(&ctl, 1);
	assert_int_equal(igbvf_mbx_poll(&mbx), 0);
	assert_int_equal(mbx.stats.bad_replies, 1);
}

static void test_pf_reset_counted_once(void **state)
{
	unsigned int resets = 0, polls = 0;

	(void)state;
	do_reset();
	pf.rsti_reads = 3; /* the PF resets: RSTI for a while, then RSTD */
	while (polls++ < 10 && igbvf_mbx_poll(&mbx) == IGBVF_MBX_EV_RESET)
		resets++;
	assert_true(resets >= 2); /* seen while RSTI lasted and once more for RSTD */
	assert_in_range(polls, 3, 9); /* and then nothing more */
	assert_int_equal(mbx.stats.pf_resets, 1);
	assert_false(mbx.cts);
	/* the VF resets: clear to send again, the PF's MAC back */
	do_reset();
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 1518), 0);
}

static void test_vf_gone(void **state)
{
	uint8_t mac[6];

	(void)state;
	do_reset();
	pf.gone = true;
	assert_int_equal(igbvf_mbx_set_lpe(&mbx, 1518), -ENODEV);
	assert_int_equal(igbvf_mbx_reset(&mbx, mac), -ENODEV);
	assert_int_equal(igbvf_mbx_poll(&mbx), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_gets_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_forgets_stale_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_nack_zero_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_waits_for_pf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent_pf_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_holds_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nack_and_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_message_during_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_messages_polled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_reset_counted_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_gone, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
