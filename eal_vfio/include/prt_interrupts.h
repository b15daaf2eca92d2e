/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_interrupts.h
 * Device interrupts as eventfds (VFIO_DEVICE_SET_IRQS), so that an idle
 * queue can sleep in epoll and wake on its MSI-X vector; and an interrupt
 * thread that runs control-plane callbacks (link state, hot-unplug request).
 *
 * A PCI device's handle is prt_pci_device.intr_handle, filled when the bus
 * opens the device. The driver chooses how many vectors it wants:
 *
 *     int n = prt_intr_enable(h, PRT_INTR_MODE_MSIX, nb_rxq + 1);
 *     // vector i fires its eventfd prt_intr_efd(h, i); the device's own
 *     // registers (IVAR, IMS/EIMS, ...) decide which cause raises which vector
 *     prt_intr_epoll_add(epfd, h, 1, queue_cookie);
 *     prt_intr_epoll_wait(epfd, cookies, 8, timeout_ms);
 *     prt_intr_ack(h, 1);
 *
 * prt_intr_enable() and prt_intr_disable() on one handle are thread-safe
 * against each other (the interrupt thread's hot-unplug close and a
 * driver's stop may meet); the other functions on one handle are not;
 * epoll waits on eventfds of a handle from several threads are.
 */
#ifndef PRT_INTERRUPTS_H
#define PRT_INTERRUPTS_H

#include <pthread.h>
#include <stdint.h>

/** Most vectors prt enables on one device (MSI-X allows 2048; NICs use a few dozen). */
#define PRT_INTR_VEC_MAX 64

/** Interrupt modes of a PCI device. */
enum prt_intr_mode {
	PRT_INTR_MODE_NONE = 0, /**< interrupts off */
	PRT_INTR_MODE_INTX, /**< legacy line interrupt: one vector, masked by VFIO until acked */
	PRT_INTR_MODE_MSI, /**< MSI: up to 32 vectors, no per-vector masking through VFIO */
	PRT_INTR_MODE_MSIX, /**< MSI-X: one eventfd per vector */
	PRT_INTR_MODE_AUTO, /**< for prt_intr_enable(): MSI-X, else MSI, else INTx */
};

/** A device's interrupts. Filled by the PCI bus; read its fields, change them only through prt_intr_*. */
struct prt_intr_handle {
	int dev_fd; /**< the VFIO device fd (-1: none) */
	enum prt_intr_mode mode; /**< the mode enabled now */
	uint32_t nb_vec; /**< vectors enabled now */
	int efds[PRT_INTR_VEC_MAX]; /**< eventfd of each enabled vector */
	uint32_t max_vec[PRT_INTR_MODE_MSIX + 1]; /**< vectors the device offers per mode (0: none) */
	pthread_mutex_t lock; /**< serialises prt_intr_enable() and prt_intr_disable() */
};

/**
 * How many vectors the device offers in @p mode (VFIO_DEVICE_GET_IRQ_INFO,
 * read when the device was opened).
 * @return the count (0 when the mode is not offered); -EINVAL for a bad mode.
 */
int prt_intr_vec_max(const struct prt_intr_handle *h, enum prt_intr_mode mode);

/**
 * Enables @p nb_vec vectors in @p mode, each signalling its own eventfd
 * (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER). With
 * PRT_INTR_MODE_AUTO, tries MSI-X, then MSI, then INTx, and gets fewer
 * vectors than asked when the mode offers fewer (INTx: one). Enabling again
 * replaces what was enabled. For MSI-X, the device's MSI-X table entries
 * are programmed by the kernel; the driver still routes its causes to
 * vectors with its own registers.
 *
 * @return the number of vectors enabled (>= 1); -EINVAL when @p nb_vec is 0
 *         or over PRT_INTR_VEC_MAX or the mode is unknown; -ENOTSUP when the
 *         device offers no such mode; -errno of eventfd() or of the ioctl
 *         (logged with what it means).
 */
int prt_intr_enable(struct prt_intr_handle *h, enum prt_intr_mode mode, uint32_t nb_vec);

/**
 * Disables the interrupts enabled by prt_intr_enable() and closes their
 * eventfds, first unregistering any prt_intr_callback_register() callback
 * on them, so that no callback outlives its fd and no driver has to
 * remember to (a hot-unplug closes them under the driver). An application's
 * own epoll sets lose the fds as they close. Safe when none are enabled,
 * and from two threads at once (one disables, the other finds nothing to
 * do and returns 0 at once); not from a callback on one of these vectors.
 * @return 0; -errno of the ioctl (the eventfds are closed anyway).
 */
int prt_intr_disable(struct prt_intr_handle *h);

/**
 * The eventfd of vector @p vec (readable when it fired).
 * @return the fd; -EINVAL when @p vec is not enabled.
 */
int prt_intr_efd(const struct prt_intr_handle *h, uint32_t vec);

/**
 * Consumes the pending signals of vector @p vec (reads its eventfd, without
 * blocking) and, for INTx, unmasks the line that VFIO masked when it fired.
 * Clearing the cause in the device (reading ICR, ...) is the driver's job.
 * @return the number of interrupts counted since the last ack (0 when none);
 *         -EINVAL when @p vec is not enabled.
 */
int prt_intr_ack(struct prt_intr_handle *h, uint32_t vec);

/**
 * Masks / unmasks the INTx line (VFIO_IRQ_SET_ACTION_MASK/UNMASK). VFIO
 * offers no masking of MSI and MSI-X vectors: mask those at the device
 * (IMC, EIMC, virtio's vector registers).
 * @return 0; -ENOTSUP when the mode enabled is not INTx; -errno of the ioctl.
 */
int prt_intr_mask(struct prt_intr_handle *h);
int prt_intr_unmask(struct prt_intr_handle *h);

/**
 * Creates an epoll set for interrupt waits (close it with close()).
 * @return the epoll fd; -errno of epoll_create1().
 */
int prt_intr_epoll_create(void);

/**
 * Adds vector @p vec of @p h to epoll set @p epfd; a wait that sees it fire
 * returns @p data with it. Level-triggered: ack the vector before waiting
 * again. Thread-safe (epoll is).
 * @return 0; -EINVAL when @p vec is not enabled; -errno of epoll_ctl().
 */
int prt_intr_epoll_add(int epfd, const struct prt_intr_handle *h, uint32_t vec, uint64_t data);

/** Removes vector @p vec of @p h from @p epfd. @return 0; -EINVAL; -errno of epoll_ctl(). */
int prt_intr_epoll_del(int epfd, const struct prt_intr_handle *h, uint32_t vec);

/**
 * Waits up to @p timeout_ms milliseconds (-1: forever) for vectors in
 * @p epfd to fire, and writes the data given to prt_intr_epoll_add() of each
 * ready one into @p data (room for @p max, at most 32 per call). A signal
 * interrupting the wait returns 0.
 * @return the number of ready vectors (0 on timeout); -EINVAL; -errno of epoll_wait().
 */
int prt_intr_epoll_wait(int epfd, uint64_t *data, int max, int timeout_ms);

/** A control-plane callback, run on prt's interrupt thread when its fd is readable. */
typedef void (*prt_intr_callback_t)(int fd, void *arg);

/**
 * Runs @p cb(@p fd, @p arg) on prt's interrupt thread ("prt-intr", started
 * on first use) each time @p fd becomes readable; the callback must make it
 * unreadable (read the eventfd). Callbacks run one at a time. Thread-safe.
 * @return 0; -EEXIST when @p fd has a callback; -ENOMEM; -errno of
 *         epoll/pthread calls.
 */
int prt_intr_callback_register(int fd, prt_intr_callback_t cb, void *arg);

/**
 * Runs @p cb(@p fd, @p arg) on prt's interrupt thread when the peer of
 * socket @p fd hangs up (closes it, or the connection breaks), and not when
 * data arrives: another thread may go on exchanging messages on the socket.
 * A hang-up stays: the callback must unregister itself (or its fd be
 * unregistered) or it runs again. Thread-safe.
 * @return as prt_intr_callback_register().
 */
int prt_intr_callback_register_hangup(int fd, prt_intr_callback_t cb, void *arg);

/**
 * Removes the callback of @p fd. Called from any thread but the interrupt
 * thread while that callback runs, it returns only once the callback has
 * returned, also when the callback unregistered itself first (-ENOENT
 * then): after it, nothing the callback uses is touched again and may be
 * freed. A callback may unregister itself (it does not wait for itself).
 * The thread stops when no callback is left. Thread-safe.
 * @return 0; -ENOENT when @p fd has none (any running callback of it has
 *         returned).
 */
int prt_intr_callback_unregister(int fd);

#endif /* PRT_INTERRUPTS_H */
