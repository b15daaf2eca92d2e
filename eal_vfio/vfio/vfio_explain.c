/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's refusals, in the user's terms: each function looks at the
 * host (sysfs, /dev, /proc, limits, capabilities) and writes one message
 * that says what was refused, why, and what to run. The library logs them;
 * prt-doctor prints them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "prt_log.h"
#include "vfio_explain.h"
#include "vfio_host.h"

/* Appends to a message, never past its end. */
static void msg_add(char *msg, size_t len, const char *fmt, ...) __prt_format_printf(3, 4);
static void msg_add(char *msg, size_t len, const char *fmt, ...)
{
	size_t n = strnlen(msg, len);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(msg + n, len - n, fmt, ap);
	va_end(ap);
}

bool vfio_has_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

/* Other processes only: this one may hold the node while it asks (an iommufd bind). */
void vfio_explain_holders(const char *dev_path, char *msg, size_t len)
{
	char proc[PATH_MAX], fd_dir[PATH_MAX], link[PATH_MAX], path[PATH_MAX], comm[64];
	struct dirent *p, *f;
	DIR *pd, *fd;
	ssize_t n;

	msg[0] = '\0';
	if (vfio_host_path(proc, sizeof(proc), VFIO_HOST_PROC, "%s", "") < 0 ||
	    !(pd = opendir(proc)))
		return;
	while ((p = readdir(pd))) {
		if (strspn(p->d_name, "0123456789") != strlen(p->d_name) ||
		    atoi(p->d_name) == (int)getpid())
			continue;
		if (vfio_host_path(fd_dir, sizeof(fd_dir), VFIO_HOST_PROC, "%s/fd", p->d_name) <
			    0 ||
		    !(fd = opendir(fd_dir)))
			continue;
		while ((f = readdir(fd))) {
			if (f->d_name[0] == '.' || snprintf(path, sizeof(path), "%s/%s", fd_dir,
							    f->d_name) >= (int)sizeof(path))
				continue;
			n = readlink(path, link, sizeof(link) - 1);
			if (n < 0)
				continue;
			link[n] = '\0';
			if (strcmp(link, dev_path) != 0)
				continue;
			vfio_host_path(path, sizeof(path), VFIO_HOST_PROC, "%s/comm", p->d_name);
			if (vfio_host_read_line(path, comm, sizeof(comm)) < 0)
				strcpy(comm, "?");
			msg_add(msg, len, "%spid %s (%s)", msg[0] ? ", " : "", p->d_name, comm);
			break;
		}
		closedir(fd);
	}
	closedir(pd);
}

