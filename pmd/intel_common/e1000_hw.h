/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Register access and the control-path steps the 82574 and the 82576 share:
 * global reset, the MAC address from RAL/RAH or the NVM, link status, PHY
 * reads through MDIC. Each driver calls these from its own init file.
 *
 * A device that falls off the bus (surprise removal, a dead link, a
 * function-level reset behind our back) answers every read with all ones.
 * STATUS can never read 0xffffffff on a live device (reserved bits are 0),
 * so e1000_hw_alive() reads it; once it fails, hw->removed stays set and
 * every helper returns -ENODEV without touching the device again.
 */
#ifndef E1000_HW_H
#define E1000_HW_H

#include <stdbool.h>
#include <stdint.h>

#include "prt_io.h"

#include "e1000_regs.h"

/** One controller's BAR 0 and what the shared code knows about it. */
struct e1000_hw {
	volatile uint8_t *bar0; /**< memory-mapped CSRs */
	bool removed; /**< the device stopped answering (reads of all ones) */
	const char *name; /**< for log lines: the port or PCI address */
};

/** Reads CSR @p reg (a BAR 0 offset). */
static inline uint32_t e1000_read(const struct e1000_hw *hw, uint32_t reg)
{
	return prt_read32_relaxed(hw->bar0 + reg);
}

/** Writes CSR @p reg; set-up writes, not ordered against descriptor stores. */
static inline void e1000_write(const struct e1000_hw *hw, uint32_t reg, uint32_t val)
{
	prt_write32_relaxed(val, hw->bar0 + reg);
}

/** Forces posted writes out to the device (a read of STATUS, 82574 10.2.2.2). */
static inline void e1000_write_flush(const struct e1000_hw *hw)
{
	(void)e1000_read(hw, E1000_STATUS);
}

/**
 * Checks that the device still answers: STATUS reads as something other
 * than all ones. Logs once and sets hw->removed when it does not.
 * @return true while the device is present.
 */
bool e1000_hw_alive(struct e1000_hw *hw);

/**
 * Global reset (82574 10.2.2.1 CTRL.RST, 82576 8.2.1 CTRL.RST): masks every
 * interrupt, stops the receive and transmit units, waits for DMA to drain
 * (CTRL.GIO_MASTER_DISABLE, STATUS.GIO_MASTER_ENABLE), sets CTRL.RST and
 * waits up to 100 ms for it to clear and for the NVM auto-read (EECD
 * AUTO_RD, 82574 10.2.2.3, 82576 8.4.1) to finish, masks interrupts again
 * and sets CTRL_EXT.DRV_LOAD so that manageability firmware keeps off.
 * Sleeps: control path only.
 * @return 0; -ENODEV when the device reads all ones; -ETIMEDOUT when RST
 *         did not clear (the log says so).
 */
int e1000_hw_reset(struct e1000_hw *hw);

/**
 * The MAC address: RAL0/RAH0 as the device loaded it from the NVM after
 * reset (82574 10.2.5.10, 82576 8.11.6), else NVM words 0-2 read through
 * EERD (82574 10.2.2.4, 82576 8.4.2).
 * @return 0 with @p mac filled; -ENODEV (device gone); -EIO when neither
 *         source holds a valid unicast address (the log says so).
 */
int e1000_hw_read_mac(struct e1000_hw *hw, uint8_t mac[6]);

/**
 * Programs receive address register @p idx (RAL at @p ral, RAH at @p rah)
 * with @p mac, valid (AV) when @p mac is not NULL, cleared otherwise.
 */
void e1000_hw_set_rar(struct e1000_hw *hw, uint32_t ral, uint32_t rah, const uint8_t *mac);

/** Link state from STATUS (82574 10.2.2.2, 82576 8.2.2). */
struct e1000_link {
	bool up;
	bool full_duplex;
	uint32_t speed_mbps; /**< 10, 100, 1000; 0 when down */
};

/**
 * Reads the link state; with @p wait_ms > 0 polls STATUS.LU every 10 ms for
 * up to @p wait_ms while it is down. Sleeps when waiting.
 * @return 0; -ENODEV when the device is gone.
 */
int e1000_hw_link_get(struct e1000_hw *hw, struct e1000_link *link, unsigned int wait_ms);

/**
 * Reads PHY register @p reg of the internal PHY through MDIC (82574
 * 10.2.2.7, 82576 8.2.4).
 * @return the 16-bit value; -ENODEV; -EIO when MDIC reports an error;
 *         -ETIMEDOUT when MDIC.READY did not come within 10 ms.
 */
int e1000_hw_phy_read(struct e1000_hw *hw, uint32_t reg);

/**
 * Writes @p val to PHY register @p reg of the internal PHY through MDIC
 * (82574 10.2.2.7, 82576 8.2.4).
 * @return 0; -ENODEV; -EIO when MDIC reports an error; -ETIMEDOUT when
 *         MDIC.READY did not come within 10 ms.
 */
int e1000_hw_phy_write(struct e1000_hw *hw, uint32_t reg, uint16_t val);

/**
 * Brings the link up: CTRL.SLU (82574 10.2.2.1, 82576 8.2.1), and, when
 * STATUS.LU is clear, a restart of auto-negotiation in the PHY (IEEE 802.3
 * clause 22 BMCR: AN enable and restart). Does not wait for the link.
 * @return 0; -ENODEV; the PHY access's error.
 */
int e1000_hw_link_setup(struct e1000_hw *hw);

#endif /* E1000_HW_H */
