#!/usr/bin/env python3
"""Checks what came out of a port test on veth (test_af_packet.sh, test_af_xdp.sh).

    veth_compare.py NAME IN.pcap OUT.pcap STATS.json TCPREPLAY_FAILED TCPDUMP.log [--macswap]

Every frame out must be the next frame in, byte for byte (with --macswap: with
its two MAC addresses swapped), in order. Frames may be missing only where a
stage counted them (a loaded machine makes the kernel drop frames at a full
ring): tcpreplay's send failures, testpmd-lite's imissed and frames it
received but could not send, tcpdump's kernel drops. A frame missing that
nobody counted fails the test.
"""
import json
import re
import struct
import sys


def frames(path):
    data = open(path, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(end + 'IIII', data[off:off + 16])
        yield data[off + 16:off + 16 + caplen]
        off += 16 + caplen


def macswap(b):
    return b[6:12] + b[0:6] + b[12:]


def main():
    name, inp, outp, statsp, failed, dumplog = sys.argv[1:7]
    swap = '--macswap' in sys.argv[7:]
    sent = [macswap(b) if swap else b for b in frames(inp)]
    got = list(frames(outp))
    stats = json.load(open(statsp))
    failed = int(failed)
    m = re.search(r"(\d+) packets? dropped by kernel", open(dumplog).read())
    dump_drops = int(m.group(1)) if m else 0
    imissed = sum(p["imissed"] for p in stats["ports"])
    fwd = stats["forward"]["packets"]
    not_fwd = sum(p["ipackets"] for p in stats["ports"]) - fwd
    print(f"{name}: {len(sent)} frames replayed ({failed} refused by the kernel), "
          f"{len(got)} came out")
    i = skipped = 0
    for k, b in enumerate(got):
        while i < len(sent) and sent[i] != b:
            i += 1
            skipped += 1
        if i == len(sent):
            sys.exit(f"FAIL: output frame {k} ({len(b)} bytes, {b[:32].hex()}...) was never "
                     "sent, or came out of order")
        i += 1
    skipped += len(sent) - i
    counted = failed + imissed + not_fwd + dump_drops
    if skipped != counted:
        sys.exit(f"FAIL: {skipped} frames did not come out; counted: tcpreplay failed to send "
                 f"{failed}, testpmd-lite missed {imissed} and did not send {not_fwd}, "
                 f"tcpdump dropped {dump_drops}")
    if fwd != len(got) + dump_drops:
        sys.exit(f"FAIL: testpmd-lite counted {fwd} frames forwarded, {len(got)} came out "
                 f"and tcpdump dropped {dump_drops}")
    if counted > failed:
        print(f"{name}: the machine was loaded: {imissed} missed at testpmd-lite's rings, "
              f"{not_fwd} not sent, {dump_drops} dropped at tcpdump, each counted")
    print(f"{name}: every frame forwarded {'macswapped' if swap else 'unchanged'} and in order")


main()