/* The network interfaces of @p bdf ("eth0, eth1"), "" when none. */
static void device_netdevs(const char *bdf, char *out, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	out[0] = '\0';
	if (vfio_host_pci_path(path, sizeof(path), bdf, "net") < 0 || !(d = opendir(path)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			msg_add(out, len, "%s%s", out[0] ? ", " : "", e->d_name);
	closedir(d);
}

int vfio_explain_device(const char *bdf, char *msg, size_t len)
{
	char path[PATH_MAX], drv[64], nets[128];
	struct vfio_group_info g;
	int ret;

	msg[0] = '\0';
	ret = vfio_group_of(bdf, &g);
	if (ret == -ENODEV) {
		vfio_host_pci_path(path, sizeof(path), bdf, "");
		msg_add(msg, len,
			"PCI device %s does not exist (no %s): check the address with "
			"`lspci -D` or `prt-devbind --status`",
			bdf, path);
		return -ENODEV;
	}
	vfio_host_pci_path(path, sizeof(path), bdf, "driver");
	if (vfio_host_link_name(path, drv, sizeof(drv)) < 0) {
		msg_add(msg, len,
			"PCI device %s is bound to no driver: load vfio-pci and bind it with "
			"`modprobe vfio-pci && prt-devbind --bind vfio-pci %s`",
			bdf, bdf);
		return -ENOENT;
	}
	if (strcmp(drv, "vfio-pci") != 0) {
		device_netdevs(bdf, nets, sizeof(nets));
		msg_add(msg, len,
			"PCI device %s is bound to its kernel driver %s%s%s%s, not to vfio-pci: "
			"run `prt-devbind --bind vfio-pci %s`",
			bdf, drv, nets[0] ? " (interface " : "", nets, nets[0] ? ")" : "", bdf);
		return -EBUSY;
	}
	if (ret == -ENOENT) {
		msg_add(msg, len,
			"PCI device %s is bound to vfio-pci but has no IOMMU group: the IOMMU is "
			"off and no-IOMMU mode was not enabled when it was bound",
			bdf);
		return -ENOENT;
	}
	msg_add(msg, len, "PCI device %s is bound to vfio-pci, IOMMU group %d%s", bdf, g.num,
		g.noiommu ? " (no-IOMMU)" : "");
	return 0;
}

/*
 * The advice for a VF whose group is not viable: @p pf_in_group when the PF
 * itself is among the devices spoiling it, else they are sibling VFs (or
 * other functions) the PF's missing ACS lets into the group.
 */
static void not_viable_vf(const char *bdf, const char *pf, bool pf_in_group, char *msg, size_t len)
{
	char drv[64];
	bool bound = vfio_host_pci_driver(pf, drv, sizeof(drv)) == 0;

	msg_add(msg, len,
		"; %s is a VF of PF %s (%s%s), which shares its group because the PF has no ACS "
		"isolation: ",
		bdf, pf, bound ? "driver " : "bound to no driver", bound ? drv : "");
	if (!bound)
		snprintf(drv, sizeof(drv), "its kernel driver");
	if (pf_in_group)
		msg_add(msg, len,
			"binding every device of the group to vfio-pci would take the PF from %s, "
			"the kernel driver that manages the VFs (unbinding it removes them); use a "
			"host whose platform has ACS (pcie_acs_override is not in mainline Linux), "
			"or no-IOMMU mode in a VM without a vIOMMU",
			drv);
	else
		msg_add(msg, len,
			"bind the other VFs to vfio-pci too (`prt-devbind --bind vfio-pci BDF`) or "
			"unbind them; the PF stays on %s",
			drv);
}

int vfio_explain_not_viable(int group, const char *bdf, char *msg, size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX], drv[64], pf[64], others[512] = "";
	bool vf = vfio_host_pci_physfn(bdf, pf, sizeof(pf)) == 0, pf_in_group = false;
	struct dirent *e;
	int n = 0;
	DIR *d;

	msg[0] = '\0';
	vfio_host_path(dir, sizeof(dir), VFIO_HOST_SYS, "kernel/iommu_groups/%d/devices", group);
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, bdf) == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s/driver", dir, e->d_name) >=
		    (int)sizeof(path))
			continue;
		if (vfio_host_link_name(path, drv, sizeof(drv)) < 0 || strcmp(drv, "vfio-pci") == 0)
			continue;
		msg_add(others, sizeof(others), "%s%s (bound to %s)", others[0] ? ", " : "",
			e->d_name, drv);
		pf_in_group |= vf && strcmp(e->d_name, pf) == 0;
		n++;
	}
	if (d)
		closedir(d);
	msg_add(msg, len,
		"IOMMU group %d of %s is not viable: every device in a group must be bound to "
		"vfio-pci or to no driver, ",
		group, bdf);
	if (others[0] && vf)
		msg_add(msg, len, "and %s", others);
	else if (others[0])
		msg_add(msg, len,
			"and %s; bind them to vfio-pci too (`prt-devbind --bind vfio-pci BDF`) or "
			"unbind them, or put the NIC in a slot with its own group",
			others);
	else
		msg_add(msg, len, "and a device of it is still in use by a kernel driver (see %s)",
			dir);
	if (others[0] && vf)
		not_viable_vf(bdf, pf, pf_in_group, msg, len);
	return n;
}

