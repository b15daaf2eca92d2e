/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt-doctor's SR-IOV checks, from sysfs alone: for a VF, its PF, the PF's
 * driver (the one that answers the VF's mailbox) and how to give the VF a
 * MAC address; for a PF, its VFs and how to create them; for either, when
 * the PF on vfio-pci makes a VF need a VF token.
 *
 * Sysfs has no file for a VF's MAC address (the kernel gives it through
 * netlink only, `ip link show PFDEV`): the doctor prints the command that
 * shows and sets it instead of checking it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor.h"
#include "vfio_host.h"

#define VF_LIST_MAX 8 /* VFs named on a PF's line; the rest are counted */

/*
 * The kernel driver of the PFs whose VFs prt drives, for the message that
 * says which driver to bind: an unbound PF has no driver link to read it from.
 */
static const struct {
	unsigned int vendor, device;
	const char *driver;
} pf_drivers[] = {
	{ 0x8086, 0x10c9, "igb" }, /* 82576, VF 8086:10ca (net_igbvf) */
};

/**
 * The kernel driver that serves PF @p pf as a PF, by its vendor and device
 * ids (an unbound PF has no driver link to read it from).
 * @return "igb"; NULL for a PF not in pf_drivers[] or whose ids cannot be
 *         read (the caller then points to `lspci -k`).
 * Thread-safe: reads sysfs only.
 */
static const char *pf_kernel_driver(const char *pf)
{
	char path[PATH_MAX];
	uint64_t vendor, device;

	if (vfio_host_pci_path(path, sizeof(path), pf, "vendor") < 0 ||
	    vfio_host_read_u64(path, &vendor) < 0 ||
	    vfio_host_pci_path(path, sizeof(path), pf, "device") < 0 ||
	    vfio_host_read_u64(path, &device) < 0)
		return NULL;
	for (size_t i = 0; i < PRT_DIM(pf_drivers); i++)
		if (pf_drivers[i].vendor == vendor && pf_drivers[i].device == device)
			return pf_drivers[i].driver;
	return NULL;
}

/**
 * Writes "its kernel driver (igb): `prt-devbind --bind igb PF`" for PF
 * @p pf into @p buf, with `lspci -k` for a driver pf_kernel_driver() does
 * not know.
 * Thread-safe: reads sysfs only, writes only @p buf.
 */
static void pf_bind_hint(const char *pf, char *buf, size_t len)
{
	const char *drv = pf_kernel_driver(pf);

	if (drv)
		snprintf(buf, len, "its kernel driver (%s): `prt-devbind --bind %s %s`", drv, drv,
			 pf);
	else
		snprintf(buf, len,
			 "its kernel driver (`lspci -k -s %s` names it): `prt-devbind --bind "
			 "DRIVER %s`",
			 pf, pf);
}

/**
 * Reads SR-IOV attribute @p attr ("sriov_numvfs") of PF @p pf into @p v.
 * @return 0; -errno of the read (-ENOENT: no such file), -EINVAL when it
 *         holds no number, -ERANGE past 65535 (the SR-IOV capability's
 *         16 bits).
 * Thread-safe: reads sysfs only.
 */
static int read_sriov(const char *pf, const char *attr, unsigned int *v)
{
	char path[PATH_MAX];
	uint64_t n;
	int ret = vfio_host_pci_path(path, sizeof(path), pf, attr);

	if (ret == 0)
		ret = vfio_host_read_u64(path, &n);
	if (ret == 0 && n > 0xffff)
		ret = -ERANGE;
	if (ret == 0)
		*v = (unsigned int)n;
	return ret;
}

/**
 * The checks of VF @p vf whose physfn link names @p pf: the PF exists, has
 * a driver (none: nothing answers the VF's mailbox), is on the PF's kernel
 * driver (on vfio-pci the VF needs a VF token); and the commands that show
 * and set the VF's MAC, which sysfs does not show.
 * Single-threaded: report() counts in prt-doctor's globals.
 */
static void check_vf(const char *what, const char *vf, const char *pf)
{
	char path[PATH_MAX], drv[64], hint[256], net[64], n[16], vfs[48] = "";
	const char *kdrv = pf_kernel_driver(pf);
	unsigned int num, total;
	bool has_net;
	struct stat st;
	int idx;

	if (vfio_host_pci_path(path, sizeof(path), pf, "") < 0 || stat(path, &st) < 0) {
		report("FAIL", what,
		       "a VF whose physfn link names PF %s, which is not in sysfs (no %s): the PF "
		       "was removed or the link dangles; recreate the VFs on the PF "
		       "(`echo N > /sys/bus/pci/devices/PF/sriov_numvfs`)",
		       pf, path);
		return;
	}
	idx = vfio_host_pci_vf_index(pf, vf);
	if (idx >= 0)
		snprintf(n, sizeof(n), "%d", idx);
	else
		snprintf(n, sizeof(n), "N"); /* no virtfn link of the PF names it */
	if (read_sriov(pf, "sriov_numvfs", &num) == 0 &&
	    read_sriov(pf, "sriov_totalvfs", &total) == 0)
		snprintf(vfs, sizeof(vfs), "; %u of %u VFs enabled", num, total);
	if (vfio_host_pci_driver(pf, drv, sizeof(drv)) < 0) {
		pf_bind_hint(pf, hint, sizeof(hint));
		report("FAIL", what,
		       "VF %s of PF %s, which is bound to no driver: nothing answers the VF's "
		       "mailbox (reset, MAC address), so the VF cannot come up: bind the PF to %s",
		       n, pf, hint);
		return;
	}
	if (strcmp(drv, "vfio-pci") == 0) {
		report("warn", what,
		       "VF %s of PF %s, which is bound to vfio-pci: the kernel opens the VF only for "
		       "a process that presents the PF owner's VF token: give prt the EAL option "
		       "`--vfio-vf-token UUID` (as DPDK's), and that owner must answer the VF's "
		       "mailbox in place of the PF's kernel driver%s%s%s",
		       n, pf, kdrv ? " (" : "", kdrv ? kdrv : "", kdrv ? ")" : "");
		return;
	}
	has_net = vfio_host_pci_netdev(pf, net, sizeof(net)) == 0;
	if (!has_net)
		snprintf(net, sizeof(net), "PFDEV");
	if (kdrv && strcmp(drv, kdrv) != 0) {
		pf_bind_hint(pf, hint, sizeof(hint));
		report("warn", what,
		       "VF %s of PF %s, which is bound to %s: the VF's mailbox (reset, MAC address) "
		       "is answered by %s, else the VF cannot come up: bind the PF to %s",
		       n, pf, drv, kdrv, hint);
	} else {
		report(" ok ", what, "VF %s of PF %s (driver %s, %s%s%s)", n, pf, drv,
		       has_net ? "interface " : "no interface", has_net ? net : "", vfs);
	}
	report("info", what,
	       "the PF's driver gives the VF its MAC address, which sysfs does not show: `ip link "
	       "show %s` lists it as vf %s; if it is 00:00:00:00:00:00, prt refuses the VF: set "
	       "one with `ip link set %s vf %s mac ADDR`",
	       net, n, net, n);
}

