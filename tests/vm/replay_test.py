#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The VM lab's traffic tests: a real capture replayed from the host into the
tap must arrive intact on the guest's NIC, and what the guest sends back must
arrive intact on the host; with --hub, sent from one guest NIC it must arrive
intact on another one, through QEMU's hub, in both directions.

  replay_test.py --vmlab TOOL --capture-prog PKT_CAPTURE --pcap IN.pcap
                 --workdir DIR [--mode MODE] [--nic e1000e] [--hub igb]

The NIC stays on its kernel driver (there is no prt driver yet); pkt_capture
records it with AF_PACKET into a pcap in DIR (shared into the guest) and echoes
every frame back; tools/vmlab's --capture records on the host what the guest
sent. Both are compared frame by frame, byte for byte, with IN. The one
allowed difference: a frame shorter than 60 bytes may come back padded with
zeros to 60 (Ethernet's minimum; the NIC pads what it receives or sends).
"""
import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path


def read_pcap(path):
    """Frames (bytes) of a classic pcap file, any byte order, us or ns."""
    data = Path(path).read_bytes()
    if len(data) < 24:
        raise ValueError(f"{path}: not a pcap file ({len(data)} bytes)")
    for endian in ("<", ">"):
        magic = struct.unpack(endian + "I", data[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            break
    else:
        raise ValueError(f"{path}: not a pcap file (magic {data[:4].hex()})")
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0xFFFF
    if linktype != 1:
        raise ValueError(f"{path}: link type {linktype}, not Ethernet")
    frames, off = [], 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        frames.append(data[off:off + caplen])
        off += caplen
    return frames


def same(sent, got):
    if got == sent:
        return True
    return len(sent) < 60 and len(got) == 60 and got == sent + bytes(60 - len(sent))


def normalized(frames):
    return sorted(f + bytes(60 - len(f)) if len(f) < 60 else f for f in frames)


def compare(what, sent, got):
    """Problems (strings) found comparing the list got with sent.

    The same frames in another order pass, with a note: a NIC with several
    receive queues (igb, e1000e) spreads flows over them by RSS, and the
    kernel driver's queues are served by different CPUs, so the order
    across flows is not kept. Every byte of every frame still is compared."""
    if len(sent) == len(got) and not all(same(s, g) for s, g in zip(sent, got)) \
            and normalized(sent) == normalized(got):
        moved = sum(1 for s, g in zip(sent, got) if not same(s, g))
        print(f"replay_test: note: {what}: all frames intact, {moved} of them in "
              "another order (RSS queues)")
        return []
    problems = []
    for i in range(min(len(sent), len(got))):
        if not same(sent[i], got[i]):
            at = next((j for j in range(min(len(sent[i]), len(got[i])))
                       if sent[i][j] != got[i][j]), min(len(sent[i]), len(got[i])))
            problems.append(f"{what}: frame {i} differs ({len(sent[i])} bytes sent, "
                            f"{len(got[i])} received; first difference at byte {at})")
            if len(problems) >= 5:
                break
    if len(got) != len(sent):
        problems.append(f"{what}: {len(got)} frames, {len(sent)} sent")
    return problems


def hub_test(a):
    sent = read_pcap(a.pcap)
    Path(a.workdir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="hub-", dir=a.workdir))
    cap = a.capture_prog
    # In the guest: capture on one NIC, send from the other, then the other
    # way round. PRT_VMLAB_NICS holds the two BDFs.
    script = f"""
set -e
set -- $PRT_VMLAB_NICS
one() {{ # from to out
    : >"$3.log"
    {cap} "$2" "$3" {len(sent)} 120 >"$3.log" 2>&1 &
    pid=$!
    end=$(($(date +%s) + 90))
    until grep -q '^capture ready' "$3.log"; do
        if [ "$(date +%s)" -ge $end ] || ! kill -0 $pid 2>/dev/null; then
            echo "hub test: the capture on $2 did not get ready; its output:"
            cat "$3.log"
            exit 1
        fi
        sleep 0.2
    done
    {cap} --send "$1" {a.pcap}
    wait $pid || {{ echo "hub test: the capture on $2 failed; its output:"; cat "$3.log"; exit 1; }}
    cat "$3.log"
}}
one "$1" "$2" {tmp}/fwd.pcap
one "$2" "$1" {tmp}/back.pcap
"""
    try:
        cmd = [a.vmlab, "run", "--skip-unavailable", "--mode", a.mode,
               "--nics", f"{a.nic}:kernel,{a.hub}:kernel", "--share", str(tmp),
               "--timeout", "300", "--", "sh", "-c", script]
        print(f"replay_test: {a.nic} -> {a.hub} and back, through QEMU's hub", flush=True)
        r = subprocess.run(cmd)
        if r.returncode == 77:
            return 77
        if r.returncode != 0:
            print(f"replay_test: FAIL: the VM lab run exited with {r.returncode}")
            return 1
        problems = compare(f"{a.hub}'s capture of what {a.nic} sent", sent,
                           read_pcap(tmp / "fwd.pcap"))
        problems += compare(f"{a.nic}'s capture of what {a.hub} sent", sent,
                            read_pcap(tmp / "back.pcap"))
        if problems:
            print("replay_test: FAIL:\n  " + "\n  ".join(problems))
            return 1
        print(f"replay_test: {len(sent)} frames of {Path(a.pcap).name} went from "
              f"{a.nic} to {a.hub} and from {a.hub} to {a.nic} intact")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vmlab", required=True)
    p.add_argument("--capture-prog", required=True)
    p.add_argument("--pcap", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--mode", default="noiommu")
    p.add_argument("--nic", default="e1000e")
    p.add_argument("--hub", metavar="NIC", help="the second NIC, joined to --nic by the hub")
    a = p.parse_args()
    if a.hub:
        return hub_test(a)

    sent = read_pcap(a.pcap)
    Path(a.workdir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="replay-", dir=a.workdir))
    try:
        guest_pcap, host_pcap = tmp / "guest.pcap", tmp / "host.pcap"
        cmd = [a.vmlab, "run", "--skip-unavailable", "--mode", a.mode,
               "--nics", f"{a.nic}:kernel", "--tap", "--share", str(tmp),
               "--replay", a.pcap, "--capture", str(host_pcap),
               "--ready", "^capture ready", "--timeout", "300", "--",
               a.capture_prog, "--echo", "0000:00:03.0", str(guest_pcap),
               str(len(sent)), "120"]
        print("replay_test: " + " ".join(cmd), flush=True)
        r = subprocess.run(cmd)
        if r.returncode == 77:
            return 77
        if r.returncode != 0:
            print(f"replay_test: FAIL: the VM lab run exited with {r.returncode}")
            return 1
        problems = compare("guest's capture", sent, read_pcap(guest_pcap))
        problems += compare("host's capture of the echo", sent, read_pcap(host_pcap))
        if problems:
            print("replay_test: FAIL:\n  " + "\n  ".join(problems))
            return 1
        print(f"replay_test: {len(sent)} frames ({sum(map(len, sent))} bytes) of "
              f"{Path(a.pcap).name} arrived intact in the guest and back on the host")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