void vfio_explain_open(int err, const char *dev_path, const char *bdf, char *msg, size_t len)
{
	char sub[512];

	msg[0] = '\0';
	switch (err) {
	case EBUSY:
		vfio_explain_holders(dev_path, sub, sizeof(sub));
		msg_add(msg, len,
			"cannot open %s for %s: it is busy (EBUSY): %s%s; a VFIO group or device "
			"is used by one process at a time: stop that process or use another device",
			dev_path, bdf, sub[0] ? "held by " : "another process holds it", sub);
		break;
	case ENOENT:
	case ENODEV:
		vfio_explain_device(bdf, sub, sizeof(sub));
		msg_add(msg, len, "cannot open %s for %s: no such device node; %s", dev_path, bdf,
			sub);
		break;
	case EACCES:
		msg_add(msg, len,
			"cannot open %s for %s: permission denied (EACCES): run as root, or give "
			"your user the device nodes: `chown $USER %s` (type1 also needs "
			"/dev/vfio/vfio, iommufd /dev/iommu) and raise its memlock limit",
			dev_path, bdf, dev_path);
		break;
	case EPERM:
		if (strstr(dev_path, "noiommu") && !vfio_has_cap(CAP_SYS_RAWIO))
			msg_add(msg, len,
				"cannot open %s for %s: no-IOMMU groups need CAP_SYS_RAWIO (EPERM): "
				"run as root",
				dev_path, bdf);
		else
			msg_add(msg, len, "cannot open %s for %s: not permitted (EPERM)", dev_path,
				bdf);
		break;
	default:
		msg_add(msg, len, "cannot open %s for %s: %s", dev_path, bdf, strerror(err));
	}
}

void vfio_explain_memlock(uint64_t needed, char *msg, size_t len)
{
	uint64_t need_kib = (needed + 1023) / 1024;
	struct rlimit rl = { 0, 0 };
	char lim[32];

	msg[0] = '\0';
	getrlimit(RLIMIT_MEMLOCK, &rl);
	if (rl.rlim_cur == RLIM_INFINITY)
		snprintf(lim, sizeof(lim), "unlimited");
	else
		snprintf(lim, sizeof(lim), "%llu KiB", (unsigned long long)rl.rlim_cur / 1024);
	msg_add(msg, len,
		"pinning memory for DMA needs %llu KiB (%llu MiB) locked, but RLIMIT_MEMLOCK is "
		"%s: raise it with `ulimit -l %llu` in the shell that starts prt, `prlimit "
		"--memlock=%llu --pid PID`, memlock in /etc/security/limits.conf, or LimitMEMLOCK= "
		"for a systemd service (root with CAP_IPC_LOCK is not limited)",
		(unsigned long long)need_kib, (unsigned long long)(needed >> 20), lim,
		(unsigned long long)need_kib, (unsigned long long)need_kib * 1024);
}

int vfio_explain_noiommu(char *msg, size_t len)
{
	char path[PATH_MAX], val[16];

	msg[0] = '\0';
	vfio_host_path(path, sizeof(path), VFIO_HOST_SYS,
		       "module/vfio/parameters/enable_unsafe_noiommu_mode");
	if (vfio_host_read_line(path, val, sizeof(val)) < 0) {
		msg_add(msg, len,
			"no-IOMMU mode is not available: vfio is not loaded or was built without "
			"CONFIG_VFIO_NOIOMMU (no %s): `modprobe vfio enable_unsafe_noiommu_mode=1`",
			path);
		return -ENODEV;
	}
	if (val[0] != 'Y' && val[0] != '1') {
		msg_add(msg, len,
			"no-IOMMU mode is off (%s is %s): `echo 1 > %s`, then bind the device to "
			"vfio-pci again (its no-IOMMU group is made at bind time)",
			path, val, path);
		return -ENODEV;
	}
	if (!vfio_has_cap(CAP_SYS_RAWIO)) {
		msg_add(msg, len,
			"no-IOMMU mode is on but this process lacks CAP_SYS_RAWIO, which no-IOMMU "
			"groups need: run as root");
		return -EPERM;
	}
	msg_add(msg, len,
		"no-IOMMU mode is on: devices can DMA anywhere in memory; prt uses physical "
		"addresses");
	return 0;
}

/* "intel" or "amd" from /proc/cpuinfo, "" otherwise. */
static const char *cpu_vendor(void)
{
	char path[PATH_MAX], line[256];
	const char *v = "";
	FILE *f;

	vfio_host_path(path, sizeof(path), VFIO_HOST_PROC, "cpuinfo");
	f = fopen(path, "r");
	if (!f)
		return v;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "vendor_id", 9) != 0)
			continue;
		v = strstr(line, "GenuineIntel") ? "intel" :
		    strstr(line, "AuthenticAMD") ? "amd" :
						   "";
		break;
	}
	fclose(f);
	return v;
}

