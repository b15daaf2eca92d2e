/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's refusals in the user's terms (vfio_explain.c): shared by the
 * VFIO backends, the PCI bus and prt-doctor.
 * Not installed.
 */
#ifndef VFIO_EXPLAIN_H
#define VFIO_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Each writes one message into @p msg (size @p len): what was refused, why in
 * the user's terms, what to run. The library logs them; prt-doctor prints them.
 */

/** Lists the other processes holding @p dev_path open: "pid 12 (testpmd), pid 40 (x)"; "" if none. */
void vfio_explain_holders(const char *dev_path, char *msg, size_t len);

/**
 * Why device @p bdf cannot be opened through VFIO, from sysfs: it does not
 * exist, it is bound to a kernel driver, to no driver, or has no IOMMU group.
 * @return 0 when the device is bound to vfio-pci (msg then says so);
 *         -ENODEV (no such device), -EBUSY (bound to another driver),
 *         -ENOENT (no driver, or no group).
 */
int vfio_explain_device(const char *bdf, char *msg, size_t len);

/**
 * Why group @p group (of @p bdf) is not viable: its other devices that are
 * bound to a driver other than vfio-pci, named with their drivers. When
 * @p bdf is an SR-IOV VF (a physfn link), also its PF and the PF's driver,
 * why they share a group (no ACS) and what that leaves to do: binding the PF
 * to vfio-pci takes it from the driver that manages the VFs.
 * @return how many such devices sysfs shows (0: viable as far as sysfs tells);
 *         a missing group directory or dangling link counts as nothing.
 * Thread-safe: reads sysfs only, writes only @p msg.
 */
int vfio_explain_not_viable(int group, const char *bdf, char *msg, size_t len);

/** Why opening group (or device cdev) @p dev_path for @p bdf failed with @p err. */
void vfio_explain_open(int err, const char *dev_path, const char *bdf, char *msg, size_t len);

/**
 * Why pinning failed: @p needed bytes pinned in all against RLIMIT_MEMLOCK,
 * and how to raise the limit.
 */
void vfio_explain_memlock(uint64_t needed, char *msg, size_t len);

/**
 * Whether no-IOMMU mode can be used: the module parameter and CAP_SYS_RAWIO.
 * @return 0 when both are there; -ENODEV (parameter off or vfio absent);
 *         -EPERM (no CAP_SYS_RAWIO).
 */
int vfio_explain_noiommu(char *msg, size_t len);

/**
 * Whether the host has an IOMMU on: groups in /sys/kernel/iommu_groups; if
 * not, the kernel command line to add for this CPU's vendor.
 * @return 0 when on; -ENODEV when off.
 */
int vfio_explain_iommu(char *msg, size_t len);

/** Why an ioctl @p what refused with @p err: the meaning of that errno for it. */
void vfio_explain_ioctl(const char *what, int err, char *msg, size_t len);

/**
 * Logs (type vfio, level error) why ioctl @p what refused with errno @p err,
 * as vfio_explain_ioctl() words it. Leaves errno as it was.
 * @return -@p err, for `return vfio_log_refusal(...)`.
 */
int vfio_log_refusal(const char *what, int err);

/**
 * Why the kernel refused (EACCES) to open @p bdf for want of the right SR-IOV
 * VF token (Linux's vfio_pci_validate_vf_token(), drivers/vfio/pci/vfio_pci_core.c):
 * a VF whose PF is bound to vfio-pci, or a PF whose VFs are in use through it.
 * @p given: whether --vfio-vf-token was passed.
 * @return 0 when @p bdf is such a PF or VF (msg names the option and the PF);
 *         -ENOENT when sysfs shows no SR-IOV reason (msg empty).
 */
int vfio_explain_vf_token(const char *bdf, bool given, char *msg, size_t len);

/** True when the process has capability @p cap (CAP_SYS_RAWIO, CAP_IPC_LOCK) in its effective set. */
bool vfio_has_cap(int cap);

#endif /* VFIO_EXPLAIN_H */