/**
 * The checks of PF @p pf (it has sriov_totalvfs): how many VFs it has and
 * can have, the command that creates them when it has none, and the VF
 * token its VFs need when the PF is on vfio-pci.
 * Single-threaded: report() counts in prt-doctor's globals.
 */
static void check_pf(const char *what, const char *pf)
{
	char path[PATH_MAX], drv[64], hint[256], vf[64], list[VF_LIST_MAX * 16 + 32] = "";
	const char *bad = "sriov_totalvfs";
	unsigned int num = 0, total = 0, shown = 0;
	size_t l;
	int ret;

	ret = read_sriov(pf, bad, &total);
	if (ret == 0) {
		bad = "sriov_numvfs";
		ret = read_sriov(pf, bad, &num);
	}
	vfio_host_pci_path(path, sizeof(path), pf, bad);
	if (ret < 0) {
		report("warn", what,
		       "an SR-IOV PF whose %s cannot be read (%s): its VFs are not "
		       "checked",
		       path, strerror(-ret));
		return;
	}
	if (vfio_host_pci_driver(pf, drv, sizeof(drv)) < 0)
		drv[0] = '\0';
	if (num == 0 && total == 0) {
		report("info", what, "an SR-IOV PF that allows no VF here (sriov_totalvfs is 0)");
		return;
	}
	if (num == 0 && !drv[0]) {
		pf_bind_hint(pf, hint, sizeof(hint));
		report("info", what,
		       "a PF with no VFs (it can have %u) and no driver, which the kernel needs to "
		       "create them: bind it to %s, then `echo N > %s` (N from 1 to %u)",
		       total, hint, path, total);
		return;
	}
	if (num == 0) {
		report("info", what,
		       "a PF with no VFs (it can have %u): create them with `echo N > %s` (N from 1 "
		       "to %u)%s",
		       total, path, total,
		       strcmp(drv, "vfio-pci") == 0 ?
			       "; on vfio-pci that needs `modprobe vfio-pci enable_sriov=1`, and "
			       "each VF then opens only with the EAL option `--vfio-vf-token UUID`" :
			       "");
		return;
	}
	for (unsigned int i = 0; i < num && shown < VF_LIST_MAX; i++) {
		if (vfio_host_pci_virtfn(pf, i, vf, sizeof(vf)) < 0)
			continue;
		l = strlen(list);
		snprintf(list + l, sizeof(list) - l, "%s%s", shown++ ? ", " : " (", vf);
	}
	l = strlen(list);
	if (num > shown)
		snprintf(list + l, sizeof(list) - l, "%s%u more)", shown ? " and " : " (",
			 num - shown);
	else
		snprintf(list + l, sizeof(list) - l, ")");
	if (strcmp(drv, "vfio-pci") == 0)
		report("warn", what,
		       "a PF on vfio-pci with %u of %u VFs%s: the kernel opens a VF of it only for "
		       "a process that presents the PF owner's VF token (the EAL option "
		       "`--vfio-vf-token UUID`, as DPDK's), and that owner must answer the VFs' "
		       "mailbox; or bind the PF to its kernel driver and give prt the VFs",
		       num, total, list);
	else
		report("info", what,
		       "a PF with %u of %u VFs%s on %s: give prt a VF (bound to vfio-pci); to "
		       "change their number, `echo 0 > %s` first",
		       num, total, list, drv[0] ? drv : "no driver", path);
}

void check_sriov(const char *bdf)
{
	char what[80], pf[64], path[PATH_MAX];
	struct stat st;
	int ret;

	snprintf(what, sizeof(what), "SR-IOV %s", bdf);
	ret = vfio_host_pci_physfn(bdf, pf, sizeof(pf));
	if (ret == 0) {
		check_vf(what, bdf, pf);
		return;
	}
	if (ret != -ENOENT) {
		report("warn", what, "its physfn link cannot be read (%s): SR-IOV is not checked",
		       strerror(-ret));
		return;
	}
	if (vfio_host_pci_path(path, sizeof(path), bdf, "sriov_totalvfs") == 0 &&
	    stat(path, &st) == 0)
		check_pf(what, bdf);
}
