#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Inside a VM lab guest (tools/vmlab run --tap --nics igbvf:2): prt's
net_igbvf on two VFs of one 82576 PF held by the guest kernel's igb, the
PF's wire on the host's tap. Runs by tests/vm/igbvf_test.py, which replays
a capture addressed to VF 0 into the tap and records what comes back.

Checks, each reported as "check NAME: ok|FAIL ...":
  pair           testpmd-lite txonly on VF 1 to VF 0's MAC, rxonly on VF 0
                 (two processes): VF 0 received every frame VF 1 sent,
                 through the PF's switch (the VM-to-VM path of an NFV host)
  rx-intr-idle   testpmd-lite macswap on VF 0 with --rx-intr: the process
                 uses (almost) no CPU in 5 s without traffic
  rx-intr-wake   then, after "replay now" (the host replays EXPECT frames),
                 every frame is received and sent back (the host compares
                 them frame by frame)
  pf-reset       rxonly on VF 0 while the PF's interface goes down and up
                 (Linux's igb resets the PF): the driver notices (its log
                 line, xstat vf_pf_resets 1) and the port stops cleanly
  pair-after-pf-reset  the pair check again, with new processes: the VFs
                 come back through the RESET handshake
  vf-unplug      rxonly on VF 0 while the PF's VFs are removed (echo 0 >
                 sriov_numvfs): the device-request interrupt stops the port
                 (link-down, then removal event), testpmd-lite exits 0 and
                 the VFs are gone
  devbind-vfs    prt-devbind --vfs PF 2 on the PF (igb): two VFs made and
                 each bound to vfio-pci, in an IOMMU group; --vfs PF 0 takes
                 them away; a PF on vfio-pci without enable_sriov is refused
                 with the parameter named
  vf-token       the PF moved to vfio-pci (enable_sriov=1) with one VF, also
                 on vfio-pci by prt-devbind --vfs PF 1, which names
                 --vfio-vf-token: tests/vm/vfio_refusals.c's vf-token case (the
                 PF's user sets the token, the VF opens with it, without it
                 or with another it is refused with a message that names
                 --vfio-vf-token; so is the PF while its VF is in use)
Helpers (bounded waits, diagnosis of a hang) are tests/vm/intel_guest.py's.
Exit status: 0 when every check passed, 1 otherwise.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import intel_guest  # noqa: E402
from guest_cpu import CpuWatch  # noqa: E402
from intel_guest import STOP_TIMEOUT, check, cpu_seconds, pair_check, start  # noqa: E402


def macswap_intr_check(a, eal, nic):
    js = f"{a.workdir}/macswap.json"
    fwd = start([a.testpmd] + eal + ["-a", nic, "--", "--forward-mode=macswap", "--rx-intr",
                                     "--stats-period=1", f"--json-stats={js}"],
                f"{a.workdir}/macswap.log", "macswap testpmd-lite")
    if fwd is None:
        check("rx-intr-idle", False, "testpmd-lite did not start")
        return
    time.sleep(1)  # the worker goes to sleep after 256 idle passes
    c0 = cpu_seconds(fwd.pid)
    time.sleep(5)
    used = cpu_seconds(fwd.pid) - c0
    check("rx-intr-idle", used < 0.5, f"{used:.2f} s of CPU in 5 s without traffic")
    print("replay now", flush=True)  # the host's --ready
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not fwd.wait_line(
            f"port 0: rx {a.expect:12d} pkts", 0.5):
        pass
    time.sleep(1)
    status = fwd.finish(STOP_TIMEOUT)
    if status != 0:
        check("rx-intr-wake", False, f"testpmd-lite exited {status}")
        return
    port = json.load(open(js))["ports"][0]
    counts = (port["ipackets"], port["opackets"])
    check("rx-intr-wake", counts == (a.expect, a.expect),
          f"{a.expect} frames replayed to VF 0; (rx, tx): {counts}")


def pf_reset_check(a, eal, nic, pf):
    pfdev = next(iter(os.listdir(f"/sys/bus/pci/devices/{pf}/net")))
    rx = start([a.testpmd] + eal + ["-a", nic, "--", "--forward-mode=rxonly",
                                    "--stats-period=1"],
               f"{a.workdir}/pf-reset.log", "rxonly testpmd-lite")
    if rx is None:
        check("pf-reset", False, "testpmd-lite did not start")
        return
    for state in ("down", "up"):
        subprocess.run(["/usr/sbin/ip", "link", "set", "dev", pfdev, state], check=True)
        time.sleep(1)
    seen = rx.wait_line("the PF reset", 30)
    status = rx.finish(STOP_TIMEOUT)
    # the PF answers its VFs again once it is up with its link (igb's watchdog)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and \
            Path(f"/sys/class/net/{pfdev}/carrier").read_text().strip() != "1":
        time.sleep(0.5)
    m = re.search(r"vf_pf_resets\s+(\d+)", rx.output())
    resets = int(m.group(1)) if m else 0
    check("pf-reset", seen and status == 0 and resets == 1,
          f"{pfdev} down and up: the driver {'said' if seen else 'did not say'} so, "
          f"vf_pf_resets {resets}, exit {status}")


