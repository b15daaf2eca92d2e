#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""prt's 82576 VF driver (net_igbvf) in the VM lab, in one VFIO mode: one
guest boot with an igb PF on the guest kernel's igb and two of its VFs on
vfio-pci (tools/vmlab --nics igbvf:2), the PF's wire on the host's tap,
running tests/vm/igbvf_guest.py (VF to VF through the PF's switch;
rx-interrupt sleep and wake-up). The host replays a real capture with every
frame addressed to VF 0's MAC (52:54:00:56:00:00, what the lab gives VF 0)
once the guest says "replay now"; testpmd-lite on VF 0 forwards in macswap
mode, so every frame must come back out of the tap with its MAC addresses
swapped and every other byte unchanged, in order (frames under 60 bytes may
come back padded). Frames the tap cannot carry (over 1514 bytes) are left
out of the replay.

  igbvf_test.py --vmlab TOOL --mode MODE --testpmd PROG --refusals PROG --pcap IN.pcap
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
from virtio_test import TAP_MAX_FRAME, macswap, write_pcap  # noqa: E402

VF0_MAC = bytes.fromhex("525400560000")
# As intel_test.py: the lab's --timeout, of which the guest's checks may use
# all but the boot; meson's timeout (900 s) leaves room for a second boot.
LAB_TIMEOUT = 540


def main():
    p = argparse.ArgumentParser()
    for opt in ("--vmlab", "--mode", "--testpmd", "--refusals", "--pcap", "--workdir"):
        p.add_argument(opt, required=True)
    a = p.parse_args()
    frames = read_pcap(a.pcap)
    sent = [VF0_MAC + f[6:] for f in frames if 14 <= len(f) <= TAP_MAX_FRAME]
    Path(a.workdir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"igbvf-{a.mode}-", dir=a.workdir))
    replay, capture = tmp / "to-vf0.pcap", tmp / "back.pcap"
    write_pcap(replay, sent)
    guest = Path(__file__).resolve().parent / "igbvf_guest.py"
    cmd = [a.vmlab, "run", "--skip-unavailable", "--mode", a.mode, "--nics", "igbvf:2",
           "--tap", "--replay", str(replay), "--replay-pps", "200", "--capture", str(capture),
           "--ready", "^replay now", "--share", str(tmp), "--timeout", str(LAB_TIMEOUT), "--",
           "/usr/bin/python3", str(guest), "--testpmd", a.testpmd, "--refusals", a.refusals,
           "--expect", str(len(sent)),
           "--workdir", str(tmp)]
    print(f"igbvf_test: {a.mode} mode, {len(sent)} frames of {Path(a.pcap).name} to VF 0 "
          f"({len(frames) - len(sent)} left out: the tap cannot carry them)", flush=True)
    r = subprocess.run(cmd)
    if r.returncode == 77:
        return 77
    problems = []
    if r.returncode != 0:
        problems.append(f"the guest's checks or the VM lab failed (exit {r.returncode})")
    if capture.exists():
        problems += compare("the tap's capture of what VF 0 sent back",
                            [macswap(f) for f in sent], read_pcap(capture))
    else:
        problems.append("no capture of what the guest sent")
    print(f"check vf-macswap-frames: {'FAIL' if problems else 'ok'} "
          f"({len(sent)} frames replayed into the PF's wire, compared with what came back)")
    for pr in problems:
        print(f"igbvf_test: FAIL: {pr}")
    if not problems:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