int vfio_explain_iommu(char *msg, size_t len)
{
	char path[PATH_MAX], cmdline[1024] = "", want[32];
	const char *vendor = cpu_vendor();
	struct dirent *e;
	int units = 0;
	DIR *d;

	msg[0] = '\0';
	/* Each IOMMU unit the kernel drives (dmar0, ivhd0, virtio-iommu) is in /sys/class/iommu. */
	vfio_host_path(path, sizeof(path), VFIO_HOST_SYS, "class/iommu");
	d = opendir(path);
	while (d && (e = readdir(d)))
		units += e->d_name[0] != '.';
	if (d)
		closedir(d);
	if (units > 0) {
		msg_add(msg, len, "the IOMMU is on (%d unit%s in %s)", units, units > 1 ? "s" : "",
			path);
		return 0;
	}
	snprintf(want, sizeof(want), "%s",
		 strcmp(vendor, "amd") == 0 ? "amd_iommu=on" : "intel_iommu=on");
	vfio_host_path(path, sizeof(path), VFIO_HOST_PROC, "cmdline");
	vfio_host_read_line(path, cmdline, sizeof(cmdline));
	if (strstr(cmdline, want))
		msg_add(msg, len,
			"the IOMMU is off although the kernel command line has %s: enable %s in "
			"the firmware set-up; in a VM, give it a virtual IOMMU (QEMU: -device "
			"intel-iommu) or use no-IOMMU mode",
			want, strcmp(vendor, "amd") == 0 ? "AMD-Vi/IOMMU" : "VT-d");
	else
		msg_add(msg, len,
			"the IOMMU is off: add `%s iommu=pt` to the kernel command line "
			"(GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub and reboot) and "
			"enable %s in the firmware; in a VM without a virtual IOMMU, use no-IOMMU "
			"mode",
			want, strcmp(vendor, "amd") == 0 ? "AMD-Vi/IOMMU" : "VT-d");
	return -ENODEV;
}

void vfio_explain_ioctl(const char *what, int err, char *msg, size_t len)
{
	const char *why;

	switch (err) {
	case ENOTTY:
		why = "this kernel does not know the request: it is older than prt needs "
		      "(iommufd device cdevs need Linux 6.6 or later)";
		break;
	case EINVAL:
		why = "the kernel refused the arguments (an IOMMU type or flag this kernel lacks, "
		      "or misaligned addresses)";
		break;
	case EPERM:
		why = "not permitted: no-IOMMU and IOMMU-backed groups cannot share a container, "
		      "and no-IOMMU needs CAP_SYS_RAWIO";
		break;
	case EBUSY:
		why = "busy: the device or group is already in use (by this process or another)";
		break;
	case ENODEV:
		why = "no such device: it was unbound or removed, or the IOMMU type is not there";
		break;
	default:
		why = strerror(err);
	}
	msg[0] = '\0';
	msg_add(msg, len, "%s refused (%s): %s", what,
		strerrorname_np(err) ? strerrorname_np(err) : "?", why);
}

int vfio_log_refusal(const char *what, int err)
{
	char msg[512];

	vfio_explain_ioctl(what, err, msg, sizeof(msg));
	PRT_LOG(ERR, PRT_LOGTYPE_VFIO, "%s", msg);
	return -err;
}

int vfio_explain_vf_token(const char *bdf, bool given, char *msg, size_t len)
{
	char path[PATH_MAX], pf[32], drv[64], num[16];
	const char *token = given ? "the UUID given with --vfio-vf-token is not the VF token" :
				    "opening it needs the VF token";

	msg[0] = '\0';
	if (vfio_host_pci_physfn(bdf, pf, sizeof(pf)) == 0) {
		if (vfio_host_pci_driver(pf, drv, sizeof(drv)) < 0 || strcmp(drv, "vfio-pci") != 0)
			return -ENOENT;
		msg_add(msg, len,
			"%s is a VF of %s, which is bound to vfio-pci: %s that the PF's user set; "
			"pass --vfio-vf-token UUID with the UUID the PF's user gave (DPDK's option, "
			"the same for both processes)",
			bdf, pf, token);
		return 0;
	}
	vfio_host_pci_path(path, sizeof(path), bdf, "sriov_numvfs");
	if (vfio_host_read_line(path, num, sizeof(num)) > 0 && strcmp(num, "0") != 0) {
		msg_add(msg, len,
			"%s is an SR-IOV PF whose VFs are in use through vfio-pci: %s they were "
			"opened with; pass --vfio-vf-token UUID with the UUID their users gave",
			bdf, token);
		return 0;
	}
	return -ENOENT;
}
