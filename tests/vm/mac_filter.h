/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the VM lab's receive-filter tests share (virtio_mac.c,
 * virtio_mac_table.c): two NICs on QEMU's hub, a receiver A (00:03.0) and a
 * sender B (00:04.0), both net_virtio ports with one queue pair. B sends
 * frames to chosen destination addresses; A counts, by destination, those
 * its device's filter let through.
 *
 * Each round ends with a marker frame to an address A must accept: QEMU's
 * hub hands B's frames to A in the order B sent them, so once the marker is
 * in, every frame before it was either received or dropped. No count
 * depends on timing; the poll limit only guards against a hang.
 */
#ifndef MAC_FILTER_H
#define MAC_FILTER_H

#include "prt_ethdev.h"
#include "prt_test.h"

/** Frames B sends to each destination in a round. */
#define MAC_FILTER_FRAMES 20

/** The receiver's port, the sender's, and the receiver's address as QEMU gave it. */
extern uint16_t mac_filter_rx_port, mac_filter_tx_port;
extern struct prt_ether_addr mac_filter_qemu_mac;

/**
 * Sends MAC_FILTER_FRAMES frames to each of the @p nb_dsts addresses of
 * @p dsts from B, then a marker to @p accepted, and counts in @p received
 * (@p nb_dsts entries) the frames A received for each; prints the counts.
 * Fails the test when the marker does not arrive, or A receives a frame for
 * an address outside @p dsts.
 */
void mac_filter_round(const struct prt_ether_addr *const *dsts, unsigned int nb_dsts,
		      const struct prt_ether_addr *accepted, unsigned int *received);

/**
 * The whole program: skips outside the VM lab, initializes the EAL with
 * @p argc / @p argv (-a A -a B ...), makes a pool, finds both ports, sets
 * them up (configured, queues, not started), reads A's address, runs
 * @p tests (named @p name) in order and cleans up.
 * @return the process's exit code: 0 when every test passed, 1 otherwise.
 */
int mac_filter_main(int argc, char **argv, const char *name, const struct CMUnitTest *tests,
		    size_t nb_tests);

#endif /* MAC_FILTER_H */