def unplug_check(a, eal, nic, pf):
    rx = start([a.testpmd] + eal + ["-a", nic, "--", "--forward-mode=rxonly",
                                    "--run-time=20"],
               f"{a.workdir}/unplug.log", "rxonly testpmd-lite")
    if rx is None:
        check("vf-unplug", False, "testpmd-lite did not start")
        return
    numvfs = f"/sys/bus/pci/devices/{pf}/sriov_numvfs"
    # the write returns once every VF is gone, so once prt let go of VF 0
    writer = subprocess.Popen(["/bin/sh", "-c", f"echo 0 > {numvfs}"])
    status = rx.finish(STOP_TIMEOUT + 20, interrupt=False)
    try:
        wrote = writer.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        writer.kill()
        wrote = None
    out = rx.output()
    lines = out.splitlines()
    down = "Port 0: link state change event: link down" in lines
    removed = "Port 0: device removal event" in lines
    left = Path(numvfs).read_text().strip()
    check("vf-unplug", down and removed and status == 0 and wrote == 0 and left == "0",
          f"link-down event {'seen' if down else 'missing'}, removal event "
          f"{'seen' if removed else 'missing'}, testpmd-lite exit {status}, "
          f"sriov_numvfs write {wrote}, {left} VFs left")


DEVBIND = Path(__file__).resolve().parents[2] / "tools" / "prt-devbind"


def devbind(*args):
    """prt-devbind's exit status and output (stdout and stderr)."""
    r = subprocess.run([str(DEVBIND), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=60)
    print(r.stdout, end="", flush=True)
    return r.returncode, r.stdout


def driver(bdf):
    d = Path(f"/sys/bus/pci/devices/{bdf}/driver")
    return d.resolve().name if d.exists() else None


def devbind_vfs_check(pf):
    """prt-devbind --vfs on the PF on igb: VFs made and given to vfio-pci, then taken away."""
    dev = Path(f"/sys/bus/pci/devices/{pf}")
    status, out = devbind("--vfs", pf, "2")
    vfs = [os.path.basename(os.readlink(dev / f"virtfn{i}")) for i in range(2)
           if (dev / f"virtfn{i}").exists()]
    bound = [v for v in vfs if driver(v) == "vfio-pci" and f"{v}: bound to vfio-pci, IOMMU group"
             in out]
    made = status == 0 and len(bound) == 2
    status0, _ = devbind("--vfs", pf, "0")
    gone = status0 == 0 and (dev / "sriov_numvfs").read_text().strip() == "0"
    check("devbind-vfs", made and gone and driver(pf) == "igb",
          f"--vfs {pf} 2: exit {status}, VFs {vfs}, on vfio-pci {bound}; --vfs {pf} 0: exit "
          f"{status0}, {'none left' if gone else 'VFs left'}; PF on {driver(pf)}")


def vf_token_check(a, vf, pf):
    """The PF on vfio-pci with one VF (prt-devbind --vfs), then vfio_refusals' vf-token case."""
    try:
        if devbind("--force", "--bind", "vfio-pci", pf)[0] != 0:
            raise OSError(f"prt-devbind could not bind {pf} to vfio-pci")
        param = Path("/sys/module/vfio_pci/parameters/enable_sriov")
        param.write_text("0")
        status, out = devbind("--vfs", pf, "1")
        if status == 0 or "enable_sriov" not in out:
            raise OSError(f"--vfs on a vfio-pci PF without enable_sriov: exit {status}, "
                          "the parameter not named")
        param.write_text("1")
        status, out = devbind("--vfs", pf, "1")
        if status != 0 or driver(vf) != "vfio-pci" or "--vfio-vf-token" not in out:
            raise OSError(f"--vfs {pf} 1: exit {status}, {vf} on {driver(vf)}, "
                          "--vfio-vf-token not named")
    except (OSError, subprocess.SubprocessError) as e:
        check("vf-token", False, f"moving the PF {pf} to vfio-pci with a VF {vf}: {e}")
        return
    env = dict(os.environ, PRT_VMLAB_NICS=vf)
    r = subprocess.run([a.refusals, "vf-token"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    Path(f"{a.workdir}/vf-token.log").write_text(r.stdout)
    fails = [l for l in r.stdout.splitlines() if l.startswith("FAIL")]
    check("vf-token", r.returncode == 0,
          f"PF {pf} and VF {vf} on vfio-pci: " + ("; ".join(fails) if fails else
                                                  f"exit {r.returncode}"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--testpmd", required=True)
    p.add_argument("--refusals", required=True)
    p.add_argument("--expect", type=int, required=True)
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    intel_guest.cpu_watch = CpuWatch()
    mode = os.environ["PRT_VMLAB_MODE"]
    nics = os.environ["PRT_VMLAB_NICS"].split()
    macs = os.environ["PRT_VMLAB_NIC_MACS"].split()
    if len(nics) != 2:
        print(f"igbvf_guest: 2 VFs needed, PRT_VMLAB_NICS is {nics}")
        return 1
    eal = ["-l", "0-1", "-m", "64", f"--vfio-mode={mode}"]
    pair_check(a, eal, nics[1], nics[0], tx_extra=[f"--eth-peer=0,{macs[0]}"])
    macswap_intr_check(a, eal, nics[0])
    pf = os.environ["PRT_VMLAB_IGBVF_PFS"].split()[0]
    pf_reset_check(a, eal, nics[0], pf)
    pair_check(a, eal, nics[1], nics[0], tx_extra=[f"--eth-peer=0,{macs[0]}"],
               name="pair-after-pf-reset")
    unplug_check(a, eal, nics[0], pf)  # the VFs are gone after it
    devbind_vfs_check(pf)
    vf_token_check(a, nics[0], pf)  # last: the PF is on vfio-pci after it
    failed = intel_guest.failed
    print(f"igbvf_guest: {len(failed)} check(s) failed{': ' + ', '.join(failed) if failed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
