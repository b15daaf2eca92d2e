/* SPDX-License-Identifier: BSD-3-Clause */
/* Reset, MAC address, link and PHY access shared by the 82574 and 82576 (see e1000_hw.h). */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "prt_log.h"

#include "e1000_hw.h"
#include "e1000_log.h"

PRT_LOG_REGISTER(e1000_logtype, pmd.net.e1000, NOTICE)

static void sleep_us(unsigned int us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

bool e1000_hw_alive(struct e1000_hw *hw)
{
	if (hw->removed)
		return false;
	if (e1000_read(hw, E1000_STATUS) != UINT32_MAX)
		return true;
	hw->removed = true;
	E1000_LOG(ERR,
		  "%s: the device reads all ones: it left the bus (removed, reset or "
		  "its link is down); the port is stopped, close it",
		  hw->name);
	return false;
}

/* Polls @p reg until (value & mask) == want, every 100 us, for up to @p ms. */
static int wait_reg(struct e1000_hw *hw, uint32_t reg, uint32_t mask, uint32_t want,
		    unsigned int ms)
{
	for (unsigned int i = 0; i <= ms * 10; i++) {
		uint32_t v = e1000_read(hw, reg);

		if (v == UINT32_MAX && !e1000_hw_alive(hw))
			return -ENODEV;
		if ((v & mask) == want)
			return 0;
		sleep_us(100);
	}
	return -ETIMEDOUT;
}

/*
 * Global reset, 82574 4.6.2 (82576: CTRL.RST, 8.2.1): interrupts masked
 * (IMC) and both units stopped, outstanding DMA drained (GIO master
 * disable, 5.2.3.3), CTRL.RST, then the NVM auto-read (EECD.AUTO_RD,
 * 10.2.2.3) that reloads the MAC address, the causes latched meanwhile
 * cleared (ICR is clear-on-read) and CTRL_EXT.DRV_LOAD set.
 */
int e1000_hw_reset(struct e1000_hw *hw)
{
	uint32_t ctrl;
	int ret;

	if (!e1000_hw_alive(hw))
		return -ENODEV;
	/* Nothing may interrupt or move packets while the device resets. */
	e1000_write(hw, E1000_IMC, UINT32_MAX);
	e1000_write(hw, E1000_RCTL, 0);
	e1000_write(hw, E1000_TCTL, E1000_TCTL_PSP);
	e1000_write_flush(hw);
	/*
	 * Let outstanding DMA finish before the reset cuts it (82574 5.2.3.3
	 * "Master Disable"): a reset during a descriptor write-back could leave
	 * a half-written descriptor in memory prt reuses.
	 */
	ctrl = e1000_read(hw, E1000_CTRL);
	e1000_write(hw, E1000_CTRL, ctrl | E1000_CTRL_GIO_MASTER_DISABLE);
	if (wait_reg(hw, E1000_STATUS, E1000_STATUS_GIO_MASTER_ENABLE, 0, 10) == -ENODEV)
		return -ENODEV;
	e1000_write(hw, E1000_CTRL, ctrl | E1000_CTRL_RST);
	/* The device ignores register accesses for a few microseconds after RST. */
	sleep_us(1000);
	ret = wait_reg(hw, E1000_CTRL, E1000_CTRL_RST, 0, 100);
	if (ret == -ETIMEDOUT)
		E1000_LOG(ERR,
			  "%s: CTRL.RST did not clear within 100 ms; the device is stuck: "
			  "reset it (echo 1 > /sys/bus/pci/devices/<BDF>/reset) or power-cycle",
			  hw->name);
	if (ret < 0)
		return ret;
	/* The NVM auto-read reloads the MAC address into RAL0/RAH0. */
	if (wait_reg(hw, E1000_EECD, E1000_EECD_AUTO_RD, E1000_EECD_AUTO_RD, 10) == -ENODEV)
		return -ENODEV;
	e1000_write(hw, E1000_IMC, UINT32_MAX);
	(void)e1000_read(hw, E1000_ICR); /* clear causes latched before the reset */
	e1000_write(hw, E1000_CTRL_EXT, e1000_read(hw, E1000_CTRL_EXT) | E1000_CTRL_EXT_DRV_LOAD);
	return e1000_hw_alive(hw) ? 0 : -ENODEV;
}

static bool mac_valid(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6) != 0;
}

static int nvm_read(struct e1000_hw *hw, uint16_t word, uint16_t *val)
{
	int ret;

	e1000_write(hw, E1000_EERD, ((uint32_t)word << E1000_EERD_ADDR_SHIFT) | E1000_EERD_START);
	ret = wait_reg(hw, E1000_EERD, E1000_EERD_DONE, E1000_EERD_DONE, 10);
	if (ret < 0)
		return ret;
	*val = (uint16_t)(e1000_read(hw, E1000_EERD) >> E1000_EERD_DATA_SHIFT);
	return 0;
}

