#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""prt's virtio-net PCI driver (net_virtio) on QEMU's virtio-net-pci
(disable-legacy=on) in the VM lab, or with --nic vmxnet3 prt's net_vmxnet3
on QEMU's vmxnet3: testpmd-lite takes the NIC through VFIO
in the given mode and forwards in macswap mode what the host replays into
the tap; what comes back out of the tap must be every replayed frame with
its MAC addresses swapped and every other byte unchanged (frames under 60
bytes may come back padded), and testpmd-lite must count each of them once
on rx and once on tx.

With --queues N (N > 1) the tap is a multiqueue one and the NIC has N queue
pairs (tools/vmlab --tap-queues N: QEMU's mq=on); testpmd-lite forwards
each rx queue to its tx queue. The host kernel spreads the replayed flows
over the tap's queues by flow hash, so frames of different flows may come
back in another order: the frames must come back as a multiset, each TCP or
UDP flow in its order, and every rx queue must have received frames.
Frames the tap cannot carry (under 14 bytes, over 1514) are left out of the
replay.

  virtio_test.py --vmlab TOOL --mode MODE [--nic virtio[/QEMU-PROP=V...]] [--queues N]
                 --testpmd PROG --pcap IN.pcap --workdir DIR [-- EXTRA TESTPMD-LITE OPTIONS]

EXTRA options go after testpmd-lite's "--" (e.g. --rx-intr: the forwarding
lcore sleeps on the rx queues' MSI-X vectors when idle).
"""
import argparse
import collections
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from replay_test import compare, normalized, read_pcap, same  # noqa: E402

BDF = "0000:00:03.0"  # the first NIC of the lab
TAP_MAX_FRAME = 1514  # the lab's tap has MTU 1500


def macswap(f):
    return f[6:12] + f[0:6] + f[12:] if len(f) >= 12 else f


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", i // 1000, (i % 1000) * 1000, len(fr), len(fr)))
            f.write(fr)


def flow_of(f):
    """(addresses, protocol, ports) of an unfragmented TCP or UDP frame over
    IPv4 or IPv6 with a sound header; None for every other frame. The host
    hashes these fields to pick a tap queue, so frames with one key stay on
    one queue and keep their order; for other frames no order is claimed."""
    if len(f) < 14:
        return None
    etype = f[12:14]
    if etype == b"\x08\x00" and len(f) >= 34:
        ihl = (f[14] & 15) * 4
        frag = struct.unpack(">H", f[20:22])[0] & 0x3FFF  # MF or an offset
        if f[14] >> 4 != 4 or ihl < 20 or frag or f[23] not in (6, 17) or \
                len(f) < 14 + ihl + 4:
            return None
        return (f[26:34], f[23], f[14 + ihl:14 + ihl + 4])
    if etype == b"\x86\xdd" and len(f) >= 58 and f[20] in (6, 17) and f[14] >> 4 == 6:
        return (f[22:54], f[20], f[54:58])
    return None


def compare_flows(want, got):
    """Problems comparing what came back (got) with what should (want), frames
    of different flows allowed in another order."""
    if normalized(want) != normalized(got):
        return [f"the frames that came back ({len(got)}) are not the {len(want)} sent, "
                "MAC addresses swapped (compared as a multiset)"]
    problems = []
    by_flow = collections.defaultdict(lambda: ([], []))
    for side, frames in ((0, want), (1, got)):
        for f in frames:
            key = flow_of(f)
            if key is not None:
                by_flow[key][side].append(f)
    for key, (w, g) in by_flow.items():
        if len(w) != len(g) or not all(same(a, b) for a, b in zip(w, g)):
            problems.append(f"a flow of {len(w)} frames came back out of order")
    ordered = sum(len(w) for w, _ in by_flow.values())
    print(f"virtio_test: {len(got)} frames back as sent (as a multiset); {len(by_flow)} "
          f"TCP/UDP flows ({ordered} frames) each in its order")
    return problems[:5]


def port_counts(out):
    """RX-packets and TX-packets of port 0, and each stream's RX-packets by rx queue."""
    block = out.split("Forward statistics for port 0", 1)
    tail = block[1] if len(block) == 2 else ""
    counts = []
    for what in ("RX-packets", "TX-packets"):
        m = re.search(what + r":\s+(\d+)", tail)
        counts.append(int(m.group(1)) if m else None)
    streams = {int(q): int(n) for q, n in re.findall(
        r"RX Port= 0/Queue= (\d+) -> TX Port= 0/Queue= \d+ -+\s*RX-packets:\s+(\d+)", out)}
    return counts[0], counts[1], streams


def main():
    p = argparse.ArgumentParser()
    for opt in ("--vmlab", "--mode", "--testpmd", "--pcap", "--workdir"):
        p.add_argument(opt, required=True)
    p.add_argument("--nic", default="virtio", help="the lab's --nics item, e.g. virtio/packed=on")
    p.add_argument("--queues", type=int, default=1, help="queue pairs (a multiqueue tap)")
    p.add_argument("extra", nargs="*")
    a = p.parse_args()
    frames = read_pcap(a.pcap)
    sent = [f for f in frames if 14 <= len(f) <= TAP_MAX_FRAME]
    Path(a.workdir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"virtio-{a.mode}-", dir=a.workdir))
    capture, log = tmp / "back.pcap", tmp / "guest.log"
    replay = a.pcap
    if len(sent) != len(frames):
        replay = tmp / "replay.pcap"
        write_pcap(replay, sent)
    queues = [f"--rxq={a.queues}", f"--txq={a.queues}"] if a.queues > 1 else []
    cmd = [a.vmlab, "run", "--skip-unavailable", "--mode", a.mode, "--nics", a.nic,
           "--tap", "--tap-queues", str(a.queues), "--replay", str(replay),
           "--capture", str(capture), "--share", str(tmp),
           "--timeout", "300", "--", a.testpmd, "-l", "0,1", "-a", BDF, "--",
           "--forward-mode=macswap", "--run-time=8"] + queues + a.extra
    print(f"virtio_test: {a.mode} mode, {a.nic}, {a.queues} queue pair(s), {len(sent)} "
          f"frames of {Path(a.pcap).name} ({len(frames) - len(sent)} left out: the tap "
          f"cannot carry them), testpmd-lite {' '.join(queues + a.extra)}", flush=True)
    with open(log, "w") as f:
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT)
    out = log.read_text(errors="replace")
    print(out[-2500:])
    if r.returncode == 77:
        return 77
    problems = []
    if r.returncode != 0:
        problems.append(f"the VM lab or testpmd-lite failed (exit {r.returncode})")
    rx, tx, streams = port_counts(out)
    for what, n in (("RX-packets", rx), ("TX-packets", tx)):
        if n != len(sent):
            problems.append(f"testpmd-lite's {what}: {'missing' if n is None else n}, "
                            f"{len(sent)} frames were replayed")
    if a.queues > 1:
        idle = [q for q in range(a.queues) if not streams.get(q)]
        if idle:
            problems.append(f"rx queue(s) {idle} received nothing (per stream: {streams}); "
                            "the tap spreads flows over its queues: a capture with more "
                            "flows is needed, or the driver did not set the queue pairs")
        if sum(streams.values()) != len(sent):
            problems.append(f"the streams received {sum(streams.values())} frames in all "
                            f"({streams}), {len(sent)} were replayed")
    want = [macswap(f) for f in sent]
    if not capture.exists():
        problems.append("no capture of what the guest sent")
    elif a.queues > 1:
        problems += compare_flows(want, read_pcap(capture))
    else:
        problems += compare("the tap's capture of what prt sent back", want, read_pcap(capture))
    print(f"check virtio-macswap: {'FAIL' if problems else 'ok'}"
          + (f" (frames per rx queue: {streams})" if a.queues > 1 else ""))
    for pr in problems:
        print(f"virtio_test: FAIL: {pr}")
    if not problems:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
