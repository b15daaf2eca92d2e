#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""prt's virtio-net PCI driver (net_virtio) on QEMU's virtio-net-pci
(disable-legacy=on) in the VM lab: testpmd-lite takes the NIC through VFIO
in the given mode and forwards in macswap mode what the host replays into
the tap; what comes back out of the tap must be every replayed frame, in
order, with its MAC addresses swapped and every other byte unchanged
(frames under 60 bytes may come back padded), and testpmd-lite must count
each of them once on rx and once on tx.

  virtio_test.py --vmlab TOOL --mode MODE [--nic virtio[/QEMU-PROP=V...]]
                 --testpmd PROG --pcap IN.pcap --workdir DIR [-- EXTRA TESTPMD-LITE OPTIONS]

EXTRA options go after testpmd-lite's "--" (e.g. --rx-intr: the forwarding
lcore sleeps on the rx queue's MSI-X vector when idle).
"""
import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from replay_test import compare, read_pcap  # noqa: E402

BDF = "0000:00:03.0"  # the first NIC of the lab


def macswap(f):
    return f[6:12] + f[0:6] + f[12:] if len(f) >= 12 else f


def main():
    p = argparse.ArgumentParser()
    for opt in ("--vmlab", "--mode", "--testpmd", "--pcap", "--workdir"):
        p.add_argument(opt, required=True)
    p.add_argument("--nic", default="virtio", help="the lab's --nics item, e.g. virtio/packed=on")
    p.add_argument("extra", nargs="*")
    a = p.parse_args()
    sent = read_pcap(a.pcap)
    Path(a.workdir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"virtio-{a.mode}-", dir=a.workdir))
    capture, log = tmp / "back.pcap", tmp / "guest.log"
    cmd = [a.vmlab, "run", "--skip-unavailable", "--mode", a.mode, "--nics", a.nic,
           "--tap", "--replay", a.pcap, "--capture", str(capture), "--share", str(tmp),
           "--timeout", "300", "--", a.testpmd, "-l", "0,1", "-a", BDF, "--",
           "--forward-mode=macswap", "--run-time=8"] + a.extra
    print(f"virtio_test: {a.mode} mode, {a.nic}, {len(sent)} frames, "
          f"testpmd-lite {' '.join(a.extra)}",
          flush=True)
    with open(log, "w") as f:
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT)
    out = log.read_text(errors="replace")
    print(out[-2500:])
    if r.returncode == 77:
        return 77
    problems = []
    if r.returncode != 0:
        problems.append(f"the VM lab or testpmd-lite failed (exit {r.returncode})")
    for what in ("RX-packets", "TX-packets"):
        m = re.search(what + r":\s+(\d+)", out)
        if m is None or int(m.group(1)) != len(sent):
            problems.append(f"testpmd-lite's {what}: {m.group(1) if m else 'missing'}, "
                            f"{len(sent)} frames were replayed")
    if capture.exists():
        problems += compare("the tap's capture of what prt sent back",
                            [macswap(f) for f in sent], read_pcap(capture))
    else:
        problems.append("no capture of what the guest sent")
    print(f"check virtio-macswap: {'FAIL' if problems else 'ok'}")
    for pr in problems:
        print(f"virtio_test: FAIL: {pr}")
    if not problems:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