int e1000_hw_read_mac(struct e1000_hw *hw, uint8_t mac[6])
{
	uint32_t ral, rah;
	int ret;

	if (!e1000_hw_alive(hw))
		return -ENODEV;
	ral = e1000_read(hw, E1000_RAL(0));
	rah = e1000_read(hw, E1000_RAH(0));
	for (int i = 0; i < 4; i++)
		mac[i] = (uint8_t)(ral >> (8 * i));
	mac[4] = (uint8_t)rah;
	mac[5] = (uint8_t)(rah >> 8);
	if ((rah & E1000_RAH_AV) && mac_valid(mac))
		return 0;
	for (uint16_t w = 0; w < 3; w++) {
		uint16_t v;

		ret = nvm_read(hw, w, &v);
		if (ret < 0) {
			E1000_LOG(ERR, "%s: NVM word %u could not be read (%s)", hw->name, w,
				  ret == -ETIMEDOUT ? "EERD.DONE never came" : "device gone");
			return ret == -ENODEV ? -ENODEV : -EIO;
		}
		mac[2 * w] = (uint8_t)v;
		mac[2 * w + 1] = (uint8_t)(v >> 8);
	}
	if (!mac_valid(mac)) {
		E1000_LOG(ERR,
			  "%s: neither RAL0/RAH0 nor the NVM holds a unicast MAC address; "
			  "set one with prt_eth_dev_default_mac_addr_set()",
			  hw->name);
		return -EIO;
	}
	return 0;
}

void e1000_hw_set_rar(struct e1000_hw *hw, uint32_t ral, uint32_t rah, const uint8_t *mac)
{
	if (mac == NULL) {
		e1000_write(hw, rah, 0);
		e1000_write(hw, ral, 0);
		return;
	}
	/* RAH last: the entry matches only once AV is set over a complete address. */
	e1000_write(hw, ral,
		    mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
			    (uint32_t)mac[3] << 24);
	e1000_write(hw, rah, mac[4] | (uint32_t)mac[5] << 8 | E1000_RAH_AV);
}

int e1000_hw_link_get(struct e1000_hw *hw, struct e1000_link *link, unsigned int wait_ms)
{
	static const uint32_t speed[] = { 10, 100, 1000, 1000 };
	uint32_t status;

	for (unsigned int waited = 0;; waited += 10) {
		if (!e1000_hw_alive(hw))
			return -ENODEV;
		status = e1000_read(hw, E1000_STATUS);
		if ((status & E1000_STATUS_LU) || waited >= wait_ms)
			break;
		sleep_us(10000);
	}
	link->up = status & E1000_STATUS_LU;
	link->full_duplex = link->up && (status & E1000_STATUS_FD);
	link->speed_mbps =
		link->up ? speed[(status & E1000_STATUS_SPEED_MASK) >> E1000_STATUS_SPEED_SHIFT] :
			   0;
	return 0;
}

int e1000_hw_phy_read(struct e1000_hw *hw, uint32_t reg)
{
	uint32_t mdic;
	int ret;

	if (!e1000_hw_alive(hw))
		return -ENODEV;
	e1000_write(hw, E1000_MDIC,
		    reg << E1000_MDIC_REG_SHIFT | E1000_MDIC_PHY_ADDR << E1000_MDIC_PHY_SHIFT |
			    E1000_MDIC_OP_READ);
	ret = wait_reg(hw, E1000_MDIC, E1000_MDIC_READY, E1000_MDIC_READY, 10);
	if (ret < 0)
		return ret;
	mdic = e1000_read(hw, E1000_MDIC);
	if (mdic & E1000_MDIC_ERROR)
		return -EIO;
	return (int)(mdic & E1000_MDIC_DATA_MASK);
}

int e1000_hw_phy_write(struct e1000_hw *hw, uint32_t reg, uint16_t val)
{
	int ret;

	if (!e1000_hw_alive(hw))
		return -ENODEV;
	e1000_write(hw, E1000_MDIC,
		    val | reg << E1000_MDIC_REG_SHIFT |
			    E1000_MDIC_PHY_ADDR << E1000_MDIC_PHY_SHIFT | E1000_MDIC_OP_WRITE);
	ret = wait_reg(hw, E1000_MDIC, E1000_MDIC_READY, E1000_MDIC_READY, 10);
	if (ret < 0)
		return ret;
	return e1000_read(hw, E1000_MDIC) & E1000_MDIC_ERROR ? -EIO : 0;
}

int e1000_hw_link_setup(struct e1000_hw *hw)
{
	int bmcr;

	if (!e1000_hw_alive(hw))
		return -ENODEV;
	e1000_write(hw, E1000_CTRL, e1000_read(hw, E1000_CTRL) | E1000_CTRL_SLU);
	if (e1000_read(hw, E1000_STATUS) & E1000_STATUS_LU)
		return 0;
	/*
	 * After CTRL.RST the 82576 (and QEMU's model of it) keeps the link down
	 * until the PHY negotiates again; the 82574 model comes back up.
	 */
	bmcr = e1000_hw_phy_read(hw, E1000_PHY_BMCR);
	if (bmcr < 0)
		return bmcr;
	return e1000_hw_phy_write(hw, E1000_PHY_BMCR,
				  (uint16_t)bmcr | E1000_PHY_BMCR_ANENABLE |
					  E1000_PHY_BMCR_ANRESTART);
}
