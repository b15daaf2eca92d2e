#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The emulated PCI NIC drivers (net_e1000e, net_igb, net_vmxnet3) on real
traffic in the VM lab: one guest boot per VFIO mode and NIC kind, with three
NICs of that kind (the first on the host's tap, two on QEMU's hub), running
tests/vm/intel_guest.py (txonly/rxonly pair; for the Intel ones link
interrupt, RSS and a broken device through tests/vm/intel_port;
rx-interrupt sleep and wake-up). The host replays
IN.pcap into the tap once the guest says "replay now"; every frame must come
back out of the tap, forwarded tap -> A -> B -> tap by testpmd-lite in io
mode, byte for byte and in order.

  intel_test.py --vmlab TOOL --mode MODE --nic e1000e|igb|vmxnet3 --testpmd PROG
                --port-prog PROG --pcap IN.pcap --rss-pcap MANY_FLOWS.pcap
                --workdir DIR
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from replay_test import compare, read_pcap  # noqa: E402

# RSS queues the test spreads over: all of the 82574's, four of the 82576's eight.
# vmxnet3 has no port check (intel_port drives the Intel controllers' registers),
# jumbo and multiqueue checks instead.
QUEUES = {"e1000e": 2, "igb": 4}
CHECKS = {"vmxnet3": "pair,jumbo,mq,rx-intr"}
# The lab's --timeout, and what of it the guest's script may use: the rest is
# for the boot (about 10 s under TCG on a loaded host), so that a hang inside
# the guest is diagnosed there (tests/vm/guest_proc.py) before the lab gives up.
# A run takes 25-60 s; a hung check takes up to 240 s to be diagnosed and
# ended (intel_guest.py CHECK_MAX). meson's timeout for the test (900 s)
# leaves room for the lab's one more boot after a lost vCPU (tools/vmlab).
LAB_TIMEOUT = 540
GUEST_TIME = LAB_TIMEOUT - 60


def main():
    p = argparse.ArgumentParser()
    for opt in ("--vmlab", "--mode", "--nic", "--testpmd", "--port-prog", "--pcap",
                "--rss-pcap", "--workdir"):
        p.add_argument(opt, required=True)
    a = p.parse_args()
    sent = read_pcap(a.pcap)
    Path(a.workdir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"intel-{a.mode}-{a.nic}-", dir=a.workdir))
    capture = tmp / "back.pcap"
    guest = Path(__file__).resolve().parent / "intel_guest.py"
    cmd = [a.vmlab, "run", "--skip-unavailable", "--mode", a.mode,
           "--nics", ",".join([a.nic] * 3), "--tap", "--replay", a.pcap, "--replay-pps", "200",
           "--capture", str(capture), "--ready", "^replay now", "--share", str(tmp),
           "--timeout", str(LAB_TIMEOUT), "--", "/usr/bin/python3", str(guest),
           "--testpmd", a.testpmd, "--port", a.port_prog, "--rss-pcap", a.rss_pcap,
           "--queues", str(QUEUES.get(a.nic, 1)), "--checks",
           CHECKS.get(a.nic, "pair,port,rx-intr"), "--expect", str(len(sent)), "--workdir", str(tmp),
           "--time-limit", str(GUEST_TIME)]
    print(f"intel_test: {a.nic} in {a.mode} mode", flush=True)
    r = subprocess.run(cmd)
    if r.returncode == 77:
        return 77
    problems = []
    if r.returncode != 0:
        problems.append(f"the guest's checks or the VM lab failed (exit {r.returncode})")
    if capture.exists():
        problems += compare("the tap's capture of what was forwarded", sent,
                            read_pcap(capture))
    else:
        problems.append("no capture of what the guest sent")
    print(f"check forward-frames: {'FAIL' if problems else 'ok'} "
          f"({len(sent)} frames replayed into the tap, compared with what came back)")
    for pr in problems:
        print(f"intel_test: FAIL: {pr}")
    if not problems:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
